"""The audit log: admins read it with filters; nobody changes it; PostgreSQL enforces that."""
from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from leye_events.accounts.models import Role
from leye_events.audit.models import AuditEntry
from leye_events.core.timeutil import utcnow
from leye_events.extensions import db

from ..conftest import is_postgres
from ..factories import make_station, make_user
from ..migration_files import load_migration


@pytest.fixture
def logged():
    """Entries of three kinds by two actors, one of them 10 days old."""
    station = make_station()
    counselor = make_user(Role.COUNSELOR, station=station)
    organizer = make_user(Role.ORGANIZER, station=station)
    now = utcnow()
    rows = [
        AuditEntry(action="case.view", target_type="Case", target_id=1, actor_id=counselor.id, at=now),
        AuditEntry(action="case.note", target_type="Case", target_id=2, actor_id=counselor.id, at=now),
        AuditEntry(action="attendance.unmask", target_type="Event", target_id=5, actor_id=organizer.id,
                   at=now - timedelta(days=10), details={"reason": "电话回访"}),
    ]
    db.session.add_all(rows)
    db.session.commit()
    return {"counselor": counselor, "organizer": organizer, "rows": rows}


def _actions(response):
    assert response.status_code == 200, response.get_json()
    return [entry["action"] for entry in response.get_json()["entries"] if entry["action"] != "audit.view"]


def test_admin_filters_by_actor_action_subject_and_time(api, admin, logged):
    api = api.as_(admin)
    assert set(_actions(api.get(f"/audit?actor={logged['counselor'].id}"))) == {"case.view", "case.note"}
    assert _actions(api.get("/audit?action=case.*")) == ["case.note", "case.view"]
    assert _actions(api.get("/audit?action=case.view")) == ["case.view"]
    assert _actions(api.get("/audit?subject=Event:5")) == ["attendance.unmask"]
    assert set(_actions(api.get("/audit?subject=Case"))) == {"case.view", "case.note"}
    since = (utcnow() - timedelta(days=2)).date().isoformat()
    assert "attendance.unmask" not in _actions(api.get(f"/audit?from={since}"))
    assert _actions(api.get(f"/audit?to={(utcnow() - timedelta(days=5)).date().isoformat()}")) == [
        "attendance.unmask"]
    unmask = api.get("/audit?action=attendance.unmask").get_json()["entries"][0]
    assert unmask["details"]["reason"] == "电话回访" and unmask["actor"]["role"] == "organizer"


def test_pages_and_the_search_itself_is_audited(api, admin, logged):
    api = api.as_(admin)
    first = api.get("/audit?per_page=2").get_json()  # 3 entries + the admin's token.issue
    assert first["page"] == 1 and first["per_page"] == 2 and first["total"] == 4 and len(first["entries"]) == 2
    assert "page=2" in first["next"]
    second = api.get(first["next"]).get_json()  # + the first search
    assert second["total"] == 5 and len(second["entries"]) == 2 and "page=3" in second["next"]
    assert api.get("/audit?per_page=2&page=4").get_json()["next"] is None
    assert api.get("/audit?action=audit.view").get_json()["total"] >= 2


@pytest.mark.parametrize("query", ["actor=abc", "actor=0", "action=DROP TABLE", "action=" + "a" * 65,
                                   "subject=Case:x", "subject=Ca se", "from=yesterday", "to=2026-13-01",
                                   "page=0"])
def test_bad_filters_are_400(api, admin, query):
    response = api.as_(admin).get(f"/audit?{query}")
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "invalid_parameter"


@pytest.mark.parametrize("role", [Role.SEEKER, Role.DOOR, Role.COUNSELOR, Role.ORGANIZER])
def test_only_admins_read_the_log(api, role):
    user = make_user(role, station=make_station() if role != Role.SEEKER else None)
    assert api.as_(user).get("/audit").status_code == 403
    assert api.get("/audit").status_code == 401


def test_admin_page_with_filters(login, admin, logged):
    web = login(admin)
    page = web.get("/admin/audit?action=case.*").get_data(as_text=True)
    assert "case.view" in page and "case.note" in page and "attendance.unmask" not in page
    assert 'href="/admin/audit"' in page  # in the header for admins
    assert web.get("/admin/audit?from=not-a-day").status_code == 400
    assert web.get("/admin/audit?page=99999").status_code == 200


@pytest.mark.parametrize("role", [Role.DOOR, Role.COUNSELOR, Role.ORGANIZER, Role.SEEKER])
def test_admin_page_is_for_admins(login, role):
    assert login(make_user(role, station=make_station())).get("/admin/audit").status_code == 403


@pytest.mark.skipif(not is_postgres(), reason="the append-only trigger exists on PostgreSQL only")
def test_the_database_refuses_to_change_or_delete_recent_entries(logged):
    recent, old = logged["rows"][0].id, logged["rows"][2].id
    for statement in (f"UPDATE audit_entries SET action = 'x' WHERE id = {recent}",
                      f"UPDATE audit_entries SET details = '{{}}' WHERE id = {old}",
                      f"DELETE FROM audit_entries WHERE id = {recent}"):
        with pytest.raises(DBAPIError, match="append-only"):
            db.session.execute(text(statement))
        db.session.rollback()
    # Older than six months: the purge may delete it.
    db.session.add(AuditEntry(action="x.old", target_type="", at=utcnow() - timedelta(days=181)))
    db.session.commit()
    deleted = db.session.execute(text("DELETE FROM audit_entries WHERE action = 'x.old'")).rowcount
    db.session.commit()
    assert deleted == 1


def test_the_migration_installs_the_same_trigger_as_the_models():
    """Migration 0011 keeps a frozen copy of the trigger; it must not drift from audit.models."""
    from leye_events.audit import models

    migration = load_migration("0011_personal_data_rights.py")
    assert migration.APPEND_ONLY_FUNCTION == models.APPEND_ONLY_FUNCTION
    assert migration.APPEND_ONLY_TRIGGER == models.APPEND_ONLY_TRIGGER
