"""The experience in real Chromium on a 390×844 phone with WeChat's user agent: touch targets, no text
overflow, the share card, the poster (its QR decoded), the ticket, a certificate, feedback and the door's
full-screen verdicts. Screenshots go to $LEYE_SCREENSHOTS (e.g. docs/screenshots) when it is set."""
import io
import os
import re

import pytest

from leye_events.accounts.models import Role
from leye_events.events.models import EventKind
from leye_events.extensions import db

from ..checkin.helpers import door_staff, open_event, ticket
from ..experience.conftest import attend
from ..factories import login_id_for, make_event, make_registration, make_station, make_user
from .conftest import PHONE

expect = pytest.importorskip("playwright.sync_api").expect
pytestmark = pytest.mark.browser

WECHAT_UA = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
             "Mobile/15E148 MicroMessenger/8.0.50(0x1800322c) NetType/WIFI Language/zh_CN")
NO_CAMERA = ("navigator.mediaDevices.getUserMedia = () => "
             "Promise.reject(new DOMException('denied', 'NotAllowedError'));")

SMALL_TOUCH_TARGETS = """() => [...document.querySelectorAll(
        'main a.button, main button, main input:not([type=hidden]):not([type=radio]):not([type=checkbox]), ' +
        'main select, main summary, .site-nav a, .site-footer a, .rating-option')]
    .filter(el => el.offsetParent !== null)
    .filter(el => el.getBoundingClientRect().height < 43.5)
    .map(el => el.tagName.toLowerCase() + '.' + el.className + ' ' + (el.textContent || '').trim().slice(0, 20))"""

OVERFLOWING = """() => [...document.querySelectorAll('body *')]
    .filter(el => el.offsetParent !== null && el.getClientRects().length)
    .filter(el => el.getBoundingClientRect().right > window.innerWidth + 1)
    .map(el => el.tagName.toLowerCase() + '.' + el.className)"""

COVERS_SCREEN = """async () => {
    await Promise.all(document.getAnimations().map(a => a.finished));  // the verdict zooms in for 0.12 s
    const r = document.getElementById('door-result').getBoundingClientRect();
    return r.top <= 0 && r.left <= 0 && r.right >= window.innerWidth && r.bottom >= window.innerHeight; }"""


def shoot(page, name: str, full_page: bool = True) -> None:
    folder = os.environ.get("LEYE_SCREENSHOTS")
    if folder:
        os.makedirs(folder, exist_ok=True)
        page.screenshot(path=os.path.join(folder, f"{name}.png"), full_page=full_page)


def check_phone_layout(page, what: str) -> None:
    assert page.evaluate(SMALL_TOUCH_TARGETS) == [], f"touch targets under 44 px on {what}"
    assert page.evaluate(OVERFLOWING) == [], f"something sticks out of the 390 px screen on {what}"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), what


@pytest.fixture
def wechat(browser, app, live_server):
    """``wechat(user=None)``: a page in a 390×844 phone with WeChat's user agent, logged in as ``user``."""
    contexts = []

    def _open(user=None, init_script=None):
        context = browser.new_context(viewport=PHONE, device_scale_factor=1.5, is_mobile=True, has_touch=True,
                                      locale="zh-CN", user_agent=WECHAT_UA, base_url=live_server.url)
        context.set_default_timeout(10_000)
        contexts.append(context)
        if user is not None:
            client = app.test_client()
            with client.session_transaction() as session:
                session["_user_id"] = login_id_for(user)
                session["_fresh"] = True
            cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value
            context.add_cookies([{"name": app.config["SESSION_COOKIE_NAME"], "value": cookie,
                                  "url": live_server.url}])
        if init_script:
            context.add_init_script(init_script)
        return context.new_page()

    yield _open
    for context in contexts:
        context.close()


@pytest.fixture
def workshop():
    station = make_station(slug="wujiaochang", name="五角场街道乐业空间", address="国权北路 1688 号",
                           opening_hours="周一至周五 9:00–17:00")
    event = make_event(station, sessions=4, kind=EventKind.WORKSHOP, title="打造我的2026 · 沉浸式巡演",
                       venue="五角场街道乐业空间 沉浸式体验区", capacity=30,
                       description="岗位解析 + 潜力探索 + 岗位推介 + 求职适配，四个模块一次走完。")
    for session, title in zip(event.sessions, ("岗位解析", "潜力探索", "岗位推介", "求职适配"), strict=True):
        session.title = title
    db.session.commit()
    make_event(station, title="职场沙龙：简历门诊与模拟面试")
    return event


def test_home_and_event_page_in_wechat(wechat, workshop, live_server):
    page = wechat()
    page.goto("/")
    expect(page.get_by_role("link", name=workshop.title)).to_be_visible()
    expect(page.locator("link[rel=manifest]")).to_have_count(1)
    check_phone_layout(page, "the home page")
    shoot(page, "phone-home")

    page.get_by_role("link", name=workshop.title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(workshop.title)
    og_image = page.locator('meta[property="og:image"]').get_attribute("content")
    assert og_image == f"{live_server.url}/events/{workshop.id}/poster.png"
    expect(page.locator(".calendar-hint")).to_contain_text("在浏览器打开")
    expect(page.locator(".map-link")).to_have_attribute("href", re.compile(r"^https://uri\.amap\.com/search\?"))
    expect(page.get_by_text("周一至周五 9:00–17:00")).to_be_visible()
    expect(page.locator(".session-list .nowrap").first).to_contain_text("周")
    register = page.get_by_role("button", name="立即报名")
    assert register.bounding_box()["width"] >= PHONE["width"] - 2 * 40, "the primary button is full-width"
    check_phone_layout(page, "the event page")
    shoot(page, "phone-event")


def _wait_until_loaded(page, selector: str) -> None:
    """Wait for an image (the pages' CSP forbids the eval that ``wait_for_function`` uses)."""
    for _ in range(100):
        if page.locator(selector).evaluate("img => img.complete && img.naturalWidth > 0"):
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"{selector} did not load")


def test_share_page_poster_decodes_to_the_event_page(wechat, workshop, live_server):
    zxingcpp = pytest.importorskip("zxingcpp")
    from PIL import Image

    page = wechat()
    page.goto(f"/events/{workshop.id}")
    page.get_by_role("link", name="生成分享海报").click()
    poster = page.locator(".poster img")
    expect(poster).to_be_visible()
    _wait_until_loaded(page, ".poster img")
    assert page.evaluate("document.querySelector('.poster img').naturalWidth") == 1080
    check_phone_layout(page, "the share page")
    shoot(page, "phone-share")
    png = page.request.get(f"/events/{workshop.id}/poster.png").body()
    assert [r.text for r in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))] == [
        f"{live_server.url}/events/{workshop.id}"]
    folder = os.environ.get("LEYE_SCREENSHOTS")
    if folder:
        Image.open(io.BytesIO(png)).resize((540, 720)).save(os.path.join(folder, "poster.png"), optimize=True)


def test_ticket_certificate_and_feedback_for_the_seeker(wechat, workshop):
    from pypdf import PdfReader

    seeker = make_user(Role.SEEKER, name="王小明")
    registration = make_registration(workshop, seeker)
    page = wechat(seeker)
    page.goto(f"/tickets/{registration.ticket_code}")
    qr = page.locator(".ticket-qr img")
    expect(qr).to_have_attribute("src", re.compile(r"/qr\.png$"))
    _wait_until_loaded(page, ".ticket-qr img")
    assert page.evaluate("document.querySelector('.ticket-qr img').naturalWidth") > 0
    expect(page.locator(".ticket-details")).to_contain_text("王小明")  # their own ticket: their own name
    expect(page.locator(".calendar-hint")).to_be_visible()
    expect(page.locator(".certificate-link")).to_have_count(0)
    check_phone_layout(page, "the ticket")
    shoot(page, "phone-ticket")

    attend(registration)
    page.reload()
    expect(page.locator(".certificate-link")).to_be_visible()
    pdf = page.request.get(page.locator(".certificate-link").get_attribute("href"))
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.body())).pages)
    for expected in ("王小明", workshop.title, "岗位解析", "潜力探索", "岗位推介", "求职适配"):
        assert expected in text
    _save_certificate_image(pdf.body())

    page.locator(".feedback-link").click()
    page.wait_for_url("**/feedback")
    page.wait_for_load_state("load")  # its stylesheet applied: under load the check could run before
    check_phone_layout(page, "the feedback form")
    page.locator(".rating-option", has_text="非常满意").click()
    page.fill("#comment", "四个模块很实用，希望多办！")
    page.get_by_role("button", name="提交评价").click()
    expect(page.locator(".flash")).to_contain_text("谢谢您的评价")
    expect(page.locator(".feedback-link")).to_contain_text("5 星")


def _save_certificate_image(pdf_bytes: bytes) -> None:
    folder = os.environ.get("LEYE_SCREENSHOTS")
    pdfium = pytest.importorskip("pypdfium2") if folder else None
    if folder:
        pdfium.PdfDocument(pdf_bytes)[0].render(scale=1.2).to_pil().save(os.path.join(folder, "certificate.png"))


def test_door_verdicts_fill_the_screen_then_give_way_to_scanning(wechat):
    event = open_event(title="杨浦春季招聘会")
    staff = door_staff(event)
    admitted = ticket(event, seeker=make_user(name="王小明"))
    stray = ticket(make_event(make_station(name="复旦大学乐业空间"), title="复旦专场面试会"),
                   seeker=make_user(name="李四"))
    page = wechat(staff, init_script=NO_CAMERA)
    page.goto(f"/door/{event.id}")
    expect(page.locator("#door-roster")).to_contain_text("名单已下载")
    page.click("#door-start")  # the camera is refused: say so, and what to do
    expect(page.locator("#door-result-title")).to_have_text("摄像头权限被拒绝")
    expect(page.locator("#door-result-detail")).to_contain_text("允许本网站使用摄像头")
    assert page.evaluate(COVERS_SCREEN)
    shoot(page, "door-camera-refused", full_page=False)
    page.locator("#door-result").click()  # a tap dismisses it
    assert not page.evaluate(COVERS_SCREEN)

    page.click("#door-code-tool summary")
    page.fill("#door-code", admitted.ticket_code)
    page.press("#door-code", "Enter")
    expect(page.locator("#door-result")).to_have_attribute("data-tone", "ok")
    expect(page.locator("#door-result-name")).to_have_text("王**")
    assert page.evaluate(COVERS_SCREEN), "the green verdict covers the screen"
    name_size = page.evaluate("parseFloat(getComputedStyle(document.getElementById('door-result-name')).fontSize)")
    assert name_size >= 48, "the name is readable at arm's length"
    shoot(page, "door-green", full_page=False)
    expect(page.locator("#door-undo")).to_have_text("撤销 王** 的签到")
    # Held a moment, then back to scanning (a page with a CSP: no wait_for_function strings here).
    expect(page.locator("body")).not_to_have_class(re.compile("door-verdict-open"), timeout=4000)

    page.fill("#door-code", admitted.ticket_code)
    page.press("#door-code", "Enter")
    expect(page.locator("#door-result")).to_have_attribute("data-tone", "warn")
    assert page.evaluate(COVERS_SCREEN)
    shoot(page, "door-amber", full_page=False)
    page.locator("#door-result").click()

    page.fill("#door-code", stray.ticket_code)
    page.press("#door-code", "Enter")
    expect(page.locator("#door-result")).to_have_attribute("data-tone", "bad")
    expect(page.locator("#door-result-detail")).to_have_text(
        "这张票属于：复旦专场面试会（复旦大学乐业空间）。请对方打开该活动的电子票。")
    expect(page.locator("#door-result")).not_to_contain_text("李")
    assert page.evaluate(COVERS_SCREEN)
    shoot(page, "door-red-wrong-event", full_page=False)
    expect(page.locator("body")).not_to_have_class(re.compile("door-verdict-open"), timeout=5000)
