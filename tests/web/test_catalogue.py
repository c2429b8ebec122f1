"""Public catalogue: home filters, event page, station pages, and bad input that must never 500."""
import re
from datetime import datetime, timedelta

import pytest
from flask import g, request_started
from sqlalchemy import event as sa_event

from leye_events.accounts.models import Role
from leye_events.booking.models import RegistrationStatus
from leye_events.core.timeutil import SHANGHAI, as_utc
from leye_events.events.models import EventKind, EventStatus
from leye_events.extensions import db
from leye_events.stations.models import StationKind

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


def page(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def shanghai(y, mo, d, h=10, mi=0):
    return as_utc(datetime(y, mo, d, h, mi, tzinfo=SHANGHAI))


# ---------------------------------------------------------------------------
# Home: listing and filters
# ---------------------------------------------------------------------------

def test_home_lists_upcoming_published_events_only(client):
    station = make_station(name="五角场乐业空间")
    make_event(station, title="简历门诊沙龙", venue="国定路 100 号")
    make_event(station, title="草稿活动", status=EventStatus.DRAFT)
    make_event(station, title="已取消活动", status=EventStatus.CANCELLED)
    make_event(station, title="上个月的活动", starts_in=timedelta(days=-30))
    html = page(client.get("/"))
    assert "简历门诊沙龙" in html
    assert "五角场乐业空间" in html
    assert "国定路 100 号" in html
    assert "草稿活动" not in html
    assert "已取消活动" not in html
    assert "上个月的活动" not in html


def test_card_shows_kind_first_session_count_and_seats_left(client):
    event = make_event(kind=EventKind.WORKSHOP, title="打造我的2026", sessions=4, capacity=10)
    for _ in range(3):
        make_registration(event)
    make_registration(event, status=RegistrationStatus.CANCELLED)
    html = page(client.get("/"))
    assert "沉浸式工作坊" in html
    assert "共4场" in html
    assert "剩余 7 个名额" in html


def test_full_event_card_says_full_or_waitlist(client):
    open_waitlist = make_event(title="可候补", capacity=1)
    make_registration(open_waitlist)
    closed = make_event(title="不候补", capacity=1, waitlist_enabled=False)
    make_registration(closed)
    html = page(client.get("/"))
    assert "名额已满，可候补" in html
    assert html.count("名额已满") == 2


def test_home_filters_by_kind(client):
    make_event(title="一场沙龙", kind=EventKind.SALON)
    make_event(title="一场招聘会", kind=EventKind.JOB_FAIR)
    html = page(client.get("/?kind=job_fair"))
    assert "一场招聘会" in html and "一场沙龙" not in html


def test_home_filters_by_station(client):
    a = make_station(slug="fudan", name="复旦大学乐业空间", kind=StationKind.UNIVERSITY)
    b = make_station(slug="tongji", name="同济大学乐业空间", kind=StationKind.UNIVERSITY)
    make_event(a, title="复旦的活动")
    make_event(b, title="同济的活动")
    html = page(client.get("/?station=fudan"))
    assert "复旦的活动" in html and "同济的活动" not in html


def test_home_filters_by_shanghai_date_range(client):
    base = datetime.now(SHANGHAI).date() + timedelta(days=10)
    station = make_station()
    early = make_event(station, title="早场活动")
    late = make_event(station, title="晚场活动")
    # 23:30 Shanghai on `base` is 15:30 UTC the same day; 00:30 the next day is the day after in Shanghai.
    early.sessions[0].starts_at = shanghai(base.year, base.month, base.day, 23, 30)
    early.sessions[0].ends_at = early.sessions[0].starts_at + timedelta(minutes=20)
    nxt = base + timedelta(days=1)
    late.sessions[0].starts_at = shanghai(nxt.year, nxt.month, nxt.day, 0, 30)
    late.sessions[0].ends_at = late.sessions[0].starts_at + timedelta(hours=1)
    db.session.commit()

    html = page(client.get(f"/?from={base.isoformat()}&to={base.isoformat()}"))
    assert "早场活动" in html and "晚场活动" not in html
    html = page(client.get(f"/?from={nxt.isoformat()}"))
    assert "晚场活动" in html and "早场活动" not in html
    html = page(client.get(f"/?to={base.isoformat()}"))
    assert "早场活动" in html and "晚场活动" not in html


def test_home_text_search(client):
    make_event(title="面试技巧讲座", description="如何准备群面")
    make_event(title="森林徒步", description="团队协作", venue="共青森林公园")
    assert "面试技巧讲座" not in page(client.get("/?q=森林"))
    html = page(client.get("/?q=群面"))
    assert "面试技巧讲座" in html and "森林徒步" not in html
    # LIKE wildcards are taken literally
    assert "没有符合条件的活动" in page(client.get("/?q=%25"))


def test_home_paginates(client, app):
    per_page = app.config["EVENTS_PER_PAGE"]
    station = make_station()
    for i in range(per_page + 3):
        make_event(station, title=f"活动{i:03d}号", starts_in=timedelta(days=1 + i))
    first = page(client.get("/"))
    assert "活动000号" in first and f"活动{per_page:03d}号" not in first
    assert "下一页" in first
    second = page(client.get("/?page=2"))
    assert f"活动{per_page:03d}号" in second and "活动000号" not in second
    assert "上一页" in second
    # past the end: the last page
    assert f"活动{per_page + 2:03d}号" in page(client.get("/?page=999"))


def test_home_page_uses_a_fixed_number_of_queries(client, app):
    station = make_station()
    for i in range(3):
        make_event(station, sessions=2, title=f"a{i}")

    def count_queries(url):
        statements = []

        def before(conn, cursor, statement, *args):
            statements.append(statement)

        sa_event.listen(db.engine, "before_cursor_execute", before)
        try:
            page(client.get(url))
        finally:
            sa_event.remove(db.engine, "before_cursor_execute", before)
        return len(statements)

    few = count_queries("/")
    for i in range(6):
        event = make_event(station, sessions=3, title=f"b{i}")
        make_registration(event)
    assert count_queries("/") == few


def test_empty_catalogue_is_kind(client):
    html = page(client.get("/"))
    assert "近期暂无活动" in html
    html = page(client.get("/?kind=salon"))
    assert "没有符合条件的活动" in html


@pytest.mark.parametrize(
    "query",
    [
        "kind=party",
        "station=nowhere",
        "from=yesterday",
        "to=2026-13-45",
        "from=99999-01-01",
        "from=2026-12-10&to=2026-12-01",
        "page=abc",
        "page=-3",
        "page=99999999999999999999999",
        "q=" + "长" * 500,
        "q=%00%27%22<script>",
        "kind=&station=&from=&to=&q=&page=",
        "kind[]=x&station=%ff",
    ],
)
def test_bad_filters_never_500(client, query):
    make_event(title="总能看到我")
    html = page(client.get("/?" + query))
    assert "<script>" not in html.split("</header>", 1)[1]


def test_bad_filter_values_are_explained(client):
    make_event(title="总能看到我")
    html = page(client.get("/?kind=party&from=bad"))
    assert "未知的活动类型" in html
    assert "日期格式无效" in html
    assert "总能看到我" in html


# ---------------------------------------------------------------------------
# Event page
# ---------------------------------------------------------------------------

def test_event_page_shows_everything_a_seeker_needs(client):
    station = make_station(slug="yangpu-dq", name="大桥街道乐业空间")
    event = make_event(
        station,
        title="职场沙龙：简历",
        description="第一行\n第二行<script>alert(1)</script>",
        venue="长阳路 1 号",
        capacity=20,
        sessions=2,
        registration_opens=shanghai(2026, 1, 1, 9, 0),
    )
    make_registration(event)
    make_registration(event)
    html = page(client.get(f"/events/{event.id}"))
    assert "职场沙龙：简历" in html
    assert "职场沙龙" in html  # kind label
    assert 'href="/stations/yangpu-dq"' in html
    assert "长阳路 1 号" in html
    assert "第一行\n第二行" in html
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html
    assert "共 20 个" in html and "剩余 18 个名额" in html
    assert "共2场" in html
    assert "2026-01-01 09:00" in html
    from leye_events.core.friendly import friendly_span

    for session in event.sessions:
        assert friendly_span(session.starts_at, session.ends_at) in html  # 12月11日 周五 14:00–16:00


def test_event_page_register_button_waits_for_the_booking_endpoint(client, app):
    event = make_event()
    html = page(client.get(f"/events/{event.id}"))
    if "booking.register" in app.view_functions:
        assert f'action="/events/{event.id}/register"' in html
        assert "立即报名" in html
    else:
        assert "报名即将开放" in html
        assert "/register" not in html


def test_event_page_waitlist_information(client):
    event = make_event(capacity=1)
    make_registration(event)
    make_registration(event, status=RegistrationStatus.WAITLISTED, waitlist_position=1)
    html = page(client.get(f"/events/{event.id}"))
    assert "名额已满，可候补" in html
    assert "1 人在候补" in html


def test_registration_window_states(client):
    future = make_event(registration_opens=as_utc(datetime.now(SHANGHAI).replace(tzinfo=None)) + timedelta(days=2))
    assert "报名尚未开始" in page(client.get(f"/events/{future.id}"))
    closed = make_event(registration_closes=as_utc(datetime.now(SHANGHAI).replace(tzinfo=None)) - timedelta(hours=1))
    assert "报名已截止" in page(client.get(f"/events/{closed.id}"))


def test_cancelled_event_shows_a_banner(client):
    event = make_event(status=EventStatus.CANCELLED, cancel_reason="场地维修")
    html = page(client.get(f"/events/{event.id}"))
    assert "该活动已取消" in html and "场地维修" in html
    assert "立即报名" not in html


def test_unknown_event_is_404(client):
    assert client.get("/events/999999").status_code == 404
    assert client.get("/events/abc").status_code == 404
    assert client.get("/events/99999999999999999999").status_code == 404
    assert client.get("/events/0").status_code == 404


def test_drafts_are_hidden_from_public_and_seekers(client, login):
    station = make_station()
    draft = make_event(station, title="秘密草稿", status=EventStatus.DRAFT)
    assert client.get(f"/events/{draft.id}").status_code == 404
    seeker = make_user(Role.SEEKER)
    assert login(seeker).get(f"/events/{draft.id}").status_code == 404
    other_organizer = make_user(Role.ORGANIZER, station=make_station())
    assert login(other_organizer).get(f"/events/{draft.id}").status_code == 404
    assert "秘密草稿" not in page(login(seeker).get("/"))


def test_drafts_are_visible_to_their_station_staff_and_admins(login):
    station = make_station()
    draft = make_event(station, title="秘密草稿", status=EventStatus.DRAFT)
    organizer = make_user(Role.ORGANIZER, station=station)
    html = page(login(organizer).get(f"/events/{draft.id}"))
    assert "秘密草稿" in html and "草稿" in html
    assert f"/manage/events/{draft.id}/edit" in html
    door = make_user(Role.DOOR, station=station)
    door_html = page(login(door).get(f"/events/{draft.id}"))
    assert f"/manage/events/{draft.id}/edit" not in door_html
    admin = make_user(Role.ADMIN)
    assert "秘密草稿" in page(login(admin).get(f"/events/{draft.id}"))


def test_edit_link_only_for_staff_of_the_station(client, login):
    station = make_station()
    event = make_event(station)
    assert f"/manage/events/{event.id}/edit" not in page(client.get(f"/events/{event.id}"))
    other = make_user(Role.ORGANIZER, station=make_station())
    assert f"/manage/events/{event.id}/edit" not in page(login(other).get(f"/events/{event.id}"))
    own = make_user(Role.ORGANIZER, station=station)
    assert f"/manage/events/{event.id}/edit" in page(login(own).get(f"/events/{event.id}"))


# ---------------------------------------------------------------------------
# Stations
# ---------------------------------------------------------------------------

def test_station_page_shows_address_and_its_upcoming_events(client):
    station = make_station(slug="kongjiang", name="控江路街道乐业空间", address="控江路 1000 号")
    make_event(station, title="控江的沙龙")
    make_event(station, title="控江的草稿", status=EventStatus.DRAFT)
    make_event(make_station(), title="别处的活动")
    html = page(client.get("/stations/kongjiang"))
    assert "控江路街道乐业空间" in html and "控江路 1000 号" in html
    assert "控江的沙龙" in html
    assert "控江的草稿" not in html and "别处的活动" not in html


def test_station_page_without_events_and_unknown_station(client):
    make_station(slug="quiet")
    assert "近期还没有活动" in page(client.get("/stations/quiet?page=zz"))
    assert client.get("/stations/nope").status_code == 404
    assert client.get("/stations/%00").status_code == 404
    assert client.get("/stations/" + "x" * 500).status_code == 404


def test_stations_list_grouped_by_kind(client):
    make_station(name="殷行街道乐业空间", kind=StationKind.SUB_DISTRICT)
    make_station(name="创智天地园区乐业空间", kind=StationKind.PARK)
    uni = make_station(name="复旦大学乐业空间", kind=StationKind.UNIVERSITY)
    make_event(uni)
    html = page(client.get("/stations"))
    assert html.index("<h2>街道乐业空间") < html.index("<h2>园区乐业空间") < html.index("<h2>高校乐业空间")
    assert html.index("殷行街道乐业空间") < html.index("创智天地园区乐业空间") < html.index("复旦大学乐业空间")
    assert "1 个近期活动" in html


def test_a_lang_argument_is_kept_for_the_next_pages(client):
    assert 'lang="en"' in client.get("/stations?lang=en").get_data(as_text=True)
    assert 'lang="en"' in client.get("/stations").get_data(as_text=True)
    assert 'lang="zh-CN"' in client.get("/stations?lang=zh_CN").get_data(as_text=True)


def test_header_links_follow_each_visitors_role_language_and_script_root(app, login):
    """The header links are built once per worker for each role, language and script root: visitors of
    each kind, one after another, each get their own."""
    organizer = make_user(Role.ORGANIZER, station=make_station())
    seen = {}
    for who, query, root in [("anonymous", "", ""), ("organizer", "?lang=en", ""), ("anonymous", "?lang=en", "/leye"),
                             ("organizer", "", "/leye"), ("anonymous", "", "")]:
        client = login(organizer) if who == "organizer" else app.test_client()
        html = client.get("/stations" + query, base_url="http://localhost" + root).get_data(as_text=True)
        nav = re.search(r'<nav class="site-nav">(.*?)</nav>', html, re.S).group(1)
        seen[who, query, root] = re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', nav)
    assert seen["anonymous", "", ""][-2:] == [("/login", "登录"), ("/signup", "注册")]
    assert ("/manage/events", "Manage events") in seen["organizer", "?lang=en", ""]
    assert ("/leye/login", "Log in") in seen["anonymous", "?lang=en", "/leye"]
    assert ("/leye/manage/events", "管理活动") in seen["organizer", "", "/leye"]
    assert not any("/login" in url for url, _label in seen["organizer", "", "/leye"])
