"""The call list and contacts: prospects never reached, due follow-ups, no-shows; one tap to log;
counts per counselor and station; role checks."""
from datetime import timedelta

from leye_events.accounts.models import Role, User
from leye_events.cases.models import Case, CaseEntry, EntryKind
from leye_events.core.timeutil import today_local
from leye_events.extensions import db
from leye_events.outreach.models import Contact
from leye_events.outreach.services import call_list

from ..api.conftest import error_code
from ..cases.helpers import Station, past_event, register
from ..factories import make_user
from .helpers import csv_bytes, upload


def _prospect_ids(api, place, rows):
    upload(api, place.counselor, csv_bytes(rows))
    phones = [row[1] for row in rows]
    return [u.id for u in db.session.execute(db.select(User).filter(User.phone.in_(phones))
                                              .order_by(User.phone)).scalars()]


def test_call_list_shows_prospects_then_due_follow_ups_and_no_shows(api):
    place = Station()
    first, second = _prospect_ids(api, place, [["甲一", "18600000011", "", "", ""], ["乙二", "18600000012", "", "", ""]])
    calls = api.as_(place.counselor).get("/outreach/calls").get_json()["calls"]
    assert [c["seeker"]["id"] for c in calls] == [first, second]
    assert calls[0]["reason"] == "never_contacted" and calls[0]["seeker"]["prospect"] is True
    assert calls[0]["seeker"]["name"] != "甲一" and "*" in calls[0]["seeker"]["phone"]
    refused = api.as_(place.counselor).get("/outreach/calls?unmask=1")
    assert refused.status_code == 422 and refused.get_json()["error"]["code"] == "reason_required"
    plain = api.as_(place.counselor).get("/outreach/calls?unmask=1&reason=电话回访").get_json()["calls"][0]["seeker"]
    assert plain["name"] == "甲一" and plain["phone"] == "18600000011"

    tomorrow = (today_local() + timedelta(days=1)).isoformat()
    logged = api.as_(place.counselor).post(f"/seekers/{first}/contacts", json={
        "channel": "phone", "result": "no_answer", "note": "无人接听", "next_contact_on": tomorrow})
    assert logged.status_code == 201 and logged.get_json()["next_contact_on"] == tomorrow
    assert [c["seeker"]["id"] for c in api.as_(place.counselor).get("/outreach/calls").get_json()["calls"]] == [second]
    # the next day the first one is due again
    contact = db.session.execute(db.select(Contact)).scalar_one()
    contact.next_contact_on = today_local()
    db.session.commit()
    calls = api.as_(place.counselor).get("/outreach/calls").get_json()["calls"]
    assert {c["seeker"]["id"]: c["reason"] for c in calls} == {first: "due", second: "never_contacted"}
    assert [c for c in calls if c["seeker"]["id"] == first][0]["last_contact"]["result"] == "no_answer"
    entry = db.session.execute(db.select(CaseEntry).filter_by(kind=EntryKind.NOTE)).scalar_one()
    assert "无人接听" in entry.body and entry.details["result"] == "no_answer"


def test_no_shows_of_recent_events_are_on_the_list_until_contacted(api):
    place = Station()
    seeker = make_user(Role.SEEKER, station=place.station)
    event = past_event(place.station, days_ago=2)
    register(event, seeker)
    calls = call_list(db.session.get(User, place.counselor.id))
    assert [(c.case.seeker_id, c.reason) for c in calls] == [(seeker.id, "no_show")]
    api.as_(place.counselor).post(f"/seekers/{seeker.id}/contacts", json={"channel": "wechat", "result": "reached"})
    assert call_list(db.session.get(User, place.counselor.id)) == []
    case = db.session.execute(db.select(Case).filter_by(seeker_id=seeker.id)).scalar_one()
    assert case.last_contact_at is not None


def test_contact_validation_and_roles(api):
    place, other = Station(), Station()
    (prospect,) = _prospect_ids(api, place, [["丙", "18600000021", "", "", ""]])
    url = f"/seekers/{prospect}/contacts"
    bad = [({"channel": "fax", "result": "reached"}, 422), ({"channel": "phone", "result": "maybe"}, 422),
           ({"channel": "phone"}, 400), ({"channel": "phone", "result": "reached", "next_contact_on": "tomorrow"}, 400),
           ({"channel": "phone", "result": "reached", "next_contact_on": "2000-01-01"}, 422),
           ({"channel": "phone", "result": "reached", "note": "x" * 2001}, 422)]
    for body, status in bad:
        assert api.as_(place.counselor).post(url, json=body).status_code == status, body
    for user in (other.counselor, place.organizer, place.door, make_user(Role.SEEKER)):
        assert api.as_(user).post(url, json={"channel": "phone", "result": "reached"}).status_code == 403
    assert api.as_(place.counselor).post("/seekers/999999/contacts",
                                         json={"channel": "phone", "result": "reached"}).status_code == 404
    assert api.as_(place.organizer).get("/outreach/calls").status_code == 403
    assert error_code(api.as_(place.door).get("/outreach/calls")) == "forbidden"


def test_counts_per_counselor_and_station(api, app):
    from leye_events.accounts.services import signup_seeker

    place = Station()
    second_counselor = make_user(Role.COUNSELOR, station=place.station)
    first, second = _prospect_ids(api, place, [["丁", "18600000031", "", "", ""], ["戊", "18600000032", "", "", ""]])
    api.as_(place.counselor).post(f"/seekers/{first}/contacts", json={"channel": "phone", "result": "reached"})
    api.as_(place.counselor).post(f"/seekers/{first}/contacts", json={"channel": "sms", "result": "reached"})
    api.as_(second_counselor).post(f"/seekers/{second}/contacts", json={"channel": "phone", "result": "no_answer"})
    signup_seeker(name="丁", phone="18600000031", password="long-enough-1", consent=True)
    db.session.commit()
    body = api.as_(place.organizer).get("/outreach/counts").get_json()
    assert body["station"] == {"contacts": 3, "people_reached": 1, "prospects": 2, "prospects_converted": 1,
                               "prospects_attended": 0, "prospects_employed": 0}
    by_id = {c["id"]: c for c in body["counselors"]}
    assert by_id[place.counselor.id]["contacts"] == 2 and by_id[place.counselor.id]["people_reached"] == 1
    assert by_id[second_counselor.id]["contacts"] == 1 and by_id[second_counselor.id]["people_reached"] == 0
    assert api.as_(place.door).get("/outreach/counts").status_code == 403
