"""The door page in a real (headless) Chromium: a fake camera feed of a ticket, manual search and the
offline queue (recipe: /work/shared/recipes/browser-qr-tests.md)."""
import io
import re
import time
from datetime import timedelta

import pytest
from PIL import Image

from leye_events.checkin import services
from leye_events.checkin.models import CheckIn, CheckInMethod, CheckInResult
from leye_events.core.timeutil import to_local, utcnow
from leye_events.extensions import db

from ..checkin.helpers import door_staff, open_event, ticket
from ..factories import PASSWORD, login_id_for, make_event, make_user
from .conftest import CHROMIUM, CHROMIUM_ARGS, PHONE
from .y4m import write_feed

expect = pytest.importorskip("playwright.sync_api").expect
pytestmark = pytest.mark.browser

NO_CAMERA = ("navigator.mediaDevices.getUserMedia = () => "
             "Promise.reject(new DOMException('denied', 'NotAllowedError'));")


@pytest.fixture
def event():
    return open_event(title="杨浦春季招聘会")


@pytest.fixture
def staff(event):
    return door_staff(event)


@pytest.fixture
def open_door(app, live_server, staff, event):
    """``open_door(browser, camera=False)``: a logged-in phone-sized page on the event's door page."""
    contexts = []
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = login_id_for(staff)
        session["_fresh"] = True
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value

    def _open(browser, camera: bool = False):
        context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="zh-CN",
                                      base_url=live_server.url)
        contexts.append(context)
        context.set_default_timeout(10_000)
        context.add_cookies([{"name": app.config["SESSION_COOKIE_NAME"], "value": cookie, "url": live_server.url}])
        if camera:
            context.grant_permissions(["camera"], origin=live_server.url)
        else:
            context.add_init_script(NO_CAMERA)  # so that nothing but the typed code / search decides
        page = context.new_page()
        page.goto(f"/door/{event.id}")
        expect(page.locator("#door-roster")).to_contain_text("名单已下载")
        return page

    yield _open
    for context in contexts:
        context.close()


@pytest.fixture
def camera_browser(browser, tmp_path):
    """``camera_browser(text)``: a second Chromium whose fake camera shows ``text`` as a QR code."""
    launched = []

    def _launch(text: str):
        feed = write_feed(tmp_path / "feed.y4m", text)
        args = CHROMIUM_ARGS + ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
                                f"--use-file-for-fake-video-capture={feed}"]
        camera = browser.browser_type.launch(executable_path=CHROMIUM, headless=True, args=args)
        launched.append(camera)
        return camera

    yield _launch
    for camera in launched:
        camera.close()


def rows(**filters) -> list[CheckIn]:
    db.session.rollback()  # see what the live server committed
    return db.session.execute(db.select(CheckIn).filter_by(**filters)).scalars().all()


def wait_for_rows(count: int, timeout: float = 10, **filters) -> list[CheckIn]:
    deadline = time.monotonic() + timeout
    found = rows(**filters)
    while len(found) < count and time.monotonic() < deadline:
        time.sleep(0.1)
        found = rows(**filters)
    return found


def test_camera_scan_admits_a_ticket_and_shows_green(live_server, camera_browser, open_door, event):
    registration = ticket(event, seeker=make_user(name="王小明"))
    page = open_door(camera_browser(f"{live_server.url}/tickets/{registration.ticket_code}"), camera=True)
    page.fill("#door-gate", "B 门")
    page.click("#door-start")

    expect(page.locator("#door-result")).to_have_attribute("data-tone", "ok", timeout=15_000)
    expect(page.locator("#door-result-title")).to_have_text("签到成功")
    expect(page.locator("#door-result-name")).to_have_text("王**")
    expect(page.locator("#door-count")).to_have_text("已签到 1 / 已确认 1")
    [checkin] = rows(registration_id=registration.id, result=CheckInResult.OK)
    assert checkin.method == CheckInMethod.QR and checkin.gate == "B 门"
    # The code stays in front of the camera: the repeat guard keeps it from being sent again.
    page.wait_for_timeout(2500)
    assert len(rows(registration_id=registration.id)) == 1
    expect(page.locator("#door-result")).to_have_attribute("data-tone", "ok")


def test_second_scan_of_a_ticket_shows_amber_with_time_and_gate(live_server, camera_browser, open_door, event, staff):
    registration = ticket(event, seeker=make_user(name="王小明"))
    first = services.check_in(services.Scan(code=registration.ticket_code, event_id=event.id, gate="B 门"),
                              staff=staff)
    db.session.commit()
    at = to_local(first.checkin.scanned_at).strftime("%H:%M")
    page = open_door(camera_browser(f"{live_server.url}/tickets/{registration.ticket_code}"), camera=True)
    page.fill("#door-gate", "A 门")
    page.click("#door-start")

    expect(page.locator("#door-result")).to_have_attribute("data-tone", "warn", timeout=15_000)
    expect(page.locator("#door-result-title")).to_have_text(f"已签到 {at}，B 门")
    assert len(rows(registration_id=registration.id, result=CheckInResult.OK)) == 1
    assert len(rows(registration_id=registration.id, result=CheckInResult.ALREADY_CHECKED_IN)) == 1


def test_manual_search_checks_someone_in(browser, open_door, event):
    wanted = ticket(event, seeker=make_user(name="王小明", phone="13812345678"))
    ticket(event, seeker=make_user(name="李四", phone="13900001111"))
    page = open_door(browser)
    page.click("#door-search-tool summary")
    page.fill("#door-search-q", "5678")
    page.click("#door-search-form button")
    results = page.locator("#door-search-results li")
    expect(results).to_have_count(1)
    expect(results.first).to_contain_text("王**")
    expect(results.first).not_to_contain_text("5678")  # a masked name and a status, nothing more
    results.first.get_by_role("button", name="签到").click()

    expect(page.locator("#door-result")).to_have_attribute("data-tone", "ok")
    expect(page.locator("#door-result-title")).to_have_text("签到成功")
    expect(page.locator("#door-result-name")).to_have_text("王**")
    expect(results.first.get_by_role("button")).to_have_text("已签到")
    [checkin] = rows(registration_id=wanted.id, result=CheckInResult.OK)
    assert checkin.method == CheckInMethod.MANUAL


def test_offline_scans_are_queued_and_uploaded_when_back_online(browser, open_door, event):
    first = ticket(event, seeker=make_user(name="王小明"))
    second = ticket(event, seeker=make_user(name="李四"))
    page = open_door(browser)
    page.click("#door-code-tool summary")
    page.context.set_offline(True)

    page.fill("#door-code", first.ticket_code)
    page.press("#door-code", "Enter")
    expect(page.locator("#door-result")).to_have_attribute("data-tone", "ok")
    expect(page.locator("#door-result-title")).to_have_text("签到成功")
    expect(page.locator("#door-result-name")).to_have_text("王**")
    page.fill("#door-code", f"http://elsewhere/tickets/{second.ticket_code}")
    page.press("#door-code", "Enter")
    expect(page.locator("#door-result-title")).to_have_text("签到成功")
    expect(page.locator("#door-result-name")).to_have_text("李*")
    expect(page.locator("#door-net")).to_have_text("离线 — 2 条待上传")
    # Offline, the local queue still knows who is in.
    page.fill("#door-code", first.ticket_code)
    page.press("#door-code", "Enter")
    expect(page.locator("#door-result")).to_have_attribute("data-tone", "warn")
    expect(page.locator("#door-net")).to_have_text("离线 — 2 条待上传")
    assert rows() == []

    page.context.set_offline(False)
    expect(page.locator("#door-net")).to_be_hidden()
    uploaded = wait_for_rows(2, result=CheckInResult.OK)
    assert {c.registration_id for c in uploaded} == {first.id, second.id}
    assert all(c.method == CheckInMethod.OFFLINE for c in uploaded)
    expect(page.locator("#door-count")).to_have_text("已签到 2 / 已确认 2")
    assert re.fullmatch(r"[0-9a-f-]{36}", uploaded[0].nonce)


# --- review round: the whole path as people use it, and what a volunteer runs into ---------------

def _log_in(page, login: str) -> None:
    page.goto("/login")
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.locator("input[name=password]")).to_have_count(0)


def test_ticket_registered_on_the_web_scans_green_and_its_url_offers_one_tap(
        live_server, phone_page, camera_browser, open_door, event, staff):
    zxingcpp = pytest.importorskip("zxingcpp")
    fair = make_event(event.station, title="今晚招聘会", starts_in=timedelta(minutes=30))
    make_user(name="林小雨", phone="13912340000")
    seeker = phone_page
    _log_in(seeker, "13912340000")
    seeker.goto(f"/events/{fair.id}")
    seeker.get_by_role("button", name="立即报名").click()
    if seeker.get_by_role("button", name="确认报名").count():
        seeker.get_by_role("button", name="确认报名").click()
    expect(seeker.locator(".ticket-qr img")).to_be_visible()
    ticket_url = seeker.url
    assert "/tickets/" in ticket_url
    # The camera sees what the seeker's QR says (decoded by an independent decoder).
    png = seeker.request.get(seeker.locator("a[download]").get_attribute("href")).body()
    [code] = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)).convert("L"))
    assert code.text.endswith(ticket_url.rsplit("/", 1)[1])

    page = open_door(camera_browser(code.text), camera=True)
    page.goto(f"/door/{fair.id}")
    expect(page.locator("#door-roster")).to_contain_text("名单已下载：1 人")
    page.click("#door-start")
    expect(page.locator("#door-where")).to_contain_text("未记录入口")
    expect(page.locator("#door-result")).to_have_attribute("data-tone", "ok", timeout=15_000)
    expect(page.locator("#door-result-title")).to_have_text("签到成功")
    expect(page.locator("#door-result-name")).to_have_text("林**")
    expect(page.locator("#door-count")).to_have_text("已签到 1 / 已确认 1")

    # The same door phone opens the ticket URL (its own camera app): a one-tap check-in is offered.
    page.goto(ticket_url)
    page.get_by_role("button", name="签到").click()
    expect(page.locator(".door-result")).to_have_attribute("data-tone", "warn")
    expect(page.locator(".door-result-title")).to_contain_text("已签到")
    # The seeker's own ticket page offers nothing of the kind.
    seeker.reload()
    expect(seeker.get_by_role("button", name="签到")).to_have_count(0)


def test_ticket_url_one_tap_admits_a_ticket_green(browser, open_door, event):
    registration = ticket(event, seeker=make_user(name="王小明"))
    page = open_door(browser)
    page.goto(f"/tickets/{registration.ticket_code}")
    page.get_by_role("button", name="签到").click()
    expect(page.locator(".door-result")).to_have_attribute("data-tone", "ok")
    expect(page.locator(".door-result-title")).to_have_text("签到成功")
    expect(page.locator("#door-result-name")).to_have_text("王**")
    [checkin] = rows(registration_id=registration.id, result=CheckInResult.OK)
    assert checkin.method == CheckInMethod.TICKET_URL


def test_offline_a_ticket_missing_from_the_roster_can_be_admitted_and_is_checked_on_upload(browser, open_door, event):
    known = ticket(event, seeker=make_user(name="王小明"))
    page = open_door(browser)
    # Registered after this phone downloaded the roster, then the Wi-Fi drops.
    late = ticket(event, seeker=make_user(name="李四"))
    page.context.set_offline(True)
    page.click("#door-code-tool summary")
    page.fill("#door-code", late.ticket_code)
    page.press("#door-code", "Enter")
    expect(page.locator("#door-result")).to_have_attribute("data-tone", "bad")
    expect(page.locator("#door-result-title")).to_have_text("名单中没有这张票")
    expect(page.locator("#door-result-detail")).to_contain_text("名单下载于")
    expect(page.locator("#door-result-detail")).not_to_contain_text("自动上传")  # nothing was queued
    expect(page.locator("#door-net")).to_have_text("离线 — 按已下载的名单判断")
    page.get_by_role("button", name="仍然放行，联网后核对").click()
    expect(page.locator("#door-result")).to_have_attribute("data-tone", "warn")
    expect(page.locator("#door-result-title")).to_have_text("已放行，待联网核对")
    expect(page.locator("#door-net")).to_have_text("离线 — 1 条待上传")
    # A known ticket scanned next hides the button again.
    page.fill("#door-code", known.ticket_code)
    page.press("#door-code", "Enter")
    expect(page.locator("#door-result-title")).to_have_text("签到成功")
    expect(page.locator("#door-result-name")).to_have_text("王**")
    expect(page.get_by_role("button", name="仍然放行，联网后核对")).to_be_hidden()
    # A forged code admitted the same way comes back as a problem for staff.
    page.fill("#door-code", "Zz" * 12)
    page.press("#door-code", "Enter")
    page.get_by_role("button", name="仍然放行，联网后核对").click()
    expect(page.locator("#door-net")).to_have_text("离线 — 3 条待上传")

    page.context.set_offline(False)
    expect(page.locator("#door-net")).to_be_hidden()
    uploaded = wait_for_rows(2, result=CheckInResult.OK)
    assert {c.registration_id for c in uploaded} == {known.id, late.id}
    expect(page.locator("#door-problem-list li")).to_have_count(1)
    expect(page.locator("#door-problem-list li")).to_have_text("名单外 …ZzZz：无效的票码")


def log_in_again_elsewhere(app, page, staff, live_server):
    """What logging in again on another device does to an open door page: its session cookie changes,
    and every token the page holds belongs to the old session."""
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = login_id_for(staff)
        session["_fresh"] = True
    page.context.add_cookies([{"name": app.config["SESSION_COOKIE_NAME"],
                               "value": client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value,
                               "url": live_server.url}])


def test_walk_in_after_logging_in_again_and_for_a_phone_with_an_account(app, browser, live_server, open_door, event,
                                                                        staff, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    page = open_door(browser)
    # The page stayed open while the volunteer logged in again elsewhere: every token it holds is stale.
    log_in_again_elsewhere(app, page, staff, live_server)
    make_user(name="赵六", phone="13711112222")  # already has an account: the door may not use it
    page.click("#door-walkin-tool summary")
    page.fill("#door-walkin-form input[name=name]", "赵 六")
    page.fill("#door-walkin-form input[name=phone]", "137 1111 2222")
    page.get_by_role("button", name="登记并签到").click()
    expect(page.locator("#door-walkin-error")).to_contain_text("该手机号已注册账号")
    assert rows(method=CheckInMethod.WALK_IN) == []
    page.fill("#door-walkin-form input[name=name]", "钱七")  # someone new
    page.fill("#door-walkin-form input[name=phone]", "137 1111 3333")
    page.get_by_role("button", name="登记并签到").click()
    expect(page.locator("#door-result")).to_have_attribute("data-tone", "ok")
    expect(page.locator("#door-result-title")).to_have_text("签到成功")
    expect(page.locator("#door-result-name")).to_have_text("钱*")
    expect(page.locator("#door-walkin-error")).to_be_hidden()
    assert len(rows(result=CheckInResult.OK, method=CheckInMethod.WALK_IN)) == 1


def test_the_page_follows_the_next_module_and_shows_it_big(browser, open_door, event, staff):
    now = utcnow().replace(second=0, microsecond=0)
    workshop = make_event(event.station, title="四模块工作坊", sessions=2)
    workshop.sessions[0].starts_at, workshop.sessions[0].ends_at = now - timedelta(minutes=60), now + timedelta(minutes=5)
    workshop.sessions[1].starts_at, workshop.sessions[1].ends_at = now + timedelta(minutes=10), now + timedelta(minutes=90)
    db.session.commit()
    first, second = (s.id for s in workshop.sessions)
    page = open_door(browser)
    page.clock.install()
    page.goto(f"/door/{workshop.id}")
    expect(page.locator("#door-session")).to_have_value(str(first))
    page.fill("#door-gate", "A 门")
    page.click("#door-start")
    expect(page.locator("#door-where")).to_contain_text("第1场")
    expect(page.locator("#door-where")).to_contain_text("A 门")
    assert page.locator("#door-where").evaluate("e => parseFloat(getComputedStyle(e).fontSize)") >= 18

    page.clock.fast_forward("11:00")  # module 1 is over, module 2 is about to start
    expect(page.locator("#door-session")).to_have_value(str(second))
    expect(page.locator("#door-where")).to_contain_text("第2场")
    expect(page.locator("#door-result-title")).to_have_text("已切换到正在进行的场次")


def test_leaving_the_page_releases_the_camera(live_server, camera_browser, open_door, event):
    page = open_door(camera_browser("not a ticket"), camera=True)
    page.click("#door-start")
    page.wait_for_function("() => { const v = document.getElementById('door-video'); "
                           "return v.srcObject && v.srcObject.getVideoTracks().some(t => t.readyState === 'live'); }")
    tracks = page.evaluate_handle("() => document.getElementById('door-video').srcObject.getTracks()")
    page.evaluate("() => window.dispatchEvent(new PageTransitionEvent('pagehide', {persisted: true}))")
    page.wait_for_function("tracks => tracks.every(t => t.readyState === 'ended')", arg=tracks)


# --- one check-in surface, modules and the service worker (issue 13) ---------------------------

def test_scans_go_to_the_api_with_the_session_and_a_stale_csrf_token_is_renewed(app, browser, live_server, open_door,
                                                                               event, staff, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    registration = ticket(event, seeker=make_user(name="王小明"))
    page = open_door(browser)
    # Logged in again elsewhere: the token the page holds belongs to the old session.
    log_in_again_elsewhere(app, page, staff, live_server)
    posted = []
    page.on("request", lambda r: posted.append(r.url) if r.method == "POST" else None)
    page.click("#door-code-tool summary")
    page.fill("#door-code", registration.ticket_code)
    page.press("#door-code", "Enter")
    expect(page.locator("#door-result-title")).to_have_text("签到成功")
    assert [c.method for c in rows(result=CheckInResult.OK)] == [CheckInMethod.MANUAL]
    assert {u.removeprefix(live_server.url) for u in posted} == {"/api/v1/checkins"}


def test_offline_the_page_reloads_from_the_service_worker_and_its_modules_still_work(browser, open_door, event):
    registration = ticket(event, seeker=make_user(name="王小明"))
    page = open_door(browser)
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.wait_for_function("() => navigator.serviceWorker.ready.then(() => !!navigator.serviceWorker.controller)")
    page.context.set_offline(True)
    page.reload()
    expect(page.locator("#door-roster")).to_contain_text("名单已下载：1 人")  # the roster kept in IndexedDB
    page.click("#door-code-tool summary")
    page.fill("#door-code", registration.ticket_code)
    page.press("#door-code", "Enter")
    expect(page.locator("#door-result-name")).to_have_text("王**")
    expect(page.locator("#door-net")).to_have_text("离线 — 1 条待上传")
    page.reload()  # the queue survives a reload too
    expect(page.locator("#door-net")).to_have_text("离线 — 1 条待上传")
    assert rows() == []

    page.context.set_offline(False)
    [checkin] = wait_for_rows(1, result=CheckInResult.OK)
    assert checkin.method == CheckInMethod.OFFLINE and checkin.registration_id == registration.id
    expect(page.locator("#door-net")).to_be_hidden()
    assert [e for e in errors if "net::ERR_INTERNET_DISCONNECTED" not in e] == []


def test_scans_queued_by_the_previous_version_of_the_page_are_uploaded_after_the_update(browser, open_door, event):
    registration = ticket(event, seeker=make_user(name="王小明"))
    page = open_door(browser)
    item = {"nonce": "0f6b1c1e-3f7a-4c1e-9d7e-6a1d2b3c4d5e", "event_id": event.id, "code": registration.ticket_code,
            "session_id": event.sessions[0].id, "gate": "A 门", "device": "web-old", "name": "王**",
            "scanned_at": to_local(utcnow() - timedelta(minutes=2)).isoformat(timespec="seconds"),
            "code_hash": services.code_hash(registration.ticket_code), "queued_at": 1}
    # What the hand-written IndexedDB code of the previous door.js left behind.
    page.evaluate("""item => new Promise((resolve, reject) => {
        const request = indexedDB.open("leye-door", 1);
        request.onupgradeneeded = () => {
            request.result.createObjectStore("queue", { keyPath: "nonce" });
            request.result.createObjectStore("rosters", { keyPath: "eventId" });
        };
        request.onsuccess = () => {
            const tx = request.result.transaction("queue", "readwrite");
            tx.objectStore("queue").put(item);
            tx.oncomplete = () => { request.result.close(); resolve(); };
            tx.onerror = () => reject(tx.error);
        };
        request.onerror = () => reject(request.error);
    })""", item)
    page.reload()
    [checkin] = wait_for_rows(1, result=CheckInResult.OK)
    assert checkin.registration_id == registration.id and checkin.method == CheckInMethod.OFFLINE
    assert checkin.nonce == item["nonce"] and checkin.gate == "A 门"
    page.wait_for_function("() => indexedDB.databases().then(dbs => !dbs.some(d => d.name === 'leye-door'))")
