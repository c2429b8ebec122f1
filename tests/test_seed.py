"""``flask seed-demo``: what it creates, and when it refuses."""
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import func
from werkzeug.security import generate_password_hash

from leye_events.accounts.models import Role, SeekerCategory, User
from leye_events.accounts.services import authenticate
from leye_events.core.timeutil import utcnow
from leye_events.demo import data
from leye_events.events.models import Event, EventKind, EventStatus
from leye_events.events.services import catalogue_query
from leye_events.extensions import db
from leye_events.stations.models import Station, StationKind

from .factories import make_station


@pytest.fixture
def runner(app, monkeypatch):
    # Seeding hashes ~50 passwords; a cheap hash keeps the tests fast (check_password still works).
    monkeypatch.setattr(
        "leye_events.accounts.models.generate_password_hash",
        lambda password: generate_password_hash(password, method="pbkdf2:sha256:1"),
    )
    return app.test_cli_runner()


def _count(model) -> int:
    return db.session.execute(db.select(func.count()).select_from(model)).scalar_one()


def _event(title: str) -> Event:
    return db.session.execute(db.select(Event).filter_by(title=title)).scalar_one()


def test_seeds_an_empty_database(runner):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()

    stations = db.session.execute(db.select(Station)).scalars().all()
    assert len(stations) == 18
    kinds = Counter(s.kind for s in stations)
    assert kinds == {StationKind.SUB_DISTRICT: 12, StationKind.PARK: 1, StationKind.UNIVERSITY: 5}
    slugs = {s.slug for s in stations}
    assert {"dinghailu", "wujiaochang", "chuanggu", "fudan", "tongji", "sufe", "usst", "shiep"} <= slugs
    assert {s.name for s in stations} >= {"定海路街道乐业空间", "创谷乐业空间", "复旦大学乐业空间"}

    workshop = _event(data.WORKSHOP_TITLE)
    assert workshop.kind == EventKind.WORKSHOP and workshop.capacity == 30
    assert [s.title for s in workshop.sessions] == ["岗位解析", "潜力探索", "岗位推介", "求职适配"]

    fair = db.session.execute(db.select(Event).filter_by(kind=EventKind.JOB_FAIR)).scalar_one()
    assert fair.station.slug == "fudan" and fair.capacity == 300
    assert fair.registration_closes < fair.starts_at

    events = db.session.execute(db.select(Event)).scalars().all()
    assert all(len(e.sessions) >= 1 for e in events)
    assert {EventKind.SALON, EventKind.INTERVIEW_SESSION, EventKind.LECTURE, EventKind.VISIT} <= {e.kind for e in events}
    assert sum(e.kind == EventKind.SALON for e in events) >= 3
    assert [e.status for e in events].count(EventStatus.DRAFT) == 1
    now = utcnow()
    past = [e for e in events if e.ends_at < now]
    # Last week's lesson and yesterday's salon (with attendances and no-shows for the cases demo).
    assert len(past) == 2 and all(e.status == EventStatus.PUBLISHED for e in past)
    assert all(now < e.starts_at < now + timedelta(days=31) for e in events if e not in past)
    upcoming = db.session.execute(catalogue_query()).scalars().all()
    assert len(upcoming) == len(events) - 3  # not the draft, not the past ones
    assert all(e.registration_is_open(now) for e in upcoming)


def test_seeds_accounts_that_can_log_in(runner):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()

    roles = Counter(u.role for u in db.session.execute(db.select(User)).scalars())
    assert roles[Role.ADMIN] == 1
    for role in (Role.ORGANIZER, Role.COUNSELOR, Role.DOOR):
        assert roles[role] == len(data.STAFFED_STATIONS)
    assert roles[Role.SEEKER] >= 30

    for slug in data.STAFFED_STATIONS:
        organizer = authenticate(data.staff_email("organizer", slug), data.DEMO_PASSWORD)
        assert organizer.role == Role.ORGANIZER and organizer.station.slug == slug
    assert authenticate(data.ADMIN_EMAIL, data.DEMO_PASSWORD).role == Role.ADMIN
    assert authenticate(data.DEMO_SEEKER_EMAIL, data.DEMO_PASSWORD).role == Role.SEEKER

    seekers = db.session.execute(db.select(User).filter_by(role=Role.SEEKER, prospect=False)).scalars().all()
    assert set(SeekerCategory) == {s.category for s in seekers}
    prospects = db.session.execute(db.select(User).filter_by(prospect=True)).scalars().all()
    assert prospects and all(p.consent_at is None for p in prospects)  # an outreach list: no consent, no login
    assert all(s.consent_at is not None and s.consent_version for s in seekers)
    assert all(s.station is not None for s in seekers)
    for seeker in seekers:
        if seeker.category in (SeekerCategory.STUDENT, SeekerCategory.GRADUATE_UNEMPLOYED):
            assert seeker.school and seeker.graduation_year, seeker.name

    assert "Demo logins" in result.stdout
    assert "organizer.wujiaochang@demo.leye" in result.stdout
    assert data.DEMO_PASSWORD in result.stdout


def test_refuses_a_database_with_data(runner):
    make_station(slug="mine", name="我的站点")
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 1
    assert "not empty" in result.stderr and "--force" in result.stderr
    db.session.expire_all()
    assert _count(Station) == 1 and _count(Event) == 0 and _count(User) == 0


def test_force_wipes_and_seeds_again(runner):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    make_station(slug="mine", name="我的站点")
    result = runner.invoke(args=["seed-demo", "--force"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert _count(Station) == 18
    assert db.session.execute(db.select(Station).filter_by(slug="mine")).first() is None
    assert _count(Event) == len(data.EVENTS)


def test_if_empty_leaves_existing_data_alone(runner):
    make_station(slug="mine", name="我的站点")
    result = runner.invoke(args=["seed-demo", "--if-empty"])
    assert result.exit_code == 0, result.output
    assert "nothing to do" in result.stdout
    db.session.expire_all()
    assert _count(Station) == 1 and _count(Event) == 0


def test_if_empty_seeds_an_empty_database(runner):
    result = runner.invoke(args=["seed-demo", "--if-empty"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert _count(Station) == 18


def test_force_and_if_empty_together_are_refused(runner):
    result = runner.invoke(args=["seed-demo", "--force", "--if-empty"])
    assert result.exit_code != 0
    assert _count(Station) == 0
