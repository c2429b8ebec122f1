"""Builders for check-in tests: an event whose door is open now."""
from datetime import timedelta

from leye_events.accounts.models import Role

from ..factories import make_event, make_registration, make_user


def open_event(sessions: int = 1, **kw):
    """A published event whose first session started ten minutes ago (the door is open)."""
    return make_event(sessions=sessions, starts_in=timedelta(minutes=-10), **kw)


def door_staff(event, role=Role.DOOR):
    return make_user(role, station=event.station)


def ticket(event, **kw):
    return make_registration(event, **kw)
