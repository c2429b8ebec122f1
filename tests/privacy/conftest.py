"""A seeker with a history worth erasing: attendances, a case with notes, future registrations
(one with a waitlist behind it), a waitlist place, an API token, a calendar feed, a web session."""
from datetime import timedelta

import pytest

from leye_events.accounts.models import Role, SeekerCategory
from leye_events.booking.models import RegistrationStatus
from leye_events.calendars.services import ensure_feed_token
from leye_events.cases import operations
from leye_events.extensions import db

from ..api.conftest import ApiClient
from ..cases.helpers import Station, attend, past_event, register
from ..factories import make_event, make_token, make_user

NAME = "隐私测试员"
PHONE = "13912345678"
EMAIL = "Leaver.Person@example.org"


@pytest.fixture
def leaver_world():
    home = Station()
    leaver = home.seeker(name=NAME, phone=PHONE, email=EMAIL.lower(), school="某某职业技术学院",
                         category=SeekerCategory.HARD_TO_EMPLOY)
    others = [home.seeker() for _ in range(3)]

    past = past_event(home.station, days_ago=3)
    attend(register(past, leaver), past.sessions[0], home.door)
    attend(register(past, others[0]), past.sessions[0], home.door)
    case = operations.case_for(leaver)
    operations.update_case(case, actor=home.counselor, plan=f"帮助{NAME}找到文员岗位，电话{PHONE}")
    operations.add_note(case, f"与{NAME}通话（{PHONE}，{EMAIL}），约好下周面谈", actor=home.counselor)
    operations.add_referral(case, actor=home.counselor, employer="某物流公司", post="仓储文员", consent="written")
    db.session.commit()

    full = make_event(home.station, capacity=1, starts_in=timedelta(days=5))
    seat = register(full, leaver)
    waiting = register(full, others[1], status=RegistrationStatus.WAITLISTED, waitlist_position=1)
    queue = make_event(home.station, capacity=1, starts_in=timedelta(days=6))
    register(queue, others[2])
    queued = register(queue, leaver, status=RegistrationStatus.WAITLISTED, waitlist_position=1)
    behind = register(queue, others[0], status=RegistrationStatus.WAITLISTED, waitlist_position=2)
    dropped = make_event(home.station, starts_in=timedelta(days=8))
    register(dropped, leaver, status=RegistrationStatus.CANCELLED, cancel_reason=f"{NAME}来电取消")

    feed_token = ensure_feed_token(leaver)
    db.session.commit()
    return {
        "home": home, "leaver": leaver, "others": others, "past": past, "case": case, "full": full,
        "seat": seat, "waiting": waiting, "queue": queue, "queued": queued, "behind": behind,
        "feed_token": feed_token, "token": make_token(leaver),
    }


@pytest.fixture
def api(client):
    return ApiClient(client)


@pytest.fixture
def admin():
    return make_user(Role.ADMIN)
