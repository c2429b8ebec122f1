"""Notification pages: the bell and inbox, preferences, SMS-code login and sign-up, forgotten password,
and the organizer's page of an event's messages with a notice."""
import re

from leye_events.accounts.models import Role, User
from leye_events.audit.models import AuditEntry
from leye_events.booking import services as booking
from leye_events.extensions import db
from leye_events.notifications.models import Channel, DeliveryStatus, Notification, NotificationKind

from ..factories import PASSWORD, make_event, make_registration, make_user
from .conftest import NOON_SHANGHAI, run_worker


def code_from(gateway, phone):
    run_worker()
    text = [r["json"]["text"] for r in gateway.requests if r["json"]["phone"] == phone][-1]
    return re.search(r"\b(\d{6})\b", text).group(1)


def test_the_bell_counts_unread_messages_and_the_inbox_shows_them(login):
    seeker = make_user()
    booking.register(make_event(title="简历工作坊").id, seeker)
    db.session.commit()
    client = login(seeker)
    home = client.get("/").get_data(as_text=True)
    assert 'class="bell-count">1<' in home
    page = client.get("/me/notifications").get_data(as_text=True)
    assert "报名成功：简历工作坊" in page and "/tickets/" in page
    assert 'class="bell-count"' not in client.get("/").get_data(as_text=True)  # read now


def test_preferences_turn_sms_off(login):
    seeker = make_user()
    client = login(seeker)
    response = client.post("/me/notifications/preferences", data={"notify_email": "y"})
    assert response.status_code == 302
    db.session.refresh(seeker)
    assert seeker.notify_sms is False and seeker.notify_email is True


def test_login_with_an_sms_code(client, gateway):
    seeker = make_user(phone="13812345678")
    page = client.post("/login/sms", data={"phone": "13812345678", "send": "1"}).get_data(as_text=True)
    assert "验证码已发送" in page
    code = code_from(gateway, "13812345678")
    wrong = client.post("/login/sms", data={"phone": "13812345678", "sms_code": "000000" if code != "000000" else "111111",
                                            "submit": "1"})
    assert wrong.status_code == 200 and "验证码不正确" in wrong.get_data(as_text=True)
    response = client.post("/login/sms", data={"phone": "13812345678", "sms_code": code, "submit": "1"})
    assert response.status_code == 302
    assert "退出" in client.get("/").get_data(as_text=True)
    db.session.refresh(seeker)
    assert seeker.last_login_at is not None


def test_sign_up_with_an_sms_code_asks_for_a_name_and_consent(client, gateway):
    client.post("/login/sms", data={"phone": "13812345678", "send": "1"})
    code = code_from(gateway, "13812345678")
    page = client.post("/login/sms", data={"phone": "13812345678", "sms_code": code, "submit": "1"})
    assert "尚未注册" in page.get_data(as_text=True)
    response = client.post("/login/sms", data={"phone": "13812345678", "sms_code": code, "name": "王小明",
                                               "consent": "y", "submit": "1"})
    assert response.status_code == 302
    user = db.session.execute(db.select(User).filter_by(phone="13812345678")).scalar_one()
    assert user.name == "王小明" and user.role == Role.SEEKER and user.consent_at is not None


def test_a_forgotten_password_is_replaced_after_an_sms_code_login(client, gateway):
    seeker = make_user(phone="13812345678")
    client.post("/login/sms", data={"phone": "13812345678", "send": "1"})
    client.post("/login/sms", data={"phone": "13812345678", "sms_code": code_from(gateway, "13812345678"),
                                    "submit": "1"})
    response = client.post("/account/new-password", data={"new_password": "new-secret-1", "confirm": "new-secret-1"})
    assert response.status_code == 302
    db.session.refresh(seeker)
    assert seeker.check_password("new-secret-1") and not seeker.check_password(PASSWORD)
    assert db.session.execute(db.select(AuditEntry).filter_by(action="account.password_reset")).scalar_one()


def test_a_password_login_cannot_skip_the_old_password(login):
    client = login(make_user())
    response = client.post("/account/new-password", data={"new_password": "new-secret-1", "confirm": "new-secret-1"})
    assert response.status_code == 302 and "/login/sms" in response.headers["Location"]


def test_the_organizer_sees_what_was_sent_and_sends_a_notice(login, gateway):
    event = make_event(title="春季校园招聘会")
    make_registration(event, make_user(email=None))
    make_registration(event, make_user(email=None))
    organizer = make_user(Role.ORGANIZER, station=event.station)
    client = login(organizer)
    response = client.post(f"/manage/events/{event.id}/notifications", data={"text": "入场请带身份证。"})
    assert response.status_code == 302
    gateway.status = 500
    run_worker()
    page = client.get(f"/manage/events/{event.id}/notifications").get_data(as_text=True)
    assert page.count("delivery-pending") == 2 and 'id="count-pending">2<' in page
    notices = db.session.execute(db.select(Notification).filter_by(kind=NotificationKind.NOTICE,
                                                                   channel=Channel.INBOX)).scalars().all()
    assert len(notices) == 2 and notices[0].body == "入场请带身份证。"
    entry = db.session.execute(db.select(AuditEntry).filter_by(action="event.notice")).scalar_one()
    assert entry.actor_id == organizer.id
    assert all(n.status == DeliveryStatus.PENDING for n in db.session.execute(
        db.select(Notification).filter_by(channel=Channel.SMS)).scalars())


def test_a_notice_must_have_text_and_other_stations_are_refused(login):
    event = make_event()
    client = login(make_user(Role.ORGANIZER, station=event.station))
    assert client.post(f"/manage/events/{event.id}/notifications", data={"text": ""}).status_code == 200
    assert client.post(f"/manage/events/{event.id}/notifications", data={"text": "长" * 201}).status_code == 200
    stranger = login(make_user(Role.ORGANIZER, station=make_event().station))
    assert stranger.get(f"/manage/events/{event.id}/notifications").status_code == 403
    assert login(make_user()).get(f"/manage/events/{event.id}/notifications").status_code == 403


def test_admins_see_every_message_given_up_on(app, login, gateway):
    from leye_events.notifications.services import Message, notify

    from ..booking.test_concurrency import configured

    notify(make_user(email=None), Message(kind=NotificationKind.INTERVIEW_BOOKED, cause="interview_booked:3",
                                          title="面试预约成功", body="面试时间"))
    db.session.commit()
    gateway.status = 500
    with configured(app, NOTIFY_MAX_ATTEMPTS=1):
        run_worker(NOON_SHANGHAI)  # outside quiet hours, whenever the test runs
    page = login(make_user(Role.ADMIN)).get("/manage/notifications/failed").get_data(as_text=True)
    assert "面试预约成功" in page and "delivery-failed" in page and "500" in page
    assert login(make_user(Role.ORGANIZER, station=make_event().station)).get(
        "/manage/notifications/failed").status_code == 403


def test_the_account_page_turns_email_off(login):
    seeker = make_user()
    client = login(seeker)
    assert 'name="notify_sms" value="y" checked' in client.get("/account").get_data(as_text=True)
    response = client.post("/me/notifications/preferences?next=/account%23notifications", data={"notify_sms": "y"})
    assert response.headers["Location"].endswith("/account#notifications")
    db.session.refresh(seeker)
    assert seeker.notify_sms is True and seeker.notify_email is False


def test_the_notice_fanout_job_is_not_listed_as_an_email(login, gateway):
    """The notice is queued as one internal fanout row; it is no SMS or e-mail to anyone."""
    event = make_event(title="秋季校园招聘会")
    make_registration(event, make_user(email=None))
    client = login(make_user(Role.ORGANIZER, station=event.station))
    client.post(f"/manage/events/{event.id}/notifications", data={"text": "入场请带身份证。"})
    for _worker_ran in (False, True):
        page = client.get(f"/manage/events/{event.id}/notifications").get_data(as_text=True)
        assert f"notice:{event.id}:" not in page
        assert page.count('class="delivery-') == (1 if _worker_ran else 0)
        run_worker()
