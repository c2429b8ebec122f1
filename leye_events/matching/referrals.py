"""Referring a seeker to a post (岗位推介) with their recorded consent, and the result coming back.

A referral needs the seeker's consent and how it was given (online, verbal, written); without it
the referral is refused (422 ``consent_required``). Results use the words of applications
(interview, offer, hired, rejected, no_show), are stored as the case's referral results
(interviewed, hired, declined) and written on the case; ``hired`` records the employment outcome.
"""
from datetime import date

from flask_babel import gettext as _

from ..accounts.models import Role, User
from ..audit.services import record
from ..cases.access import may_work_case
from ..cases.models import Case, CaseEntry, CaseStatus, EntryKind, Outcome, Referral, ReferralResult
from ..cases.operations import case_for, referral_or_404
from ..core.errors import Conflict, Forbidden, ServiceError
from ..core.timeutil import to_local, utcnow
from ..employers.models import APPLICATION_RESULTS, ApplicationStatus, PostStatus
from ..extensions import db
from .models import ConsentMethod, ReferralConsent
from .services import post_or_404, seeker_or_404

NOTE_MAX = 500
RESULT_TO_REFERRAL = {
    ApplicationStatus.INTERVIEW: ReferralResult.INTERVIEWED,
    ApplicationStatus.OFFER: ReferralResult.INTERVIEWED,
    ApplicationStatus.HIRED: ReferralResult.HIRED,
    ApplicationStatus.REJECTED: ReferralResult.DECLINED,
    ApplicationStatus.NO_SHOW: ReferralResult.DECLINED,
}


def _note(note) -> str:
    note = (note or "").strip() if isinstance(note, (str, type(None))) else None
    if note is None or len(note) > NOTE_MAX:
        raise ServiceError("invalid_field", _("备注过长（不超过 %(max)d 字）。", max=NOTE_MAX), field="note")
    return note


def _entry(case: Case, kind: EntryKind, actor: User, body: str, **columns) -> CaseEntry:
    now = utcnow()
    entry = CaseEntry(case=case, kind=kind, author_id=actor.id, body=body, occurred_at=now, created_at=now,
                      **columns)
    db.session.add(entry)
    case.last_contact_at = now if actor.role != Role.EMPLOYER else case.last_contact_at
    return entry


def refer(seeker_id, *, actor: User, post_id, consent, note=None) -> Referral:
    """The counselor refers the seeker to an open post, with the consent given. The caller commits."""
    seeker = seeker_or_404(seeker_id)
    case = case_for(seeker)
    if actor is None or actor.role != Role.COUNSELOR or not may_work_case(actor, case):
        raise Forbidden("forbidden", _("只有本乐业空间的服务专员可以推荐岗位。"))
    try:
        method = ConsentMethod(consent)
    except ValueError:
        raise ServiceError("consent_required",
                           _("推荐前须征得求职者同意，并注明同意方式（线上、口头或书面）。"), field="consent") from None
    note = _note(note)
    post = post_or_404(post_id)
    today = to_local(utcnow()).date()
    if post.status != PostStatus.OPEN or (post.closes_on is not None and post.closes_on < today):
        raise ServiceError("post_not_open", _("该岗位已关闭或已过截止日期。"), field="post_id", status=409)
    if db.session.execute(db.select(Referral.id).filter_by(case_id=case.id, post_id=post.id)).first():
        raise Conflict("already_referred", _("已向该岗位推荐过此求职者。"), field="post_id")
    referral = Referral(case=case, employer_id=post.employer_id, post=post, result=ReferralResult.PENDING,
                        created_by_id=actor.id)
    db.session.add(referral)
    db.session.flush()
    consent_row = ReferralConsent(referral_id=referral.id, method=method, recorded_by_id=actor.id, note=note)
    db.session.add(consent_row)
    _entry(case, EntryKind.REFERRAL, actor, note, referral_id=referral.id,
           details={"employer": post.employer.name, "post": post.title, "result": referral.result.value,
                    "consent": method.value, "matching": True})
    record("matching.referral", case, actor=actor, station_id=case.station_id, referral_id=referral.id,
           consent=method.value)
    return referral


def may_answer(user, referral: Referral) -> bool:
    """Counselors (and admins) who work the case, and the referral's employer."""
    if user is None:
        return False
    if user.role == Role.EMPLOYER:
        return user.employer_id is not None and user.employer_id == referral.employer_id
    return user.role in (Role.COUNSELOR, Role.ADMIN) and may_work_case(user, referral.case)


def set_result(referral_id, *, actor: User, result, note=None, start_date: date | None = None) -> Referral:
    """Record what came of the referral; ``hired`` records the outcome (start date default today)."""
    referral = referral_or_404(referral_id)
    if not may_answer(actor, referral):
        raise Forbidden("forbidden", _("您无权反馈该推荐的结果。"))
    try:
        result = ApplicationStatus(result)
    except ValueError:
        result = None
    if result not in APPLICATION_RESULTS:
        raise ServiceError("invalid_field", _("结果应为 interview、offer、hired、rejected 或 no_show。"),
                           field="result")
    note = _note(note)
    case = referral.case
    if referral.result == ReferralResult.HIRED and result != ApplicationStatus.HIRED:
        raise Conflict("already_hired", _("该推荐已记录为录用。"), field="result")
    referral.result = RESULT_TO_REFERRAL[result]
    post = referral.post
    details = {"employer": referral.employer.name, "post": post.title if post else "",
               "result": referral.result.value, "reported_result": result.value, "update": True}
    _entry(case, EntryKind.REFERRAL, actor, note, referral_id=referral.id, details=details)
    if result == ApplicationStatus.HIRED:
        _hired(referral, actor, start_date or to_local(utcnow()).date(), note)
    record("matching.referral_result", case, actor=actor, station_id=case.station_id, referral_id=referral.id,
           result=result.value)
    return referral


def _hired(referral: Referral, actor: User, start_date: date, note: str) -> None:
    case = referral.case
    if db.session.execute(db.select(Outcome.id).filter_by(referral_id=referral.id)).first():
        return  # told twice: one outcome
    outcome = Outcome(case=case, employer_id=referral.employer_id, post_id=referral.post_id, start_date=start_date,
                      referral_id=referral.id, created_by_id=actor.id)
    db.session.add(outcome)
    db.session.flush()
    _entry(case, EntryKind.OUTCOME, actor, note, outcome_id=outcome.id, referral_id=referral.id,
           details={"employer": referral.employer.name, "post": referral.post.title if referral.post else "",
                    "start_date": start_date.isoformat(), "event_id": None, "event_title": "",
                    "referral_id": referral.id})
    if case.status != CaseStatus.EMPLOYED:
        previous, case.status = case.status, CaseStatus.EMPLOYED
        case.status_reason = _("已就业：%(employer)s", employer=referral.employer.name)
        _entry(case, EntryKind.STATUS_CHANGE, actor, case.status_reason,
               details={"from": previous.value, "to": CaseStatus.EMPLOYED.value})


def consent_of(referral: Referral) -> ReferralConsent | None:
    return db.session.execute(db.select(ReferralConsent).filter_by(referral_id=referral.id)).scalar_one_or_none()


def referrals_of_post(post_id, *, viewer: User) -> list[tuple[Referral, ReferralConsent | None]]:
    """The referrals to a post, as its employer sees applications: for the post's employer and the
    counselors and organizers of the post's station. Only referrals with a recorded consent."""
    post = post_or_404(post_id)
    if viewer is None:
        raise Forbidden("forbidden", _("您无权查看该岗位的推荐。"))
    allowed = (viewer.role == Role.EMPLOYER and viewer.employer_id == post.employer_id) or (
        viewer.role in (Role.COUNSELOR, Role.ORGANIZER) and viewer.station_id is not None
        and viewer.station_id == post.station_id)
    if not allowed:
        raise Forbidden("forbidden", _("您无权查看该岗位的推荐。"))
    return db.session.execute(
        db.select(Referral, ReferralConsent).join(ReferralConsent, ReferralConsent.referral_id == Referral.id)
        .filter(Referral.post_id == post.id).order_by(Referral.created_at, Referral.id)).all()
