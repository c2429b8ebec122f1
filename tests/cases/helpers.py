"""Builders for case tests: stations with staff, seekers, check-ins through the real operation."""
from datetime import timedelta

from leye_events.accounts.models import Role
from leye_events.checkin.models import CheckInMethod
from leye_events.checkin.services import Scan, check_in
from leye_events.extensions import db

from ..factories import make_event, make_registration, make_station, make_user


class Station:
    """A station with one account of each staff role."""

    def __init__(self, **kw):
        self.station = make_station(**kw)
        self.counselor = make_user(Role.COUNSELOR, station=self.station)
        self.organizer = make_user(Role.ORGANIZER, station=self.station)
        self.door = make_user(Role.DOOR, station=self.station)

    def seeker(self, **kw):
        return make_user(Role.SEEKER, station=self.station, **kw)


def past_event(station, *, sessions=1, days_ago=1, **kw):
    """An event whose sessions (one a day) all ended; the last one ``days_ago`` days ago."""
    return make_event(station, sessions=sessions, starts_in=timedelta(days=-(days_ago + sessions - 1)), **kw)


def attend(registration, session, staff, *, nonce=None):
    """Check ``registration`` in at ``session`` (during it, replaying the past as the demo seed does)
    through the check-in operation; commits."""
    moment = session.starts_at + timedelta(minutes=5)
    outcome = check_in(
        Scan(code=registration.ticket_code, event_id=registration.event_id, session_id=session.id,
             scanned_at=moment, nonce=nonce, method=CheckInMethod.OFFLINE), staff=staff, now=moment)
    db.session.commit()
    return outcome


def register(event, seeker, **kw):
    return make_registration(event, seeker, **kw)
