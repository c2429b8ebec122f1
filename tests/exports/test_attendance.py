"""Attendance lists: CSV, XLSX and JSON read back, masking, unmasking rules and the audit log."""
import csv
import io
from datetime import datetime

import openpyxl
import pytest
from sqlalchemy import event as sa_event

from leye_events.audit.models import AuditEntry
from leye_events.checkin.models import CheckIn
from leye_events.core.timeutil import to_local
from leye_events.extensions import db

from ..factories import auth_header, make_registration, make_token, make_user

API = "/api/v1/events/{id}/attendance"


def api_get(client, user, event_id, **params):
    headers = auth_header(make_token(user)) if user is not None else {}
    return client.get(API.format(id=event_id), query_string=params, headers=headers)


def read_csv(response) -> list[list[str]]:
    raw = response.get_data()
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 byte-order mark for Excel"
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


def read_xlsx(response):
    return openpyxl.load_workbook(io.BytesIO(response.get_data())).active


def local(moment) -> str:
    return to_local(moment).strftime("%Y-%m-%d %H:%M")


def audits(action: str) -> list[AuditEntry]:
    return db.session.scalars(db.select(AuditEntry).filter_by(action=action).order_by(AuditEntry.id)).all()


# --- CSV ---------------------------------------------------------------------------------------------

def test_csv_has_one_masked_row_per_registration(client, workshop):
    response = api_get(client, workshop.staff["organizer"], workshop.event.id, format="csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv" and "charset=utf-8" in response.content_type
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.is_streamed
    rows = read_csv(response)
    header, body = rows[0], rows[1:]
    first, second = workshop.event.sessions
    assert header[:7] == ["报名编号", "姓名", "手机号", "人员类别", "学校", "报名状态", "报名时间"]
    assert header[7].startswith("第1场签到") and header[8].startswith("第2场签到") and header[9] == "现场报名"
    assert len(body) == 5
    by_id = {int(row[0]): row for row in body}
    wang = by_id[workshop.rows["wang"].id]
    assert wang[1:7] == ["王**", "138****5678", "离校未就业高校毕业生", "同济大学", "已确认",
                         local(workshop.rows["wang"].created_at)]
    wang_checkins = db.session.scalars(db.select(CheckIn)
                                       .filter_by(registration_id=workshop.rows["wang"].id)
                                       .order_by("session_id")).all()
    assert wang[7:10] == [local(wang_checkins[0].scanned_at), local(wang_checkins[1].scanned_at), "否"]
    assert by_id[workshop.rows["li"].id][7:9] == ["", ""]  # an undone check-in and a refusal: not attended
    walk = by_id[workshop.rows["walk"].id]
    assert walk[1] == "张**" and walk[7] and walk[8] == "" and walk[9] == "是"
    assert by_id[workshop.rows["gone"].id][5] == "已取消"
    assert by_id[workshop.rows["queue"].id][5] == "候补中"
    text = response.get_data(as_text=True)
    for secret in ("王小明", "13812345678", "李华", "13400001111"):
        assert secret not in text
    assert [e.details for e in audits("attendance.export")] == [{"format": "csv", "unmasked": False}]
    assert audits("attendance.unmask") == []


def test_csv_unmasked_for_organizer_with_reason_is_audited(client, workshop):
    organizer = workshop.staff["organizer"]
    response = api_get(client, organizer, workshop.event.id, format="csv", unmask="1", reason="活动前电话提醒")
    assert response.status_code == 200
    body = {int(row[0]): row for row in read_csv(response)[1:]}
    assert body[workshop.rows["wang"].id][1:3] == ["王小明", "13812345678"]
    entry, = audits("attendance.unmask")
    assert entry.actor_id == organizer.id and entry.station_id == workshop.station.id
    assert entry.target_type == "Event" and entry.target_id == workshop.event.id
    assert entry.details == {"format": "csv", "unmasked": True, "reason": "活动前电话提醒"}


def test_formula_like_text_is_neutralised(client, workshop):
    seeker = make_user(name="=HYPERLINK(\"http://x\")", phone="13311112222", school="+1 school")
    registration = make_registration(workshop.event, seeker)
    response = api_get(client, workshop.staff["organizer"], workshop.event.id, format="csv", unmask="1",
                       reason="核对现场名单")
    row = {int(r[0]): r for r in read_csv(response)[1:]}[registration.id]
    assert row[1] == "'=HYPERLINK(\"http://x\")" and row[4] == "'+1 school"
    sheet = read_xlsx(api_get(client, workshop.staff["organizer"], workshop.event.id, format="xlsx", unmask="1",
                              reason="核对现场名单"))
    cells = [r for r in sheet.iter_rows(min_row=2) if r[0].value == registration.id][0]
    assert cells[1].value == "=HYPERLINK(\"http://x\")" and cells[1].data_type == "s"


# --- XLSX --------------------------------------------------------------------------------------------

def test_xlsx_reads_back_with_header_sessions_widths_and_summary(client, workshop):
    response = api_get(client, workshop.staff["counselor"], workshop.event.id, format="xlsx")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = read_xlsx(response)
    assert sheet.freeze_panes == "A2"
    header = [c.value for c in sheet[1]]
    assert header[1] == "姓名" and header[7].startswith("第1场签到") and header[-2] == "现场报名"
    assert header[-1] == "签到方式"
    assert all(c.font.b for c in sheet[1])
    for index, title in enumerate(header, start=1):
        width = sheet.column_dimensions[openpyxl.utils.get_column_letter(index)].width
        assert width >= sum(2 if ord(char) > 0x2E7F else 1 for char in title), title  # Chinese headers fit
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    data = [r for r in rows if isinstance(r[0], int)]
    assert len(data) == 5
    wang = next(r for r in data if r[0] == workshop.rows["wang"].id)
    assert wang[1:6] == ("王**", "138****5678", "离校未就业高校毕业生", "同济大学", "已确认")
    assert isinstance(wang[7], datetime) and isinstance(wang[8], datetime)
    assert wang[7].strftime("%Y-%m-%d %H:%M") == csv_time_of(client, workshop, workshop.rows["wang"].id, 7)
    summary = next(r for r in rows if r[0] == "合计")
    assert summary[1] == "5 条报名" and summary[2] == "已确认 3"
    assert summary[7] == "签到 2 人" and summary[8] == "签到 1 人" and summary[9] == "现场 1"
    assert "13812345678" not in str(rows)


def csv_time_of(client, workshop, registration_id, column) -> str:
    rows = read_csv(api_get(client, workshop.staff["organizer"], workshop.event.id, format="csv"))
    return {int(r[0]): r for r in rows[1:]}[registration_id][column]


# --- JSON --------------------------------------------------------------------------------------------

def test_json_shape_as_api_md(client, workshop):
    response = api_get(client, workshop.staff["organizer"], workshop.event.id)
    assert response.status_code == 200 and response.mimetype == "application/json"
    data = response.get_json()
    assert data["event"]["id"] == workshop.event.id and data["masked"] is True
    first, second = workshop.event.sessions
    wang = next(r for r in data["rows"] if r["registration_id"] == workshop.rows["wang"].id)
    assert {"registration_id", "name", "phone", "status", "walk_in", "sessions"} <= set(wang)
    assert wang["name"] == "王**" and wang["phone"] == "138****5678" and wang["status"] == "confirmed"
    assert [s["session_id"] for s in wang["sessions"]] == [first.id, second.id]
    assert all(s["checked_in_at"].endswith("+08:00") for s in wang["sessions"])
    li = next(r for r in data["rows"] if r["registration_id"] == workshop.rows["li"].id)
    assert [s["checked_in_at"] for s in li["sessions"]] == [None, None]
    walk = next(r for r in data["rows"] if r["registration_id"] == workshop.rows["walk"].id)
    assert walk["walk_in"] is True
    assert len(data["rows"]) == 5


def test_json_for_an_event_without_registrations(client, workshop):
    from ..factories import make_event

    empty = make_event(workshop.station)
    data = api_get(client, workshop.staff["organizer"], empty.id).get_json()
    assert data["rows"] == [] and data["event"]["id"] == empty.id


# --- who may -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("role, status", [
    ("organizer", 200), ("counselor", 200), ("admin", 200),
    ("door", 403), ("seeker", 403), ("other_organizer", 403), ("other_counselor", 403),
])
def test_who_may_export_masked(client, workshop, role, status):
    response = api_get(client, workshop.staff[role], workshop.event.id, format="csv")
    assert response.status_code == status
    if status == 403:
        assert response.get_json()["error"]["code"] == "forbidden"
        assert audits("attendance.export") == []


@pytest.mark.parametrize("role, status", [
    ("organizer", 200), ("counselor", 200),
    ("door", 403), ("seeker", 403), ("admin", 403), ("other_organizer", 403), ("other_counselor", 403),
])
def test_who_may_unmask(client, workshop, role, status):
    response = api_get(client, workshop.staff[role], workshop.event.id, format="json", unmask="1", reason="电话回访")
    assert response.status_code == status
    if status == 200:
        assert response.get_json()["masked"] is False
        assert len(audits("attendance.unmask")) == 1
    else:
        assert audits("attendance.unmask") == [] and audits("attendance.export") == []
        assert "王小明" not in response.get_data(as_text=True)


def test_anonymous_gets_401(client, workshop):
    response = api_get(client, None, workshop.event.id)
    assert response.status_code == 401 and response.get_json()["error"]["code"] == "unauthorized"


@pytest.mark.parametrize("params, status, code", [
    ({"format": "pdf"}, 400, "invalid_parameter"),
    ({"format": "x" * 500}, 400, "invalid_parameter"),
    ({"format": "csv\x00"}, 400, "invalid_parameter"),
    ({"unmask": "yes"}, 400, "invalid_parameter"),
    ({"unmask": "1"}, 422, "reason_required"),
    ({"unmask": "1", "reason": "   "}, 422, "reason_required"),
    ({"unmask": "1", "reason": "a"}, 422, "reason_required"),
    ({"unmask": "1", "reason": "x" * 201}, 422, "reason_too_long"),
])
def test_bad_parameters_are_refused_and_nothing_is_audited(client, workshop, params, status, code):
    response = api_get(client, workshop.staff["organizer"], workshop.event.id, **params)
    assert response.status_code == status
    assert response.get_json()["error"]["code"] == code
    assert audits("attendance.export") == [] and audits("attendance.unmask") == []


def test_api_unmask_with_a_reason_is_audited_with_it_and_not_cached(client, workshop):
    response = api_get(client, workshop.staff["organizer"], workshop.event.id, format="json", unmask="1",
                       reason="核对名单")
    assert response.status_code == 200 and "no-store" in response.headers["Cache-Control"]
    [entry] = audits("attendance.unmask")
    assert entry.details["reason"] == "核对名单"


@pytest.mark.parametrize("event_id", ["999999", "2147483648", "99999999999999999999999"])
def test_unknown_and_huge_ids_are_404(client, workshop, event_id):
    response = client.get(f"/api/v1/events/{event_id}/attendance",
                          headers=auth_header(make_token(workshop.staff["organizer"])))
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"


# --- one query, whatever the number of rows ---------------------------------------------------------------

def count_queries(run) -> int:
    statements = []

    def before(conn, cursor, statement, *args):
        statements.append(statement)

    engine = db.engine
    sa_event.listen(engine, "before_cursor_execute", before)
    try:
        run()
    finally:
        sa_event.remove(engine, "before_cursor_execute", before)
    return len(statements)


def test_no_n_plus_one(workshop):
    from leye_events.exports import services

    def export():
        plan = services.plan_for(workshop.event)
        chunks = list(services.csv_chunks(plan, services.attendance_rows(plan)))
        return chunks

    db.session.expire_all()
    few = count_queries(export)
    for _ in range(30):
        make_registration(workshop.event)
    db.session.expire_all()
    many = count_queries(export)
    assert many == few
    plan = services.plan_for(workshop.event)
    assert sum(len(c.splitlines()) for c in services.csv_chunks(plan, services.attendance_rows(plan))) == 1 + 5 + 30


@pytest.mark.parametrize("fmt", ["csv", "json", "xlsx"])
def test_streamed_over_a_real_server(live_server, workshop, fmt):
    """On a real server the body is sent after the request's database session is closed (tests
    otherwise share one long app context, which would hide a detached-object error)."""
    import requests

    token = make_token(workshop.staff["organizer"])
    response = requests.get(f"{live_server.url}{API.format(id=workshop.event.id)}", params={"format": fmt},
                            headers=auth_header(token), timeout=30)
    assert response.status_code == 200
    if fmt == "csv":
        assert len(list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))) == 6
    elif fmt == "json":
        assert len(response.json()["rows"]) == 5
    else:
        assert openpyxl.load_workbook(io.BytesIO(response.content)).active["B1"].value == "姓名"


# --- file names --------------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_download_is_named_after_the_event(login, workshop, fmt):
    """An organizer's downloads folder tells the lists apart: the file carries the event's title
    (in filename*, with a plain ASCII fallback; characters Windows refuses become _)."""
    from urllib.parse import quote, unquote

    workshop.event.title = '求职沙龙: 简历/面试 "实战"'
    db.session.commit()
    response = login(workshop.staff["organizer"]).get(f"/manage/events/{workshop.event.id}/attendance.{fmt}")
    response.close()  # the body is not needed here
    assert response.status_code == 200
    disposition = response.headers["Content-Disposition"]
    disposition.encode("latin-1")  # a header must be Latin-1
    fallback = disposition.split('filename="')[1].split('"')[0]
    assert fallback.isascii() and fallback.endswith(f".{fmt}")
    name = unquote(disposition.split("filename*=UTF-8''")[1])
    assert name.startswith(f"签到名单-求职沙龙_简历_面试_实战-{workshop.event.id}-") and name.endswith(f".{fmt}")
    assert not any(ch in name for ch in '\\/:*?"<>|')
    assert quote("签到名单") in disposition
