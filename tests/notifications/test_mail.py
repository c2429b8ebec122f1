"""Mail to registrants, through a real SMTP server (aiosmtpd) on a free local port."""
import email
import socket
import time
from email.policy import default as default_policy

import pytest
from aiosmtpd.controller import Controller

from leye_events.accounts.models import Role
from leye_events.booking import services as booking
from leye_events.booking.models import RegistrationStatus
from leye_events.events import services as events
from leye_events.extensions import db

from ..booking.test_concurrency import configured
from ..factories import make_event, make_registration, make_user


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=default_policy))
        return "250 OK"

    def wait_for(self, count, timeout=5.0):
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.messages


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def inbox(app):
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    with configured(app, MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port):
        yield handler
    controller.stop()


def test_registrants_are_told_when_an_event_is_cancelled(inbox):
    event = make_event(title="春季校园招聘会")
    make_registration(event, make_user(email="a@example.com"))
    make_registration(event, make_user(email="b@example.com"), status=RegistrationStatus.WAITLISTED,
                      waitlist_position=1)
    make_registration(event, make_user(email="gone@example.com"), status=RegistrationStatus.CANCELLED)
    make_registration(event, make_user(email=None))
    events.cancel_event(event, actor=make_user(Role.ORGANIZER, station=event.station), reason="场地检修")
    db.session.commit()
    messages = inbox.wait_for(2)
    assert sorted(m["To"] for m in messages) == ["a@example.com", "b@example.com"]
    assert "春季校园招聘会" in messages[0]["Subject"]
    assert "场地检修" in messages[0].get_content()


def test_nothing_is_sent_when_the_change_rolls_back(inbox):
    event = make_event()
    make_registration(event, make_user(email="a@example.com"))
    events.cancel_event(event, actor=make_user(Role.ADMIN), reason="")
    db.session.rollback()
    make_user()  # another transaction commits
    assert inbox.wait_for(1, timeout=0.5) == []


def test_a_promoted_seeker_is_told_with_the_ticket_link(inbox):
    event = make_event(capacity=1, title="简历工作坊")
    holder = make_registration(event)
    waiting = make_registration(event, make_user(email="next@example.com"), status=RegistrationStatus.WAITLISTED,
                                waitlist_position=1)
    booking.cancel(holder.id, actor=holder.seeker)
    db.session.commit()
    [message] = inbox.wait_for(1)
    assert message["To"] == "next@example.com" and "候补成功" in message["Subject"]
    assert f"/tickets/{waiting.ticket_code}" in message.get_content()


def test_an_unreachable_mail_server_does_not_break_the_change(app):
    event = make_event()
    make_registration(event, make_user(email="a@example.com"))
    with configured(app, MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port()):
        events.cancel_event(event, actor=make_user(Role.ADMIN))
        db.session.commit()
    db.session.refresh(event)
    assert event.status.value == "cancelled"
