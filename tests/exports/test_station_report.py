"""The station report: the figures of a period as XLSX, read back with openpyxl."""
import io
from datetime import timedelta

from openpyxl import load_workbook

from leye_events.accounts.models import Role
from leye_events.core.timeutil import to_local, utcnow

from ..checkin.helpers import door_staff, open_event, ticket
from ..factories import make_station, make_user


def check_in(event, registration):
    from leye_events.checkin import services
    from leye_events.extensions import db

    services.check_in(services.Scan(code=registration.ticket_code, event_id=event.id), staff=door_staff(event))
    db.session.commit()


def workbook_from(response):
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return load_workbook(io.BytesIO(response.data))


def summary(book) -> dict:
    return {row[0]: row[1] for row in book.worksheets[0].iter_rows(min_row=2, values_only=True)}


def test_station_report_has_the_pages_numbers(login):
    event = open_event()
    registrations = [ticket(event) for _ in range(3)]
    check_in(event, registrations[0])
    organizer = make_user(Role.ORGANIZER, station=event.station)
    today = to_local(utcnow()).date()
    response = login(organizer).get(f"/figures/report.xlsx?from={today - timedelta(days=1)}&to={today}")
    book = workbook_from(response)
    values = summary(book)
    assert values["范围"] == event.station.name
    assert values["活动场数"] == 1 and values["报名人数（已确认）"] == 3 and values["签到人次"] == 1
    assert [ws.title for ws in book.worksheets] == ["概况", "按活动类型", "按人员类别", "信息排摸与岗位推介"]
    assert book.worksheets[0]["A1"].font.bold


def test_month_report_and_district_breakdown_for_admins(login):
    open_event()
    make_station()
    month = to_local(utcnow()).strftime("%Y-%m")
    book = workbook_from(login(make_user(Role.ADMIN)).get(f"/figures/report.xlsx?month={month}"))
    assert summary(book)["统计期间"].startswith(f"{month}-01")
    assert book.worksheets[-1].title == "各乐业空间" and book.worksheets[-1].max_row == 3


def test_report_roles_and_bad_input(login, client):
    station = make_station()
    assert client.get("/figures/report.xlsx").status_code == 302
    assert login(make_user(Role.SEEKER)).get("/figures/report.xlsx").status_code == 403
    assert login(make_user(Role.DOOR, station=station)).get("/figures/report.xlsx").status_code == 403
    counselor = login(make_user(Role.COUNSELOR, station=station))
    for query in ("month=2026-13", "month=abc", "from=nonsense&to=2026-99-99", "month=99999-1"):
        assert counselor.get(f"/figures/report.xlsx?{query}").status_code == 200, query


def test_report_period_ends_on_the_last_day_chosen_not_the_day_after(login):
    station = make_station()
    counselor = login(make_user(Role.COUNSELOR, station=station))
    book = workbook_from(counselor.get("/figures/report.xlsx?from=2026-11-01&to=2026-11-15"))
    assert summary(book)["统计期间"] == "2026-11-01 – 2026-11-15"
    book = workbook_from(counselor.get("/figures/report.xlsx?month=2026-02"))
    assert summary(book)["统计期间"] == "2026-02-01 – 2026-02-28"


def test_report_explains_each_figure_next_to_it(login):
    station = make_station()
    book = workbook_from(login(make_user(Role.ORGANIZER, station=station)).get("/figures/report.xlsx"))
    sheet = book.worksheets[0]
    assert sheet["C1"].value == "口径说明"
    notes = {row[0]: row[2] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert "入职日期" in notes["帮助就业人数"]
    assert "至少签到一场" in notes["到场率"]


def test_station_report_includes_the_feedback_of_the_period(login):
    from leye_events.extensions import db
    from leye_events.feedback.models import Feedback

    event = open_event()
    registrations = [ticket(event) for _ in range(2)]
    for registration, rating in zip(registrations, (5, 4), strict=True):
        check_in(event, registration)
        db.session.add(Feedback(registration_id=registration.id, event_id=event.id, rating=rating, comment=""))
    db.session.commit()
    today = to_local(utcnow()).date()
    organizer = make_user(Role.ORGANIZER, station=event.station)
    values = summary(workbook_from(login(organizer).get(f"/figures/report.xlsx?from={today}&to={today}")))
    assert values["活动评价条数"] == 2 and values["平均评分（1–5）"] == 4.5
