"""The public pages in a real (headless) Chromium on a phone-sized screen."""
import re

import pytest
from playwright.sync_api import expect

from leye_events.events.models import EventKind, EventStatus
from leye_events.extensions import db
from leye_events.stations.models import StationKind

from ..factories import make_event, make_station

pytestmark = pytest.mark.browser


@pytest.fixture
def workshop():
    station = make_station(slug="wujiaochang", name="五角场街道乐业空间")
    event = make_event(station, sessions=4, kind=EventKind.WORKSHOP, title="“打造我的2026”沉浸式巡演",
                       venue="五角场街道乐业空间 沉浸式体验区", capacity=30)
    for session, title in zip(event.sessions, ("岗位解析", "潜力探索", "岗位推介", "求职适配"), strict=True):
        session.title = title
    db.session.commit()
    return event


def _no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


STICKING_OUT_OF_THEIR_BOX = """() => [...document.querySelectorAll('main input, main select, main textarea, main button, main .button')]
    .filter(el => {
        const box = el.parentElement.closest('form, .card');
        return box && el.getBoundingClientRect().right > box.getBoundingClientRect().right + 0.5;
    })
    .map(el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : ''))"""


def test_home_to_event_page_on_a_phone(phone_page, workshop):
    page = phone_page
    other = make_station(slug="fudan", name="复旦大学乐业空间", kind=StationKind.UNIVERSITY)
    make_event(other, title="草稿里的招聘会", status=EventStatus.DRAFT)
    make_station(slug="xinjiangwancheng", name="新江湾城街道乐业空间")  # long names widen the filter

    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    link = page.get_by_role("link", name=workshop.title)
    expect(link).to_be_visible()
    expect(page.get_by_text("草稿里的招聘会")).to_have_count(0)
    assert _no_horizontal_scroll(page), "the home page scrolls sideways on a 390 px screen"
    assert page.evaluate(STICKING_OUT_OF_THEIR_BOX) == [], "form fields stick out of their card"

    link.click()
    expect(page).to_have_url(re.compile(rf"/events/{workshop.id}$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(workshop.title)
    for title in ("岗位解析", "潜力探索", "岗位推介", "求职适配"):
        expect(page.locator(".session-list").get_by_text(title)).to_be_visible()
    button = page.get_by_role("button", name="立即报名")
    expect(button).to_be_visible()
    expect(button).to_be_enabled()
    assert _no_horizontal_scroll(page), "the event page scrolls sideways on a 390 px screen"
    assert page.evaluate(STICKING_OUT_OF_THEIR_BOX) == [], "buttons stick out of their card"

    # Someone who is not logged in is asked to log in first.
    button.click()
    expect(page).to_have_url(re.compile(r"/login"))


def test_language_switch_in_the_footer(phone_page, workshop):
    page = phone_page
    page.goto(f"/events/{workshop.id}")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")

    page.locator(".site-footer").get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(re.compile(rf"/events/{workshop.id}"))

    page.goto("/")  # the choice sticks for the visit
    expect(page.locator("html")).to_have_attribute("lang", "en")

    page.locator(".site-footer").get_by_role("link", name="中文").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")


def test_unknown_event_shows_a_page_not_a_crash(phone_page):
    response = phone_page.goto("/events/999999")
    assert response.status == 404
    expect(phone_page.locator("footer")).to_be_visible()


def test_fact_lists_fit_a_phone_with_a_long_email_and_in_english(phone_page):
    """.facts is a two-column grid: a long e-mail (account page) or long English terms (figures) pushed
    the page wider than the screen."""
    from leye_events.accounts.models import Role

    from ..factories import PASSWORD, make_user

    page = phone_page
    # is_mobile lets the page zoom out to what is wider, so innerWidth grows with it: measure against 390.
    station = make_station(slug="xinjiangwancheng", name="新江湾城街道乐业空间")
    counselor = make_user(Role.COUNSELOR, station=station, email="counselor.xinjiangwancheng.second@demo.leye")
    page.goto("/login")
    page.fill("input[name=login]", counselor.email)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.locator("input[name=password]")).to_have_count(0)
    page.goto("/account")
    assert _page_width(page) <= 390, "the account page scrolls sideways on a 390 px screen"
    page.goto("/figures?lang=en")
    expect(page.locator("#figures")).to_be_visible()
    assert _page_width(page) <= 390, "the English figures page scrolls sideways on a 390 px screen"


def _page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")
