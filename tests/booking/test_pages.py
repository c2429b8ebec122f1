"""Booking pages: register (with the login detour), my registrations, ticket, cancel, organizer list."""
from datetime import timedelta

from leye_events.accounts.models import Role, SeekerCategory
from leye_events.booking.models import Registration, RegistrationStatus
from leye_events.core.timeutil import utcnow
from leye_events.events.models import EventStatus
from leye_events.extensions import db

from ..factories import make_event, make_registration, make_station, make_user


def registrations_of(event):
    db.session.commit()
    return db.session.execute(db.select(Registration).filter_by(event_id=event.id)).scalars().all()


def test_anonymous_register_goes_through_login_and_comes_back(client):
    event = make_event()
    response = client.get(f"/events/{event.id}/register")
    assert response.status_code == 302
    assert "/login" in response.location and f"%2Fevents%2F{event.id}%2Fregister" in response.location


def test_one_tap_register_shows_the_ticket(login):
    event = make_event(capacity=5)
    seeker = make_user()
    client = login(seeker)
    confirm = client.get(f"/events/{event.id}/register")
    assert confirm.status_code == 200 and "确认报名" in confirm.get_data(as_text=True)
    response = client.post(f"/events/{event.id}/register", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "报名成功" in page and "qr.png" in page  # a PNG, so WeChat offers to save it on a long press
    [registration] = registrations_of(event)
    assert registration.status == RegistrationStatus.CONFIRMED and registration.seeker_id == seeker.id


def test_full_event_puts_the_seeker_on_the_waitlist_with_position(login):
    event = make_event(capacity=1)
    make_registration(event)
    make_registration(event, status=RegistrationStatus.WAITLISTED, waitlist_position=1)
    response = login(make_user()).post(f"/events/{event.id}/register", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "候补名单" in page and "第 2 位" in page


def test_rule_messages_on_the_page(login):
    cases = [
        (make_event(capacity=0, waitlist_enabled=False), make_user(), "名额已满"),
        (make_event(registration_closes=utcnow() - timedelta(hours=1)), make_user(), "报名已截止"),
        (make_event(registration_opens=utcnow() + timedelta(days=1)), make_user(), "报名尚未开始"),
        (make_event(eligible_categories=["student"]), make_user(category=SeekerCategory.UNEMPLOYED), "仅面向"),
        (make_event(eligible_school="复旦大学"), make_user(school="同济大学"), "仅面向复旦大学"),
        (make_event(eligible_graduation_year_min=2026), make_user(graduation_year=2020), "届毕业生"),
        (make_event(status=EventStatus.CANCELLED), make_user(), "该活动已取消"),
    ]
    for event, seeker, message in cases:
        response = login(seeker).post(f"/events/{event.id}/register", follow_redirects=True)
        assert response.status_code == 200
        assert message in response.get_data(as_text=True), message
        assert registrations_of(event) == []


def test_registering_twice_leads_to_the_existing_ticket(login):
    event = make_event()
    seeker = make_user()
    registration = make_registration(event, seeker)
    response = login(seeker).post(f"/events/{event.id}/register")
    assert response.status_code == 302 and registration.ticket_code in response.location
    assert len(registrations_of(event)) == 1


def test_staff_cannot_register_on_the_web(login):
    event = make_event()
    response = login(make_user(Role.ORGANIZER, station=event.station)).post(
        f"/events/{event.id}/register", follow_redirects=True
    )
    assert "只有求职者" in response.get_data(as_text=True)
    assert registrations_of(event) == []


def test_unknown_event_is_404(login):
    assert login(make_user()).post("/events/999999/register").status_code == 404


def test_my_registrations_groups(login):
    seeker = make_user()
    upcoming = make_registration(make_event(title="即将举行的沙龙"), seeker)
    full = make_event(title="候补的招聘会", capacity=0)
    make_registration(full, seeker, status=RegistrationStatus.WAITLISTED, waitlist_position=3)
    make_registration(make_event(title="上周的讲座", starts_in=timedelta(days=-7)), seeker)
    make_registration(make_event(title="取消了的参观"), seeker, status=RegistrationStatus.CANCELLED)
    page = login(seeker).get("/me/registrations").get_data(as_text=True)
    for title in ("即将举行的沙龙", "候补的招聘会", "上周的讲座", "取消了的参观"):
        assert title in page
    assert "候补第 3 位" in page
    assert page.index("即将参加") < page.index("即将举行的沙龙") < page.index("候补中") < page.index("候补的招聘会")
    assert upcoming.ticket_code in page


def test_my_registrations_is_for_seekers(login, client):
    assert client.get("/me/registrations").status_code == 302
    assert login(make_user(Role.DOOR, station=make_station())).get("/me/registrations").status_code == 403


def test_cancel_with_confirmation_promotes_the_next(login):
    event = make_event(capacity=1)
    mine = make_registration(event)
    waiting = make_registration(event, status=RegistrationStatus.WAITLISTED, waitlist_position=1)
    client = login(mine.seeker)
    confirm = client.get(f"/registrations/{mine.id}/cancel")
    assert "确认取消" in confirm.get_data(as_text=True)
    response = client.post(f"/registrations/{mine.id}/cancel", data={"reason": ""}, follow_redirects=True)
    assert "已取消报名" in response.get_data(as_text=True)
    db.session.commit()
    assert db.session.get(Registration, mine.id).status == RegistrationStatus.CANCELLED
    assert db.session.get(Registration, waiting.id).status == RegistrationStatus.CONFIRMED


def test_cancel_someone_elses_registration_is_forbidden(login):
    registration = make_registration(make_event())
    assert login(make_user()).post(f"/registrations/{registration.id}/cancel").status_code == 403


def test_staff_cancel_needs_a_reason(login):
    event = make_event()
    registration = make_registration(event)
    client = login(make_user(Role.ORGANIZER, station=event.station))
    response = client.post(f"/registrations/{registration.id}/cancel", data={"reason": " "})
    assert response.status_code == 200 and "请填写取消原因" in response.get_data(as_text=True)
    db.session.commit()
    assert db.session.get(Registration, registration.id).status == RegistrationStatus.CONFIRMED
    client.post(f"/registrations/{registration.id}/cancel", data={"reason": "本人电话要求取消"})
    db.session.commit()
    cancelled = db.session.get(Registration, registration.id)
    assert cancelled.status == RegistrationStatus.CANCELLED and cancelled.cancel_reason == "本人电话要求取消"


def test_ticket_page_and_qr_images(client):
    registration = make_registration(make_event(title="简历工作坊"), make_user(name="王小明"))
    page = client.get(f"/tickets/{registration.ticket_code}").get_data(as_text=True)
    assert "简历工作坊" in page and "王**" in page and "王小明" not in page
    svg = client.get(f"/tickets/{registration.ticket_code}/qr.svg")
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml" and b"<svg" in svg.data
    png = client.get(f"/tickets/{registration.ticket_code}/qr.png")
    assert png.status_code == 200 and png.data.startswith(b"\x89PNG")
    assert client.get("/tickets/not-a-code").status_code == 404
    assert client.get("/tickets/not-a-code/qr.png").status_code == 404


def test_organizer_registration_list_with_counts(login):
    event = make_event(capacity=2)
    make_registration(event, make_user(name="张三", phone="13812345678"))
    make_registration(event)
    make_registration(event, status=RegistrationStatus.WAITLISTED, waitlist_position=1)
    page = login(make_user(Role.ORGANIZER, station=event.station)).get(
        f"/manage/events/{event.id}/registrations"
    ).get_data(as_text=True)
    assert "138****5678" in page and "13812345678" not in page and "张*" in page
    assert '<dd id="count-confirmed">2</dd>' in page and '<dd id="count-waitlisted">1</dd>' in page


def test_registration_list_role_checks(login, client):
    event = make_event()
    url = f"/manage/events/{event.id}/registrations"
    assert client.get(url).status_code == 302
    assert login(make_user()).get(url).status_code == 403
    assert login(make_user(Role.ORGANIZER, station=make_station())).get(url).status_code == 403
    assert login(make_user(Role.DOOR, station=event.station)).get(url).status_code == 403
    assert login(make_user(Role.COUNSELOR, station=event.station)).get(url).status_code == 200
    assert login(make_user(Role.ADMIN)).get(url).status_code == 200


def test_raising_capacity_on_the_page_promotes(login):
    event = make_event(capacity=1)
    make_registration(event)
    waiting = make_registration(event, status=RegistrationStatus.WAITLISTED, waitlist_position=1)
    client = login(make_user(Role.ORGANIZER, station=event.station))
    response = client.post(f"/manage/events/{event.id}/capacity", data={"capacity": "2"}, follow_redirects=True)
    assert "1 位候补者已转为正式报名" in response.get_data(as_text=True)
    db.session.commit()
    assert db.session.get(Registration, waiting.id).status == RegistrationStatus.CONFIRMED


def test_bad_capacity_input_is_explained_and_changes_nothing(login):
    event = make_event(capacity=3)
    make_registration(event)
    make_registration(event)
    client = login(make_user(Role.ORGANIZER, station=event.station))
    for value, message in (("abc", ""), ("-1", "名额须为"), ("1", "不能少于已确认的人数")):
        response = client.post(f"/manage/events/{event.id}/capacity", data={"capacity": value}, follow_redirects=True)
        assert response.status_code == 200
        assert message in response.get_data(as_text=True)
        db.session.commit()
        db.session.refresh(event)
        assert event.capacity == 3


def test_close_registration_early(login):
    event = make_event()
    client = login(make_user(Role.ORGANIZER, station=event.station))
    response = client.post(f"/manage/events/{event.id}/close-registration", follow_redirects=True)
    assert "报名已提前截止" in response.get_data(as_text=True)
    response = login(make_user()).post(f"/events/{event.id}/register", follow_redirects=True)
    assert "报名已截止" in response.get_data(as_text=True)
    assert login(make_user(Role.DOOR, station=event.station)).post(
        f"/manage/events/{event.id}/close-registration"
    ).status_code == 403
