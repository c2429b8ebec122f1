"""Workshop certificates: a PDF once every module was attended, read back as text; 422 before."""
import io

from pypdf import PdfReader

from leye_events.accounts.models import Role
from leye_events.events.models import EventKind

from ..factories import auth_header, make_event, make_registration, make_token, make_user
from .conftest import attend


def workshop_registration(name="王小明"):
    event = make_event(kind=EventKind.WORKSHOP, sessions=4, title="打造我的2026")
    for session, title in zip(event.sessions, ["岗位解析", "潜力探索", "岗位推介", "求职适配"], strict=True):
        session.title = title
    seeker = make_user(Role.SEEKER, name=name)
    return make_registration(event, seeker)


def pdf_text(data: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_certificate_holds_the_name_the_modules_and_a_verification_link(client):
    registration = workshop_registration()
    attend(registration)
    response = client.get(f"/api/v1/registrations/{registration.id}/certificate.pdf",
                          headers=auth_header(make_token(registration.seeker)))
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    text = pdf_text(response.data)
    for expected in ("结业证书", "王小明", "打造我的2026", "岗位解析", "潜力探索", "岗位推介", "求职适配",
                     registration.event.station.name, "/certificates/"):
        assert expected in text, expected
    verify_path = "/certificates/" + text.split("/certificates/")[1].split()[0]
    page = client.get(verify_path)
    assert page.status_code == 200
    assert "证书有效" in page.text and "王小明" not in page.text  # the name is masked there


def test_certificate_before_every_module_is_422_not_completed(client):
    registration = workshop_registration()
    attend(registration, registration.event.sessions[:3])
    response = client.get(f"/api/v1/registrations/{registration.id}/certificate.pdf",
                          headers=auth_header(make_token(registration.seeker)))
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "not_completed"


def test_certificate_is_for_the_seeker_and_station_staff_only(client, login):
    registration = workshop_registration()
    attend(registration)
    path = f"/api/v1/registrations/{registration.id}/certificate.pdf"
    assert client.get(path).status_code == 401
    stranger = make_user(Role.SEEKER)
    assert client.get(path, headers=auth_header(make_token(stranger))).status_code == 404
    other_station_staff = make_user(Role.ORGANIZER)
    assert client.get(path, headers=auth_header(make_token(other_station_staff))).status_code == 404
    staff = make_user(Role.COUNSELOR, station=registration.event.station)
    assert client.get(path, headers=auth_header(make_token(staff))).status_code == 200
    assert login(registration.seeker).get(f"/registrations/{registration.id}/certificate.pdf").status_code == 200


def test_web_certificate_page_explains_what_is_missing(login):
    registration = workshop_registration()
    response = login(registration.seeker).get(f"/registrations/{registration.id}/certificate.pdf")
    assert response.status_code == 422
    assert "全部模块" in response.text


def test_a_tampered_verification_link_is_refused(client):
    assert client.get("/certificates/not-a-real-token").status_code == 404
