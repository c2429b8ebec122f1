"""POST /events, PATCH /events/{id}, POST /events/{id}/cancel: bodies, rules and who may."""
from datetime import timedelta

import pytest

from leye_events.audit.models import AuditEntry
from leye_events.booking.models import Registration, RegistrationStatus
from leye_events.core.timeutil import SHANGHAI, utcnow
from leye_events.events.models import Event, EventStatus
from leye_events.events.services import event_cancelled
from leye_events.extensions import db

from ..factories import make_event, make_registration
from .conftest import error_code, error_field


def local_iso(delta: timedelta) -> str:
    return (utcnow() + delta).astimezone(SHANGHAI).replace(microsecond=0).isoformat()


def event_body(station_slug: str, **change) -> dict:
    body = {
        "title": "简历门诊",
        "kind": "salon",
        "station": station_slug,
        "capacity": 40,
        "venue": "杨浦区国定路 1 号",
        "description": "一对一简历修改",
        "registration_opens": local_iso(timedelta(days=-1)),
        "registration_closes": local_iso(timedelta(days=6)),
        "sessions": [
            {"title": "上午场", "starts_at": local_iso(timedelta(days=7)), "ends_at": local_iso(timedelta(days=7, hours=2))},
        ],
        "status": "published",
    }
    body.update(change)
    return body


def event_count() -> int:
    return len(db.session.execute(db.select(Event.id)).all())


# --- create ----------------------------------------------------------------------------------

def test_organizer_creates_event(api, station, cast):
    response = api.as_(cast["organizer"]).post("/events", event_body(station.slug))
    assert response.status_code == 201, response.get_json()
    data = response.get_json()
    assert response.headers["Location"].endswith(f"/api/v1/events/{data['id']}")
    assert data["title"] == "简历门诊" and data["status"] == "published"
    assert data["station"]["slug"] == station.slug
    assert (data["capacity"], data["confirmed_count"], data["seats_left"], data["waitlist_count"]) == (40, 0, 40, 0)
    assert data["sessions"][0]["title"] == "上午场"
    assert data["sessions"][0]["starts_at"].endswith("+08:00")
    db.session.rollback()
    event = db.session.get(Event, data["id"])
    assert event.created_by_id == cast["organizer"].id
    assert len(event.sessions) == 1
    assert db.session.execute(db.select(AuditEntry).filter_by(action="event.create")).scalar_one()
    assert api.get(f"/events/{event.id}").status_code == 200  # published: public


def test_create_with_all_optional_fields(api, station, cast):
    body = event_body(
        station.slug,
        status="draft",
        waitlist_enabled=False,
        eligible_categories=["graduate_unemployed", "失业青年"],
        eligible_school="复旦大学",
        eligible_graduation_year_min=2024,
        eligible_graduation_year_max=2026,
        sessions=[
            {"title": "模块二", "starts_at": local_iso(timedelta(days=8)), "ends_at": local_iso(timedelta(days=8, hours=1))},
            {"title": "模块一", "starts_at": local_iso(timedelta(days=7)), "ends_at": local_iso(timedelta(days=7, hours=1))},
        ],
    )
    data = api.as_(cast["admin"]).post("/events", body).get_json()
    assert data["status"] == "draft"
    assert data["waitlist_enabled"] is False
    assert data["eligible_categories"] == ["graduate_unemployed", "unemployed_youth"]
    assert data["eligible_school"] == "复旦大学"
    assert (data["eligible_graduation_year_min"], data["eligible_graduation_year_max"]) == (2024, 2026)
    assert [s["title"] for s in data["sessions"]] == ["模块一", "模块二"]
    assert api.get(f"/events/{data['id']}").status_code == 404  # a draft: staff only


def test_times_in_utc_are_stored_as_the_same_instant(api, station, cast):
    starts = (utcnow() + timedelta(days=5)).replace(microsecond=0)
    body = event_body(station.slug, registration_opens=None, registration_closes=None, sessions=[
        {"starts_at": starts.strftime("%Y-%m-%dT%H:%M:%SZ"),
         "ends_at": (starts + timedelta(hours=1)).isoformat()},
    ])
    data = api.as_(cast["organizer"]).post("/events", body).get_json()
    assert data["sessions"][0]["starts_at"] == starts.astimezone(SHANGHAI).isoformat()
    assert data["registration_opens"] is None


def test_organizer_station_defaults_to_own(api, station, cast):
    body = event_body(station.slug)
    del body["station"]
    response = api.as_(cast["organizer"]).post("/events", body)
    assert response.status_code == 201
    assert response.get_json()["station"]["slug"] == station.slug
    response = api.as_(cast["admin"]).post("/events", body)
    assert response.status_code == 400
    assert error_field(response) == "station"


@pytest.mark.parametrize(
    "who, status",
    [(None, 401), ("seeker", 403), ("door", 403), ("counselor", 403), ("other_organizer", 403),
     ("organizer", 201), ("admin", 201)],
)
def test_who_may_create(api, station, cast, who, status):
    client = api.as_(cast[who]) if who else api
    response = client.post("/events", event_body(station.slug))
    assert response.status_code == status, response.get_json()
    if status != 201:
        assert event_count() == 0
        assert error_code(response) in {"unauthorized", "forbidden"}


@pytest.mark.parametrize(
    "change, field",
    [
        ({"sessions": [{"starts_at": "2026-12-03T14:00:00", "ends_at": "2026-12-03T16:00:00+08:00"}]},
         "sessions[0].starts_at"),
        ({"registration_opens": "2026-12-01 09:00"}, "registration_opens"),
        ({"registration_closes": "next friday"}, "registration_closes"),
        ({"registration_closes": 1733212800}, "registration_closes"),
        ({"capacity": "40"}, "capacity"),
        ({"capacity": 40.0}, "capacity"),
        ({"capacity": True}, "capacity"),
        ({"capacity": None}, "capacity"),
        ({"title": 123}, "title"),
        ({"station": None}, "station"),
        ({"waitlist_enabled": "yes"}, "waitlist_enabled"),
        ({"eligible_categories": "student"}, "eligible_categories"),
        ({"eligible_categories": [1, 2]}, "eligible_categories"),
        ({"eligible_graduation_year_min": "2024"}, "eligible_graduation_year_min"),
        ({"sessions": {"starts_at": "x"}}, "sessions"),
        ({"sessions": ["2026-12-03T14:00:00+08:00"]}, "sessions"),
        ({"sessions": [{"starts_at": "2026-12-03T14:00:00+08:00"}]}, "sessions[0].ends_at"),
        ({"sessions": [{"starts_at": "0001-01-01T00:00:00+08:00", "ends_at": "2026-12-03T14:00:00+08:00"}]},
         "sessions[0].starts_at"),
        ({"sessions": [{"title": ["x"], "starts_at": "2026-12-03T14:00:00+08:00",
                        "ends_at": "2026-12-03T16:00:00+08:00"}]}, "sessions[0].title"),
    ],
)
def test_create_malformed_is_400(api, station, cast, change, field):
    response = api.as_(cast["organizer"]).post("/events", event_body(station.slug, **change))
    assert response.status_code == 400, response.get_json()
    assert error_field(response) == field
    assert event_count() == 0


@pytest.mark.parametrize("missing", ["title", "kind", "capacity", "sessions"])
def test_create_missing_fields_are_400(api, station, cast, missing):
    body = event_body(station.slug)
    del body[missing]
    response = api.as_(cast["organizer"]).post("/events", body)
    assert response.status_code == 400
    assert error_code(response) == "missing_field"
    assert error_field(response) == missing


@pytest.mark.parametrize(
    "change, code, field",
    [
        ({"kind": "party"}, "invalid_field", "kind"),
        ({"status": "cancelled"}, "invalid_field", "status"),
        ({"status": "archived"}, "invalid_field", "status"),
        ({"capacity": -1}, "invalid_field", "capacity"),
        ({"capacity": 10**40}, "invalid_field", "capacity"),
        ({"title": "  "}, "invalid_field", "title"),
        ({"title": "长" * 201}, "invalid_field", "title"),
        ({"sessions": []}, "invalid_field", "sessions"),
        ({"station": "nowhere"}, "unknown_station", "station"),
        ({"eligible_categories": ["astronaut"]}, "invalid_field", "eligible_categories"),
        ({"eligible_graduation_year_min": 10**20}, "invalid_field", "eligible_graduation_year_min"),
        ({"eligible_graduation_year_min": 2026, "eligible_graduation_year_max": 2020}, "invalid_field",
         "eligible_graduation_year_max"),
        ({"registration_opens": "2026-12-02T00:00:00+08:00", "registration_closes": "2026-12-01T00:00:00+08:00"},
         "invalid_field", "registration_closes"),
        ({"organizer_notes": "x"}, "invalid_field", "organizer_notes"),
        ({"sessions": [{"starts_at": "2026-12-03T16:00:00+08:00", "ends_at": "2026-12-03T14:00:00+08:00"}]},
         "invalid_field", "sessions"),
        ({"sessions": [{"id": 5, "starts_at": "2026-12-03T14:00:00+08:00", "ends_at": "2026-12-03T16:00:00+08:00"}]},
         "invalid_field", "sessions"),
        ({"sessions": [{"room": "A", "starts_at": "2026-12-03T14:00:00+08:00",
                        "ends_at": "2026-12-03T16:00:00+08:00"}]}, "invalid_field", "sessions[0].room"),
    ],
)
def test_create_rule_breaks_are_422(api, station, cast, change, code, field):
    response = api.as_(cast["organizer"]).post("/events", event_body(station.slug, **change))
    assert response.status_code == 422, response.get_json()
    assert error_code(response) == code
    assert error_field(response) == field
    assert event_count() == 0


def test_organizer_cannot_create_for_another_station(api, other_station, cast):
    response = api.as_(cast["organizer"]).post("/events", event_body(other_station.slug))
    assert response.status_code == 403
    assert event_count() == 0


# --- update ----------------------------------------------------------------------------------

def test_patch_changes_given_fields_only(api, station, cast):
    event = make_event(station, title="旧标题", capacity=10, venue="旧地点")
    response = api.as_(cast["organizer"]).patch(f"/events/{event.id}", {"title": "新标题", "capacity": 20})
    assert response.status_code == 200, response.get_json()
    data = response.get_json()
    assert (data["title"], data["capacity"], data["venue"]) == ("新标题", 20, "旧地点")
    db.session.expire_all()
    assert (event.title, event.capacity, event.revision) == ("新标题", 20, 1)


def test_patch_sessions_keeps_those_with_id(api, station, cast):
    event = make_event(station, sessions=2)
    kept, dropped = event.sessions
    new_start = local_iso(timedelta(days=20))
    body = {"sessions": [
        {"id": kept.id, "title": "改名", "starts_at": kept.starts_at.isoformat(), "ends_at": kept.ends_at.isoformat()},
        {"title": "新增", "starts_at": new_start, "ends_at": local_iso(timedelta(days=20, hours=3))},
    ]}
    data = api.as_(cast["organizer"]).patch(f"/events/{event.id}", body).get_json()
    assert [s["title"] for s in data["sessions"]] == ["改名", "新增"]
    assert data["sessions"][0]["id"] == kept.id
    assert dropped.id not in [s["id"] for s in data["sessions"]]


def test_patch_session_of_another_event_is_refused(api, station, cast):
    event, other = make_event(station), make_event(station)
    foreign = other.sessions[0]
    body = {"sessions": [{"id": foreign.id, "starts_at": foreign.starts_at.isoformat(),
                          "ends_at": foreign.ends_at.isoformat()}]}
    response = api.as_(cast["organizer"]).patch(f"/events/{event.id}", body)
    assert response.status_code == 422
    assert error_field(response) == "sessions"


def test_patch_publishes_a_draft(api, station, cast):
    event = make_event(station, status=EventStatus.DRAFT)
    data = api.as_(cast["organizer"]).patch(f"/events/{event.id}", {"status": "published"}).get_json()
    assert data["status"] == "published"
    assert api.get(f"/events/{event.id}").status_code == 200


def test_patch_below_confirmed_seats_is_refused(api, station, cast):
    event = make_event(station, capacity=3)
    make_registration(event)
    make_registration(event)
    response = api.as_(cast["organizer"]).patch(f"/events/{event.id}", {"capacity": 1})
    assert response.status_code == 422
    assert error_field(response) == "capacity"


def test_patch_moves_event_to_a_station_the_admin_names(api, station, other_station, cast):
    event = make_event(station)
    data = api.as_(cast["admin"]).patch(f"/events/{event.id}", {"station": other_station.slug}).get_json()
    assert data["station"]["slug"] == other_station.slug
    response = api.as_(cast["organizer"]).patch(f"/events/{event.id}", {"title": "x"})
    assert response.status_code == 403  # no longer the organizer's station


@pytest.mark.parametrize(
    "who, status",
    [(None, 401), ("seeker", 403), ("door", 403), ("counselor", 403), ("other_organizer", 403),
     ("organizer", 200), ("admin", 200)],
)
def test_who_may_patch(api, station, cast, who, status):
    event = make_event(station, title="原标题")
    client = api.as_(cast[who]) if who else api
    response = client.patch(f"/events/{event.id}", {"title": "改过"})
    assert response.status_code == status
    db.session.expire_all()
    assert event.title == ("改过" if status == 200 else "原标题")


@pytest.mark.parametrize(
    "body, status, field",
    [
        ({"capacity": "many"}, 400, "capacity"),
        ({"station": None}, 400, "station"),
        ({"registration_closes": "2026-12-01T10:00"}, 400, "registration_closes"),
        ({"title": None}, 422, "title"),
        ({"kind": None}, 422, "kind"),
        ({"status": None}, 422, "status"),
        ({"id": 5}, 422, "id"),
        ({"confirmed_count": 0}, 422, "confirmed_count"),
    ],
)
def test_patch_bad_bodies(api, station, cast, body, status, field):
    event = make_event(station, title="原标题")
    response = api.as_(cast["organizer"]).patch(f"/events/{event.id}", body)
    assert response.status_code == status, response.get_json()
    assert error_field(response) == field
    db.session.expire_all()
    assert event.title == "原标题" and event.revision == 0


def test_patch_nullable_fields_can_be_cleared(api, station, cast):
    event = make_event(station, registration_closes=utcnow() + timedelta(days=1),
                       eligible_categories=["student"], eligible_school="同济大学")
    body = {"registration_closes": None, "eligible_categories": None, "eligible_school": None}
    data = api.as_(cast["organizer"]).patch(f"/events/{event.id}", body).get_json()
    assert data["registration_closes"] is None
    assert data["eligible_categories"] is None and data["eligible_school"] is None


def test_patch_cancelled_event_is_refused(api, station, cast):
    event = make_event(station, status=EventStatus.CANCELLED)
    response = api.as_(cast["organizer"]).patch(f"/events/{event.id}", {"title": "复活"})
    assert response.status_code == 422
    assert error_code(response) == "event_cancelled"


def test_patch_missing_event(api, cast):
    client = api.as_(cast["organizer"])
    assert client.patch("/events/424242", {"title": "x"}).status_code == 404
    assert client.patch("/events/99999999999999999999", {"title": "x"}).status_code == 404


# --- cancel ----------------------------------------------------------------------------------

def test_cancel_event_tells_listeners(api, station, cast):
    event = make_event(station)
    make_registration(event)
    heard = []

    def listener(sender, **kw):
        heard.append((sender.id, kw.get("reason")))

    event_cancelled.connect(listener)
    try:
        response = api.as_(cast["organizer"]).post(f"/events/{event.id}/cancel", {"reason": "场地维修"})
    finally:
        event_cancelled.disconnect(listener)
    assert response.status_code == 200, response.get_json()
    data = response.get_json()
    assert data["status"] == "cancelled" and data["cancel_reason"] == "场地维修"
    assert heard == [(event.id, "场地维修")]
    assert api.get(f"/events/{event.id}").get_json()["status"] == "cancelled"
    assert event.id not in [e["id"] for e in api.get("/events").get_json()["events"]]


def test_cancel_without_body(api, station, cast):
    event = make_event(station)
    response = api.as_(cast["admin"]).post(f"/events/{event.id}/cancel")
    assert response.status_code == 200
    assert response.get_json()["cancel_reason"] is None


def test_cancel_twice(api, station, cast):
    event = make_event(station)
    client = api.as_(cast["organizer"])
    assert client.post(f"/events/{event.id}/cancel", {}).status_code == 200
    response = client.post(f"/events/{event.id}/cancel", {})
    assert response.status_code == 422
    assert error_code(response) == "event_cancelled"


@pytest.mark.parametrize(
    "who, status",
    [(None, 401), ("seeker", 403), ("door", 403), ("counselor", 403), ("other_organizer", 403),
     ("organizer", 200), ("admin", 200)],
)
def test_who_may_cancel(api, station, cast, who, status):
    event = make_event(station)
    client = api.as_(cast[who]) if who else api
    assert client.post(f"/events/{event.id}/cancel", {"reason": "x"}).status_code == status
    db.session.expire_all()
    assert event.status == (EventStatus.CANCELLED if status == 200 else EventStatus.PUBLISHED)


@pytest.mark.parametrize(
    "body, status",
    [('{"reason": 5}', 400), ("[]", 400), ("not json", 400), ('{"reason": "' + "长" * 501 + '"}', 422)],
)
def test_cancel_bad_bodies(api, station, cast, body, status):
    event = make_event(station)
    response = api.as_(cast["organizer"]).post(f"/events/{event.id}/cancel", data=body,
                                               headers={"Content-Type": "application/json"})
    assert response.status_code == status
    db.session.expire_all()
    assert event.status == EventStatus.PUBLISHED


def test_registrations_untouched_by_event_edits(api, station, cast):
    event = make_event(station)
    registration = make_registration(event)
    api.as_(cast["organizer"]).patch(f"/events/{event.id}", {"venue": "新地点"})
    db.session.expire_all()
    assert db.session.get(Registration, registration.id).status == RegistrationStatus.CONFIRMED
