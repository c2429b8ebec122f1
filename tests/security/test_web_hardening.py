"""Holes 3, 4, 7, 8 and 9 of the security review: each test fails on the code before the fix."""
import csv
import io
import time

import pytest
import requests
from openpyxl import load_workbook

from leye_events.accounts.models import ApiToken, LoginSession, Role
from leye_events.accounts.services import authenticate
from leye_events.audit.models import AuditEntry
from leye_events.extensions import db

from ..factories import PASSWORD, auth_header, make_event, make_station, make_token, make_user


def _log_in(server, user, *, remember=False) -> requests.Session:
    browser = requests.Session()
    data = {"login": user.email or user.phone, "password": PASSWORD}
    if remember:
        data["remember"] = "y"
    answer = browser.post(server.url + "/login", data=data, allow_redirects=False)
    assert answer.status_code == 302, answer.text
    return browser


def _opens_account(server, cookies: dict) -> bool:
    answer = requests.get(server.url + "/account", cookies=cookies, allow_redirects=False)
    return answer.status_code == 200


# --- 3: open redirects ---------------------------------------------------------------------------

@pytest.mark.parametrize("target", ["http:evil.com", "https:evil.com", "//evil.com", "https://evil.com/x",
                                    "/\\evil.com", "javascript:alert(1)"])
def test_language_switch_never_leaves_the_site(live_server, target):
    answer = requests.get(live_server.url + "/lang/en", params={"next": target}, allow_redirects=False)
    assert answer.status_code == 302 and answer.headers["Location"] == "/"
    answer = requests.get(live_server.url + "/lang/en", headers={"Referer": target}, allow_redirects=False)
    assert answer.headers["Location"] == "/"


def test_language_switch_goes_back_to_a_page_of_this_site(live_server):
    answer = requests.get(live_server.url + "/lang/en", params={"next": "/stations?x=1"}, allow_redirects=False)
    assert answer.headers["Location"] == "/stations?x=1"
    referer = live_server.url + "/stations"
    answer = requests.get(live_server.url + "/lang/en", headers={"Referer": referer}, allow_redirects=False)
    assert answer.headers["Location"] == "/stations"


@pytest.mark.parametrize("target", ["http:evil.com", "//evil.com", "https://evil.com"])
def test_login_never_sends_people_off_site(live_server, target):
    user = make_user(Role.SEEKER)
    answer = requests.post(live_server.url + "/login", params={"next": target},
                           data={"login": user.phone, "password": PASSWORD}, allow_redirects=False)
    assert answer.status_code == 302 and answer.headers["Location"] == "/"


# --- 4: sessions that outlive logout and password changes ----------------------------------------

def test_a_copied_session_cookie_dies_with_logout(live_server):
    user = make_user(Role.SEEKER)
    browser = _log_in(live_server, user)
    copied = browser.cookies.get_dict()
    assert _opens_account(live_server, copied)
    assert browser.post(live_server.url + "/logout", allow_redirects=False).status_code == 302
    assert not _opens_account(live_server, copied)


def test_a_copied_remember_me_cookie_dies_with_logout(live_server):
    user = make_user(Role.SEEKER)
    browser = _log_in(live_server, user, remember=True)
    remember = {"remember_token": browser.cookies["remember_token"]}
    assert _opens_account(live_server, remember)  # alone, without the session cookie
    browser.post(live_server.url + "/logout")
    assert not _opens_account(live_server, remember)


def test_remember_me_cookies_differ_from_login_to_login(live_server):
    user = make_user(Role.SEEKER)
    first = _log_in(live_server, user, remember=True).cookies["remember_token"]
    second = _log_in(live_server, user, remember=True).cookies["remember_token"]
    assert first != second and first.split("|")[0] != str(user.id)


def test_a_password_change_ends_other_sessions_and_every_token(live_server):
    user = make_user(Role.SEEKER)
    token = make_token(user)
    here, elsewhere = _log_in(live_server, user), _log_in(live_server, user, remember=True)
    assert requests.get(live_server.url + "/api/v1/me", headers=auth_header(token)).status_code == 200
    answer = here.post(live_server.url + "/account", data={
        "current_password": PASSWORD, "new_password": "another-horse-7", "confirm": "another-horse-7"},
        allow_redirects=False)
    assert answer.status_code == 302, answer.text
    assert _opens_account(live_server, here.cookies.get_dict())
    assert not _opens_account(live_server, elsewhere.cookies.get_dict())
    assert not _opens_account(live_server, {"remember_token": elsewhere.cookies["remember_token"]})
    assert requests.get(live_server.url + "/api/v1/me", headers=auth_header(token)).status_code == 401


def test_tokens_are_listed_revoked_and_expire(client):
    user = make_user(Role.ORGANIZER, make_station())
    door_scanner, laptop = make_token(user), make_token(user)
    listed = client.get("/api/v1/me/tokens", headers=auth_header(laptop)).get_json()["tokens"]
    assert len(listed) == 2 and sum(t["current"] for t in listed) == 1
    assert all(door_scanner not in str(t) for t in listed)
    other = next(t for t in listed if not t["current"])
    assert client.delete(f"/api/v1/me/tokens/{other['id']}", headers=auth_header(laptop)).status_code == 204
    assert client.get("/api/v1/me", headers=auth_header(door_scanner)).status_code == 401
    stranger = make_token(make_user(Role.SEEKER))
    mine = listed[0]["id"] if listed[0]["current"] else listed[1]["id"]
    assert client.delete(f"/api/v1/me/tokens/{mine}", headers=auth_header(stranger)).status_code == 404
    row = db.session.execute(db.select(ApiToken).filter_by(user_id=user.id)).scalar_one()
    row.expires_at = row.created_at
    db.session.commit()
    assert client.get("/api/v1/me", headers=auth_header(laptop)).status_code == 401


def test_disabling_an_account_ends_its_sessions(login):
    user = make_user(Role.SEEKER)
    login(user)
    assert db.session.execute(db.select(LoginSession).filter_by(user_id=user.id)).first() is not None
    from leye_events.accounts.services import set_active

    set_active(user, False, actor=make_user(Role.ADMIN))
    db.session.commit()
    assert db.session.execute(db.select(LoginSession).filter_by(user_id=user.id)).first() is None


# --- login: lockout and timing ---------------------------------------------------------------------

def test_an_account_locks_after_repeated_wrong_passwords(client, app):
    user = make_user(Role.SEEKER)
    threshold = app.config["LOGIN_LOCKOUT_THRESHOLD"]
    for _ in range(threshold):
        answer = client.post("/api/v1/auth/token", json={"login": user.phone, "password": "wrong-password"})
        assert answer.status_code == 401
    right = client.post("/api/v1/auth/token", json={"login": user.phone, "password": PASSWORD})
    assert right.status_code == 401  # locked, even with the right password
    assert db.session.execute(db.select(AuditEntry).filter_by(action="account.locked")).scalar_one()
    db.session.refresh(user)
    user.locked_until = None
    db.session.commit()
    assert client.post("/api/v1/auth/token", json={"login": user.phone, "password": PASSWORD}).status_code == 200


def _median_seconds(function, repeat=5) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return sorted(times)[repeat // 2]


def test_login_takes_as_long_for_a_missing_account(app):
    user = make_user(Role.SEEKER, password="a-real-password-1")
    with app.test_request_context():
        existing = _median_seconds(lambda: authenticate(user.phone, "wrong-password"))
        missing = _median_seconds(lambda: authenticate("13000000000", "wrong-password"))
    db.session.rollback()
    # Both pay for one password hash; before the fix the missing account answered ~100× faster.
    assert missing > existing / 3


# --- 7: formulas in exports ---------------------------------------------------------------------

def test_no_cell_of_an_export_is_a_formula(client):
    station = make_station()
    organizer = make_user(Role.ORGANIZER, station)
    event = make_event(station, title="=HYPERLINK(\"http://evil\")")
    event.sessions[0].title = "=1+2"
    db.session.commit()
    headers = auth_header(make_token(organizer))
    answer = client.get(f"/api/v1/events/{event.id}/attendance?format=csv", headers=headers)
    header = next(csv.reader(io.StringIO(answer.get_data(as_text=True).lstrip("\ufeff"))))
    assert all(not cell.startswith(("=", "+", "-", "@")) for cell in header)
    answer = client.get(f"/api/v1/events/{event.id}/attendance?format=xlsx", headers=headers)
    sheet = load_workbook(io.BytesIO(answer.data)).active
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f", (cell.coordinate, cell.value)


# --- 8: no 500 for out-of-range input ------------------------------------------------------------

@pytest.mark.parametrize("query", ["to=9999-12-31", "from=0001-01-01", "from=0001-01-01&to=9999-12-31"])
def test_figures_far_dates_are_400(client, query):
    token = make_token(make_user(Role.ADMIN))
    answer = client.get(f"/api/v1/figures?{query}", headers=auth_header(token))
    assert answer.status_code == 400 and answer.get_json()["error"]["code"] == "invalid_parameter"


@pytest.mark.parametrize("path", ["/cases/99999999999999999999", "/events/99999999999999999999",
                                  "/manage/events/99999999999999999999/registrations", "/door/99999999999999999999",
                                  "/events/99999999999999999999.ics", "/cases/follow-up/99999999999999999999"])
def test_html_pages_with_ids_past_the_integer_range_are_404(login, path):
    admin = login(make_user(Role.ADMIN))
    assert admin.get(path).status_code == 404


# --- 9: headers and cookies ----------------------------------------------------------------------

def test_security_headers_on_pages(live_server):
    answer = requests.get(live_server.url + "/")
    csp = answer.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-eval" not in csp
    assert "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert answer.headers["X-Frame-Options"] == "DENY"
    assert answer.headers["Referrer-Policy"] == "same-origin"
    assert "camera=()" in answer.headers["Permissions-Policy"]
    assert "Strict-Transport-Security" not in answer.headers  # only over HTTPS


def test_only_the_door_page_may_use_the_camera(login):
    station = make_station()
    event = make_event(station)
    door = login(make_user(Role.DOOR, station))
    answer = door.get(f"/door/{event.id}")
    assert answer.status_code == 200 and "camera=(self)" in answer.headers["Permissions-Policy"]
    assert "camera=()" in door.get("/").headers["Permissions-Policy"]


def test_https_gets_hsts_and_secure_cookies(client):
    user = make_user(Role.SEEKER)
    answer = client.post("/login", data={"login": user.phone, "password": PASSWORD, "remember": "y"},
                         base_url="https://leye.example")
    assert "max-age=" in answer.headers["Strict-Transport-Security"]
    cookies = answer.headers.getlist("Set-Cookie")
    assert cookies and all("; Secure" in cookie for cookie in cookies)
    plain = client.post("/login", data={"login": user.phone, "password": PASSWORD})
    assert all("Secure" not in cookie for cookie in plain.headers.getlist("Set-Cookie"))


def test_pages_for_a_logged_in_account_are_not_cached(login, client):
    user = make_user(Role.SEEKER)
    assert "no-store" in login(user).get("/account").headers["Cache-Control"]
    assert "no-store" in client.get("/api/v1/me", headers=auth_header(make_token(user))).headers["Cache-Control"]
    assert "no-store" not in client.get("/").headers.get("Cache-Control", "")


def test_account_page_ends_other_sessions_and_revokes_tokens(login, client):
    user = make_user(Role.SEEKER)
    here, elsewhere = login(user), login(user)
    token = make_token(user)
    page = here.get("/account").get_data(as_text=True)
    assert "/account/tokens/" in page
    assert here.post("/account/sessions/end-others").status_code == 302
    assert elsewhere.get("/account").status_code == 302  # back to the login page
    assert here.get("/account").status_code == 200
    token_id = db.session.execute(db.select(ApiToken.id).filter_by(user_id=user.id)).scalar_one()
    here.post(f"/account/tokens/{token_id}/revoke")
    assert client.get("/api/v1/me", headers=auth_header(token)).status_code == 401


def test_no_template_uses_an_inline_event_handler_the_csp_would_block():
    """script-src has no 'unsafe-inline': onclick="…" and the like silently do nothing in the browser."""
    import pathlib
    import re

    templates = pathlib.Path(__file__).resolve().parents[2] / "leye_events" / "templates"
    handler = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)
    offenders = [str(path.relative_to(templates)) for path in templates.rglob("*.html") if handler.search(path.read_text())]
    assert offenders == []
