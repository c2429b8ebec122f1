"""Giving feedback and summing it up. The only place that writes feedback rows."""
from dataclasses import dataclass, field

from flask_babel import gettext as _

from ..accounts.auth import can_manage_station, is_staff_of_station
from ..accounts.models import Role
from ..booking.models import Registration, RegistrationStatus
from ..checkin.attendance import attended_sessions
from ..core.errors import Forbidden, NotFound, ServiceError
from ..events.models import Event
from ..extensions import db
from .models import MAX_COMMENT_LENGTH, MAX_RATING, MIN_RATING, Feedback


def check_rating(value) -> int:
    """An integer 1–5, or ServiceError ``invalid_rating`` (400)."""
    if isinstance(value, bool) or not isinstance(value, int) or not MIN_RATING <= value <= MAX_RATING:
        raise ServiceError("invalid_rating", _("评分须为 1 到 5 的整数。"), field="rating", status=400)
    return value


def check_comment(value) -> str:
    if value is None:
        return ""
    if not isinstance(value, str) or len(value.strip()) > MAX_COMMENT_LENGTH:
        raise ServiceError("invalid_comment", _("留言最多 %(n)d 字。", n=MAX_COMMENT_LENGTH), field="comment",
                           status=400)
    return value.replace("\x00", "").strip()


def own_registration(registration_id: int, seeker) -> Registration:
    """The seeker's own registration; 404 for anyone else's (its existence is not revealed)."""
    registration = db.session.get(Registration, registration_id)
    if registration is None or seeker is None or registration.seeker_id != seeker.id:
        raise NotFound("not_found", _("报名记录不存在。"))
    return registration


def may_give_feedback(registration: Registration) -> bool:
    """Only after attending at least one session of a registration that is not cancelled."""
    if registration.status == RegistrationStatus.CANCELLED:
        return False
    return bool(attended_sessions([registration.id]).get(registration.id))


def give_feedback(registration_id: int, *, seeker, rating, comment=None) -> tuple[Feedback, bool]:
    """Record (or replace) the seeker's feedback; returns it and whether it is new. Caller commits.

    422 ``not_attended`` before the seeker attended; 400 for a rating outside 1–5 or a long comment.
    """
    registration = own_registration(registration_id, seeker)
    rating, comment = check_rating(rating), check_comment(comment)
    if not may_give_feedback(registration):
        raise ServiceError("not_attended", _("参加活动后才能评价。"))
    feedback = db.session.scalar(db.select(Feedback).filter_by(registration_id=registration.id))
    created = feedback is None
    if created:
        feedback = Feedback(registration_id=registration.id, event_id=registration.event_id)
        db.session.add(feedback)
    feedback.rating, feedback.comment = rating, comment
    db.session.flush()
    return feedback, created


def feedback_for(registration: Registration) -> Feedback | None:
    return db.session.scalar(db.select(Feedback).filter_by(registration_id=registration.id))


def may_see_feedback(user, event: Event) -> bool:
    """Organizers and counselors of the event's station, and admins."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if user.role == Role.COUNSELOR:
        return is_staff_of_station(user, event.station_id)
    return can_manage_station(user, event.station_id)


@dataclass
class Summary:
    count: int = 0
    average: float | None = None
    distribution: dict = field(default_factory=lambda: {r: 0 for r in range(MIN_RATING, MAX_RATING + 1)})
    comments: list = field(default_factory=list)


def _summarize(rows: list[Feedback]) -> Summary:
    summary = Summary(count=len(rows))
    for row in rows:
        summary.distribution[row.rating] += 1
        if row.comment:
            summary.comments.append({"rating": row.rating, "comment": row.comment, "created_at": row.created_at})
    if rows:
        summary.average = round(sum(r.rating for r in rows) / len(rows), 2)
    return summary


def event_summary(event: Event, *, viewer) -> dict:
    """``{"event": Summary, "sessions": {session id: Summary}}``; a session's summary holds the feedback of
    those who attended that session. Comments carry no names. 403 unless ``may_see_feedback``."""
    if not may_see_feedback(viewer, event):
        raise Forbidden("forbidden", _("只有本乐业空间的工作人员可以查看评价。"))
    rows = db.session.scalars(
        db.select(Feedback).filter_by(event_id=event.id).order_by(Feedback.created_at.desc(), Feedback.id.desc())
    ).all()
    attended = attended_sessions([r.registration_id for r in rows])
    per_session = {}
    for session in event.sessions:
        per_session[session.id] = _summarize([r for r in rows if session.id in attended.get(r.registration_id, {})])
    return {"event": _summarize(rows), "sessions": per_session}


def station_summary(station_id: int | None, start=None, end=None) -> dict:
    """Count and average rating of the feedback given on a station's events (every station's when
    ``station_id`` is None; within [start, end) when given, aware datetimes), for the station report."""
    query = db.select(db.func.count(Feedback.id), db.func.avg(Feedback.rating)).join(Event, Event.id == Feedback.event_id)
    if station_id is not None:
        query = query.filter(Event.station_id == station_id)
    if start is not None:
        query = query.filter(Feedback.created_at >= start)
    if end is not None:
        query = query.filter(Feedback.created_at < end)
    count, average = db.session.execute(query).one()
    return {"count": count, "average": round(float(average), 2) if average is not None else None}
