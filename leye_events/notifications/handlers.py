"""Who is told what: registrants of a cancelled event, and a seeker promoted from the waitlist."""
from flask_babel import force_locale
from flask_babel import gettext as _

from ..booking.models import Registration, RegistrationStatus
from ..booking.signals import registration_promoted
from ..core.timeutil import to_local
from ..core.urls import absolute_url
from ..events.services import event_cancelled
from ..extensions import db
from ..online.services import has_join_link
from .mail import queue_mail


def _when(event) -> str:
    start = to_local(event.starts_at)
    return start.strftime("%Y-%m-%d %H:%M") if start else ""


@event_cancelled.connect
def tell_registrants_of_cancellation(event, actor=None, reason=None, **_kw):
    registrations = db.session.execute(
        db.select(Registration).filter(
            Registration.event_id == event.id, Registration.status != RegistrationStatus.CANCELLED
        ).options(db.joinedload(Registration.seeker))
    ).scalars()
    with force_locale("zh_CN"):
        subject = _("活动取消通知：%(title)s", title=event.title)
        body = _("您报名的活动“%(title)s”（%(when)s，%(venue)s）已取消。", title=event.title, when=_when(event),
                 venue=event.venue)
        if reason:
            body += "\n" + _("取消原因：%(reason)s", reason=reason)
        body += "\n\n" + _("给您带来不便，敬请谅解。更多活动：%(url)s", url=absolute_url("events.home"))
    for registration in registrations:
        queue_mail(db.session, registration.seeker.email, subject, body)


@registration_promoted.connect
def tell_promoted_seeker(registration, **_kw):
    event = registration.event
    with force_locale("zh_CN"):
        subject = _("候补成功：%(title)s", title=event.title)
        body = _("有人取消了报名，您已从候补转为正式报名：“%(title)s”（%(when)s，%(venue)s）。", title=event.title,
                 when=_when(event), venue=event.venue)
        body += "\n" + _("电子票：%(url)s", url=absolute_url("booking.ticket", code=registration.ticket_code))
        if has_join_link(registration):  # online attendance: the personal link instead of a QR at the door
            body += "\n" + _("线上参会链接（开始前 15 分钟起可进入直播间，仅限本人）：%(url)s",
                             url=absolute_url("online.join", code=registration.ticket_code))
    queue_mail(db.session, registration.seeker.email, subject, body)
