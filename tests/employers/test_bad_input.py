"""Malformed input to every employers endpoint gets a JSON error (400/404/409/422), never a 500."""
import pytest

from leye_events.accounts.models import Role

from ..factories import auth_header, make_registration, make_token, make_user
from .helpers import make_booth, make_employer, make_fair, make_post, make_slot

ODD_BODIES = [
    b"", b"[]", b"null", b"{", b'"text"', b'{"name": {"a": 1}}', b'{"name": 12345678901234567890}',
    b'{"title": ["x"], "headcount": "3", "tags": "AI", "closes_on": 20261203}',
    b'{"employer_id": "1", "post_ids": [true], "booth": 5}',
    b'{"employer_id": 99999999999, "starts_at": "soon", "ends_at": null, "capacity": 1.5}',
    b'{"employer_id": 99999999999, "post_id": 99999999999, "from": "2026-12-03T14:00:00+08:00", '
    b'"to": "2026-12-03T15:00:00+08:00", "minutes": 20, "event_id": 99999999999, "post_ids": [99999999999]}',
    b'{"from": "2026-12-03T14:00:00+08:00", "to": "2026-12-03T13:00:00+08:00", "minutes": 0, "parallel": -1}',
    b'{"share_profile": "yes", "event_id": "x"}', b'{"result": null, "note": 7}',
    b'{"visited_on": "2026-02-30", "agreed": "\\u0000"}', b'{"email": 1, "name": null, "password": []}',
    b'{"credit_code": "\\ud800", "station": 3}', b'{"status": "gone", "salary_min": 1e308}',
]


@pytest.fixture
def world():
    fair = make_fair()
    employer = make_employer(fair.station)
    post = make_post(employer)
    make_booth(fair, employer, [post])
    slot = make_slot(fair, employer)
    seeker = make_registration(fair).seeker
    return {"fair": fair, "employer": employer, "post": post, "slot": slot, "seeker": seeker,
            "organizer": make_user(Role.ORGANIZER, fair.station)}


def test_odd_bodies_never_cause_a_server_error(client, world):
    e, p, f, s = world["employer"].id, world["post"].id, world["fair"].id, world["slot"].id
    staff = auth_header(make_token(world["organizer"]))
    seeker = auth_header(make_token(world["seeker"]))
    calls = [("post", "/employers", staff), ("patch", f"/employers/{e}", staff), ("post", f"/employers/{e}/accounts", staff),
             ("post", f"/employers/{e}/visits", staff), ("post", f"/employers/{e}/posts", staff),
             ("patch", f"/posts/{p}", staff), ("post", f"/events/{f}/booths", staff),
             ("post", f"/events/{f}/interview-slots", staff), ("post", f"/interview-slots/{s}/bookings", seeker),
             ("post", f"/posts/{p}/applications", seeker), ("post", "/applications/1/result", staff)]
    for method, path, headers in calls:
        for body in ODD_BODIES:
            response = getattr(client, method)("/api/v1" + path, data=body, headers={
                **headers, "Content-Type": "application/json"})
            assert response.status_code < 500, (method, path, body, response.get_data(as_text=True)[:200])
            if response.status_code >= 400:
                assert set(response.get_json()) == {"error"}, (path, body)


def test_odd_query_strings_never_cause_a_server_error(client, world):
    for query in ("q=%00", "station=%ff", "employer=abc", "event=99999999999999", "page=0", "per_page=x",
                  "status=closed", "q=" + "x" * 500):
        for path in ("/posts", f"/events/{world['fair'].id}/booths", f"/events/{world['fair'].id}/interview-slots"):
            response = client.get(f"/api/v1{path}?{query}")
            assert response.status_code < 500, (path, query)
