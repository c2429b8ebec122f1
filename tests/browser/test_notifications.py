"""A new seeker on a phone: signs up with an SMS code, registers, sees the confirmation behind the bell;
the organizer cancels the event and the worker tells them by SMS and in the inbox."""
import re

import pytest
from playwright.sync_api import expect

from leye_events.accounts.models import Role
from leye_events.events import services as events
from leye_events.extensions import db
from leye_events.notifications.delivery import deliver_due

from ..booking.test_concurrency import configured
from ..factories import make_event, make_user
from ..notifications.conftest import NOON_SHANGHAI, FakeGateway

pytestmark = pytest.mark.browser


def sms_code(gateway, phone):
    deliver_due(NOON_SHANGHAI)
    text = [r["json"]["text"] for r in gateway.requests if r["json"]["phone"] == phone][-1]
    return re.search(r"\b(\d{6})\b", text).group(1)


def test_sign_up_by_sms_code_register_and_hear_of_the_cancellation(app, phone_page):
    page = phone_page
    gateway = FakeGateway()
    event = make_event(title="简历门诊沙龙")
    with configured(app, SMS_BACKEND="webhook", SMS_WEBHOOK_URL=gateway.url + "/sms"):
        page.goto("/login")
        page.get_by_role("link", name="短信验证码登录", exact=True).click()
        page.fill("input[name=phone]", "13912345678")
        page.get_by_role("button", name="获取验证码").click()
        expect(page.locator(".flash")).to_contain_text("验证码已发送")
        page.fill("input[name=sms_code]", sms_code(gateway, "13912345678"))
        page.locator("summary").click()
        page.fill("input[name=name]", "林小雨")
        page.check("input[name=consent]")
        page.get_by_role("button", name="登录").click()
        expect(page.locator(".site-nav")).to_contain_text("退出")

        page.goto(f"/events/{event.id}")
        page.get_by_role("button", name="立即报名").click()
        expect(page.locator(".flash")).to_contain_text("报名成功")
        expect(page.locator(".bell-count")).to_have_text("1")

        db.session.commit()
        events.cancel_event(db.session.get(type(event), event.id), actor=make_user(Role.ADMIN), reason="场地检修")
        db.session.commit()
        deliver_due(NOON_SHANGHAI)  # outside SMS quiet hours, whenever the test runs
        page.locator(".bell").click()
        expect(page.locator(".inbox")).to_contain_text("活动取消：简历门诊沙龙")
        expect(page.locator(".inbox")).to_contain_text("场地检修")
        expect(page.locator(".inbox")).to_contain_text("报名成功：简历门诊沙龙")
    kinds = [r["json"]["kind"] for r in gateway.requests if r["json"]["phone"] == "13912345678"]
    assert kinds == ["login_code", "registration_confirmed", "event_cancelled"]
    gateway.close()
