"""A seeker on a phone: log in from the event page, register, see the seats drop, cancel; the
first person on the waitlist is promoted."""
import re

import pytest
from playwright.sync_api import expect

from leye_events.booking.models import Registration, RegistrationStatus
from leye_events.extensions import db

from ..factories import PASSWORD, make_event, make_registration, make_user

pytestmark = pytest.mark.browser


def test_register_see_seats_drop_cancel_and_promote(phone_page):
    page = phone_page
    event = make_event(title="简历门诊沙龙", capacity=2)
    make_registration(event)
    seeker = make_user(name="林小雨", phone="13912340000")
    event_id = event.id

    page.goto(f"/events/{event_id}")
    expect(page.locator("main")).to_contain_text("剩余 1")
    page.get_by_role("button", name="立即报名").click()
    expect(page).to_have_url(re.compile(r"/login"))
    page.fill("input[name=login]", "13912340000")
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="登录").click()

    # The detour comes back to a one-tap confirmation of this event.
    expect(page.locator("h1")).to_have_text("确认报名")
    page.get_by_role("button", name="确认报名").click()
    expect(page.locator(".flash")).to_contain_text("报名成功")
    expect(page.locator(".ticket-qr img")).to_be_visible()

    page.goto(f"/events/{event_id}")
    expect(page.locator("main")).to_contain_text("名额已满")
    expect(page.locator(".my-registration")).to_contain_text("您已报名")

    # Someone else joins the waitlist meanwhile.
    waiting = make_registration(event, status=RegistrationStatus.WAITLISTED, waitlist_position=1)
    waiting_id = waiting.id

    page.goto("/me/registrations")
    page.get_by_role("link", name="取消报名").first.click()
    page.get_by_role("button", name="确认取消").click()
    expect(page.locator(".flash")).to_contain_text("已取消报名")
    expect(page.locator("#cancelled")).to_contain_text("简历门诊沙龙")

    db.session.commit()
    assert db.session.get(Registration, waiting_id).status == RegistrationStatus.CONFIRMED
    mine = db.session.execute(db.select(Registration).filter_by(seeker_id=seeker.id)).scalar_one()
    assert mine.status == RegistrationStatus.CANCELLED
