"""Who attended which session, derived from the check-in log (never stored separately)."""
from ..extensions import db
from .models import CheckIn


def attended_sessions(registration_ids) -> dict[int, dict[int, object]]:
    """``{registration id: {session id: check-in time}}`` from the successful, not undone check-ins.

    What a seeker sees on their own pages ("attended" is derived from the check-in log); one query
    for any number of registrations.
    """
    ids = list(registration_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        db.select(CheckIn.registration_id, CheckIn.session_id, CheckIn.scanned_at).filter(
            CheckIn.registration_id.in_(ids),
            CheckIn.admitted,
        )
    ).all()
    attended: dict[int, dict[int, object]] = {}
    for registration_id, session_id, scanned_at in rows:
        attended.setdefault(registration_id, {})[session_id] = scanned_at
    return attended
