"""Signals of booking, for features that react to it (notifications, cases)."""
from blinker import signal

registration_promoted = signal("registration-promoted")  # sender: the Registration confirmed from the waitlist
registration_created = signal("registration-created")  # sender: a new Registration (confirmed or waitlisted)
