"""Exercising the rights: exporting one's data, withdrawing consent, deleting the account.

The only place that erases a person. Callers commit; everything here happens in one transaction.
"""
import secrets
from dataclasses import dataclass

from flask_babel import gettext as _

from ..accounts.models import ApiToken, Role, User
from ..accounts.sessions import end_all_sessions
from ..audit.services import record
from ..booking import services as booking
from ..booking.models import Registration, RegistrationStatus, new_ticket_code
from ..cases.models import Case, CaseEntry, CaseStatus
from ..core.db import begin_locking_transaction
from ..core.errors import Forbidden, ServiceError
from ..core.timeutil import utcnow
from ..extensions import db
from ..matching.models import SeekerProfile
from ..outreach.models import Contact, Prospect
from .export import personal_data

# Why a person was erased; recorded in the audit log and on the case.
CONSENT_WITHDRAWN = "consent_withdrawn"
ACCOUNT_DELETED = "account_deleted"
RETENTION_EXPIRED = "retention_expired"  # an outreach prospect who never signed up (``privacy purge``)
ERASURE_REASONS = (CONSENT_WITHDRAWN, ACCOUNT_DELETED, RETENTION_EXPIRED)
ERASED_NAME = "已注销"
OPEN_CASE_STATUSES = (CaseStatus.ACTIVE, CaseStatus.PAUSED)


def erased_email(user_id: int) -> str:
    """The stand-in login of an erased account: it keeps the rule "every account has a login" and
    names nobody (``.invalid`` is a reserved domain, RFC 2606: nothing is ever delivered there)."""
    return f"erased-{user_id}@erased.invalid"


def export_personal_data(user: User) -> dict:
    """Everything held about ``user`` (see ``export.personal_data``); the export is audited."""
    data = personal_data(user)
    record("privacy.export", user, actor=user, station_id=user.station_id,
           reason="data_subject_request")
    return data


@dataclass
class CaseFate:
    """What happens to a seeker's case when they leave: kept as an anonymous service record."""

    status_before: str
    status_after: str
    station: str

    @property
    def was_open(self) -> bool:
        return self.status_before in {s.value for s in OPEN_CASE_STATUSES}


@dataclass
class ErasureReport:
    reason: str
    registrations_cancelled: int = 0
    waitlisted_promoted: int = 0
    tickets_voided: int = 0
    tokens_revoked: int = 0
    case: CaseFate | None = None

    def as_json(self) -> dict:
        return {
            "reason": self.reason,
            "erased": ["name", "phone", "email", "school", "graduation_year", "category", "password"],
            "registrations_cancelled": self.registrations_cancelled,
            "waitlisted_promoted": self.waitlisted_promoted,
            "tickets_voided": self.tickets_voided,
            "tokens_revoked": self.tokens_revoked,
            "sessions_ended": True,
            "calendar_feed_revoked": True,
            "case": None if self.case is None else {
                "status_before": self.case.status_before, "status_after": self.case.status_after,
                "kept_as": "anonymous_service_record", "message": case_message(self.case, done=True),
            },
        }


def case_message(fate: CaseFate | None, *, done: bool = False) -> str:
    """What a seeker is told about their case before leaving and, with ``done``, after."""
    if fate is None:
        return ""
    if fate.was_open and done:
        return _("您在%(station)s的就业服务档案已结案，服务专员不会再联系您；您参加活动等服务记录以匿名方式保留，"
                 "仅用于统计，不再包含您的姓名、手机号等信息。", station=fate.station)
    if fate.was_open:
        return _("您在%(station)s的就业服务档案仍在跟进中。撤回同意或注销后档案将结案，服务专员无法再联系您；"
                 "您参加活动等服务记录会以匿名方式保留，仅用于统计，不再包含您的姓名、手机号等信息。",
                 station=fate.station)
    return _("您的就业服务档案会以匿名方式保留，仅用于统计，不再包含您的姓名、手机号等信息。")


def preview_case_fate(user: User) -> CaseFate | None:
    """What would happen to the case (for the confirmation page), without changing anything."""
    case = db.session.execute(db.select(Case).filter_by(seeker_id=user.id)).scalar_one_or_none()
    if case is None:
        return None
    closed = CaseStatus.CLOSED.value if case.status in OPEN_CASE_STATUSES else case.status.value
    return CaseFate(case.status.value, closed, case.station.name if case.station else "")


def _check_password(user: User, password) -> None:
    if not isinstance(password, str) or not password or not user.check_password(password):
        raise ServiceError("wrong_password", _("密码不正确。"), field="password", status=403)


def erase_person(user: User, password, *, reason: str) -> ErasureReport:
    """Withdraw consent or delete the account of seeker ``user``, who confirms with ``password``.

    At once and in one transaction: future registrations are cancelled through booking (the
    waitlist moves up), every ticket code is replaced (old tickets stop working), API tokens are
    deleted, the calendar feed token is dropped, personal fields are erased and the account is
    deactivated (Flask-Login refuses inactive accounts, which ends every session and remember-me
    cookie). The case stays as an anonymous service record: entries keep their kind, time, event
    and station, so figures do not change; free text (plan, notes) is removed and an open case is
    closed. Raises Forbidden for staff accounts (an admin closes those) and ``wrong_password``.
    """
    if reason not in ERASURE_REASONS:
        raise ValueError(reason)
    if user.role != Role.SEEKER:
        raise Forbidden("forbidden", _("工作人员账号请联系区级管理员停用。"))
    if user.is_erased:
        raise ServiceError("already_erased", _("该账号已注销。"))
    _check_password(user, password)
    begin_locking_transaction()
    report = ErasureReport(reason=reason, case=preview_case_fate(user))
    _cancel_future_registrations(user, report)
    report.tickets_voided = _void_tickets(user)
    report.tokens_revoked = db.session.execute(
        db.delete(ApiToken).where(ApiToken.user_id == user.id)
    ).rowcount or 0
    end_all_sessions(user)  # web logins too, copied cookies included
    _anonymize_case(user, reason)
    _erase_fields(user, reason)
    record(f"privacy.{reason}", user, actor=user, station_id=user.station_id,
           registrations_cancelled=report.registrations_cancelled, tokens_revoked=report.tokens_revoked,
           case_closed=bool(report.case and report.case.was_open))
    return report


def _cancel_future_registrations(user: User, report: ErasureReport) -> None:
    now = utcnow()
    active = db.session.execute(
        db.select(Registration).filter(Registration.seeker_id == user.id,
                                       Registration.status.in_(booking.ACTIVE))
    ).scalars().all()
    for registration in active:
        if booking.has_ended(registration.event, now):
            continue  # a past registration is the service record of an event that happened
        before = _confirmed_ids(registration.event_id)
        booking.cancel(registration.id, actor=user, reason=reason_text(report.reason))
        report.registrations_cancelled += 1
        report.waitlisted_promoted += len(_confirmed_ids(registration.event_id) - before)


def reason_text(reason: str) -> str:
    """The cancellation reason kept on registrations (no personal data)."""
    return {CONSENT_WITHDRAWN: "撤回同意", ACCOUNT_DELETED: "注销账号", RETENTION_EXPIRED: "超过保存期限"}[reason]


def _confirmed_ids(event_id: int) -> set[int]:
    return set(db.session.execute(
        db.select(Registration.id).filter(Registration.event_id == event_id,
                                          Registration.status == RegistrationStatus.CONFIRMED)
    ).scalars())


def _void_tickets(user: User) -> int:
    registrations = db.session.execute(db.select(Registration).filter_by(seeker_id=user.id)).scalars().all()
    for registration in registrations:
        registration.ticket_code = new_ticket_code()
        registration.cancel_reason = reason_text_for(registration)
    return len(registrations)


def reason_text_for(registration: Registration) -> str | None:
    """A cancellation reason typed by a person may name them; keep only the fixed texts."""
    fixed = {reason_text(r) for r in ERASURE_REASONS}
    return registration.cancel_reason if registration.cancel_reason in fixed else None


def erase_prospect(user: User) -> None:
    """Erase an outreach prospect who never signed up (no login, nothing to cancel): personal fields go,
    the case stays as an anonymous record so figures do not change. The caller commits."""
    _anonymize_case(user, RETENTION_EXPIRED)
    _erase_fields(user, RETENTION_EXPIRED)
    end_all_sessions(user)
    record("privacy.retention_expired", user, station_id=user.station_id)


def _anonymize_case(user: User, reason: str) -> None:
    case = db.session.execute(db.select(Case).filter_by(seeker_id=user.id)).scalar_one_or_none()
    if case is None:
        return
    previous = case.status
    if case.status in OPEN_CASE_STATUSES:
        case.status = CaseStatus.CLOSED
    case.status_reason = reason_text(reason)
    case.plan = ""
    db.session.execute(db.update(CaseEntry).where(CaseEntry.case_id == case.id).values(body=""))
    _erase_outreach_and_profile(user, case)
    record("case.anonymized", case, actor=user, station_id=case.station_id, from_status=previous.value,
           to_status=case.status.value, reason=reason)


def _erase_outreach_and_profile(user: User, case: Case) -> None:
    """What outreach and matching hold about the person: contact notes, the list's remarks, the
    matching profile (skills and wishes are theirs to take back)."""
    db.session.execute(db.update(Contact).where(Contact.case_id == case.id).values(note=""))
    db.session.execute(db.update(Prospect).where(Prospect.seeker_id == user.id).values(community="", remark=""))
    db.session.execute(db.delete(SeekerProfile).where(SeekerProfile.seeker_id == user.id))


def _erase_fields(user: User, reason: str) -> None:
    user.name = ERASED_NAME
    user.phone = None
    user.email = erased_email(user.id)
    user.school = None
    user.graduation_year = None
    user.category = None
    user.calendar_token = None
    user.set_password(secrets.token_urlsafe(32))  # known to nobody
    user.active = False
    user.erased_at = utcnow()
    if reason == CONSENT_WITHDRAWN:
        user.consent_version = "withdrawn"
