"""An event with two sessions, registrations of every kind and some check-ins."""
from dataclasses import dataclass
from datetime import timedelta

import pytest

from leye_events.accounts.models import Role, SeekerCategory
from leye_events.booking.models import RegistrationStatus
from leye_events.checkin.models import CheckIn, CheckInMethod, CheckInResult
from leye_events.core.timeutil import utcnow
from leye_events.events.models import EventKind
from leye_events.extensions import db

from ..factories import make_event, make_registration, make_station, make_user


def add_checkin(registration, session, staff, *, at, result=CheckInResult.OK, undone=False) -> CheckIn:
    checkin = CheckIn(event_id=registration.event_id, session_id=session.id, registration_id=registration.id,
                      result=result, method=CheckInMethod.QR, staff_id=staff.id, scanned_at=at,
                      undone_at=utcnow() if undone else None)
    db.session.add(checkin)
    db.session.commit()
    return checkin


@dataclass
class Workshop:
    event: object
    station: object
    other_station: object
    staff: dict
    rows: dict  # label -> registration


@pytest.fixture
def workshop():
    station = make_station(slug="wujiaochang", name="五角场街道乐业空间")
    other_station = make_station(slug="fudan", name="复旦大学乐业空间")
    staff = {
        "organizer": make_user(Role.ORGANIZER, station),
        "counselor": make_user(Role.COUNSELOR, station),
        "door": make_user(Role.DOOR, station),
        "admin": make_user(Role.ADMIN),
        "other_organizer": make_user(Role.ORGANIZER, other_station),
        "other_counselor": make_user(Role.COUNSELOR, other_station),
        "seeker": make_user(Role.SEEKER),
    }
    event = make_event(station, sessions=2, kind=EventKind.WORKSHOP, title="打造我的2026 沉浸式巡演",
                       starts_in=timedelta(days=-1))
    first, second = event.sessions
    wang = make_registration(event, make_user(Role.SEEKER, name="王小明", phone="13812345678", school="同济大学",
                                              category=SeekerCategory.GRADUATE_UNEMPLOYED))
    # Fixed phones stay outside the factory's own 139xxxxxxxx numbers, which depend on the test order.
    li = make_registration(event, make_user(Role.SEEKER, name="李华", phone="13400001111",
                                            category=SeekerCategory.UNEMPLOYED_YOUTH))
    walk = make_registration(event, make_user(Role.SEEKER, name="张三丰", phone="13700002222"), walk_in=True)
    gone = make_registration(event, make_user(Role.SEEKER, name="赵六", phone="13600003333"),
                             status=RegistrationStatus.CANCELLED)
    queue = make_registration(event, make_user(Role.SEEKER, name="钱七", phone="13500004444"),
                              status=RegistrationStatus.WAITLISTED, waitlist_position=1)
    door = staff["door"]
    add_checkin(wang, first, door, at=first.starts_at + timedelta(minutes=5))
    add_checkin(wang, second, door, at=second.starts_at - timedelta(minutes=10))
    add_checkin(walk, first, door, at=first.starts_at + timedelta(minutes=30))
    add_checkin(li, first, door, at=first.starts_at, undone=True)  # withdrawn: not attended
    add_checkin(li, second, door, at=second.starts_at, result=CheckInResult.NOT_OPEN)  # a refusal
    return Workshop(event, station, other_station, staff,
                    {"wang": wang, "li": li, "walk": walk, "gone": gone, "queue": queue})
