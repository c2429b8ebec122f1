"""The door holes of the security review (issue 9, holes 1, 2, 5 and parts of 6 and 9), reproduced
as the review found them: over HTTP on a live server, as a door account (cookie) or device (token)."""
import json
from datetime import timedelta

import pytest
import requests

from leye_events.accounts.models import Role, SeekerCategory, User
from leye_events.audit.models import AuditEntry
from leye_events.booking.models import Registration
from leye_events.cases.models import CaseEntry
from leye_events.checkin import services
from leye_events.checkin.models import CheckIn, CheckInMethod, CheckInResult
from leye_events.core.timeutil import isoformat_local, utcnow
from leye_events.events.models import EventStatus
from leye_events.extensions import db

from ..factories import auth_header, login_id_for, make_event, make_station, make_token, make_user
from .helpers import door_staff, open_event, ticket

HARDSHIP = "就业困难人员"  # the label of SeekerCategory.HARD_TO_EMPLOY


@pytest.fixture
def event():
    return open_event(title="杨浦秋季招聘会", capacity=30)


@pytest.fixture
def staff(event):
    return door_staff(event)


@pytest.fixture
def door(app, live_server, staff):
    """A requests session logged in on the live server as the door account (its session cookie)."""
    return _browser_session(app, live_server, staff)


def _browser_session(app, live_server, user):
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = login_id_for(user)
        session["_fresh"] = True
    http = requests.Session()
    name = app.config["SESSION_COOKIE_NAME"]
    http.cookies.set(name, client.get_cookie(name).value, domain="127.0.0.1")
    http.base = live_server.url
    return http


def _device(live_server, user):
    """A requests session speaking to the API with ``user``'s bearer token."""
    db.session.commit()  # end a read transaction begun before the server's last write (SQLite)
    http = requests.Session()
    http.headers.update(auth_header(make_token(user)))
    http.base = live_server.url + "/api/v1"
    return http


def post(http, path, **kw):
    return http.post(http.base + path, timeout=10, **kw)


def get(http, path, **kw):
    return http.get(http.base + path, timeout=10, **kw)


def shown(response) -> str:
    """The response's text as a person would read it (JSON escapes undone)."""
    try:
        return json.dumps(response.json(), ensure_ascii=False)
    except ValueError:
        return response.text


def audit(action: str | None = None) -> list[AuditEntry]:
    db.session.commit()
    query = db.select(AuditEntry).order_by(AuditEntry.id)
    return db.session.execute(query.filter_by(action=action) if action else query).scalars().all()


def count(model, **filters) -> int:
    db.session.commit()  # see what the server committed
    return db.session.execute(db.select(db.func.count()).select_from(model).filter_by(**filters)).scalar_one()


def someone_elsewhere():
    """A seeker of another station, with a hardship category the door must never learn."""
    return make_user(Role.SEEKER, station=make_station(), name="王秀英", phone="13912348888",
                     category=SeekerCategory.HARD_TO_EMPLOY)


# --- hole 1: walk-in ----------------------------------------------------------------------------

def walk_in(door, event, **data):
    form = {"name": "张三", "phone": "13700001234", "category": "other", **data}
    return post(door, f"/door/{event.id}/walk-in", data=form)


def test_walk_in_with_a_phone_of_another_stations_seeker_reveals_and_attaches_nothing(door, event):
    seeker = someone_elsewhere()
    response = walk_in(door, event, name="张三", phone="139 1234 8888")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "account_exists"
    text = shown(response)
    assert "王" not in text and HARDSHIP not in text and "8888" not in text
    assert count(Registration, seeker_id=seeker.id) == 0
    assert count(CheckIn) == 0 and count(CaseEntry) == 0
    assert db.session.get(User, seeker.id).name == "王秀英"


def test_walk_in_with_the_phone_of_a_seeker_of_the_station_is_refused_the_same_way(door, event):
    seeker = make_user(Role.SEEKER, station=event.station, name="李雷", phone="13912340000")
    response = walk_in(door, event, name="李雷", phone="13912340000")  # even the right name proves nothing
    assert response.status_code == 409 and response.json()["error"]["code"] == "account_exists"
    assert count(Registration, seeker_id=seeker.id) == 0


def test_walk_in_when_the_door_is_not_open_creates_nothing(app, live_server):
    later = make_event(starts_in=timedelta(hours=5))
    door = _browser_session(app, live_server, door_staff(later))
    response = walk_in(door, later)
    assert response.status_code == 422 and response.json()["error"]["code"] == "not_open"
    assert count(Registration) == 0 and count(User, phone="13700001234") == 0


def test_walk_in_when_the_event_is_full_creates_nothing(door, event):
    event.capacity = 1
    db.session.commit()
    ticket(event)
    response = walk_in(door, event)
    assert response.status_code == 422 and response.json()["error"]["code"] == "event_full"
    assert count(Registration) == 1 and count(User, phone="13700001234") == 0


def test_walk_in_of_someone_the_event_is_not_for_creates_nothing(door, event):
    event.eligible_categories = [SeekerCategory.GRADUATE_UNEMPLOYED.value]
    db.session.commit()
    response = walk_in(door, event, category="other")
    assert response.status_code == 422 and response.json()["error"]["code"] == "not_eligible"
    assert count(Registration) == 0 and count(User, phone="13700001234") == 0
    admitted = walk_in(door, event, category="graduate_unemployed")
    assert admitted.status_code == 200 and admitted.json()["result"] == "ok"


# --- hole 2: backdating and undo ------------------------------------------------------------------

def finished_event(days_ago: int = 7):
    """An event whose only session ended ``days_ago`` days ago, and a confirmed ticket for it."""
    past = make_event(starts_in=timedelta(days=-days_ago))
    return past, ticket(past)


def test_an_online_scan_is_judged_by_the_server_clock_not_its_scanned_at(live_server):
    past, registration = finished_event()
    device = _device(live_server, door_staff(past))
    in_the_window = isoformat_local(past.sessions[0].starts_at + timedelta(minutes=5))
    answer = post(device, "/checkins", json={"code": registration.ticket_code, "event_id": past.id,
                                            "scanned_at": in_the_window}).json()
    assert answer["result"] == "not_open"
    assert count(CheckIn, result=CheckInResult.OK) == 0


def test_an_offline_upload_long_after_the_scan_is_refused(live_server):
    past, registration = finished_event()
    device = _device(live_server, door_staff(past))
    in_the_window = isoformat_local(past.sessions[0].starts_at + timedelta(minutes=5))
    answer = post(device, "/checkins/batch", json={"scans": [{
        "code": registration.ticket_code, "event_id": past.id, "scanned_at": in_the_window, "nonce": "old-1"}]})
    result = answer.json()["results"][0]
    assert result["status"] == 422 and result["error"]["code"] == "upload_too_late"
    assert count(CheckIn) == 0


def test_an_offline_upload_keeps_its_time_within_the_window_and_the_delay(live_server, event):
    registration = ticket(event)
    device = _device(live_server, door_staff(event))
    five_minutes_ago = utcnow().replace(microsecond=0) - timedelta(minutes=5)
    before_the_door_opened = event.sessions[0].starts_at - services.OPENS_BEFORE - timedelta(minutes=1)
    results = post(device, "/checkins/batch", json={"scans": [
        {"code": ticket(event).ticket_code, "event_id": event.id, "nonce": "early-1",
         "scanned_at": isoformat_local(before_the_door_opened)},
        {"code": registration.ticket_code, "event_id": event.id, "nonce": "ok-1",
         "scanned_at": isoformat_local(five_minutes_ago)},
    ]}).json()["results"]
    assert [r["result"] for r in results] == ["not_open", "ok"]
    assert results[1]["checked_in_at"] == isoformat_local(five_minutes_ago)


def test_the_upload_delay_is_a_setting(app, monkeypatch, event):
    monkeypatch.setitem(app.config, "CHECKIN_OFFLINE_MAX_DELAY_HOURS", 0)
    scan = services.Scan(code=ticket(event).ticket_code, event_id=event.id, nonce="n-delay",
                         scanned_at=utcnow() - timedelta(minutes=1), method=CheckInMethod.OFFLINE)
    with pytest.raises(services.ServiceError) as caught:
        services.check_in(scan, staff=door_staff(event))
    assert caught.value.code == "upload_too_late"


def admitted_while_open(past, registration):
    """A check-in made while the past session's door was open (as the demo seed replays it)."""
    moment = past.sessions[0].starts_at
    outcome = services.check_in(services.Scan(code=registration.ticket_code, event_id=past.id, nonce="seed-1",
                                              scanned_at=moment, method=CheckInMethod.OFFLINE),
                                staff=door_staff(past), now=moment)
    db.session.commit()
    assert outcome.result == CheckInResult.OK
    return outcome.checkin


def test_door_staff_cannot_undo_after_the_door_closed(live_server):
    past, registration = finished_event(days_ago=1)
    checkin = admitted_while_open(past, registration)
    for role in (Role.DOOR, Role.COUNSELOR):
        device = _device(live_server, door_staff(past, role=role))
        response = post(device, f"/checkins/{checkin.id}/undo", json={"reason": "扫错了"})
        assert response.status_code == 403 and response.json()["error"]["code"] == "door_closed"
    assert count(CheckIn, undone_at=None, result=CheckInResult.OK) == 1


def test_an_organizer_corrects_later_with_a_reason_and_it_is_audited_with_the_station(live_server):
    past, registration = finished_event(days_ago=1)
    checkin = admitted_while_open(past, registration)
    organizer = door_staff(past, role=Role.ORGANIZER)
    device = _device(live_server, organizer)
    bare = post(device, f"/checkins/{checkin.id}/undo", json={})
    assert bare.status_code == 422 and bare.json()["error"]["code"] == "reason_required"
    done = post(device, f"/checkins/{checkin.id}/undo", json={"reason": "本人未到场，系代签"})
    assert done.status_code == 200
    [entry] = audit("checkin.undo")
    assert entry.actor_id == organizer.id and entry.station_id == past.station_id
    assert entry.details["reason"] == "本人未到场，系代签" and entry.details["after_door_closed"] is True


def test_door_staff_still_undo_while_the_door_is_open_and_it_is_audited(door, event):
    answer = post(door, "/api/v1/checkins", json={"event_id": event.id, "code": ticket(event).ticket_code}).json()
    assert post(door, f"/api/v1/checkins/{answer['checkin_id']}/undo", json={}).status_code == 200
    [entry] = audit("checkin.undo")
    assert entry.station_id == event.station_id and entry.details["after_door_closed"] is False


# --- hole 5: foreign tickets and categories at the door ------------------------------------------

def test_a_foreign_ticket_reveals_nothing_about_its_holder(live_server, event):
    elsewhere = open_event(station=make_station())
    foreign = ticket(elsewhere, seeker=someone_elsewhere())
    device = _device(live_server, door_staff(event))
    response = post(device, "/checkins", json={"code": foreign.ticket_code, "event_id": event.id})
    answer = response.json()
    assert answer["result"] == "wrong_event"
    assert answer["attendee"] is None and answer["registration_id"] is None
    assert "王" not in shown(response) and HARDSHIP not in shown(response) and "8888" not in shown(response)


def test_a_foreign_ticket_at_a_cancelled_event_reveals_nothing_either(door, event):
    foreign = ticket(open_event(station=make_station()), seeker=someone_elsewhere())
    event.status = EventStatus.CANCELLED
    db.session.commit()
    answer = post(door, "/api/v1/checkins", json={"event_id": event.id, "code": foreign.ticket_code}).json()
    assert answer["result"] == "event_cancelled" and answer["attendee"] is None


def test_an_unknown_code_reveals_nothing(door, event):
    answer = post(door, "/api/v1/checkins", json={"event_id": event.id, "code": "no-such-ticket-0001"}).json()
    assert answer["result"] == "unknown_code" and answer["attendee"] is None and answer["registration_id"] is None


def test_the_door_never_sees_hardship_categories(door, live_server, event):
    holder = make_user(Role.SEEKER, name="韩梅梅", phone="13512345678", category=SeekerCategory.HARD_TO_EMPLOY)
    registration = ticket(event, seeker=holder)
    verdict = post(door, "/api/v1/checkins", json={"event_id": event.id, "code": registration.ticket_code})
    search = get(door, f"/door/{event.id}/search", params={"q": "梅梅"})
    roster = get(door, f"/api/v1/events/{event.id}/roster")
    api_roster = get(_device(live_server, door_staff(event)), f"/events/{event.id}/roster")
    for response in (verdict, search, roster, api_roster):
        assert response.status_code == 200
        assert HARDSHIP not in shown(response) and "hard_to_employ" not in shown(response)
        assert '"category"' not in shown(response) and "13512345678" not in shown(response)
    assert verdict.json()["attendee"] == {"name": "韩**", "walk_in": False}
    entry = roster.json()["entries"][0]
    assert entry["name"] == "韩**" and entry["status"] == "confirmed"


# --- hole 6 (part): roster and search reads are audited --------------------------------------------

def test_roster_downloads_and_door_searches_are_audited(door, live_server, staff, event):
    found = ticket(event, seeker=make_user(name="王小明", phone="13812345678"))
    get(door, f"/api/v1/events/{event.id}/roster")
    get(_device(live_server, staff), f"/events/{event.id}/roster")
    get(door, f"/door/{event.id}/search", params={"q": "5678"})
    entries = [e for e in audit() if e.action.startswith("checkin.")]
    assert [(e.action, e.details.get("via")) for e in entries] == [
        ("checkin.roster_read", "door"), ("checkin.roster_read", "api"), ("checkin.search", None)]
    assert all(e.actor_id == staff.id and e.station_id == event.station_id and e.target_id == event.id
               for e in entries)
    assert entries[2].details == {"registration_ids": [found.id], "by": "phone_tail"}
    assert "5678" not in str(entries[2].details)  # whom the door saw, not what it typed


# --- hole 9 (part): over-long strings, unknown codes -----------------------------------------------

@pytest.mark.parametrize("field, length", [("gate", 65), ("device", 101), ("nonce", 65), ("code", 2049)])
def test_over_long_strings_are_refused_not_stored(live_server, event, field, length):
    device = _device(live_server, door_staff(event))
    body = {"code": ticket(event).ticket_code, "event_id": event.id, field: "x" * length}
    response = post(device, "/checkins", json=body)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "too_long" and response.json()["error"]["field"] == field
    assert count(CheckIn) == 0


def test_two_nonces_sharing_their_first_64_characters_are_two_scans(live_server, event):
    device = _device(live_server, door_staff(event))
    prefix = "n" * 64
    first = post(device, "/checkins/batch", json={"scans": [
        {"code": ticket(event).ticket_code, "event_id": event.id, "nonce": prefix}]}).json()["results"][0]
    second = post(device, "/checkins/batch", json={"scans": [
        {"code": ticket(event).ticket_code, "event_id": event.id, "nonce": prefix + "2"}]}).json()["results"][0]
    assert first["result"] == "ok" and second["error"]["code"] == "too_long"


def test_unknown_codes_fill_the_log_only_up_to_the_hourly_limit(app, monkeypatch, live_server, event):
    monkeypatch.setitem(app.config, "CHECKIN_UNKNOWN_CODES_LOGGED_PER_HOUR", 3)
    device = _device(live_server, door_staff(event))
    answers = [post(device, "/checkins", json={"code": f"junk-code-{i:04d}", "event_id": event.id}).json()
               for i in range(6)]
    assert [a["result"] for a in answers] == ["unknown_code"] * 6
    assert count(CheckIn, result=CheckInResult.UNKNOWN_CODE) == 3
    assert [a["checkin_id"] is None for a in answers] == [False] * 3 + [True] * 3
    # Real tickets are still logged.
    assert post(device, "/checkins", json={"code": ticket(event).ticket_code, "event_id": event.id}).json()["result"] == "ok"
    assert count(CheckIn, result=CheckInResult.OK) == 1
