"""Booking: registrations, capacity and the waitlist."""

from . import receivers  # noqa: E402,F401  (booking guards and follows every change of an event)
