"""Signals of the check-in log, for features that react to attendance (the seeker's case)."""
from blinker import signal

attendance_recorded = signal("attendance-recorded")  # sender: the successful CheckIn; ``facts``: a dict or None
attendance_withdrawn = signal("attendance-withdrawn")  # sender: the undone CheckIn
