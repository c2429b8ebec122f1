"""Helpers for the experience tests: attendance written as the door writes it (check-in log rows)."""
import pytest

from leye_events.accounts.models import Role
from leye_events.checkin.models import CheckIn, CheckInMethod, CheckInResult
from leye_events.core.timeutil import utcnow
from leye_events.extensions import db

from ..factories import make_user


def attend(registration, sessions=None) -> None:
    """Record successful check-ins of ``registration`` for ``sessions`` (default: every session)."""
    event = registration.event
    staff = make_user(Role.DOOR, station=event.station)
    for session in sessions if sessions is not None else event.sessions:
        db.session.add(CheckIn(event_id=event.id, session_id=session.id, registration_id=registration.id,
                               result=CheckInResult.OK, method=CheckInMethod.QR, staff_id=staff.id,
                               scanned_at=utcnow()))
    db.session.commit()


@pytest.fixture
def attended():
    return attend
