"""Booking: registrations, capacity and the waitlist."""
