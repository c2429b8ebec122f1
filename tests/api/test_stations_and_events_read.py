"""GET /stations, GET /events (filters, pagination) and GET /events/{id} (visibility, counts)."""
import re
from datetime import datetime, timedelta

import pytest

from leye_events.accounts.models import Role
from leye_events.booking.models import RegistrationStatus
from leye_events.core.timeutil import SHANGHAI, utcnow
from leye_events.events.models import EventKind, EventSession, EventStatus
from leye_events.extensions import db
from leye_events.stations.models import StationKind

from ..factories import make_event, make_registration, make_station, make_user
from .conftest import error_code, error_field

OFFSET = re.compile(r"\+08:00$")


def titles(response) -> list[str]:
    assert response.status_code == 200, response.get_json()
    return [e["title"] for e in response.get_json()["events"]]


def test_stations_list(api):
    make_station(slug="fudan", name="复旦大学乐业空间", kind=StationKind.UNIVERSITY)
    make_station(slug="wujiaochang", name="五角场街道乐业空间", kind=StationKind.SUB_DISTRICT)
    response = api.get("/stations")
    assert response.status_code == 200
    data = response.get_json()
    assert isinstance(data, list)
    assert {s["slug"]: s["kind"] for s in data} == {"fudan": "university", "wujiaochang": "sub-district"}
    assert set(data[0]) >= {"slug", "name", "kind"}


def test_events_list_shows_upcoming_published_soonest_first(api, station):
    make_event(station, title="后天", starts_in=timedelta(days=2))
    make_event(station, title="明天", starts_in=timedelta(days=1))
    make_event(station, title="草稿", status=EventStatus.DRAFT)
    make_event(station, title="已取消", status=EventStatus.CANCELLED)
    make_event(station, title="上周", starts_in=timedelta(days=-7))
    response = api.get("/events")
    assert titles(response) == ["明天", "后天"]
    data = response.get_json()
    assert data["total"] == 2 and data["page"] == 1 and data["next"] is None
    item = data["events"][0]
    assert item["station"] == {"slug": station.slug, "name": station.name, "kind": "sub-district"}
    assert OFFSET.search(item["sessions"][0]["starts_at"])


def test_events_list_filters(api, station, other_station):
    make_event(station, title="沙龙", kind=EventKind.SALON)
    make_event(other_station, title="招聘会", kind=EventKind.JOB_FAIR, description="百家企业")
    make_event(station, title="讲座", kind=EventKind.LECTURE, venue="大学路 100 号")
    assert titles(api.get("/events?kind=job_fair")) == ["招聘会"]
    assert sorted(titles(api.get(f"/events?station={station.slug}"))) == ["沙龙", "讲座"]
    assert titles(api.get("/events", query_string={"q": "百家"})) == ["招聘会"]
    assert titles(api.get("/events", query_string={"q": "大学路"})) == ["讲座"]
    assert titles(api.get("/events", query_string={"q": "100%"})) == []
    assert titles(api.get(f"/events?kind=salon&station={other_station.slug}")) == []


def _event_on(station, title, local_start: datetime):
    event = make_event(station, title=title)
    event.sessions[0].starts_at = local_start
    event.sessions[0].ends_at = local_start + timedelta(hours=2)
    db.session.commit()
    return event


def test_events_list_date_range_in_shanghai_time(api, station):
    next_year = utcnow().astimezone(SHANGHAI).year + 1
    _event_on(station, "早上", datetime(next_year, 3, 2, 9, 0, tzinfo=SHANGHAI))
    _event_on(station, "晚上", datetime(next_year, 3, 2, 21, 0, tzinfo=SHANGHAI))
    _event_on(station, "第二天", datetime(next_year, 3, 3, 0, 30, tzinfo=SHANGHAI))
    day = f"{next_year}-03-02"
    assert titles(api.get(f"/events?from={day}&to={day}")) == ["早上", "晚上"]
    assert titles(api.get(f"/events?from={next_year}-03-03")) == ["第二天"]
    moment = f"{next_year}-03-02T12:00:00+08:00"
    assert titles(api.get("/events", query_string={"from": moment})) == ["晚上", "第二天"]
    # An unencoded "+" arrives as a space and is understood.
    assert titles(api.get(f"/events?to={next_year}-03-02T12:00:00+08:00")) == ["早上"]
    assert titles(api.get("/events", query_string={"to": f"{next_year}-03-02T04:00:00Z"})) == ["早上"]


def test_events_list_pagination(api, station):
    for day in range(1, 6):
        make_event(station, title=f"活动{day}", starts_in=timedelta(days=day))
    first = api.get("/events?per_page=2").get_json()
    assert [e["title"] for e in first["events"]] == ["活动1", "活动2"]
    assert first["total"] == 5 and first["per_page"] == 2
    assert first["next"].startswith("http://localhost/api/v1/events?")
    second = api.get(first["next"]).get_json()
    assert [e["title"] for e in second["events"]] == ["活动3", "活动4"]
    third = api.get(second["next"]).get_json()
    assert [e["title"] for e in third["events"]] == ["活动5"]
    assert third["next"] is None
    assert api.get("/events?page=9").get_json()["events"] == []


def test_events_list_keeps_filters_in_next_link(api, station):
    for day in range(1, 4):
        make_event(station, title=f"沙龙{day}", kind=EventKind.SALON, starts_in=timedelta(days=day))
    make_event(station, title="讲座", kind=EventKind.LECTURE)
    data = api.get("/events?kind=salon&per_page=2").get_json()
    assert "kind=salon" in data["next"]
    assert [e["title"] for e in api.get(data["next"]).get_json()["events"]] == ["沙龙3"]


def test_events_per_page_is_capped(api, app, station):
    make_event(station)
    data = api.get("/events?per_page=100000").get_json()
    assert data["per_page"] == app.config["API_MAX_PAGE_SIZE"]


@pytest.mark.parametrize(
    "query, field",
    [
        ("kind=party", "kind"),
        ("station=nowhere", "station"),
        ("from=tomorrow", "from"),
        ("from=2026-13-45", "from"),
        ("from=2026-12-03T10:00:00", "from"),  # no offset
        ("to=99999-01-01", "to"),
        ("from=0001-01-01T00:00:00%2B14:00", "from"),
        ("from=2026-12-05&to=2026-12-01", "to"),
        ("page=0", "page"),
        ("page=-1", "page"),
        ("page=abc", "page"),
        ("page=99999999999999999999999", "page"),
        ("per_page=0", "per_page"),
        ("per_page=1.5", "per_page"),
        ("q=" + "x" * 500, "q"),
        ("q=a%00b", "q"),
    ],
)
def test_events_list_bad_parameters_are_400(api, station, query, field):
    make_event(station)
    response = api.get("/events?" + query)
    assert response.status_code == 400, response.get_json()
    assert error_code(response) == "invalid_parameter"
    assert error_field(response) == field


def test_events_list_edge_dates_are_fine(api, station):
    make_event(station, title="活动")
    assert titles(api.get("/events?from=0001-01-01&to=9999-12-31")) == ["活动"]


# --- one event ----------------------------------------------------------------------------------

def test_event_detail_has_counts_sessions_and_offsets(api, station):
    event = make_event(
        station, sessions=2, capacity=3, title="沉浸式工作坊", kind=EventKind.WORKSHOP,
        registration_opens=utcnow() - timedelta(days=1), registration_closes=utcnow() + timedelta(days=3),
        eligible_categories=["graduate_unemployed"],
    )
    for _ in range(2):
        make_registration(event)
    make_registration(event, status=RegistrationStatus.CANCELLED, cancelled_at=utcnow())
    make_registration(event, status=RegistrationStatus.WAITLISTED, waitlist_position=1)
    response = api.get(f"/events/{event.id}")
    assert response.status_code == 200
    data = response.get_json()
    assert data["id"] == event.id
    assert data["title"] == "沉浸式工作坊"
    assert data["kind"] == "workshop"
    assert data["status"] == "published"
    assert data["station"]["slug"] == station.slug
    assert (data["capacity"], data["confirmed_count"], data["seats_left"], data["waitlist_count"]) == (3, 2, 1, 1)
    assert data["waitlist_enabled"] is True
    assert data["eligible_categories"] == ["graduate_unemployed"]
    assert [s["id"] for s in data["sessions"]] == [s.id for s in event.sessions]
    assert all(OFFSET.search(s["starts_at"]) and OFFSET.search(s["ends_at"]) for s in data["sessions"])
    assert OFFSET.search(data["registration_opens"]) and OFFSET.search(data["registration_closes"])
    assert data["url"] == f"http://localhost/events/{event.id}"


def test_event_detail_not_found(api):
    assert api.get("/events/12345").status_code == 404
    assert error_code(api.get("/events/12345")) == "not_found"
    assert api.get("/events/99999999999999999999999").status_code == 404
    assert api.get("/events/abc").status_code == 404
    assert api.get("/events/-1").status_code == 404


def test_cancelled_event_is_visible_to_anyone(api, station):
    event = make_event(station, status=EventStatus.CANCELLED, cancel_reason="天气原因")
    data = api.get(f"/events/{event.id}").get_json()
    assert data["status"] == "cancelled"
    assert data["cancel_reason"] == "天气原因"


@pytest.mark.parametrize(
    "who, visible",
    [
        (None, False),
        ("seeker", False),
        ("other_organizer", False),
        ("other_door", False),
        ("door", True),
        ("counselor", True),
        ("organizer", True),
        ("admin", True),
    ],
)
def test_draft_is_visible_to_staff_of_its_station_only(api, station, cast, who, visible):
    event = make_event(station, status=EventStatus.DRAFT)
    client = api.as_(cast[who]) if who else api
    response = client.get(f"/events/{event.id}")
    assert response.status_code == (200 if visible else 404)


def test_event_sessions_come_in_time_order(api, station):
    event = make_event(station, sessions=1)
    earlier = event.sessions[0].starts_at - timedelta(days=1)
    event.sessions.append(EventSession(title="预热", starts_at=earlier, ends_at=earlier + timedelta(hours=1)))
    db.session.commit()
    db.session.expire_all()
    sessions = api.get(f"/events/{event.id}").get_json()["sessions"]
    assert [s["title"] for s in sessions] == ["预热", "第1场"]


def test_public_endpoints_ignore_bad_tokens(api, station):
    event = make_event(station)
    headers = {"Authorization": "Bearer nonsense"}
    assert api.get(f"/events/{event.id}", headers=headers).status_code == 200
    assert api.get("/events", headers=headers).status_code == 200
    assert api.get("/stations", headers=headers).status_code == 200


def test_counts_do_not_leak_personal_data(api, station):
    event = make_event(station)
    seeker = make_user(Role.SEEKER, name="李雷", phone="13511112222")
    make_registration(event, seeker)
    text = api.get(f"/events/{event.id}").get_data(as_text=True)
    assert "李雷" not in text and "13511112222" not in text
