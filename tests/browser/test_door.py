"""The door page in a real (headless) Chromium: a fake camera feed of a ticket, manual search and the
offline queue (recipe: /work/shared/recipes/browser-qr-tests.md)."""
import re
import time

import pytest

from leye_events.checkin import services
from leye_events.checkin.models import CheckIn, CheckInMethod, CheckInResult
from leye_events.core.timeutil import to_local
from leye_events.extensions import db

from ..checkin.helpers import door_staff, open_event, ticket
from ..factories import make_user
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
        session["_user_id"] = str(staff.id)
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
    expect(page.locator("#door-result-title")).to_have_text("签到成功 王**")
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
    expect(results.first).to_contain_text("138****5678")
    results.first.get_by_role("button", name="签到").click()

    expect(page.locator("#door-result")).to_have_attribute("data-tone", "ok")
    expect(page.locator("#door-result-title")).to_have_text("签到成功 王**")
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
    expect(page.locator("#door-result-title")).to_have_text("签到成功 王**")
    page.fill("#door-code", f"http://elsewhere/tickets/{second.ticket_code}")
    page.press("#door-code", "Enter")
    expect(page.locator("#door-result-title")).to_have_text("签到成功 李*")
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
