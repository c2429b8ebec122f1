"""Outreach imports: encodings, bad rows, duplicates, garbage, size, idempotence, roles, and sign-up later."""
from leye_events.accounts.models import Role, SeekerCategory, User
from leye_events.accounts.services import authenticate, signup_seeker
from leye_events.cases.models import Case
from leye_events.extensions import db
from leye_events.outreach.imports import MAX_IMPORT_BYTES
from leye_events.outreach.models import Prospect

from ..api.conftest import error_code
from ..cases.helpers import Station
from ..factories import make_user
from .helpers import csv_bytes, upload, xlsx_bytes

ROWS = [
    ["张三", "18600000001", "离校未就业高校毕业生", "复旦大学", "2026届"],
    ["李四", "186 0000 0002", "失业人员", "长白新村居委", ""],
    ["王五", "18600000003", "", "", "无类别"],
]


def _users(phone_prefix="1860000"):
    return db.session.execute(db.select(User).filter(User.phone.like(phone_prefix + "%"))).scalars().all()


def test_gb18030_csv_from_excel_creates_prospects_with_cases(api):
    place = Station()
    response = upload(api, place.counselor, csv_bytes(ROWS, encoding="gb18030"))
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {"created": 3, "updated": 0, "rejected": [], "preview": False}
    zhang = db.session.execute(db.select(User).filter_by(phone="18600000001")).scalar_one()
    assert zhang.name == "张三" and zhang.prospect is True and zhang.category == SeekerCategory.GRADUATE_UNEMPLOYED
    case = db.session.execute(db.select(Case).filter_by(seeker_id=zhang.id)).scalar_one()
    assert case.station_id == place.station.id
    prospect = db.session.execute(db.select(Prospect).filter_by(seeker_id=zhang.id)).scalar_one()
    assert prospect.community == "复旦大学" and prospect.remark == "2026届"
    assert authenticate("18600000001", "") is None  # no login


def test_utf8_with_and_without_bom(api):
    place = Station()
    assert upload(api, place.counselor, b"\xef\xbb\xbf" + csv_bytes(ROWS[:1])).get_json()["created"] == 1
    assert upload(api, place.counselor, csv_bytes(ROWS[1:2])).get_json()["created"] == 1
    names = {u.name for u in _users()}
    assert {"张三", "李四"} <= names


def test_xlsx_with_bad_rows_reports_row_numbers_and_imports_the_rest(api):
    place = Station()
    rows = [
        ["赵六", 18700000001, "失业青年", "一居", ""],
        ["", "18700000002", "", "", ""],
        ["钱七", "12345", "", "", ""],
        ["孙八", "18700000004", "外星人", "", ""],
        ["周九", "18700000001", "", "", "同一手机号"],
    ]
    body = upload(api, place.counselor, xlsx_bytes(rows), "list.xlsx").get_json()
    assert body["created"] == 1 and body["updated"] == 0
    assert [item["row"] for item in body["rejected"]] == [3, 4, 5, 6]
    reasons = " ".join(item["reason"] for item in body["rejected"])
    assert "姓名" in reasons and "手机号" in reasons and "类别" in reasons and "第 2 行" in reasons
    assert [u.name for u in _users("1870000")] == ["赵六"]


def test_import_is_idempotent_by_phone(api):
    place = Station()
    upload(api, place.counselor, csv_bytes(ROWS))
    again = upload(api, place.counselor, csv_bytes([["张三", "18600000001", "", "新居委", "再次"]] + ROWS[1:]))
    assert again.get_json() == {"created": 0, "updated": 3, "rejected": [], "preview": False}
    assert len(_users()) == 3
    prospect = db.session.execute(db.select(Prospect).join(User).filter(User.phone == "18600000001")).scalar_one()
    assert prospect.community == "新居委"


def test_preview_changes_nothing(api):
    place = Station()
    body = upload(api, place.counselor, csv_bytes(ROWS), preview=True).get_json()
    assert body == {"created": 3, "updated": 0, "rejected": [], "preview": True}
    assert _users() == []


def test_garbage_and_missing_header_are_refused_and_create_nothing(api):
    place = Station()
    garbage = upload(api, place.counselor, bytes(range(256)) * 40, "list.csv")
    assert garbage.status_code == 422 and error_code(garbage) == "unreadable_file"
    fake_xlsx = upload(api, place.counselor, b"PK\x03\x04" + b"not a zip" * 50, "list.xlsx")
    assert error_code(fake_xlsx) == "unreadable_file"
    headless = upload(api, place.counselor, csv_bytes(ROWS, header=["a", "b", "c", "d", "e"]))
    assert error_code(headless) == "missing_columns"
    assert error_code(upload(api, place.counselor, b"")) == "empty_file"
    assert _users() == []


def test_a_20_mb_file_is_refused_clearly(api):
    place = Station()
    big = csv_bytes(ROWS) + b"x" * (20 * 1024 * 1024)
    response = upload(api, place.counselor, big)
    assert response.status_code == 413 and error_code(response) == "file_too_large"
    assert "MB" in response.get_json()["error"]["message"]
    assert MAX_IMPORT_BYTES < 20 * 1024 * 1024
    assert _users() == []


def test_staff_phone_is_rejected_and_existing_seeker_gets_a_case(api):
    place = Station()
    staff = make_user(Role.DOOR, station=place.station, phone="18600000001")
    seeker = make_user(Role.SEEKER, phone="18600000002")
    body = upload(api, place.counselor, csv_bytes(ROWS[:2])).get_json()
    assert body["created"] == 0 and body["updated"] == 1 and body["rejected"][0]["row"] == 2
    assert db.session.get(User, staff.id).role == Role.DOOR
    refreshed = db.session.get(User, seeker.id)
    assert refreshed.prospect is False
    assert db.session.execute(db.select(Case).filter_by(seeker_id=seeker.id)).scalar_one().station_id == place.station.id


def test_roles(api):
    place = Station()
    for user in (place.door, place.station and make_user(Role.SEEKER), make_user(Role.ADMIN)):
        assert upload(api, user, csv_bytes(ROWS)).status_code == 403
    assert upload(api, place.organizer, csv_bytes(ROWS)).status_code == 200
    assert api.post("/outreach/imports").status_code == 401


def test_prospect_who_signs_up_keeps_the_same_account_and_case(app, api):
    place = Station()
    upload(api, place.counselor, csv_bytes(ROWS[:1]))
    prospect = db.session.execute(db.select(User).filter_by(phone="18600000001")).scalar_one()
    case_id = db.session.execute(db.select(Case.id).filter_by(seeker_id=prospect.id)).scalar_one()
    user = signup_seeker(name="张三丰", phone="18600000001", password="long-enough-1", consent=True,
                         email="zs@example.com")
    db.session.commit()
    assert user.id == prospect.id and user.prospect is False and user.consent_at is not None
    assert user.name == "张三丰" and user.category == SeekerCategory.GRADUATE_UNEMPLOYED
    assert authenticate("18600000001", "long-enough-1") is not None
    assert db.session.execute(db.select(Case.id).filter_by(seeker_id=user.id)).scalar_one() == case_id
    assert db.session.execute(db.select(db.func.count()).select_from(User)
                              .filter(User.phone == "18600000001")).scalar_one() == 1


def test_prospect_signs_up_through_the_api_and_keeps_the_case(api):
    place = Station()
    upload(api, place.counselor, csv_bytes([["赵敏", "18600000071", "失业人员", "", ""]]))
    prospect_id = db.session.execute(db.select(User.id).filter_by(phone="18600000071")).scalar_one()
    response = api.post("/seekers", json={"name": "赵敏", "phone": "18600000071", "password": "long-enough-1",
                                          "consent": True})
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["id"] == prospect_id
    again = api.post("/seekers", json={"name": "赵敏", "phone": "18600000071", "password": "long-enough-2",
                                       "consent": True})
    assert again.status_code == 409  # no longer a prospect: the phone is taken
    case = api.as_(place.counselor).get(f"/seekers/{prospect_id}/case").get_json()
    assert case["station"]["slug"] == place.station.slug
