"""Signals of the employers feature, for features that react (cases, notifications).

Receivers run inside the sender's transaction: what they write commits or rolls back with it.
"""
from blinker import signal

interview_booked = signal("interview-booked")  # sender: the InterviewBooking
application_submitted = signal("application-submitted")  # sender: the Application; kwargs: actor
application_result_recorded = signal("application-result-recorded")  # sender: the Application; actor, note
