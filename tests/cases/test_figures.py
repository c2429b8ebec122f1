"""Figures checked against hand-counted data, through the service, the page and the API."""
from datetime import timedelta

import pytest

from leye_events.accounts.models import Role, SeekerCategory
from leye_events.booking.models import RegistrationStatus
from leye_events.cases import figures, operations
from leye_events.checkin.services import undo
from leye_events.core.timeutil import SHANGHAI, utcnow
from leye_events.events.models import EventKind, EventStatus
from leye_events.extensions import db

from ..factories import auth_header, make_event, make_user
from .helpers import Station, attend, past_event, register


@pytest.fixture
def counted():
    """Station A with hand-countable activity; station B with one event (for the district)."""
    a, b = Station(), Station()
    g = [a.seeker(name=f"毕业生{i}") for i in range(1, 6)]  # 离校未就业高校毕业生 (the factory default)
    u1 = a.seeker(name="失业者", category=SeekerCategory.UNEMPLOYED)
    y1 = a.seeker(name="青年", category=SeekerCategory.UNEMPLOYED_YOUTH)

    salon1 = past_event(a.station, days_ago=2)
    for seeker in (g[0], g[1], g[2], u1):
        registration = register(salon1, seeker)
        if seeker is not g[2]:
            attend(registration, salon1.sessions[0], a.door)
    register(salon1, y1, status=RegistrationStatus.CANCELLED)
    register(salon1, make_user(Role.SEEKER, station=a.station, category=SeekerCategory.OTHER),
             status=RegistrationStatus.WAITLISTED, waitlist_position=1)

    salon2 = past_event(a.station, days_ago=1)
    attend(register(salon2, g[3]), salon2.sessions[0], a.door)
    mistaken = attend(register(salon2, y1), salon2.sessions[0], a.door)
    undo(mistaken.checkin.id, staff=a.organizer, reason="扫错了")  # after the door closed: an organizer's

    lecture = make_event(a.station, kind=EventKind.LECTURE, starts_in=timedelta(days=3))
    register(lecture, g[4])
    register(lecture, u1)
    make_event(a.station, status=EventStatus.DRAFT, starts_in=timedelta(days=2))
    cancelled = past_event(a.station, days_ago=3, status=EventStatus.CANCELLED)
    register(cancelled, g[0])

    operations.add_note(operations.case_for(g[4]), "电话联系", actor=a.counselor)
    today = utcnow().astimezone(SHANGHAI).date()
    for seeker, days in ((g[0], -1), (g[1], -5), (g[2], -60)):
        operations.record_outcome(operations.case_for(seeker), actor=a.counselor, employer="某公司", post="文员",
                                  start_date=today + timedelta(days=days))

    b_event = past_event(b.station, days_ago=1)
    attend(register(b_event, b.seeker()), b_event.sessions[0], b.door)
    db.session.commit()
    return {"a": a, "b": b, "today": today}


def _range(today):
    from datetime import datetime, time

    start = datetime.combine(today - timedelta(days=10), time(0), tzinfo=SHANGHAI)
    end = datetime.combine(today + timedelta(days=11), time(0), tzinfo=SHANGHAI)
    return start, end


def test_station_figures_match_the_hand_count(counted):
    f = figures.compute(counted["a"].station.id, *_range(counted["today"]))
    assert f.events == 3
    assert f.events_by_kind["salon"] == 2 and f.events_by_kind["lecture"] == 1 and f.events_by_kind["workshop"] == 0
    assert f.registrations == 8  # 4 + 2 + 2 confirmed; cancelled, waitlisted and the cancelled event left out
    assert (f.registrations_ended, f.attended) == (6, 4)  # the undone check-in does not count
    assert f.attendance_rate == pytest.approx(4 / 6)
    assert f.attendances == 4
    assert f.served_by_category["graduate_unemployed"] == 5  # 3 attendees + note + outcome-only graduate
    assert f.served_by_category["unemployed"] == 1 and f.served_by_category["unemployed_youth"] == 0
    assert f.served == 6
    assert f.employed_by_category["graduate_unemployed"] == 2  # the third started before the range
    assert f.employed == 2
    assert (f.graduates_employed, f.graduates) == (3, 5)
    assert f.graduate_employment_share == pytest.approx(0.6)  # 3 of 5 employed → 60%


def test_district_figures_add_the_other_station(counted):
    f = figures.compute(None, *_range(counted["today"]))
    assert f.events == 4 and f.attendances == 5
    assert (f.graduates_employed, f.graduates) == (3, 6)
    assert f.graduate_employment_share == pytest.approx(0.5)


def test_the_pages_show_the_same_numbers(counted, login):
    today = counted["today"]
    query = f"?from={today - timedelta(days=10)}&to={today + timedelta(days=10)}"
    html = login(counted["a"].organizer).get("/figures" + query).get_data(as_text=True)
    assert '<dd id="fig-graduate-share">60%' in html
    assert '<dd id="fig-attendance-rate">67%' in html
    assert '<dd id="fig-registrations">8</dd>' in html
    assert "<svg" in html and "<script" not in html.split("<main")[1].split("</main>")[0]
    admin = make_user(Role.ADMIN)
    district = login(admin).get("/figures/district" + query).get_data(as_text=True)
    assert '<dd id="fig-graduate-share">50%' in district and counted["b"].station.name in district


def test_the_api_gives_the_same_numbers(counted, client, token_for):
    today = counted["today"]
    query = f"from={today - timedelta(days=10)}&to={today + timedelta(days=10)}"
    headers = auth_header(token_for(counted["a"].organizer))
    data = client.get(f"/api/v1/figures?{query}", headers=headers).get_json()
    assert data["station"]["slug"] == counted["a"].station.slug
    assert data["events"] == 3 and data["registrations"] == 8 and data["attended"] == 4
    assert data["attendance_rate"] == pytest.approx(0.6667, abs=1e-4)
    assert data["graduate_employment_share"] == 0.6
    assert data["seekers_employed_by_category"]["graduate_unemployed"] == 2
    assert data["events_by_kind"]["salon"] == 2
    admin = auth_header(token_for(make_user(Role.ADMIN)))
    district = client.get(f"/api/v1/figures?{query}", headers=admin).get_json()
    assert district["station"] is None and district["events"] == 4
    other = client.get(f"/api/v1/figures?{query}&station={counted['b'].station.slug}", headers=admin).get_json()
    assert other["events"] == 1


def test_empty_figures_have_no_rates(client, token_for):
    site = Station()
    data = client.get("/api/v1/figures", headers=auth_header(token_for(site.counselor))).get_json()
    assert data["events"] == 0 and data["attendance_rate"] is None and data["graduate_employment_share"] is None


@pytest.mark.parametrize("query", [
    "from=garbage", "to=2026-13-01", "from=2026-12-01&to=2026-11-01", "station=nope", "station=%00",
    "from=0001-01-01&to=9999-12-31", "from=2026-12-01T10:00:00",
])
def test_bad_figures_parameters_are_4xx_never_500(query, client, token_for):
    site = Station()
    response = client.get(f"/api/v1/figures?{query}", headers=auth_header(token_for(make_user(Role.ADMIN))))
    assert response.status_code in (400, 422), (query, response.status_code)
    assert "error" in response.get_json()
    assert site  # the station exists; the query is what is wrong


def test_bar_chart_escapes_labels():
    svg = figures.bar_chart([("<b>x</b>", 3), ("y", 0)], title="t&t")
    assert "<b>" not in svg and "&lt;b&gt;" in svg and "t&amp;t" in svg


def test_each_figure_shows_its_definition_next_to_it(counted, login):
    html = login(counted["a"].organizer).get("/figures").get_data(as_text=True)
    figures_list = html.split('id="figures"')[1].split("</dl>")[0]
    # one definition right after each of the ten figures (attendances onsite / online, posts developed and
    # applications included)
    assert figures_list.count('class="hint fig-def"') == 10
    employed = figures_list.split('id="fig-employed"')[1]
    assert employed.index("fig-def") < employed.index("<dt>")
    assert "入职日期在所选时间段内" in employed.split("<dt>")[0]


def test_bar_chart_leaves_room_for_long_english_labels():
    """Labels are right-aligned before the bars: a fixed 150-unit column cut English categories off on the
    left ("…aduate not yet employed")."""
    import re

    label = "Person with employment difficulties"
    svg = str(figures.bar_chart([(label, 2), ("Other", 1)], title="t"))
    label_end = float(re.search(r'<text x="([\d.]+)"[^>]*text-anchor="end"', svg).group(1))
    assert label_end >= len(label) * 7, "at 13 units a Latin letter is about 7 wide"
    chinese = str(figures.bar_chart([("离校未就业高校毕业生", 2)], title="t"))
    assert 'viewBox="0 0 420 ' in chinese, "Chinese labels keep the chart as it was"
