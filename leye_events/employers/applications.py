"""Applications (投递): a seeker applies to a post and shares name, phone, school and graduation year
with its employer; the employer (or staff) records interview / offer / hired / rejected / no-show.

Each step is sent on signals that the cases feature turns into entries on the seeker's case (and, for
``hired``, the employment outcome) in the same transaction. Callers commit.
"""
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from ..accounts.models import Role, User
from ..audit.services import record
from ..core.db import get_row
from ..core.errors import Conflict, Forbidden, NotFound, ServiceError
from ..core.timeutil import utcnow
from ..events.models import Event
from ..extensions import db
from . import access
from .models import APPLICATION_RESULTS, Application, ApplicationStatus, Post, PostStatus
from .services import clean_text
from .signals import application_result_recorded, application_submitted

NOTE_MAX = 500


def apply(post: Post, seeker: User, *, share_profile, event_id=None) -> Application:
    """Apply to an open post. ``share_profile`` must be true: the seeker agrees to show name, phone,
    school and graduation year (never the category) to the employer. 409 ``already_applied``."""
    if seeker.role != Role.SEEKER:
        raise Forbidden("seekers_only", _("只有求职者账号可以投递。"))
    if share_profile is not True:
        raise ServiceError("consent_required", _("投递前请同意向该单位提供姓名、手机号、学校和毕业年份。"),
                           field="share_profile")
    if post.status != PostStatus.OPEN:
        raise ServiceError("post_closed", _("该岗位已停止招聘。"))
    event = None
    if event_id is not None:
        event = get_row(Event, event_id)
        if event is None:
            raise ServiceError("invalid_field", _("活动不存在。"), field="event_id")
    if _existing(post.id, seeker.id) is not None:
        raise Conflict("already_applied", _("您已投递过该岗位。"))
    now = utcnow()
    application = Application(post=post, employer_id=post.employer_id, seeker=seeker, event=event,
                              status=ApplicationStatus.APPLIED, shared_at=now, note="")
    db.session.add(application)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        raise Conflict("already_applied", _("您已投递过该岗位。")) from None
    record("application.create", application, actor=seeker, post_id=post.id, employer_id=post.employer_id)
    application_submitted.send(application, actor=seeker)
    return application


def _existing(post_id: int, seeker_id: int) -> Application | None:
    return db.session.execute(db.select(Application).filter_by(post_id=post_id, seeker_id=seeker_id)).scalar_one_or_none()


def application_or_404(application_id) -> Application:
    application = get_row(Application, application_id)
    if application is None:
        raise NotFound("not_found", _("找不到该投递。"))
    return application


def may_handle(user, application: Application) -> bool:
    """The post's employer, and staff of the post's station."""
    return access.may_see_applicants(user, application.post)


def record_result(application: Application, result, *, actor: User, note="") -> Application:
    """Move an application to ``result`` (interview, offer, hired, rejected, no_show); written on the
    case by the cases feature. ``hired`` is final: it records the employment outcome once."""
    if not may_handle(actor, application):
        raise NotFound("not_found", _("找不到该投递。"))
    if result not in [r.value for r in APPLICATION_RESULTS]:
        raise ServiceError("invalid_field", _("结果无效，可选：%(values)s。",
                                              values=", ".join(r.value for r in APPLICATION_RESULTS)), field="result")
    note = clean_text(note, "note", NOTE_MAX)
    if application.status == ApplicationStatus.HIRED:
        raise ServiceError("already_hired", _("该投递已录用，不能再更改结果。"))
    application.status = ApplicationStatus(result)
    application.note = note
    application.result_at = utcnow()
    application.result_by_id = actor.id
    db.session.flush()
    record("application.result", application, actor=actor, result=result)
    application_result_recorded.send(application, actor=actor, note=note)
    return application


def applications_for_post(post: Post) -> list[Application]:
    return db.session.execute(db.select(Application).filter_by(post_id=post.id)
                              .order_by(Application.created_at.desc(), Application.id.desc())).scalars().all()


def applications_of_seeker(seeker_id: int) -> list[Application]:
    return db.session.execute(db.select(Application).filter_by(seeker_id=seeker_id)
                              .order_by(Application.created_at.desc())).scalars().all()


def shared_profile(application: Application) -> dict:
    """What the seeker agreed to show the employer: name, phone, school, graduation year — never the
    category, case or notes."""
    seeker = application.seeker
    return {"name": seeker.name, "phone": seeker.phone, "school": seeker.school,
            "graduation_year": seeker.graduation_year}
