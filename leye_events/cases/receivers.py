"""Attendance and applications on the case, written in the sender's own transaction through its signals."""
from ..checkin.signals import attendance_recorded, attendance_withdrawn
from ..employers.signals import application_result_recorded, application_submitted


@attendance_recorded.connect
def _on_attendance_recorded(checkin, facts=None, **_kwargs):
    from .services import record_attendance

    record_attendance(checkin, facts)


@attendance_withdrawn.connect
def _on_attendance_withdrawn(checkin, **_kwargs):
    from .services import withdraw_attendance

    withdraw_attendance(checkin)


@application_submitted.connect
def _on_application_submitted(application, actor=None, **_kwargs):
    from .applications import record_application

    record_application(application, actor)


@application_result_recorded.connect
def _on_application_result(application, actor=None, note="", **_kwargs):
    from .applications import record_application_result

    record_application_result(application, actor, note)
