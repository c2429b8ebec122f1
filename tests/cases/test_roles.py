"""Privacy by role, for every case page and endpoint."""
import re

import pytest

from leye_events.accounts.models import Role
from leye_events.audit.models import AuditEntry
from leye_events.cases import operations
from leye_events.extensions import db

from ..factories import auth_header, make_user
from .helpers import Station, attend, past_event, register


@pytest.fixture
def world():
    """Two stations; a seeker of the first with an attendance, a note, a referral and a no-show."""
    home, other = Station(), Station()
    seeker = home.seeker(phone="13912345678")
    event = past_event(home.station)
    attend(register(event, seeker), event.sessions[0], home.door)
    missed = past_event(home.station, days_ago=2)
    register(missed, seeker)
    case = operations.case_for(seeker)
    operations.add_note(case, "秘密的面谈记录", actor=home.counselor)
    operations.add_referral(case, actor=home.counselor, employer="某公司", post="文员", consent="verbal")
    db.session.commit()
    return {"home": home, "other": other, "seeker": seeker, "case": case, "event": event, "missed": missed,
            "admin": make_user(Role.ADMIN)}


def _pages(w):
    case, event = w["case"], w["event"]
    return [
        ("get", f"/cases/{case.id}"),
        ("get", f"/seekers/{w['seeker'].id}/case"),
        ("post", f"/cases/{case.id}/note"),
        ("post", f"/cases/{case.id}/referral"),
        ("post", f"/cases/{case.id}/outcome"),
        ("post", f"/cases/{case.id}/status"),
        ("post", f"/cases/{case.id}/edit"),
        ("get", f"/cases/follow-up/{event.id}"),
        ("post", f"/cases/follow-up/{event.id}/call"),
        ("post", f"/cases/follow-up/{event.id}/note"),
    ]


def test_door_staff_get_403_everywhere(world, login, client, token_for):
    door = login(world["home"].door)
    for method, url in _pages(world) + [("get", "/cases"), ("get", "/cases/follow-up"), ("get", "/figures"),
                                         ("get", "/figures/district")]:
        assert getattr(door, method)(url).status_code == 403, url
    headers = auth_header(token_for(world["home"].door))
    assert client.get(f"/api/v1/seekers/{world['seeker'].id}/case", headers=headers).status_code == 403
    assert client.get(f"/api/v1/seekers/{world['seeker'].id + 999}/case", headers=headers).status_code == 403
    assert client.get("/api/v1/figures", headers=headers).status_code == 403


def test_counselor_of_another_station_gets_403(world, login, client, token_for):
    stranger = login(world["other"].counselor)
    for method, url in _pages(world):
        assert getattr(stranger, method)(url).status_code == 403, url
    body = stranger.get("/cases").get_data(as_text=True)
    assert world["seeker"].name not in body
    headers = auth_header(token_for(world["other"].counselor))
    assert client.get(f"/api/v1/seekers/{world['seeker'].id}/case", headers=headers).status_code == 403
    response = client.get(f"/api/v1/figures?station={world['home'].station.slug}", headers=headers)
    assert response.status_code == 403


def test_organizer_sees_the_case_without_notes(world, login, client, token_for):
    organizer = login(world["home"].organizer)
    page = organizer.get(f"/cases/{world['case'].id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "秘密的面谈记录" not in html and "某公司" in html
    assert set(re.findall(r'action="/cases/\d+/([a-z_-]+)"', html)) == {"unmask"}  # no forms but unmasking
    for method, url in _pages(world)[2:]:
        assert getattr(organizer, method)(url).status_code == 403, url
    assert organizer.get("/cases").status_code == 403
    data = client.get(f"/api/v1/seekers/{world['seeker'].id}/case",
                      headers=auth_header(token_for(world["home"].organizer))).get_json()
    assert data["notes_included"] is False and data["plan"] is None
    assert "note" not in [item["kind"] for item in data["timeline"]]
    assert "秘密的面谈记录" not in str(data)
    assert all(item["body"] is None for item in data["timeline"])


def test_counselor_and_admin_see_notes(world, login, client, token_for):
    for user in (world["home"].counselor, world["admin"]):
        html = login(user).get(f"/cases/{world['case'].id}").get_data(as_text=True)
        assert "秘密的面谈记录" in html
        data = client.get(f"/api/v1/seekers/{world['seeker'].id}/case", headers=auth_header(token_for(user))).get_json()
        assert data["notes_included"] is True
        assert "秘密的面谈记录" in [item["body"] for item in data["timeline"]]
        kinds = {item["kind"] for item in data["timeline"]}
        assert {"attendance", "registration", "no_show", "note", "referral"} <= kinds


def test_seekers_see_no_case_but_their_own_history(world, login, client, token_for):
    seeker = login(world["seeker"])
    assert seeker.get(f"/cases/{world['case'].id}").status_code == 403
    assert seeker.get("/cases").status_code == 403
    assert seeker.get("/figures").status_code == 403
    history = seeker.get("/me/history")
    assert history.status_code == 200
    html = history.get_data(as_text=True)
    assert world["event"].title in html and "秘密的面谈记录" not in html and "某公司" not in html
    headers = auth_header(token_for(world["seeker"]))
    assert client.get(f"/api/v1/seekers/{world['seeker'].id}/case", headers=headers).status_code == 403
    assert login(world["home"].counselor).get("/me/history").status_code == 403


def test_anonymous_is_sent_to_log_in(world, client):
    assert client.get(f"/cases/{world['case'].id}").status_code == 302
    assert client.get("/cases").status_code == 302
    assert client.get(f"/api/v1/seekers/{world['seeker'].id}/case").status_code == 401
    assert client.get("/api/v1/figures").status_code == 401


def test_viewing_a_case_is_audited(world, login, client, token_for):
    login(world["home"].counselor).get(f"/cases/{world['case'].id}")
    client.get(f"/api/v1/seekers/{world['seeker'].id}/case", headers=auth_header(token_for(world["home"].organizer)))
    views = db.session.execute(db.select(AuditEntry).filter_by(action="case.view")).scalars().all()
    assert {(v.actor_id, v.target_id) for v in views} == {
        (world["home"].counselor.id, world["case"].id), (world["home"].organizer.id, world["case"].id)}


def test_phone_is_masked_everywhere_until_a_reason_is_typed_on_the_case_page(world, login, client, token_for):
    counselor = login(world["home"].counselor)
    case_url = f"/cases/{world['case'].id}"
    page = counselor.get(case_url)
    assert "13912345678" not in page.get_data(as_text=True) and "139****5678" in page.get_data(as_text=True)
    assert "no-store" in page.headers["Cache-Control"]
    refused = counselor.post(f"{case_url}/unmask", data={"reason": " "})
    assert refused.status_code == 422 and "13912345678" not in refused.get_data(as_text=True)
    shown = counselor.post(f"{case_url}/unmask", data={"reason": "电话回访"})
    assert shown.status_code == 200 and "13912345678" in shown.get_data(as_text=True)
    entry = db.session.execute(db.select(AuditEntry).filter_by(action="case.unmask")).scalar_one()
    assert entry.actor_id == world["home"].counselor.id and entry.details["reason"] == "电话回访"
    stranger = login(world["other"].counselor)
    assert stranger.post(f"{case_url}/unmask", data={"reason": "好奇"}).status_code == 403
    caseload = counselor.get("/cases").get_data(as_text=True)
    assert "13912345678" not in caseload and "139****5678" in caseload
    follow_up = counselor.get(f"/cases/follow-up/{world['missed'].id}").get_data(as_text=True)
    assert world["seeker"].name in follow_up and "13912345678" not in follow_up and "139****5678" in follow_up
    data = client.get(f"/api/v1/seekers/{world['seeker'].id}/case",
                      headers=auth_header(token_for(world["home"].counselor))).get_json()
    assert data["seeker"]["phone"] == "139****5678"


def test_unknown_seeker_and_case_are_404(world, login, client, token_for):
    counselor = login(world["home"].counselor)
    assert counselor.get("/cases/999999").status_code == 404
    assert counselor.get("/seekers/999999/case").status_code == 404
    headers = auth_header(token_for(world["home"].counselor))
    assert client.get("/api/v1/seekers/999999/case", headers=headers).status_code == 404
    staff_id = world["home"].door.id
    assert client.get(f"/api/v1/seekers/{staff_id}/case", headers=headers).status_code == 404
    assert client.get("/api/v1/seekers/99999999999999999999/case", headers=headers).status_code == 404


def test_figures_pages_by_role(world, login):
    assert login(world["home"].organizer).get("/figures").status_code == 200
    assert login(world["home"].counselor).get("/figures").status_code == 200
    assert login(world["home"].organizer).get("/figures/district").status_code == 403
    admin = login(world["admin"])
    assert admin.get("/figures/district").status_code == 200
    assert admin.get(f"/figures?station={world['home'].station.slug}").status_code == 200
    assert admin.get("/figures").status_code == 302


def test_one_rule_decides_whose_figures_on_pages_spreadsheet_and_api(world, login, client, token_for):
    """Counselors and organizers see their own station only, asked for or not; the page, its
    spreadsheet and the API answer alike (``access.figures_station``)."""
    home, other = world["home"].station.slug, world["other"].station.slug
    organizer = login(world["home"].organizer)
    assert organizer.get(f"/figures?station={home}").status_code == 200
    assert organizer.get(f"/figures?station={other}").status_code == 403
    assert organizer.get(f"/figures/report.xlsx?station={other}").status_code == 403
    assert organizer.get("/figures/report.xlsx").status_code == 200
    headers = auth_header(token_for(world["home"].organizer))
    assert client.get(f"/api/v1/figures?station={home}", headers=headers).status_code == 200
    assert client.get(f"/api/v1/figures?station={other}", headers=headers).status_code == 403
    admin = login(world["admin"])
    assert admin.get(f"/figures/report.xlsx?station={other}").status_code == 200
