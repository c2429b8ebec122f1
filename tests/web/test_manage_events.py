"""Organizer pages: create, edit, publish and cancel events through forms; access by role."""
from datetime import datetime, timedelta

import pytest
from flask import g, request_started

from leye_events.accounts.models import Role
from leye_events.audit.models import AuditEntry
from leye_events.core.timeutil import SHANGHAI, as_utc
from leye_events.events.models import Event, EventKind, EventSession, EventStatus
from leye_events.extensions import db

from ..factories import make_event, make_registration, make_station, make_user


@pytest.fixture(autouse=True)
def fresh_login_per_request(app):
    """Tests hold one app context open, so Flask-Login's cached user in ``g`` would leak from one
    request (and client) to the next; forget it at the start of every request."""

    def forget(sender, **extra):
        g.pop("_login_user", None)

    request_started.connect(forget, app)
    yield
    request_started.disconnect(forget, app)


@pytest.fixture
def station():
    return make_station(slug="wujiaochang", name="五角场街道乐业空间")


@pytest.fixture
def organizer(station):
    return make_user(Role.ORGANIZER, station=station)


def day(offset: int) -> str:
    """A Shanghai calendar date ``offset`` days from today, as ``YYYY-MM-DD``."""
    return (datetime.now(SHANGHAI).date() + timedelta(days=offset)).isoformat()


def form_data(**overrides) -> dict:
    """A valid two-session event form, as the browser posts it."""
    data = {
        "title": "打造我的2026 沉浸式巡演",
        "kind": "workshop",
        "capacity": "40",
        "venue": "国定路 335 号",
        "description": "岗位解析\n潜力探索",
        "registration_opens": "",
        "registration_closes": f"{day(9)}T18:00",
        "waitlist_enabled": "y",
        "eligible_school": "",
        "eligible_graduation_year_min": "",
        "eligible_graduation_year_max": "",
        "sessions-0-id": "",
        "sessions-0-title": "岗位解析",
        "sessions-0-starts_at": f"{day(10)}T14:00",
        "sessions-0-ends_at": f"{day(10)}T16:00",
        "sessions-1-id": "",
        "sessions-1-title": "潜力探索",
        "sessions-1-starts_at": f"{day(11)}T09:30",
        "sessions-1-ends_at": f"{day(11)}T11:30",
        "action": "save",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def event_count() -> int:
    return db.session.scalar(db.select(db.func.count(Event.id)))


def session_count() -> int:
    return db.session.scalar(db.select(db.func.count(EventSession.id)))


def text(response) -> str:
    return response.get_data(as_text=True)


# ---------------------------------------------------------------------------
# Creating and publishing
# ---------------------------------------------------------------------------

def test_create_two_session_event_and_publish_it(login, client, organizer, station):
    web = login(organizer)
    assert web.get("/manage/events/new").status_code == 200
    response = web.post("/manage/events/new", data=form_data())
    assert response.status_code == 302
    event = db.session.scalars(db.select(Event)).one()
    assert event.status == EventStatus.DRAFT
    assert event.station_id == station.id
    assert event.kind == EventKind.WORKSHOP
    assert event.capacity == 40
    assert [s.title for s in event.sessions] == ["岗位解析", "潜力探索"]
    first = event.sessions[0]
    # 14:00 in Shanghai is 06:00 UTC
    assert first.starts_at == as_utc(datetime.fromisoformat(f"{day(10)}T14:00").replace(tzinfo=SHANGHAI))
    assert first.starts_at.hour == 6
    assert event.registration_closes.astimezone(SHANGHAI).hour == 18

    # a draft is not in the catalogue yet
    assert "打造我的2026" not in text(client.get("/"))

    response = web.post(f"/manage/events/{event.id}/publish")
    assert response.status_code == 302
    db.session.refresh(event)
    assert event.status == EventStatus.PUBLISHED
    home = text(client.get("/"))
    assert "打造我的2026 沉浸式巡演" in home and "共2场" in home
    assert "打造我的2026 沉浸式巡演" in text(client.get("/stations/wujiaochang"))
    detail = text(client.get(f"/events/{event.id}"))
    from leye_events.core.friendly import friendly_span

    assert friendly_span(first.starts_at, first.ends_at) in detail  # e.g. 12月11日 周五 14:00–16:00


def test_create_and_publish_in_one_step(login, client, organizer):
    response = login(organizer).post("/manage/events/new", data=form_data(action="publish"))
    assert response.status_code == 302
    event = db.session.scalars(db.select(Event)).one()
    assert event.status == EventStatus.PUBLISHED and event.published_at is not None
    assert "打造我的2026" in text(client.get("/"))
    assert db.session.scalar(db.select(AuditEntry).filter_by(action="event.create")) is not None


def test_create_with_audience_rules(login, organizer):
    data = form_data(eligible_school="复旦大学", eligible_graduation_year_min="2025", eligible_graduation_year_max="2026")
    response = login(organizer).post(
        "/manage/events/new", data={**data, "eligible_categories": ["student", "graduate_unemployed"]}
    )
    assert response.status_code == 302
    event = db.session.scalars(db.select(Event)).one()
    assert event.eligible_categories == ["graduate_unemployed", "student"]
    assert event.eligible_school == "复旦大学"
    assert (event.eligible_graduation_year_min, event.eligible_graduation_year_max) == (2025, 2026)


def test_organizer_cannot_pick_another_station(login, organizer, station):
    other = make_station(slug="elsewhere")
    login(organizer).post("/manage/events/new", data=form_data(station=other.slug))
    event = db.session.scalars(db.select(Event)).one()
    assert event.station_id == station.id


def test_admin_chooses_the_station(login, station):
    admin = make_user(Role.ADMIN)
    web = login(admin)
    html = text(web.get("/manage/events/new"))
    assert 'name="station"' in html
    before = event_count()
    html = text(web.post("/manage/events/new", data=form_data()))
    assert "请选择乐业空间" in html and event_count() == before
    html = text(web.post("/manage/events/new", data=form_data(station="no-such-station")))
    assert "请选择乐业空间" in html and event_count() == before
    assert web.post("/manage/events/new", data=form_data(station=station.slug)).status_code == 302
    assert db.session.scalars(db.select(Event)).one().station_id == station.id


def test_add_session_row_keeps_what_was_typed_and_saves_nothing(login, organizer):
    html = text(login(organizer).post("/manage/events/new", data=form_data(action="add_session")))
    assert event_count() == 0
    assert 'name="sessions-2-starts_at"' in html
    assert 'value="打造我的2026 沉浸式巡演"' in html
    assert f'value="{day(11)}T09:30"' in html


def test_blank_session_rows_are_ignored(login, organizer):
    data = form_data(**{"sessions-2-title": "", "sessions-2-starts_at": "", "sessions-2-ends_at": ""})
    assert login(organizer).post("/manage/events/new", data=data).status_code == 302
    assert session_count() == 2


# ---------------------------------------------------------------------------
# Bad input: a message on the right field, nothing saved
# ---------------------------------------------------------------------------

BAD_INPUTS = [
    ({"title": ""}, "此项为必填项"),
    ({"title": "   "}, "此项为必填项"),
    ({"title": "长" * 201}, "不能超过 200 个字符"),
    ({"capacity": "-1"}, "名额须为 0 到"),
    ({"capacity": "abc"}, "名额须为整数"),
    ({"capacity": ""}, "请填写名额"),
    ({"capacity": "99999999999999999999999"}, "名额须为 0 到"),
    ({"kind": ""}, "活动类型无效"),
    ({"kind": "party"}, "活动类型无效"),
    ({"sessions-0-ends_at": f"{day(10)}T13:00"}, "结束时间必须晚于开始时间"),
    ({"sessions-0-starts_at": "not-a-date"}, "请输入有效的日期和时间"),
    ({"sessions-0-starts_at": "2026-02-30T10:00"}, "请输入有效的日期和时间"),
    ({"sessions-0-starts_at": "99999-01-01T10:00"}, "请输入有效的日期和时间"),
    ({"sessions-0-ends_at": ""}, "请填写结束时间"),
    ({"sessions-0-id": "abc"}, "场次编号无效"),
    ({"sessions-0-id": "999999"}, "场次不属于该活动"),
    (
        {"sessions-0-title": "", "sessions-0-starts_at": "", "sessions-0-ends_at": "",
         "sessions-1-title": "", "sessions-1-starts_at": "", "sessions-1-ends_at": ""},
        "活动至少需要一个场次",
    ),
    ({"registration_opens": f"{day(9)}T18:00", "registration_closes": f"{day(9)}T09:00"}, "报名截止时间必须晚于报名开始时间"),
    ({"registration_opens": "2026-12-03 25:00"}, "请输入有效的日期和时间"),
    ({"registration_closes": "12/03/2026"}, "请输入有效的日期和时间"),
    ({"registration_opens": f"{day(30)}T09:00", "registration_closes": ""}, "报名开始时间必须早于活动结束时间"),
    ({"eligible_graduation_year_min": "二〇二五"}, "请输入四位年份"),
    ({"eligible_graduation_year_min": "99999999999"}, "之间的年份"),
    ({"eligible_graduation_year_min": "2026", "eligible_graduation_year_max": "2024"}, "毕业年份范围无效"),
    ({"eligible_categories": "martian"}, "人员类别无效"),
]


@pytest.mark.parametrize("overrides, message", BAD_INPUTS)
def test_bad_input_shows_its_message_and_saves_nothing(login, organizer, overrides, message):
    before_events, before_sessions = event_count(), session_count()
    for action in ("save", "publish"):
        response = login(organizer).post("/manage/events/new", data=form_data(action=action, **overrides))
        assert response.status_code == 200
        html = text(response)
        assert message in html
        assert 'class="field-error"' in html or 'flash-error' in html
    assert event_count() == before_events and session_count() == before_sessions


def test_empty_post_never_500(login, organizer):
    response = login(organizer).post("/manage/events/new", data={})
    assert response.status_code == 200
    assert "此项为必填项" in text(response)
    assert event_count() == 0


def test_nul_characters_are_dropped_not_a_database_error(login, organizer):
    data = form_data(title="沙\x00龙", venue="\x00", description="a\x00b", **{"sessions-0-title": "\x00"})
    response = login(organizer).post("/manage/events/new", data=data)
    assert response.status_code == 302
    event = db.session.scalars(db.select(Event)).one()
    assert event.title == "沙龙" and event.description == "ab"


def test_too_many_session_rows_are_cut_off(login, organizer):
    data = form_data()
    for i in range(2, 80):
        data[f"sessions-{i}-starts_at"] = f"{day(12)}T10:00"
        data[f"sessions-{i}-ends_at"] = f"{day(12)}T11:00"
    response = login(organizer).post("/manage/events/new", data=data)
    assert response.status_code in (200, 302)
    assert session_count() <= 50


def test_field_error_is_next_to_its_field(login, organizer):
    html = text(login(organizer).post("/manage/events/new", data=form_data(capacity="abc")))
    field_block = html.split('for="capacity"', 1)[1].split('class="form-field', 1)[0]
    assert "名额须为整数" in field_block
    assert 'value="abc"' in field_block  # what was typed is kept


# ---------------------------------------------------------------------------
# Editing
# ---------------------------------------------------------------------------

def test_edit_form_is_filled_in_shanghai_time(login, organizer, station):
    event = make_event(station, title="原来的标题", sessions=2)
    html = text(login(organizer).get(f"/manage/events/{event.id}/edit"))
    assert 'value="原来的标题"' in html
    local = event.sessions[0].starts_at.astimezone(SHANGHAI).strftime("%Y-%m-%dT%H:%M")
    assert f'value="{local}"' in html
    assert f'value="{event.sessions[1].id}"' in html


def test_edit_keeps_session_ids(login, organizer, station):
    event = make_event(station, sessions=2)
    ids = [s.id for s in event.sessions]
    data = form_data(**{
        "title": "改过的标题",
        "sessions-0-id": str(ids[0]),
        "sessions-1-id": str(ids[1]),
        "sessions-1-title": "第二场改名",
    })
    response = login(organizer).post(f"/manage/events/{event.id}/edit", data=data)
    assert response.status_code == 302, text(response)
    db.session.expire_all()
    event = db.session.get(Event, event.id)
    assert event.title == "改过的标题"
    assert [s.id for s in event.sessions] == ids
    assert event.sessions[1].title == "第二场改名"
    assert event.status == EventStatus.PUBLISHED  # "save" keeps the status
    assert event.revision == 1


def test_edit_can_add_and_remove_sessions(login, organizer, station):
    event = make_event(station, sessions=2)
    keep = event.sessions[0].id
    data = form_data(**{
        "sessions-0-id": str(keep),
        "sessions-1-id": "", "sessions-1-title": "新增场次",
    })
    assert login(organizer).post(f"/manage/events/{event.id}/edit", data=data).status_code == 302
    db.session.expire_all()
    sessions = db.session.get(Event, event.id).sessions
    assert len(sessions) == 2 and sessions[0].id == keep and sessions[1].title == "新增场次"


def test_bad_edit_changes_nothing(login, organizer, station):
    event = make_event(station, title="原来的标题", capacity=30)
    response = login(organizer).post(
        f"/manage/events/{event.id}/edit",
        data=form_data(title="新标题", capacity="-5", **{"sessions-0-id": str(event.sessions[0].id)}),
    )
    assert response.status_code == 200, response.status_code
    capacity_block = text(response).split('for="capacity"', 1)[1].split('class="form-field', 1)[0]
    assert 'class="field-error"' in capacity_block
    db.session.expire_all()
    event = db.session.get(Event, event.id)
    assert event.title == "原来的标题" and event.capacity == 30 and event.revision == 0


def test_capacity_below_confirmed_is_refused(login, organizer, station):
    event = make_event(station, capacity=5)
    make_registration(event)
    make_registration(event)
    response = login(organizer).post(
        f"/manage/events/{event.id}/edit",
        data=form_data(capacity="1", **{"sessions-0-id": str(event.sessions[0].id)}),
    )
    assert response.status_code == 200
    db.session.expire_all()
    assert db.session.get(Event, event.id).capacity == 5


def test_publish_from_edit_form(login, organizer, station):
    event = make_event(station, status=EventStatus.DRAFT)
    data = form_data(action="publish", **{"sessions-0-id": str(event.sessions[0].id)})
    assert login(organizer).post(f"/manage/events/{event.id}/edit", data=data).status_code == 302
    db.session.expire_all()
    assert db.session.get(Event, event.id).status == EventStatus.PUBLISHED


# ---------------------------------------------------------------------------
# Cancelling
# ---------------------------------------------------------------------------

def test_cancel_asks_first_then_cancels_with_a_reason(login, client, organizer, station):
    event = make_event(station, title="要取消的活动")
    make_registration(event)
    web = login(organizer)
    confirm = text(web.get(f"/manage/events/{event.id}/cancel"))
    assert "确认取消活动" in confirm and "1 人已报名" in confirm
    db.session.expire_all()
    assert db.session.get(Event, event.id).status == EventStatus.PUBLISHED  # GET changes nothing

    response = web.post(f"/manage/events/{event.id}/cancel", data={"reason": "场地临时维修"})
    assert response.status_code == 302
    db.session.expire_all()
    event = db.session.get(Event, event.id)
    assert event.status == EventStatus.CANCELLED and event.cancel_reason == "场地临时维修"
    detail = text(client.get(f"/events/{event.id}"))
    assert "该活动已取消" in detail and "场地临时维修" in detail
    assert "要取消的活动" not in text(client.get("/"))
    # a cancelled event cannot be edited or cancelled again
    assert web.get(f"/manage/events/{event.id}/edit").status_code == 302
    assert web.post(f"/manage/events/{event.id}/cancel", data={"reason": "x"}).status_code == 302


def test_cancel_reason_too_long(login, organizer, station):
    event = make_event(station)
    response = login(organizer).post(f"/manage/events/{event.id}/cancel", data={"reason": "长" * 501})
    assert response.status_code == 200 and "不能超过 500 个字符" in text(response)
    db.session.expire_all()
    assert db.session.get(Event, event.id).status == EventStatus.PUBLISHED


# ---------------------------------------------------------------------------
# Listing and access
# ---------------------------------------------------------------------------

def test_manage_list_shows_own_station_events_with_status(login, organizer, station):
    make_event(station, title="本站草稿", status=EventStatus.DRAFT)
    make_event(station, title="本站已发布")
    make_event(make_station(), title="别站的活动")
    html = text(login(organizer).get("/manage/events"))
    assert "本站草稿" in html and "本站已发布" in html and "别站的活动" not in html
    assert "草稿" in html and "已发布" in html
    only_drafts = text(login(organizer).get("/manage/events?status=draft"))
    assert "本站草稿" in only_drafts and "本站已发布" not in only_drafts


def test_admin_sees_all_events_and_filters_by_station(login, station):
    other = make_station(slug="other-station")
    make_event(station, title="甲站活动")
    make_event(other, title="乙站活动")
    web = login(make_user(Role.ADMIN))
    html = text(web.get("/manage/events"))
    assert "甲站活动" in html and "乙站活动" in html
    html = text(web.get("/manage/events?station=other-station"))
    assert "乙站活动" in html and "甲站活动" not in html
    for query in ("station=nope", "status=zzz", "page=abc", "page=-1"):
        assert web.get("/manage/events?" + query).status_code == 200


def test_anonymous_is_sent_to_login(client, station):
    event = make_event(station)
    for url in ("/manage/events", "/manage/events/new", f"/manage/events/{event.id}/edit",
                f"/manage/events/{event.id}", f"/manage/events/{event.id}/cancel"):
        response = client.get(url)
        assert response.status_code == 302 and "login" in response.headers["Location"], url
    response = client.post(f"/manage/events/{event.id}/publish")
    assert response.status_code == 302 and "login" in response.headers["Location"]


@pytest.mark.parametrize("role", [Role.SEEKER, Role.DOOR, Role.COUNSELOR])
def test_other_roles_are_refused(login, station, role):
    event = make_event(station, status=EventStatus.DRAFT)
    web = login(make_user(role, station=station if role != Role.SEEKER else None))
    for url in ("/manage/events", "/manage/events/new", f"/manage/events/{event.id}/edit",
                f"/manage/events/{event.id}", f"/manage/events/{event.id}/cancel"):
        assert web.get(url).status_code == 403, url
    before = event_count()
    assert web.post("/manage/events/new", data=form_data()).status_code == 403
    assert web.post(f"/manage/events/{event.id}/publish").status_code == 403
    assert web.post(f"/manage/events/{event.id}/cancel", data={"reason": "x"}).status_code == 403
    db.session.expire_all()
    assert event_count() == before
    assert db.session.get(Event, event.id).status == EventStatus.DRAFT


def test_organizer_of_another_station_is_refused(login, station):
    event = make_event(station, title="别人的活动", status=EventStatus.DRAFT)
    intruder = make_user(Role.ORGANIZER, station=make_station())
    web = login(intruder)
    for url in (f"/manage/events/{event.id}/edit", f"/manage/events/{event.id}", f"/manage/events/{event.id}/cancel"):
        assert web.get(url).status_code == 403, url
    data = form_data(title="被篡改", **{"sessions-0-id": str(event.sessions[0].id)})
    assert web.post(f"/manage/events/{event.id}/edit", data=data).status_code == 403
    assert web.post(f"/manage/events/{event.id}/publish").status_code == 403
    assert web.post(f"/manage/events/{event.id}/cancel", data={"reason": "x"}).status_code == 403
    db.session.expire_all()
    event = db.session.get(Event, event.id)
    assert event.title == "别人的活动" and event.status == EventStatus.DRAFT


def test_unknown_event_is_404_for_organizers(login, organizer):
    web = login(organizer)
    assert web.get("/manage/events/424242/edit").status_code == 404
    assert web.get("/manage/events/99999999999999999999/edit").status_code == 404
    assert web.post("/manage/events/424242/publish").status_code == 404


def test_manage_page_links_every_tool_of_the_event(login, organizer, station):
    """From an event's manage page, one tap reaches its registrations, attendance exports, sign-in
    sheet and door page; each session shows how many have checked in."""
    from leye_events.checkin.services import Scan, check_in

    event = make_event(station, sessions=2, starts_in=timedelta(minutes=-30))  # first session running now
    registration = make_registration(event)
    door = make_user(Role.DOOR, station=station)
    first = event.sessions[0]
    outcome = check_in(Scan(code=registration.ticket_code, event_id=event.id, session_id=first.id), staff=door)
    assert outcome.result.value == "ok", outcome
    db.session.commit()
    web = login(organizer)
    html = text(web.get(f"/manage/events/{event.id}"))
    tools = html.split('id="event-tools"')[1].split("</div>")[0]
    for url in (f"/manage/events/{event.id}/registrations", f"/manage/events/{event.id}/attendance",
                f"/manage/events/{event.id}/attendance.xlsx", f"/manage/events/{event.id}/attendance/print",
                f"/door/{event.id}"):
        assert f'href="{url}"' in tools, url
        assert web.get(url).status_code == 200, url
    sessions = html.split('id="session-attendance"')[1].split("</ul>")[0]
    assert sessions.count("已签到 1 人") == 1 and sessions.count("已签到 0 人") == 1


def test_manage_list_links_each_events_registrations(login, organizer, station):
    event = make_event(station)
    html = text(login(organizer).get("/manage/events"))
    assert f'href="/manage/events/{event.id}/registrations"' in html


def test_registrations_and_attendance_pages_lead_back_to_the_manage_page(login, organizer, station):
    event = make_event(station)
    web = login(organizer)
    for url in (f"/manage/events/{event.id}/registrations", f"/manage/events/{event.id}/attendance"):
        assert f'href="/manage/events/{event.id}"' in text(web.get(url)), url
    registrations = text(web.get(f"/manage/events/{event.id}/registrations"))
    assert f'href="/door/{event.id}"' in registrations
    assert "/cases/follow-up/" not in registrations  # organizers do not follow up on cases
    counselor = login(make_user(Role.COUNSELOR, station=station))
    registrations = text(counselor.get(f"/manage/events/{event.id}/registrations"))
    assert f'href="/cases/follow-up/{event.id}"' in registrations
    assert f'href="/manage/events/{event.id}"' not in registrations  # counselors cannot manage events
    attendance = text(counselor.get(f"/manage/events/{event.id}/attendance"))
    assert f'href="/manage/events/{event.id}/registrations" id="back-link"' in attendance


def test_manage_list_separates_upcoming_past_and_drafts_with_search(login):
    station = make_station()
    organizer = make_user(Role.ORGANIZER, station)
    make_event(station, title="下周的招聘会")
    make_event(station, title="上月的沙龙", starts_in=timedelta(days=-30))
    make_event(station, title="还没写完的讲座", status=EventStatus.DRAFT)
    web = login(organizer)

    def titles(query):
        return [t for t in ("下周的招聘会", "上月的沙龙", "还没写完的讲座") if t in text(web.get("/manage/events" + query))]

    assert titles("") == ["下周的招聘会", "上月的沙龙", "还没写完的讲座"]
    assert titles("?view=upcoming") == ["下周的招聘会"]
    assert titles("?view=past") == ["上月的沙龙"]
    assert titles("?view=drafts") == ["还没写完的讲座"]
    assert titles("?view=all&q=沙龙") == ["上月的沙龙"]
    assert titles("?view=upcoming&q=%25") == []  # a literal search, not a wildcard
