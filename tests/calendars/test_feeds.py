"""The .ics feeds: parsed by icalendar and by vobject (an independent parser), times at +08:00,
stable UIDs, SEQUENCE from the event's revision, cancelled as cancelled, conditional GET, tokens."""
from datetime import timedelta
from urllib.parse import urlsplit

import icalendar
import pytest
import vobject

from leye_events.accounts.models import Role, User
from leye_events.audit.models import AuditEntry
from leye_events.booking.models import RegistrationStatus
from leye_events.events.models import EventStatus
from leye_events.extensions import db

from ..factories import make_event, make_registration, make_station, make_user

EIGHT_HOURS = timedelta(hours=8)


def parse_both(body: bytes):
    """Parse with both libraries; return icalendar's VEVENTs and vobject's."""
    calendar = icalendar.Calendar.from_ical(body)
    ours = list(calendar.walk("VEVENT"))
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Asia/Shanghai"]
    theirs = vobject.readOne(body.decode("utf-8"))
    other = list(getattr(theirs, "vevent_list", []))
    assert len(other) == len(ours)
    for a, b in zip(ours, other, strict=True):
        assert str(a["UID"]) == b.uid.value
        start, end = a.decoded("DTSTART"), a.decoded("DTEND")
        assert start.utcoffset() == EIGHT_HOURS and end.utcoffset() == EIGHT_HOURS
        assert b.dtstart.value.utcoffset() == EIGHT_HOURS
        assert b.dtstart.value == start and b.dtend.value == end
        assert a["DTSTART"].params["TZID"] == "Asia/Shanghai"
    return ours, other


def by_uid(events):
    return {str(e["UID"]): e for e in events}


@pytest.fixture
def station():
    return make_station(slug="wujiaochang", name="五角场街道乐业空间", address="国定路 1 号")


def test_event_feed_has_every_session_with_stable_uids(client, station):
    event = make_event(station, sessions=4, title="打造我的2026 沉浸式巡演", venue="三楼多功能厅",
                       description="岗位解析、潜力探索、岗位推介、求职适配")
    event.revision = 3
    db.session.commit()
    first = client.get(f"/events/{event.id}.ics")
    assert first.status_code == 200
    assert first.mimetype == "text/calendar"
    ours, other = parse_both(first.data)
    assert sorted(by_uid(ours)) == sorted(f"session-{s.id}@leye-events" for s in event.sessions)
    for vevent in ours:
        assert vevent["SEQUENCE"] == 3
        assert vevent["STATUS"] == "CONFIRMED"
        assert str(vevent["LOCATION"]) == "三楼多功能厅（五角场街道乐业空间）"
        assert f"http://localhost/events/{event.id}" in str(vevent["DESCRIPTION"])
        assert str(vevent["URL"]) == f"http://localhost/events/{event.id}"
    session = event.sessions[0]
    assert by_uid(ours)[f"session-{session.id}@leye-events"].decoded("DTSTART") == session.starts_at
    second = client.get(f"/events/{event.id}.ics")
    assert sorted(by_uid(parse_both(second.data)[0])) == sorted(by_uid(ours))
    assert second.data == first.data  # nothing changed, nothing differs


def test_sequence_rises_when_the_event_changes(client, station):
    event = make_event(station)
    before = parse_both(client.get(f"/events/{event.id}.ics").data)[0][0]
    event.title = "改过的标题"
    event.revision += 1
    db.session.commit()
    after = parse_both(client.get(f"/events/{event.id}.ics").data)[0][0]
    assert after["UID"] == before["UID"]
    assert after["SEQUENCE"] == before["SEQUENCE"] + 1
    assert str(after["SUMMARY"]) == "改过的标题"


def test_public_feeds_hold_no_personal_data(client, station):
    event = make_event(station)
    seeker = make_user(Role.SEEKER, name="王小明", phone="13812345678", email="wxm@example.com")
    make_registration(event, seeker)
    for url in (f"/events/{event.id}.ics", f"/stations/{station.slug}/calendar.ics"):
        text = client.get(url).data.decode("utf-8")
        for secret in ("王小明", "13812345678", "wxm@example.com", seeker.calendar_token or "no-token"):
            assert secret not in text


def test_cancelled_event_is_cancelled_in_feeds(client, station):
    event = make_event(station, status=EventStatus.CANCELLED, cancel_reason="场地维修", published_at=make_event().created_at)
    ours, other = parse_both(client.get(f"/events/{event.id}.ics").data)
    assert ours[0]["STATUS"] == "CANCELLED" and other[0].status.value == "CANCELLED"
    assert "场地维修" in str(ours[0]["DESCRIPTION"])
    station_events = parse_both(client.get(f"/stations/{station.slug}/calendar.ics").data)[0]
    assert by_uid(station_events)[f"session-{event.sessions[0].id}@leye-events"]["STATUS"] == "CANCELLED"


def test_station_feed_lists_published_and_cancelled_not_drafts_or_others(client, station):
    published = make_event(station, sessions=2)
    draft = make_event(station, status=EventStatus.DRAFT)
    never_published = make_event(station, status=EventStatus.CANCELLED)  # a draft that was dropped
    long_past = make_event(station, starts_in=timedelta(days=-400))
    elsewhere = make_event(make_station())
    response = client.get(f"/stations/{station.slug}/calendar.ics")
    assert response.status_code == 200
    ours, _ = parse_both(response.data)
    uids = set(by_uid(ours))
    assert uids == {f"session-{s.id}@leye-events" for s in published.sessions}
    for other in (draft, never_published, long_past, elsewhere):
        assert f"session-{other.sessions[0].id}@leye-events" not in uids
    calendar = icalendar.Calendar.from_ical(response.data)
    assert "五角场街道乐业空间" in str(calendar["X-WR-CALNAME"])


def test_draft_event_feed_is_404_for_the_public(client, login, station):
    draft = make_event(station, status=EventStatus.DRAFT)
    assert client.get(f"/events/{draft.id}.ics").status_code == 404
    organizer = make_user(Role.ORGANIZER, station)
    assert login(organizer).get(f"/events/{draft.id}.ics").status_code == 200


def test_conditional_get_answers_304_and_change_invalidates(client, station):
    event = make_event(station)
    for url in (f"/events/{event.id}.ics", f"/stations/{station.slug}/calendar.ics"):
        first = client.get(url)
        etag = first.headers["ETag"]
        assert etag and first.headers["Last-Modified"]
        again = client.get(url, headers={"If-None-Match": etag})
        assert again.status_code == 304 and again.data == b""
        since = client.get(url, headers={"If-Modified-Since": first.headers["Last-Modified"]})
        assert since.status_code == 304
    etag = client.get(f"/events/{event.id}.ics").headers["ETag"]
    event.revision += 1
    event.venue = "新地点"
    db.session.commit()
    changed = client.get(f"/events/{event.id}.ics", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag


def test_station_feed_etag_changes_when_an_event_is_added(client, station):
    make_event(station)
    etag = client.get(f"/stations/{station.slug}/calendar.ics").headers["ETag"]
    make_event(station)
    assert client.get(f"/stations/{station.slug}/calendar.ics", headers={"If-None-Match": etag}).status_code == 200


def test_subscribe_page_offers_webcal(client, station):
    page = client.get(f"/stations/{station.slug}/calendar")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert f'href="webcal://localhost/stations/{station.slug}/calendar.ics"' in text
    assert f"http://localhost/stations/{station.slug}/calendar.ics" in text
    assert client.get(f"/stations/{station.slug}").get_data(as_text=True).count(f"/stations/{station.slug}/calendar") >= 1


@pytest.mark.parametrize("url", [
    "/events/99999999999999999999.ics", "/events/2147483648.ics", "/events/0.ics", "/events/abc.ics",
    "/stations/nope/calendar.ics", "/stations/nope/calendar", "/stations/%00/calendar.ics",
    "/calendar/short.ics", "/calendar/" + "x" * 300 + ".ics", "/calendar/%00%00%00%00%00%00%00%00%00%00%00%00.ics",
    "/calendar/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.ics",
])
def test_bad_feed_urls_are_404(client, url):
    assert client.get(url).status_code == 404


# --- the personal feed -------------------------------------------------------------------------------

def personal_url(api_client_data) -> str:
    return api_client_data["calendar_url"].replace("http://localhost", "")


def test_personal_feed_lists_confirmed_and_cancelled(client, login, station, token_for):
    seeker = make_user(Role.SEEKER)
    confirmed = make_event(station, sessions=2, title="确认的活动")
    cancelled_reg = make_event(station, title="我取消的活动")
    cancelled_event = make_event(station, title="被取消的活动")
    waitlisted = make_event(station, title="候补的活动")
    other_seekers = make_event(station, title="别人的活动")
    make_registration(confirmed, seeker)
    make_registration(cancelled_reg, seeker, status=RegistrationStatus.CANCELLED)
    make_registration(cancelled_event, seeker)
    cancelled_event.status = EventStatus.CANCELLED
    cancelled_event.revision += 1
    make_registration(waitlisted, seeker, status=RegistrationStatus.WAITLISTED, waitlist_position=1)
    make_registration(other_seekers)
    db.session.commit()

    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token_for(seeker)}"}).get_json()
    url = personal_url(me)
    assert url.startswith("/calendar/") and url.endswith(".ics")
    response = client.get(url)
    assert response.status_code == 200
    assert "private" in response.headers["Cache-Control"]
    ours, other = parse_both(response.data)
    status = {str(e["UID"]): str(e["STATUS"]) for e in ours}
    expected = {
        **{f"session-{s.id}@leye-events": "CONFIRMED" for s in confirmed.sessions},
        f"session-{cancelled_reg.sessions[0].id}@leye-events": "CANCELLED",
        f"session-{cancelled_event.sessions[0].id}@leye-events": "CANCELLED",
    }
    assert status == expected
    assert {e.uid.value: e.status.value for e in other} == expected
    # The same UIDs as the public feeds; stable across requests; the same URL on the account page.
    assert sorted(by_uid(parse_both(client.get(url).data)[0])) == sorted(expected)
    assert me["calendar_url"] in login(seeker).get("/account").get_data(as_text=True)


def test_re_registration_after_cancelling_shows_once_as_confirmed(client, station):
    seeker = make_user(Role.SEEKER)
    event = make_event(station)
    make_registration(event, seeker, status=RegistrationStatus.CANCELLED)
    make_registration(event, seeker)
    from leye_events.calendars.services import ensure_feed_token

    token = ensure_feed_token(seeker)
    db.session.commit()
    ours, _ = parse_both(client.get(f"/calendar/{token}.ics").data)
    assert [str(e["STATUS"]) for e in ours] == ["CONFIRMED"]


def test_cancelling_a_registration_changes_the_personal_feed(client, login, station):
    seeker = make_user(Role.SEEKER)
    event = make_event(station)
    registration = make_registration(event, seeker)
    page = login(seeker).get("/account")
    token = db.session.get(User, seeker.id).calendar_token
    assert token and token in page.get_data(as_text=True)
    first = client.get(f"/calendar/{token}.ics")
    assert parse_both(first.data)[0][0]["STATUS"] == "CONFIRMED"
    response = login(seeker).post(f"/registrations/{registration.id}/cancel", data={"reason": "有事"})
    assert response.status_code in (302, 303)
    after = client.get(f"/calendar/{token}.ics", headers={"If-None-Match": first.headers["ETag"]})
    assert after.status_code == 200
    assert parse_both(after.data)[0][0]["STATUS"] == "CANCELLED"


def test_reset_token_kills_the_old_url(client, login, station):
    seeker = make_user(Role.SEEKER)
    make_registration(make_event(station), seeker)
    browser = login(seeker)
    browser.get("/account")
    old = db.session.get(User, seeker.id).calendar_token
    assert client.get(f"/calendar/{old}.ics").status_code == 200
    response = browser.post("/account/calendar/reset")
    assert response.status_code in (302, 303)
    db.session.expire_all()
    new = db.session.get(User, seeker.id).calendar_token
    assert new and new != old
    assert client.get(f"/calendar/{old}.ics").status_code == 404
    assert client.get(f"/calendar/{new}.ics").status_code == 200
    assert new in browser.get("/account").get_data(as_text=True)
    assert db.session.scalar(db.select(AuditEntry).filter_by(action="calendar.token_reset")).actor_id == seeker.id


def test_reset_needs_login(client):
    assert client.post("/account/calendar/reset").status_code in (302, 401)


def test_staff_feed_lists_their_stations_events(client, login, token_for, station):
    """API.md gives every account a calendar_url; a staff member's feed is their station's events."""
    organizer = make_user(Role.ORGANIZER, station)
    mine = make_event(station, title="本站沙龙")
    make_event(title="别站讲座")
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token_for(organizer)}"}).get_json()
    assert me["calendar_url"].startswith("http")
    feed = client.get(urlsplit(me["calendar_url"]).path)
    assert feed.status_code == 200
    summaries = [str(c.get("summary")) for c in icalendar.Calendar.from_ical(feed.data).walk("VEVENT")]
    assert any(mine.title in s for s in summaries) and not any("别站讲座" in s for s in summaries)
    assert "calendar-url" in login(organizer).get("/account").get_data(as_text=True)
    assert login(organizer).post("/account/calendar/reset").status_code == 302
    assert client.get(urlsplit(me["calendar_url"]).path).status_code == 404


def test_inactive_account_feed_is_404(client, station):
    from leye_events.calendars.services import ensure_feed_token

    seeker = make_user(Role.SEEKER)
    token = ensure_feed_token(seeker)
    seeker.active = False
    db.session.commit()
    assert client.get(f"/calendar/{token}.ics").status_code == 404


def test_add_to_calendar_links(client, login, station):
    event = make_event(station)
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert f'href="/events/{event.id}.ics"' in page
    registration = make_registration(event)
    ticket = client.get(f"/tickets/{registration.ticket_code}").get_data(as_text=True)
    assert f'href="/events/{event.id}.ics"' in ticket
