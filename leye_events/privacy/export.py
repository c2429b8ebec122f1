"""Everything held about one person, as a JSON-ready dict (PIPL art. 45: access and copy).

Reading is the whole job here; the caller records the export in the audit log and commits.
"""
from sqlalchemy.orm import joinedload, selectinload

from ..accounts.models import ApiToken, User
from ..booking.models import Registration
from ..cases.models import Case, CaseEntry, Outcome, Referral
from ..checkin.models import CheckIn, CheckInResult
from ..core.timeutil import isoformat_local, utcnow
from ..employers.models import Application, InterviewBooking, InterviewSlot
from ..events.models import Event
from ..extensions import db
from ..matching.models import SeekerProfile
from ..notifications.models import Notification

EXPORT_FORMAT_VERSION = 1


def _profile(user: User) -> dict:
    return {
        "id": user.id,
        "role": user.role.value,
        "name": user.name,
        "phone": user.phone,
        "email": user.email,
        "station": user.station.name if user.station else None,
        "category": user.category.value if user.category else None,
        "school": user.school,
        "graduation_year": user.graduation_year,
        "created_at": isoformat_local(user.created_at),
        "last_login_at": isoformat_local(user.last_login_at),
        "has_calendar_feed": bool(user.calendar_token),
    }


def _consents(user: User) -> list[dict]:
    if user.consent_at is None:
        return []
    return [{"document": "privacy_notice", "version": user.consent_version,
             "given_at": isoformat_local(user.consent_at)}]


def _registrations(user: User) -> list[dict]:
    rows = db.session.execute(
        db.select(Registration).filter_by(seeker_id=user.id).order_by(Registration.created_at)
        .options(selectinload(Registration.event).selectinload(Event.sessions),
                 selectinload(Registration.event).joinedload(Event.station))
    ).scalars().all()
    return [{
        "id": r.id,
        "event": {"id": r.event_id, "title": r.event.title, "station": r.event.station.name,
                  "starts_at": isoformat_local(r.event.starts_at)},
        "status": r.status.value,
        "waitlist_position": r.waitlist_position,
        "walk_in": r.walk_in,
        "created_at": isoformat_local(r.created_at),
        "confirmed_at": isoformat_local(r.confirmed_at),
        "cancelled_at": isoformat_local(r.cancelled_at),
        "cancel_reason": r.cancel_reason,
    } for r in rows]


def _checkins(user: User) -> list[dict]:
    rows = db.session.execute(
        db.select(CheckIn).join(Registration, Registration.id == CheckIn.registration_id)
        .filter(Registration.seeker_id == user.id).order_by(CheckIn.created_at)
        .options(joinedload(CheckIn.session))
    ).scalars().all()
    return [{
        "event_id": c.event_id,
        "session": c.session.title if c.session else None,
        "result": c.result.value,
        "method": c.method.value,
        "gate": c.gate,
        "checked_in_at": isoformat_local(c.scanned_at),
        "undone_at": isoformat_local(c.undone_at),
    } for c in rows if c.result == CheckInResult.OK or c.undone_at is not None]


def _case(user: User) -> dict | None:
    case = db.session.execute(db.select(Case).filter_by(seeker_id=user.id)).scalar_one_or_none()
    if case is None:
        return None
    entries = db.session.execute(
        db.select(CaseEntry).filter_by(case_id=case.id).order_by(CaseEntry.occurred_at)
    ).scalars().all()
    referrals = db.session.execute(db.select(Referral).filter_by(case_id=case.id)).scalars().all()
    outcomes = db.session.execute(db.select(Outcome).filter_by(case_id=case.id)).scalars().all()
    return {
        "station": case.station.name if case.station else None,
        "category": case.category.value,
        "status": case.status.value,
        "status_reason": case.status_reason,
        "plan": case.plan,
        "counselor": case.counselor.name if case.counselor else None,
        "created_at": isoformat_local(case.created_at),
        "entries": [{
            "kind": e.kind.value,
            "occurred_at": isoformat_local(e.occurred_at),
            "body": e.body,
            "details": e.details or {},
            "withdrawn_at": isoformat_local(e.withdrawn_at),
        } for e in entries],
        "referrals": [{"employer": r.employer.name, "post": r.post.title if r.post else None,
                       "result": r.result.value, "created_at": isoformat_local(r.created_at)} for r in referrals],
        "outcomes": [{"kind": o.kind.value, "employer": o.employer.name, "post": o.post.title if o.post else None,
                      "start_date": o.start_date.isoformat()} for o in outcomes],
    }


def _tokens(user: User) -> list[dict]:
    rows = db.session.execute(db.select(ApiToken).filter_by(user_id=user.id).order_by(ApiToken.id)).scalars()
    return [{"label": t.label, "created_at": isoformat_local(t.created_at)} for t in rows]


def _applications(user: User) -> list[dict]:
    rows = db.session.execute(
        db.select(Application).filter_by(seeker_id=user.id).order_by(Application.created_at)
        .options(joinedload(Application.post), joinedload(Application.employer))
    ).scalars().all()
    return [{"post": a.post.title, "employer": a.employer.name, "event_id": a.event_id,
             "status": a.status.value, "shared_at": isoformat_local(a.shared_at),
             "created_at": isoformat_local(a.created_at), "result_at": isoformat_local(a.result_at)}
            for a in rows]


def _interview_bookings(user: User) -> list[dict]:
    rows = db.session.execute(
        db.select(InterviewBooking).filter_by(seeker_id=user.id).order_by(InterviewBooking.created_at)
        .options(joinedload(InterviewBooking.slot).joinedload(InterviewSlot.employer),
                 joinedload(InterviewBooking.slot).joinedload(InterviewSlot.post))
    ).scalars().all()
    return [{"event_id": b.event_id, "employer": b.slot.employer.name,
             "post": b.slot.post.title if b.slot.post else None, "starts_at": isoformat_local(b.slot.starts_at),
             "ends_at": isoformat_local(b.slot.ends_at), "status": b.status.value,
             "created_at": isoformat_local(b.created_at), "cancelled_at": isoformat_local(b.cancelled_at)}
            for b in rows]


def _job_profile(user: User) -> dict | None:
    profile = db.session.get(SeekerProfile, user.id)
    if profile is None:
        return None
    return {"education": profile.education.value if profile.education else None, "skills": profile.skills,
            "wished_posts": profile.wished_posts, "wished_places": profile.wished_places,
            "salary_wish": profile.salary_wish, "updated_at": isoformat_local(profile.updated_at)}


def _messages(user: User) -> list[dict]:
    rows = db.session.execute(
        db.select(Notification).filter_by(user_id=user.id).order_by(Notification.created_at, Notification.id)
    ).scalars().all()
    return [{"kind": n.kind.value, "channel": n.channel.value, "title": n.title, "body": n.body,
             "created_at": isoformat_local(n.created_at), "sent_at": isoformat_local(n.sent_at),
             "read_at": isoformat_local(n.read_at)} for n in rows]


def personal_data(user: User) -> dict:
    """Profile, consents, registrations, check-ins, the case with its timeline, API tokens (labels
    only), applications to posts, interview bookings, the job-matching profile and the messages
    written to the person (inbox, SMS, e-mail)."""
    return {
        "format_version": EXPORT_FORMAT_VERSION,
        "exported_at": isoformat_local(utcnow()),
        "profile": _profile(user),
        "consents": _consents(user),
        "registrations": _registrations(user),
        "checkins": _checkins(user),
        "case": _case(user),
        "api_tokens": _tokens(user),
        "applications": _applications(user),
        "interview_bookings": _interview_bookings(user),
        "job_profile": _job_profile(user),
        "messages": _messages(user),
    }
