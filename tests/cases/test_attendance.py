"""Attendance on the case: written by the check-in operation, withdrawn (not deleted) by undo."""
from datetime import timedelta

from leye_events.accounts.models import Role, SeekerCategory
from leye_events.cases.models import Case, CaseEntry, CaseStatus, EntryKind
from leye_events.cases.operations import case_for
from leye_events.cases.timeline import seeker_history, timeline
from leye_events.checkin.models import CheckInResult
from leye_events.checkin.services import undo, walk_in
from leye_events.events.models import EventKind
from leye_events.extensions import db

from ..factories import auth_header, make_event, make_user
from .helpers import Station, attend, past_event, register


def _attendance(case_id):
    return db.session.execute(
        db.select(CaseEntry).filter_by(case_id=case_id, kind=EntryKind.ATTENDANCE).order_by(CaseEntry.occurred_at)
    ).scalars().all()


def test_check_in_adds_the_attendance_entry_at_once():
    site = Station()
    seeker = site.seeker()
    event = past_event(site.station)
    registration = register(event, seeker)
    outcome = attend(registration, event.sessions[0], site.door)
    assert outcome.result == CheckInResult.OK
    case = db.session.execute(db.select(Case).filter_by(seeker_id=seeker.id)).scalar_one()
    assert case.station_id == site.station.id
    [entry] = _attendance(case.id)
    assert entry.checkin_id == outcome.checkin.id
    assert entry.event_id == event.id and entry.session_id == event.sessions[0].id
    assert entry.author_id == site.door.id
    assert entry.details["event_kind"] == "salon" and entry.withdrawn_at is None


def test_the_first_attendance_makes_the_case_as_case_for_would():
    """A seeker without a case, of another station, checked in: the case is made at their own station
    with their category (on PostgreSQL in the entry's own statement)."""
    home, fair = Station(), Station()
    seeker = home.seeker(category=SeekerCategory.HARD_TO_EMPLOY)
    event = past_event(fair.station)
    attend(register(event, seeker), event.sessions[0], fair.door)
    case = db.session.execute(db.select(Case).filter_by(seeker_id=seeker.id)).scalar_one()
    assert (case.station_id, case.category, case.status) == (home.station.id, seeker.category, CaseStatus.ACTIVE)
    assert len(_attendance(case.id)) == 1


def test_an_existing_case_takes_the_entry_and_no_second_case_is_made():
    home, fair = Station(), Station()
    seeker = home.seeker()
    case = case_for(seeker)
    db.session.commit()
    event = past_event(fair.station)
    attend(register(event, seeker), event.sessions[0], fair.door)
    assert db.session.execute(db.select(db.func.count()).select_from(Case)).scalar_one() == 1
    assert len(_attendance(case.id)) == 1


def test_a_case_without_a_station_gets_the_entry_and_the_event_station():
    """The one-statement path leaves such a case alone; the general path gives it the event's station."""
    site = Station()
    seeker = make_user(Role.SEEKER)  # no home station
    db.session.add(Case(seeker_id=seeker.id, station_id=None, category=SeekerCategory.OTHER,
                        status=CaseStatus.ACTIVE, plan=""))
    db.session.commit()
    event = past_event(site.station)
    attend(register(event, seeker), event.sessions[0], site.door)
    case = db.session.execute(db.select(Case).filter_by(seeker_id=seeker.id)).scalar_one()
    assert case.station_id == site.station.id
    assert len(_attendance(case.id)) == 1


def test_the_entry_is_in_the_check_ins_transaction():
    """Rolled back together: a check-in that does not commit leaves no entry behind."""
    site = Station()
    event = past_event(site.station)
    registration = register(event, site.seeker())
    from leye_events.checkin.models import CheckInMethod
    from leye_events.checkin.services import Scan, check_in

    check_in(Scan(code=registration.ticket_code, event_id=event.id, session_id=event.sessions[0].id,
                  scanned_at=event.sessions[0].starts_at, method=CheckInMethod.OFFLINE), staff=site.door,
             now=event.sessions[0].starts_at)
    assert db.session.execute(db.select(db.func.count()).select_from(CaseEntry)).scalar_one() == 1
    db.session.rollback()
    assert db.session.execute(db.select(db.func.count()).select_from(CaseEntry)).scalar_one() == 0


def test_undo_withdraws_the_entry_without_deleting_it():
    site = Station()
    seeker = site.seeker()
    event = past_event(site.station)
    outcome = attend(register(event, seeker), event.sessions[0], site.door)
    undo(outcome.checkin.id, staff=site.organizer, reason="扫错了")  # the door has closed: an organizer's
    db.session.commit()
    case = case_for(seeker)
    [entry] = _attendance(case.id)
    assert entry.withdrawn_at is not None and entry.withdrawn_by_id == site.organizer.id
    assert seeker_history(seeker) == []
    item = next(i for i in timeline(case, include_notes=True) if i.kind == EntryKind.ATTENDANCE)
    assert item.withdrawn_at is not None
    # Checked in again: a new, live entry next to the withdrawn one.
    attend(outcome.registration, event.sessions[0], site.door)
    entries = _attendance(case.id)
    assert len(entries) == 2 and sum(e.withdrawn_at is None for e in entries) == 1
    assert len(seeker_history(seeker)) == 1


def test_a_four_module_workshop_gives_four_entries():
    site = Station()
    seeker = site.seeker()
    workshop = past_event(site.station, sessions=4, kind=EventKind.WORKSHOP)
    registration = register(workshop, seeker)
    for session in workshop.sessions:
        assert attend(registration, session, site.door).result == CheckInResult.OK
    entries = _attendance(case_for(seeker).id)
    assert [e.session_id for e in entries] == [s.id for s in workshop.sessions]
    assert len(seeker_history(seeker)) == 4


def test_a_repeated_scan_adds_no_second_entry():
    site = Station()
    seeker = site.seeker()
    event = past_event(site.station)
    registration = register(event, seeker)
    attend(registration, event.sessions[0], site.door)
    again = attend(registration, event.sessions[0], site.door)
    assert again.result == CheckInResult.ALREADY_CHECKED_IN
    assert len(_attendance(case_for(seeker).id)) == 1


def test_walk_in_creates_the_case_at_the_event_station():
    site = Station()
    event = make_event(site.station, starts_in=timedelta(minutes=-10))
    outcome = walk_in(event.id, staff=site.door, name="王小明", phone="13812345678")
    db.session.commit()
    seeker = outcome.registration.seeker
    case = db.session.execute(db.select(Case).filter_by(seeker_id=seeker.id)).scalar_one()
    assert case.station_id == site.station.id
    assert len(_attendance(case.id)) == 1


def test_check_in_through_the_api_shows_on_the_case_api(client, token_for):
    site = Station()
    seeker = site.seeker()
    event = make_event(site.station, starts_in=timedelta(minutes=-10))
    registration = register(event, seeker)
    response = client.post("/api/v1/checkins", json={"code": registration.ticket_code, "event_id": event.id},
                           headers=auth_header(token_for(site.door)))
    assert response.get_json()["result"] == "ok"
    case = client.get(f"/api/v1/seekers/{seeker.id}/case", headers=auth_header(token_for(site.counselor))).get_json()
    kinds = [item["kind"] for item in case["timeline"]]
    assert kinds.count("attendance") == 1 and "registration" in kinds
    checkin_id = response.get_json()["checkin_id"]
    client.post(f"/api/v1/checkins/{checkin_id}/undo", json={}, headers=auth_header(token_for(site.door)))
    case = client.get(f"/api/v1/seekers/{seeker.id}/case", headers=auth_header(token_for(site.counselor))).get_json()
    [attendance] = [item for item in case["timeline"] if item["kind"] == "attendance"]
    assert attendance["withdrawn_at"] is not None


def test_case_for_refuses_staff_and_is_created_once():
    site = Station()
    seeker = site.seeker()
    first = case_for(seeker)
    db.session.commit()
    assert case_for(seeker).id == first.id
    import pytest

    from leye_events.core.errors import ServiceError

    with pytest.raises(ServiceError):
        case_for(make_user(Role.COUNSELOR, station=site.station))
