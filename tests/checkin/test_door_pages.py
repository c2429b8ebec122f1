"""The door page, the API's check-in endpoints as the page calls them (its cookie session, no bearer
token), the page's own look-ups, the service worker, and the one-tap check-in on a ticket page — with
the Flask test client."""
import json
import re
import uuid
from datetime import timedelta

import pytest

from leye_events.accounts.models import Role, User
from leye_events.booking.models import Registration, RegistrationStatus
from leye_events.checkin.models import CheckIn, CheckInMethod, CheckInResult
from leye_events.checkin.services import code_hash
from leye_events.core.timeutil import isoformat_local, utcnow
from leye_events.events.models import EventStatus
from leye_events.extensions import db

from ..factories import auth_header, make_event, make_station, make_token, make_user
from .helpers import door_staff, open_event, ticket

HUGE = 2**63 + 5


@pytest.fixture
def event():
    return open_event(title="杨浦春季招聘会")


@pytest.fixture
def staff(event):
    return door_staff(event)


@pytest.fixture
def door(login, staff):
    return login(staff)


def url(event, tail=""):
    return f"/door/{event.id}{tail}"


SCAN = "/api/v1/checkins"
BATCH = "/api/v1/checkins/batch"


def scan(client, event, **body):
    """A scan as the door page sends it: to the API, with the page's session."""
    return client.post(SCAN, json={"event_id": event.id, **body})


def batch(client, event, scans):
    return client.post(BATCH, json={"scans": [{"event_id": event.id, **item} for item in scans]})


def roster_url(event):
    return f"/api/v1/events/{event.id}/roster"


def undo_url(checkin_id):
    return f"/api/v1/checkins/{checkin_id}/undo"


def ok_rows(registration):
    return db.session.execute(
        db.select(CheckIn).filter_by(registration_id=registration.id, result=CheckInResult.OK, undone_at=None)
    ).scalars().all()


# --- access -------------------------------------------------------------------------------------

def test_anonymous_is_sent_to_login_and_json_gets_401(client, event):
    response = client.get(url(event))
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert client.get("/door").status_code == 302
    answer = scan(client, event, code="x" * 20)
    assert answer.status_code == 401 and answer.get_json()["error"]["code"] == "unauthorized"


@pytest.mark.parametrize("role", [Role.DOOR, Role.COUNSELOR, Role.ORGANIZER])
def test_staff_of_the_station_open_the_door_page(login, event, role):
    page = login(door_staff(event, role=role)).get(url(event))
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "杨浦春季招聘会" in html and "开始扫码" in html and 'id="door-config"' in html
    csp = page.headers["Content-Security-Policy"]
    assert "worker-src blob: 'self'" in csp and "script-src 'self'" in csp
    # The current session is preselected.
    assert re.search(rf'<option value="{event.sessions[0].id}" selected', html)


def test_admin_opens_any_door_and_sees_all_events(login, event):
    admin = make_user(Role.ADMIN)
    other = open_event(title="复旦专场面试会")
    client = login(admin)
    assert client.get(url(other)).status_code == 200
    listing = client.get("/door").get_data(as_text=True)
    assert "杨浦春季招聘会" in listing and "复旦专场面试会" in listing


def test_others_get_403(login, event):
    other_station_staff = make_user(Role.ORGANIZER, station=make_station())
    seeker = make_user(Role.SEEKER)
    for user in (other_station_staff, seeker):
        client = login(user)
        assert client.get(url(event)).status_code == 403
        answer = scan(client, event, code=ticket(event).ticket_code)
        assert answer.status_code == 403
    assert db.session.execute(db.select(db.func.count()).select_from(CheckIn)).scalar_one() == 0


def test_door_index_lists_only_own_station_events_still_open(login, event, staff):
    make_event(event.station, title="上个月的讲座", starts_in=timedelta(days=-30))
    make_event(event.station, title="草稿活动", status=EventStatus.DRAFT)
    make_event(make_station(), title="别人的活动")
    html = login(staff).get("/door").get_data(as_text=True)
    assert "杨浦春季招聘会" in html
    assert "上个月的讲座" not in html and "草稿活动" not in html and "别人的活动" not in html


def test_unknown_and_huge_event_ids_are_404(door):
    assert door.get("/door/999999").status_code == 404
    assert door.get(f"/door/{HUGE}").status_code == 404
    answer = door.post(SCAN, json={"event_id": HUGE, "code": "x" * 20})
    assert answer.status_code == 404 and answer.get_json()["error"]["code"] == "not_found"


# --- scan ---------------------------------------------------------------------------------------

def test_scan_of_a_ticket_url_admits_once_then_says_already(door, event):
    registration = ticket(event, seeker=make_user(name="王小明"))
    body = {"code": f"https://example.org/tickets/{registration.ticket_code}", "gate": "B 门"}
    first = scan(door, event, **body)
    assert first.status_code == 200
    answer = first.get_json()
    assert answer["result"] == "ok" and answer["attendee"]["name"] == "王**" and answer["gate"] == "B 门"
    second = scan(door, event, code=registration.ticket_code, gate="A 门").get_json()
    assert second["result"] == "already_checked_in" and second["first_gate"] == "B 门"
    assert second["first_checked_in_at"] == answer["checked_in_at"]
    assert len(ok_rows(registration)) == 1


def test_scan_refusals_are_answered_not_errors(door, event):
    cancelled = ticket(event, status=RegistrationStatus.CANCELLED)
    assert scan(door, event, code=cancelled.ticket_code).get_json()["result"] == "cancelled"
    assert scan(door, event, code="no-such-ticket-code").get_json()["result"] == "unknown_code"
    assert scan(door, event, code="?!").get_json()["result"] == "unknown_code"


@pytest.mark.parametrize("raw, status", [
    (b"not json", 400),
    (b"[1, 2]", 400),
    (b"", 400),
    (b'{"gate": "A"}', 400),  # no code
    (b'{"code": 12345}', 400),
    (b'{"code": "abcdefghijkl", "session_id": "one"}', 400),
    (b'{"code": "abcdefghijkl", "scanned_at": "yesterday"}', 400),
    (b'{"code": "abcdefghijkl", "session_id": 99999999}', 422),  # not a session of this event
    (b'{"code": "abc\\u0000defghijkl"}', 400),
    (b'{"registration_id": 9223372036854775999}', 404),
])
def test_bad_scan_input_is_a_clear_error(door, event, raw, status):
    raw = raw.replace(b'{"', b'{"event_id": %d, "' % event.id, 1)
    response = door.post(SCAN, data=raw, content_type="application/json")
    assert response.status_code == status
    assert "error" in response.get_json()


def test_one_tap_check_in_by_registration_from_the_search(door, event):
    registration = ticket(event)
    answer = scan(door, event, registration_id=registration.id).get_json()
    assert answer["result"] == "ok"
    assert ok_rows(registration)[0].method == CheckInMethod.MANUAL
    # Someone else's registration is not found through this event.
    foreign = ticket(open_event(station=event.station))
    assert scan(door, event, registration_id=foreign.id).status_code == 404


def test_a_typed_code_is_logged_as_manual_and_an_odd_method_as_a_scan(door, event):
    typed, odd = ticket(event), ticket(event)
    assert scan(door, event, code=typed.ticket_code, method="manual").get_json()["result"] == "ok"
    assert scan(door, event, code=odd.ticket_code, method=["manual"]).get_json()["result"] == "ok"
    assert ok_rows(typed)[0].method == CheckInMethod.MANUAL and ok_rows(odd)[0].method == CheckInMethod.QR


def test_a_registration_of_another_stations_event_is_forbidden_before_it_is_looked_up(login, event):
    other = open_event()
    registration = ticket(other)
    answer = scan(login(door_staff(event)), other, registration_id=registration.id)
    assert answer.status_code == 403 and ok_rows(registration) == []


def test_nonce_replay_returns_the_first_answer(door, event):
    registration = ticket(event)
    nonce = str(uuid.uuid4())
    first = scan(door, event, code=registration.ticket_code, nonce=nonce).get_json()
    again = scan(door, event, code=registration.ticket_code, nonce=nonce).get_json()
    assert first["result"] == again["result"] == "ok" and again["replayed"] is True
    assert again["checkin_id"] == first["checkin_id"]


# --- batch --------------------------------------------------------------------------------------

def test_batch_upload_records_offline_scans_idempotently(door, event):
    a, b = ticket(event), ticket(event)
    earlier = utcnow() - timedelta(minutes=3)
    scans = [
        {"code": a.ticket_code, "nonce": "n-a", "scanned_at": isoformat_local(earlier), "gate": "A"},
        {"code": b.ticket_code, "nonce": "n-b", "scanned_at": isoformat_local(earlier), "gate": "A"},
        {"code": b.ticket_code, "gate": "A"},  # no nonce: refused, the others still count
        {"code": 5},
    ]
    answer = batch(door, event, scans)
    assert answer.status_code == 200
    results = answer.get_json()["results"]
    assert [r.get("result") for r in results[:2]] == ["ok", "ok"]
    assert results[2]["status"] == 400 and results[3]["status"] == 400
    row = ok_rows(a)[0]
    assert row.method == CheckInMethod.OFFLINE and abs((row.scanned_at - earlier).total_seconds()) < 1
    again = batch(door, event, scans[:2]).get_json()["results"]
    assert all(r["replayed"] for r in again)
    assert db.session.execute(db.select(db.func.count()).select_from(CheckIn)).scalar_one() == 2


def test_batch_marks_a_conflict_when_another_door_admitted_first(login, door, event):
    registration = ticket(event)
    other_door = login(door_staff(event))
    scan(other_door, event, code=registration.ticket_code, gate="东门", device="d1")
    results = batch(door, event, [
        {"code": registration.ticket_code, "nonce": "late", "gate": "西门", "device": "d2",
         "scanned_at": isoformat_local(utcnow())}]).get_json()["results"]
    assert results[0]["result"] == "already_checked_in" and results[0]["conflict"] is True


@pytest.mark.parametrize("body", [{}, {"scans": "x"}, {"scans": [1]}, {"scans": [{}] * 501}])
def test_bad_batch_bodies(door, event, body):
    response = door.post(BATCH, json=body)
    assert response.status_code in (400, 422) and "error" in response.get_json()


# --- roster, search, stats ------------------------------------------------------------------------

def test_roster_holds_hashes_not_codes_or_phones(door, event):
    registration = ticket(event, seeker=make_user(phone="13812345678"))
    scan(door, event, code=registration.ticket_code)
    response = door.get(roster_url(event))
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    text = response.get_data(as_text=True)
    assert registration.ticket_code not in text and "13812345678" not in text and "5678" not in text
    entry = response.get_json()["entries"][0]
    assert entry["code_hash"] == code_hash(registration.ticket_code)
    assert str(event.sessions[0].id) in entry["checked_in"]


def test_search_by_name_and_phone_tail(door, event):
    wang = ticket(event, seeker=make_user(name="王小明", phone="13812345678"))
    ticket(event, seeker=make_user(name="李四", phone="13900001111"))
    by_name = door.get(url(event, "/search?q=小明")).get_json()["results"]
    assert [r["registration_id"] for r in by_name] == [wang.id]
    assert by_name[0]["attendee"] == {"name": "王**", "walk_in": False} and by_name[0]["status"] == "confirmed"
    by_tail = door.get(url(event, "/search?q=5678")).get_json()["results"]
    assert [r["registration_id"] for r in by_tail] == [wang.id]
    assert door.get(url(event, "/search?q=56")).get_json()["results"] == []
    assert door.get(url(event, "/search?q=%25")).get_json()["results"] == []
    assert door.get(url(event, "/search?q=%00")).status_code == 200
    assert door.get(url(event, "/search")).get_json()["results"] == []


def test_stats_count_checked_in_and_confirmed(door, event):
    first = ticket(event)
    ticket(event)
    ticket(event, status=RegistrationStatus.WAITLISTED, waitlist_position=1)
    scan(door, event, code=first.ticket_code)
    session_id = event.sessions[0].id
    assert door.get(url(event, f"/stats?session_id={session_id}")).get_json() == {
        "session_id": session_id, "checked_in": 1, "confirmed": 2}
    assert door.get(url(event, "/stats?session_id=abc")).status_code == 422
    assert door.get(url(event, f"/stats?session_id={HUGE}")).status_code == 422


# --- walk-in ------------------------------------------------------------------------------------

def test_walk_in_creates_account_registration_and_check_in(door, event):
    event.capacity = 2
    db.session.commit()
    ticket(event)  # one seat is left
    response = door.post(url(event, "/walk-in"), data={
        "name": "赵六", "phone": "138 0000 9999", "category": "unemployed_youth", "gate": "A 门",
        "session_id": str(event.sessions[0].id),
    })
    assert response.status_code == 200, response.get_data(as_text=True)
    answer = response.get_json()
    assert answer["result"] == "ok" and answer["attendee"]["walk_in"] is True and answer["attendee"]["name"] == "赵*"
    seeker = db.session.execute(db.select(User).filter_by(phone="13800009999")).scalar_one()
    assert seeker.role == Role.SEEKER and seeker.category.value == "unemployed_youth"
    registration = db.session.execute(db.select(Registration).filter_by(seeker_id=seeker.id)).scalar_one()
    assert registration.walk_in and registration.status == RegistrationStatus.CONFIRMED
    assert ok_rows(registration)[0].method == CheckInMethod.WALK_IN


@pytest.mark.parametrize("data, field", [
    ({"name": "", "phone": "13800009999", "category": "other"}, "name"),
    ({"name": "赵六", "phone": "12345", "category": "other"}, "phone"),
    ({"name": "赵六", "phone": "13800009999", "category": "astronaut"}, "category"),
    ({"name": "赵六", "phone": "13800009999", "category": "other", "session_id": "x"}, "session_id"),
    ({"name": "赵六", "phone": "13800009999", "category": "other", "session_id": "99999999"}, "session_id"),
])
def test_walk_in_bad_input_saves_nothing(door, event, data, field):
    response = door.post(url(event, "/walk-in"), data=data)
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error.get("field") == field or field in error.get("fields", {})
    assert db.session.execute(db.select(db.func.count()).select_from(Registration)).scalar_one() == 0
    assert db.session.execute(db.select(User).filter_by(phone="13800009999")).scalar_one_or_none() is None


def test_walk_in_refuses_a_staff_phone_as_any_other_account(door, event, staff):
    response = door.post(url(event, "/walk-in"), data={"name": "某人", "phone": staff.phone, "category": "other"})
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "account_exists"


# --- undo ---------------------------------------------------------------------------------------

def test_undo_the_last_check_in(door, event):
    registration = ticket(event)
    answer = scan(door, event, code=registration.ticket_code).get_json()
    undone = door.post(undo_url(answer["checkin_id"]), json={})
    assert undone.status_code == 200 and undone.get_json() == {"checkin_id": answer["checkin_id"], "undone": True}
    assert ok_rows(registration) == []
    again = door.post(undo_url(answer["checkin_id"]), json={})
    assert again.status_code == 422 and again.get_json()["error"]["code"] == "not_undoable"
    assert scan(door, event, code=registration.ticket_code).get_json()["result"] == "ok"


@pytest.mark.parametrize("checkin_id, body, status", [
    (HUGE, {}, 404), (424242, {}, 404), (1, [1], 400),
])
def test_undo_bad_input(door, event, checkin_id, body, status):
    response = door.post(undo_url(checkin_id), json=body)
    assert response.status_code == status and "error" in response.get_json()


def test_undo_of_another_stations_check_in_is_forbidden(login, door, event):
    other = open_event()
    registration = ticket(other)
    answer = scan(login(door_staff(other)), other, code=registration.ticket_code).get_json()
    assert door.post(undo_url(answer["checkin_id"]), json={}).status_code == 403
    assert len(ok_rows(registration)) == 1


# --- service worker and token -------------------------------------------------------------------

def test_service_worker_is_served_under_door_with_the_shell(client):
    response = client.get("/door/sw.js")
    assert response.status_code == 200 and response.mimetype == "text/javascript"
    assert response.headers["Service-Worker-Allowed"] == "/door/"
    text = response.get_data(as_text=True)
    for asset in ("/static/js/door/main.js", "/static/js/door/queue.js", "/static/vendor/idb-keyval/idb-keyval.js",
                  "/static/css/app.css", "/static/vendor/qr-scanner/qr-scanner-worker.min.js"):
        assert asset in text
    for asset in ("js/door/main.js", "vendor/qr-scanner/qr-scanner.umd.min.js", "vendor/js-sha256/sha256.min.js"):
        assert client.get("/static/" + asset).status_code == 200


def test_token_needs_login(client, door):
    assert client.get("/door/token").status_code == 401
    assert door.get("/door/token").get_json()["csrf_token"]


def test_session_writes_to_the_api_need_the_csrf_token_when_csrf_is_on(app, door, event):
    registration = ticket(event)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        refused = scan(door, event, code=registration.ticket_code)
        assert refused.status_code == 400 and refused.get_json()["error"]["code"] == "csrf_failed"
        assert door.get(roster_url(event)).status_code == 200  # reads need no token
        token = door.get("/door/token").get_json()["csrf_token"]
        accepted = door.post(SCAN, json={"event_id": event.id, "code": registration.ticket_code},
                             headers={"X-CSRFToken": token})
        assert accepted.status_code == 200 and accepted.get_json()["result"] == "ok"
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert len(ok_rows(registration)) == 1


def test_a_bearer_token_needs_no_csrf_token_and_wins_over_the_session(app, client, login, event, staff):
    registration = ticket(event)
    other_station = make_user(Role.DOOR, station=make_station())
    browser = login(other_station)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        answer = browser.post(SCAN, json={"event_id": event.id, "code": registration.ticket_code},
                              headers=auth_header(make_token(staff)))
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert answer.status_code == 200 and answer.get_json()["result"] == "ok"


def test_the_session_opens_only_the_check_in_endpoints_of_the_api(door):
    assert door.get("/api/v1/me").status_code == 401


# --- the ticket URL as a scanner ----------------------------------------------------------------

def test_ticket_page_offers_check_in_to_door_staff_only(client, login, event, staff):
    registration = ticket(event)
    path = f"/tickets/{registration.ticket_code}"
    assert "check-in" not in client.get(path).get_data(as_text=True)
    assert "/check-in" not in login(make_user(Role.DOOR, station=make_station())).get(path).get_data(as_text=True)
    assert "/check-in" not in login(registration.seeker).get(path).get_data(as_text=True)
    assert f"{path}/check-in" in login(staff).get(path).get_data(as_text=True)


def test_one_tap_ticket_url_check_in(login, event, staff):
    registration = ticket(event, seeker=make_user(name="王小明"))
    client = login(staff)
    page = client.post(f"/tickets/{registration.ticket_code}/check-in")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'data-tone="ok"' in html and "签到成功" in html and "王**" in html
    assert ok_rows(registration)[0].method == CheckInMethod.TICKET_URL
    again = client.post(f"/tickets/{registration.ticket_code}/check-in").get_data(as_text=True)
    assert 'data-tone="warn"' in again and "已签到" in again
    assert len(ok_rows(registration)) == 1


def test_ticket_url_check_in_access(client, login, event):
    registration = ticket(event)
    path = f"/tickets/{registration.ticket_code}/check-in"
    assert client.post(path).status_code == 302  # to the login page
    assert login(make_user(Role.DOOR, station=make_station())).post(path).status_code == 403
    assert login(registration.seeker).post(path).status_code == 403
    assert login(door_staff(event)).post("/tickets/not-a-real-code-0000/check-in").status_code == 404
    assert ok_rows(registration) == []


def test_in_english_a_second_scan_says_already_checked_in_not_the_success_words(door, event):
    html = door.get(url(event, "?lang=en")).get_data(as_text=True)
    config = json.loads(re.search(r'<script type="application/json" id="door-config">(.*?)</script>', html, re.S).group(1))
    texts = config["text"]
    assert texts["ok"] == "Checked in"
    assert texts["already"].startswith("Already checked in"), texts["already"]


def test_the_door_pages_own_json_writes_answer_a_stale_csrf_token_as_csrf_failed(app, door, event):
    """The walk-in form is the page's, not the API's: a stale token must still say ``csrf_failed`` (in
    Chinese), so that the page fetches a fresh token and tries once more instead of showing an English error."""
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        refused = door.post(f"/door/{event.id}/walk-in", data={"name": "钱七", "phone": "13711113333"},
                            headers={"Accept": "application/json", "X-CSRFToken": "stale"})
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert refused.status_code == 400
    assert refused.get_json()["error"] == {"code": "csrf_failed", "message": "页面已过期，请刷新后重试。"}


def test_what_the_door_page_keeps_per_worker_follows_each_requests_language_and_script_root(app, login, event, staff):
    """Words, the walk-in form's fields and the shell's URLs are built once per worker and language or script
    root: pages in both languages and under two roots, one after another, each get their own; the CSRF
    token and the script nonce stay per request."""
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        pages = {}
        for key, query, root in [("zh", "", ""), ("en", "?lang=en", ""), ("zh2", "", ""),
                                 ("en_root", "?lang=en", "/leye"), ("zh_root", "", "/leye")]:
            client = login(staff)  # its own session: its own CSRF token, and no language kept from before
            pages[key] = client.get(url(event, query), base_url="http://localhost" + root).get_data(as_text=True)
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    for key, page in pages.items():
        english = key.startswith("en")
        assert ('for="name">Name</label>' in page) is english and ('for="name">姓名</label>' in page) is not english
        assert ('<option value="student">Student</option>' in page) is english
        config = json.loads(re.search(r'<script type="application/json" id="door-config">(.*?)</script>', page).group(1))
        assert config["text"]["ok"] == ("Checked in" if english else "签到成功")
        prefix = "/leye/static/" if key.endswith("_root") else "/static/"
        scripts = re.findall(r'src="([^"]+)"', page)
        modules = json.loads(re.search(r'<script type="importmap" nonce="[^"]+">(.*?)</script>', page, re.S).group(1))
        assert len(scripts) == 3 and all(src.startswith(prefix) for src in scripts)
        assert all(a.startswith(prefix) and b.startswith(prefix) for a, b in modules["imports"].items())
        meta_token = re.search(r'<meta name="csrf-token" content="([^"]+)">', page).group(1)
        assert f'name="csrf_token" type="hidden" value="{meta_token}"' in page
    tokens = {re.search(r'name="csrf-token" content="([^"]+)"', page).group(1) for page in pages.values()}
    nonces = {re.search(r'nonce="([^"]+)"', page).group(1) for page in pages.values()}
    assert len(tokens) == len(nonces) == len(pages)
