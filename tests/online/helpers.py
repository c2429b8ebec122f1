"""Builders for online and hybrid events."""
from datetime import timedelta

from leye_events.booking.models import Attend
from leye_events.core.timeutil import utcnow
from leye_events.events.models import EventMode
from leye_events.extensions import db

from ..factories import make_event, make_registration

LIVE_ROOM = "https://live.bilibili.com/21234567"
REPLAY = "https://www.bilibili.com/video/BV1xx411c7mD"


def online_event(*, starts_in=timedelta(minutes=5), mode=EventMode.ONLINE, capacity=None, **kw):
    """A published online event (two-hour sessions) with a live room and a replay address."""
    kw.setdefault("online_url", LIVE_ROOM)
    kw.setdefault("replay_url", REPLAY)
    event = make_event(starts_in=starts_in, mode=mode, capacity=capacity, **kw)
    first = utcnow() + starts_in  # to the second (the factory rounds to the minute): the window edges
    for index, session in enumerate(event.sessions):
        session.starts_at = first + timedelta(days=index)
        session.ends_at = session.starts_at + timedelta(hours=2)
    db.session.commit()
    return event


def hybrid_event(*, capacity=2, **kw):
    return online_event(mode=EventMode.HYBRID, capacity=capacity, **kw)


def online_ticket(event, **kw):
    return make_registration(event, attend=Attend.ONLINE, **kw)
