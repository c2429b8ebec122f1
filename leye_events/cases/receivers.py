"""Attendance and applications on the case, written in the sender's own transaction through its signals."""
from ..checkin.signals import attendance_recorded, attendance_withdrawn
from ..employers.signals import application_result_recorded, application_submitted
from .applications import record_application, record_application_result
from .operations import record_attendance, withdraw_attendance


@attendance_recorded.connect
def _on_attendance_recorded(checkin, facts=None, **_kwargs):
    record_attendance(checkin, facts)


@attendance_withdrawn.connect
def _on_attendance_withdrawn(checkin, **_kwargs):
    withdraw_attendance(checkin)


@application_submitted.connect
def _on_application_submitted(application, actor=None, **_kwargs):
    record_application(application, actor)


@application_result_recorded.connect
def _on_application_result(application, actor=None, note="", **_kwargs):
    record_application_result(application, actor, note)
