"""Attendance on the case, written in the check-in's own transaction through its signals."""
from ..checkin.signals import attendance_recorded, attendance_withdrawn


@attendance_recorded.connect
def _on_attendance_recorded(checkin, **_kwargs):
    from .services import record_attendance

    record_attendance(checkin)


@attendance_withdrawn.connect
def _on_attendance_withdrawn(checkin, **_kwargs):
    from .services import withdraw_attendance

    withdraw_attendance(checkin)
