"""A student on a phone registers online for a hybrid salon and joins the live room from the ticket page."""
import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from leye_events.checkin.models import CheckIn, CheckInMethod, CheckInResult
from leye_events.events.models import EventMode
from leye_events.extensions import db

from ..factories import PASSWORD, make_event, make_user

pytestmark = pytest.mark.browser


def test_register_online_and_join_from_the_ticket(phone_page, live_server):
    page = phone_page
    live_room = f"{live_server.url}/stations"  # stands in for the Bilibili room: a page the test server has
    event = make_event(title="岗位推介直播间", capacity=1, mode=EventMode.HYBRID, online_url=live_room,
                       starts_in=timedelta(minutes=5))
    make_user(name="林小雨", phone="13912340001")
    event_id = event.id

    page.goto(f"/events/{event_id}")
    expect(page.locator(".event-mode")).to_contain_text("线上线下")
    expect(page.locator("main")).not_to_contain_text(live_room)
    page.get_by_role("button", name="线上参加，立即报名").click()
    page.fill("input[name=login]", "13912340001")
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.locator("h1")).to_have_text("确认报名")
    page.get_by_role("button", name="线上参加").click()

    expect(page.locator(".flash")).to_contain_text("进入直播间")
    expect(page.locator(".ticket-qr")).to_have_count(0)  # a join link instead of a QR
    page.get_by_role("link", name="进入直播间").click()
    expect(page).to_have_url(re.compile(re.escape(live_room) + "$"))

    db.session.commit()
    [row] = db.session.execute(db.select(CheckIn).filter_by(event_id=event_id)).scalars().all()
    assert row.result == CheckInResult.OK and row.method == CheckInMethod.ONLINE
