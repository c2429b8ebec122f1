"""Signals of booking, for features that react to it (notifications, cases)."""
from blinker import signal

registration_promoted = signal("registration-promoted")  # sender: the Registration confirmed from the waitlist
registration_cancelled = signal("registration-cancelled")  # sender: the Registration just cancelled; kwargs: actor
registration_created = signal("registration-created")  # sender: a new Registration (confirmed or waitlisted)
