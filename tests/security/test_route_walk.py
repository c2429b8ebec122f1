"""Every route, for every role, of the seeker's station and of another: no 500, and nothing about a
seeker leaks to an account of another station (name, phone) — whatever the page, verdict or error.

The walk fills each URL's arguments with the ids of one station's event, registration, case and
seeker, then calls every method of every rule as each account would (web pages with a session, the
API with a bearer token), with an empty body. New routes are walked as soon as they exist.
"""
import re

import pytest

from leye_events.accounts.models import Role, SeekerCategory
from leye_events.cases.operations import case_for
from leye_events.checkin import services as checkin
from leye_events.extensions import db

from ..checkin.helpers import open_event
from ..factories import auth_header, make_registration, make_station, make_token, make_user

NAME, PHONE = "谷雨晴", "13866665555"
# Secret URLs (a ticket code, a feed token): whoever holds the secret may see the page.
SECRET_ARGUMENTS = {"code", "token", "ticket_code"}
SKIPPED_ENDPOINTS = {"static", "accounts.logout"}
DOOR_SURFACES = ("/door", "/api/v1/checkins", "/api/v1/events/")


@pytest.fixture
def world():
    home, other = make_station(slug="home-station"), make_station(slug="other-station")
    event = open_event(station=home)
    seeker = make_user(Role.SEEKER, home, name=NAME, phone=PHONE, category=SeekerCategory.HARD_TO_EMPLOY,
                       school="复旦大学")
    registration = make_registration(event, seeker)
    door = make_user(Role.DOOR, home)
    checkin.check_in(checkin.Scan(code=registration.ticket_code, event_id=event.id), staff=door)
    case = case_for(seeker)
    db.session.commit()
    return {
        "ids": {"event_id": event.id, "registration_id": registration.id, "case_id": case.id,
                "seeker_id": seeker.id, "user_id": seeker.id, "slug": home.slug},
        "home": {role: make_user(role, home) for role in (Role.DOOR, Role.COUNSELOR, Role.ORGANIZER)},
        "other": {role: make_user(role, other) for role in (Role.DOOR, Role.COUNSELOR, Role.ORGANIZER)},
        "other_seeker": make_user(Role.SEEKER, other),
    }


def _urls(app, ids):
    """(method, url) for every rule, arguments filled from ``ids`` (unknown ids: 1)."""
    for rule in app.url_map.iter_rules():
        if rule.endpoint in SKIPPED_ENDPOINTS or SECRET_ARGUMENTS & set(rule.arguments):
            continue
        values = {}
        for name in rule.arguments:
            converter = rule._converters[name]
            if type(converter).__name__ == "AnyConverter":
                values[name] = sorted(converter.items)[0] if hasattr(converter, "items") else re.findall(
                    r"\w+", converter.regex)[0]
            else:
                values[name] = ids.get(name, "en" if name == "lang" else 1)
        try:
            url = rule.build(values, append_unknown=False)[1]
        except Exception:  # an argument we cannot fill sensibly
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield method, url


def _call(app, login, user, method, url):
    if url.startswith("/api/"):
        client = app.test_client()
        headers = auth_header(make_token(user)) if user is not None else {}
        return client.open(url, method=method, headers=headers, json={} if method != "GET" else None)
    client = login(user) if user is not None else app.test_client()
    return client.open(url, method=method, data={} if method != "GET" else None)


def _walk(app, login, world, user):
    seen = 0
    for method, url in _urls(app, world["ids"]):
        answer = _call(app, login, user, method, url)
        body = answer.get_data(as_text=True) if not answer.is_streamed else "".join(
            chunk.decode("utf-8", "replace") for chunk in answer.response)
        assert answer.status_code < 500, (method, url, answer.status_code)
        seen += 1
        yield method, url, answer, body
    assert seen > 50


@pytest.mark.parametrize("role", [Role.DOOR, Role.COUNSELOR, Role.ORGANIZER, "seeker", None])
def test_accounts_of_another_station_learn_nothing_about_the_seeker(app, login, world, role):
    user = world["other_seeker"] if role == "seeker" else world["other"][role] if role else None
    for method, url, _answer, body in _walk(app, login, world, user):
        assert NAME not in body and PHONE not in body, (method, url)


@pytest.mark.parametrize("role", [Role.DOOR, Role.COUNSELOR, Role.ORGANIZER, Role.ADMIN])
def test_every_route_answers_the_seekers_own_station_without_a_server_error(app, login, world, role):
    user = make_user(Role.ADMIN) if role == Role.ADMIN else world["home"][role]
    for method, url, answer, body in _walk(app, login, world, user):
        # Door staff never see hardship categories (the walk-in form may ask a newcomer for theirs).
        if role == Role.DOOR and answer.is_json and url.startswith(DOOR_SURFACES):
            assert "就业困难人员" not in body and "hard_to_employ" not in body, (method, url)
