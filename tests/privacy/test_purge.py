"""`flask privacy purge`: retention periods applied, counts printed, safe to run again."""
from datetime import timedelta

import pytest

from leye_events.audit.models import AuditEntry
from leye_events.cases import operations
from leye_events.cases.models import Case, CaseEntry, CaseStatus
from leye_events.checkin.models import CheckIn
from leye_events.core.timeutil import utcnow
from leye_events.events.models import EventStatus
from leye_events.extensions import db

from ..cases.helpers import Station, attend, past_event, register
from ..factories import make_user


@pytest.fixture
def aged():
    """Old and recent things of every kind the purge looks at."""
    home = Station()
    now = utcnow()
    old_closed, recent_closed, old_open = home.seeker(), home.seeker(), home.seeker()
    for seeker in (old_closed, recent_closed, old_open):
        case = operations.case_for(seeker)
        operations.add_note(case, "家里有困难，需要灵活时间", actor=home.counselor)
        case.plan = "每月联系一次"
    db.session.commit()
    for seeker, status, days in ((old_closed, CaseStatus.CLOSED, 1200), (recent_closed, CaseStatus.CLOSED, 30),
                                 (old_open, CaseStatus.ACTIVE, 1200)):
        db.session.execute(db.update(Case).where(Case.seeker_id == seeker.id)
                           .values(status=status, status_reason="原因", updated_at=now - timedelta(days=days)))

    old_cancelled = past_event(home.station, days_ago=200)
    attend(register(old_cancelled, old_open), old_cancelled.sessions[0], home.door)
    recent_cancelled = past_event(home.station, days_ago=5)
    attend(register(recent_cancelled, old_open), recent_cancelled.sessions[0], home.door)
    for event, days in ((old_cancelled, 150), (recent_cancelled, 2)):
        event.status, event.cancelled_at = EventStatus.CANCELLED, now - timedelta(days=days)

    db.session.add_all([AuditEntry(action="old.thing", target_type="", at=now - timedelta(days=1200)),
                        AuditEntry(action="recent.thing", target_type="", at=now - timedelta(days=200))])
    db.session.commit()
    return {"home": home, "old_closed": old_closed, "recent_closed": recent_closed, "old_open": old_open,
            "old_cancelled": old_cancelled, "recent_cancelled": recent_cancelled}


def _case(seeker) -> Case:
    return db.session.execute(db.select(Case).filter_by(seeker_id=seeker.id)).scalar_one()


def test_purge_removes_what_outlived_its_purpose_and_prints_counts(app, aged):
    runner = app.test_cli_runner()
    entries_before = db.session.execute(db.select(db.func.count()).select_from(CaseEntry)).scalar_one()

    dry = runner.invoke(args=["privacy", "purge", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "closed_cases: 1" in dry.output and "audit_entries: 1" in dry.output
    assert "cancelled_event_checkins: 1" in dry.output and "prospects: 0" in dry.output
    assert db.session.execute(db.select(db.func.count()).select_from(AuditEntry)
                              .filter_by(action="old.thing")).scalar_one() == 1

    result = runner.invoke(args=["privacy", "purge"])
    assert result.exit_code == 0, result.output
    assert "closed_cases: 1 closed cases stripped" in result.output
    assert "audit_entries: 1 audit entries removed" in result.output
    assert "cancelled_event_checkins: 1 check-in log rows" in result.output

    db.session.expire_all()
    old, recent, still_open = _case(aged["old_closed"]), _case(aged["recent_closed"]), _case(aged["old_open"])
    assert old.plan == "" and old.status_reason is None and recent.plan and still_open.plan
    assert db.session.execute(db.select(CaseEntry.body).filter_by(case_id=old.id)).scalars().all() == [""]
    assert db.session.execute(db.select(CaseEntry.body).filter_by(case_id=recent.id)).scalars().all() != [""]
    # Entries stay (figures), the log of the long-cancelled event goes, the recent one stays.
    assert db.session.execute(db.select(db.func.count()).select_from(CaseEntry)).scalar_one() == entries_before
    assert db.session.execute(db.select(CheckIn).filter_by(event_id=aged["old_cancelled"].id)).first() is None
    assert db.session.execute(db.select(CheckIn).filter_by(event_id=aged["recent_cancelled"].id)).first()
    actions = set(db.session.execute(db.select(AuditEntry.action)).scalars())
    assert "old.thing" not in actions and "recent.thing" in actions

    again = runner.invoke(args=["privacy", "purge"])
    assert again.exit_code == 0
    assert "closed_cases: 0" in again.output and "audit_entries: 0" in again.output
    assert "cancelled_event_checkins: 0" in again.output


def test_periods_come_from_the_configuration(app, aged):
    runner = app.test_cli_runner()
    saved = dict(app.config)
    try:
        app.config.update(RETENTION_AUDIT_DAYS=100)
        refused = runner.invoke(args=["privacy", "purge"])
        assert refused.exit_code == 1 and "at least 180" in refused.output
        app.config.update(RETENTION_AUDIT_DAYS=0, RETENTION_CLOSED_CASE_DAYS=10,
                          RETENTION_CANCELLED_EVENT_CHECKIN_DAYS=1)
        result = runner.invoke(args=["privacy", "purge"])
        assert "audit_entries: skipped (off)" in result.output
        assert "closed_cases: 2" in result.output and "cancelled_event_checkins: 2" in result.output
        app.config.update(RETENTION_CLOSED_CASE_DAYS="soon")
        assert runner.invoke(args=["privacy", "purge"]).exit_code == 1
    finally:
        app.config.clear()
        app.config.update(saved)


def test_prospects_who_never_signed_up_are_erased_after_the_period(app):
    from leye_events.accounts.models import Role, User
    from leye_events.outreach import imports
    from leye_events.outreach.models import Prospect

    home = Station()
    counselor = make_user(Role.COUNSELOR, home.station)
    rows = "姓名,手机号,类别,居委/社区,备注\n陈阿毛,13855550001,失业人员,长白一村,腿脚不便\n李小红,13855550002,失业人员,长白二村,\n"
    with app.test_request_context():
        imports.import_list("list.csv", rows.encode("utf-8"), actor=counselor)
    db.session.commit()
    old, recent = (db.session.execute(db.select(Prospect).join(User, User.id == Prospect.seeker_id)
                                      .filter(User.phone == phone)).scalar_one()
                   for phone in ("13855550001", "13855550002"))
    old.created_at = utcnow() - timedelta(days=400)
    db.session.commit()

    result = app.test_cli_runner().invoke(args=["privacy", "purge"])
    assert result.exit_code == 0 and "prospects: 1" in result.output, result.output
    db.session.expire_all()
    assert old.seeker.phone is None and old.seeker.name != "陈阿毛" and old.remark == "" and old.community == ""
    assert recent.seeker.phone == "13855550002"
    assert _case(old.seeker).status == CaseStatus.CLOSED  # kept as an anonymous record
    assert "prospects: 0" in app.test_cli_runner().invoke(args=["privacy", "purge"]).output
