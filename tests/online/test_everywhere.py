"""Online attendance where attendance shows: figures, the station report, exports, the organizer's counts."""
import csv
import io
from datetime import timedelta

import openpyxl

from leye_events.accounts.models import Role
from leye_events.booking.models import Attend
from leye_events.cases import figures
from leye_events.checkin import services as checkin
from leye_events.core.timeutil import utcnow
from leye_events.extensions import db

from ..factories import auth_header, make_registration, make_token, make_user
from .helpers import hybrid_event


def a_hybrid_salon_attended_both_ways(client):
    """The issue's scenario: one student scanned at the door, another joins online from the link."""
    event = hybrid_event(starts_in=timedelta(minutes=-10))
    onsite = make_registration(event, attend=Attend.ONSITE)
    online = make_registration(event, attend=Attend.ONLINE)
    make_registration(event, attend=Attend.ONLINE)  # registered online, never came
    door = make_user(Role.DOOR, station=event.station)
    checkin.check_in(checkin.Scan(code=onsite.ticket_code, event_id=event.id), staff=door)
    db.session.commit()
    assert client.get(f"/join/{online.ticket_code}").status_code == 302
    db.session.commit()
    return event, onsite, online


def test_figures_count_onsite_and_online_apart(client):
    event, _, _ = a_hybrid_salon_attended_both_ways(client)
    now = utcnow()
    result = figures.compute(event.station_id, now - timedelta(days=1), now + timedelta(days=1))
    assert (result.attendances, result.attendances_onsite, result.attendances_online) == (2, 1, 1)
    counselor = make_user(Role.COUNSELOR, station=event.station)
    data = client.get(f"/api/v1/figures?station={event.station.slug}",
                      headers=auth_header(make_token(counselor))).get_json()
    assert data["attendances_onsite"] == 1 and data["attendances_online"] == 1


def test_the_station_report_has_both_rows(client, login):
    event, _, _ = a_hybrid_salon_attended_both_ways(client)
    organizer = make_user(Role.ORGANIZER, station=event.station)
    response = login(organizer).get("/figures/report.xlsx")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.get_data()))
    values = [row for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)]
    labels = {row[0]: row[1] for row in values if row and row[0]}
    assert labels["其中线下签到"] == 1 and labels["其中线上参加"] == 1


def test_the_attendance_export_has_a_method_column(client):
    event, onsite, online = a_hybrid_salon_attended_both_ways(client)
    organizer = make_user(Role.ORGANIZER, station=event.station)
    headers = auth_header(make_token(organizer))
    url = f"/api/v1/events/{event.id}/attendance"
    rows = list(csv.reader(io.StringIO(client.get(url, query_string={"format": "csv"}, headers=headers)
                                       .get_data().decode("utf-8-sig"))))
    assert rows[0][-1] == "签到方式"
    by_id = {row[0]: row[-1] for row in rows[1:]}
    assert by_id[str(onsite.id)] == "线下签到" and by_id[str(online.id)] == "线上参加"
    data = client.get(url, query_string={"format": "json"}, headers=headers).get_json()
    methods = {row["registration_id"]: (row["attend"], row["method"]) for row in data["rows"]}
    assert methods[onsite.id] == ("onsite", "onsite") and methods[online.id] == ("online", "online")
    assert ("online", None) in methods.values()  # the one who never came


def test_the_organizer_sees_onsite_and_online_side_by_side(client, login):
    event, _, _ = a_hybrid_salon_attended_both_ways(client)
    organizer = make_user(Role.ORGANIZER, station=event.station)
    page = login(organizer).get(f"/manage/events/{event.id}").get_data(as_text=True)
    assert "已签到 2 人" in page and "线下 1，线上 1" in page


def test_the_door_counts_only_who_comes_onsite(client, login):
    event, onsite, online = a_hybrid_salon_attended_both_ways(client)
    door = login(make_user(Role.DOOR, station=event.station))
    stats = door.get(f"/door/{event.id}/stats?session_id={event.sessions[0].id}").get_json()
    assert stats == {"session_id": event.sessions[0].id, "checked_in": 1, "confirmed": 1}


def test_reminders_of_online_registrants_carry_the_join_link(app):
    from leye_events.notifications.texts import reminder_message

    event = hybrid_event(starts_in=timedelta(hours=2))
    onsite, online = make_registration(event, attend=Attend.ONSITE), make_registration(event, attend=Attend.ONLINE)
    with app.test_request_context():
        assert f"/join/{online.ticket_code}" in reminder_message(online, event.sessions[0], "2h").body
        assert "/join/" not in reminder_message(onsite, event.sessions[0], "2h").body
