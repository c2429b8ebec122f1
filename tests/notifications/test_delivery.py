"""The worker: SMTP and webhook delivery, retries with back-off, giving up, quiet hours, opt-out."""
from datetime import timedelta

from leye_events.accounts.models import Role
from leye_events.booking import services as booking
from leye_events.booking.models import RegistrationStatus
from leye_events.events import services as events
from leye_events.extensions import db
from leye_events.notifications import services as notifications
from leye_events.notifications.models import Channel, DeliveryStatus, Notification, NotificationKind

from ..booking.test_concurrency import configured
from ..factories import make_event, make_registration, make_user
from .conftest import MORNING_AFTER_NIGHT, NIGHT_SHANGHAI, NOON_SHANGHAI, free_port, run_worker


def rows(**filters):
    return db.session.execute(db.select(Notification).filter_by(**filters).order_by(Notification.id)).scalars().all()


def test_nothing_leaves_before_the_worker_runs_then_mail_and_sms_go_out(mailbox, gateway):
    event = make_event(title="春季校园招聘会")
    make_registration(event, make_user(email="a@example.com", phone="13900000001"))
    make_registration(event, make_user(email=None, phone="13900000002"))
    events.cancel_event(event, actor=make_user(Role.ORGANIZER, station=event.station), reason="场地检修")
    db.session.commit()
    assert mailbox.messages == [] and gateway.requests == []  # the request sent nothing
    report = run_worker(NOON_SHANGHAI)
    assert report.sent == 3
    [mail] = mailbox.messages
    assert mail["To"] == "a@example.com" and "春季校园招聘会" in mail["Subject"]
    assert "场地检修" in mail.get_content()
    assert sorted(r["json"]["phone"] for r in gateway.requests) == ["13900000001", "13900000002"]
    assert {r["json"]["kind"] for r in gateway.requests} == {"event_cancelled"}
    assert all(len(text) <= 70 for text in gateway.texts())
    assert run_worker(NOON_SHANGHAI).sent == 0  # each message once
    assert len(gateway.requests) == 2 and len(mailbox.messages) == 1


def test_a_failing_gateway_is_retried_with_back_off_then_given_up_and_shown(app, gateway):
    seeker = make_user(email=None)
    notifications.notify(seeker, notifications.Message(kind=NotificationKind.APPLICATION_RESULT,
                                                       cause="application_result:9", title="投递结果", body="已通过初筛"))
    db.session.commit()
    gateway.status = 503
    now = NOON_SHANGHAI
    with configured(app, NOTIFY_MAX_ATTEMPTS=3, NOTIFY_RETRY_SECONDS=30):
        assert run_worker(now).retried == 1
        [sms] = rows(channel=Channel.SMS)
        assert sms.status == DeliveryStatus.PENDING and sms.attempts == 1
        assert sms.next_attempt_at == now + timedelta(seconds=30)
        assert run_worker(now + timedelta(seconds=10)).retried == 0  # not due yet
        assert run_worker(now + timedelta(seconds=30)).retried == 1
        db.session.refresh(sms)
        assert sms.next_attempt_at == now + timedelta(seconds=30 + 60)  # doubled
        assert run_worker(now + timedelta(seconds=90)).failed == 1
    db.session.refresh(sms)
    assert sms.status == DeliveryStatus.FAILED and "503" in sms.last_error
    assert [n.id for n in notifications.failed_deliveries()] == [sms.id]
    assert len(gateway.requests) == 3


def test_an_unreachable_mail_server_does_not_break_the_change_and_is_retried(app):
    event = make_event()
    make_registration(event, make_user(email="a@example.com"))
    with configured(app, MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port()):
        events.cancel_event(event, actor=make_user(Role.ADMIN))
        db.session.commit()
        run_worker(NOON_SHANGHAI)
    [mail] = rows(channel=Channel.EMAIL)
    assert mail.status == DeliveryStatus.PENDING and mail.attempts == 1 and "smtp" in mail.last_error


def test_sms_waits_for_the_end_of_quiet_hours_unless_the_session_is_close(gateway):
    far = make_event(starts_in=timedelta(days=3))
    near = make_event(starts_in=timedelta(days=3))
    far_seeker, near_seeker = make_user(email=None), make_user(email=None)
    for event, seeker in ((far, far_seeker), (near, near_seeker)):
        booking.register(event.id, seeker)
        db.session.commit()
    # The near event's session starts 2 hours after our fixed night clock.
    for row in rows(event_id=near.id, channel=Channel.SMS):
        row.session_starts_at = NIGHT_SHANGHAI + timedelta(hours=2)
    db.session.commit()
    report = run_worker(NIGHT_SHANGHAI)
    assert report.sent == 1 and report.held == 1
    assert [r["json"]["phone"] for r in gateway.requests] == [near_seeker.phone]
    [held] = rows(event_id=far.id, channel=Channel.SMS)
    assert held.status == DeliveryStatus.PENDING and held.attempts == 0
    assert held.next_attempt_at == MORNING_AFTER_NIGHT
    assert run_worker(NIGHT_SHANGHAI + timedelta(hours=5)).sent == 0
    assert run_worker(MORNING_AFTER_NIGHT).sent == 1


def test_login_codes_are_never_held(client, gateway):
    with configured(client.application, SMS_BACKEND="webhook"):
        assert client.post("/api/v1/auth/sms-code", json={"phone": "13812345678"}).status_code == 202
    assert run_worker(NIGHT_SHANGHAI).sent == 1
    [request] = gateway.requests
    assert request["json"]["kind"] == "login_code" and request["json"]["phone"] == "13812345678"
    [row] = rows(kind=NotificationKind.LOGIN_CODE)
    assert row.status == DeliveryStatus.SENT and row.body == "******"  # the code does not stay in the outbox


def test_turning_sms_off_after_the_message_was_written_skips_it(gateway):
    seeker = make_user(email=None)
    make_registration(make_event(), seeker, status=RegistrationStatus.CONFIRMED)
    notifications.notify(seeker, notifications.Message(kind=NotificationKind.INTERVIEW_BOOKED,
                                                       cause="interview_booked:1", title="面试", body="面试时间"))
    db.session.commit()
    notifications.set_preferences(seeker, notify_sms=False)
    db.session.commit()
    report = run_worker(NOON_SHANGHAI)
    assert report.skipped == 1 and gateway.requests == []
    assert rows(channel=Channel.INBOX)  # the inbox stays
