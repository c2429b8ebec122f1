"""The words of each message: short, Chinese, with a link to the person's ticket and nobody else's data.

Every function returns a ``Message``; ``sms`` aims at one SMS (70 characters) by shortening the title.
"""
from flask_babel import force_locale
from flask_babel import gettext as _

from ..core.locales import babel_locale
from ..core.timeutil import to_local
from ..core.urls import absolute_url
from ..online.services import has_join_link
from .models import NotificationKind
from .services import Message

SMS_TITLE_LENGTH = 16


def _short(title: str) -> str:
    return title if len(title) <= SMS_TITLE_LENGTH else title[:SMS_TITLE_LENGTH - 1] + "…"


def _when(moment) -> str:
    local = to_local(moment)
    return local.strftime("%m-%d %H:%M") if local else ""


def _ticket(registration) -> str:
    return absolute_url("booking.ticket", code=registration.ticket_code)


def registration_message(registration, kind: NotificationKind) -> Message:
    """Confirmed, waitlisted or promoted from the waitlist."""
    event = registration.event
    with force_locale(babel_locale("zh_CN")):
        values = {"title": event.title, "short": _short(event.title), "when": _when(event.starts_at),
                  "venue": event.venue, "url": _ticket(registration)}
        if kind == NotificationKind.WAITLISTED:
            title = _("已候补：%(title)s", **values)
            body = _("您已进入“%(title)s”（%(when)s，%(venue)s）的候补名单，有人取消时将按顺序递补并通知您。", **values)
            sms = _("【乐业活动】您已候补“%(short)s”，递补后会通知您。", **values)
        elif kind == NotificationKind.PROMOTED:
            title = _("候补成功：%(title)s", **values)
            body = _("有人取消了报名，您已从候补转为正式报名：“%(title)s”（%(when)s，%(venue)s）。电子票：%(url)s", **values)
            sms = _("【乐业活动】候补成功：“%(short)s”%(when)s。电子票 %(url)s", **values)
        else:
            title = _("报名成功：%(title)s", **values)
            body = _("您已报名“%(title)s”（%(when)s，%(venue)s）。电子票：%(url)s", **values)
            sms = _("【乐业活动】报名成功：“%(short)s”%(when)s。电子票 %(url)s", **values)
        if kind != NotificationKind.WAITLISTED and has_join_link(registration):
            # Online attendance: the personal join link instead of a QR at the door.
            body += "\n" + _("线上参会链接（开始前 15 分钟起可进入直播间，仅限本人）：%(url)s",
                             url=absolute_url("online.join", code=registration.ticket_code))
    return Message(kind=kind, cause=f"{kind.value}:{registration.id}",
                   title=title, body=body, sms=sms, event_id=event.id, session_starts_at=event.starts_at)


def cancellation_message(event, reason: str | None) -> Message:
    with force_locale(babel_locale("zh_CN")):
        values = {"title": event.title, "short": _short(event.title), "when": _when(event.starts_at),
                  "venue": event.venue, "url": absolute_url("booking.my_registrations")}
        title = _("活动取消：%(title)s", **values)
        body = _("您报名的活动“%(title)s”（%(when)s，%(venue)s）已取消。", **values)
        if reason:
            body += "\n" + _("取消原因：%(reason)s", reason=reason)
        body += "\n" + _("给您带来不便，敬请谅解。我的报名：%(url)s", **values)
        sms = _("【乐业活动】您报名的“%(short)s”（%(when)s）已取消，敬请谅解。", **values)
    return Message(kind=NotificationKind.EVENT_CANCELLED, cause=f"event_cancelled:{event.id}", title=title,
                   body=body, sms=sms, event_id=event.id, session_starts_at=event.starts_at)


def change_message(event, registration, cause: str) -> Message:
    with force_locale(babel_locale("zh_CN")):
        values = {"title": event.title, "short": _short(event.title), "when": _when(event.starts_at),
                  "venue": event.venue, "url": _ticket(registration)}
        title = _("活动变更：%(title)s", **values)
        body = _("您报名的“%(title)s”时间或地点有变：%(when)s，%(venue)s。电子票：%(url)s", **values)
        sms = _("【乐业活动】“%(short)s”变更为%(when)s，%(venue)s。", **values)
    return Message(kind=NotificationKind.EVENT_CHANGED, cause=cause,
                   title=title, body=body, sms=sms[:120], event_id=event.id, session_starts_at=event.starts_at)


def reminder_message(registration, session, offset_label: str) -> Message:
    event = registration.event
    with force_locale(babel_locale("zh_CN")):
        name = event.title + (f"·{session.title}" if session.title else "")
        values = {"title": name, "short": _short(name), "when": _when(session.starts_at), "venue": event.venue,
                  "url": _ticket(registration)}
        title = _("活动提醒：%(title)s", **values)
        body = _("提醒您参加“%(title)s”：%(when)s，%(venue)s。入场请出示电子票：%(url)s", **values)
        sms = _("【乐业活动】提醒：“%(short)s”%(when)s开始。电子票 %(url)s", **values)
        if has_join_link(registration):  # online attendance: the join link, not a ticket to show at the door
            values["url"] = absolute_url("online.join", code=registration.ticket_code)
            body = _("提醒您参加线上活动“%(title)s”：%(when)s 开始，开始前 15 分钟起可凭本人链接进入直播间：%(url)s",
                     **values)
            sms = _("【乐业活动】提醒：“%(short)s”%(when)s线上开始，直播间 %(url)s", **values)
    return Message(kind=NotificationKind.REMINDER, cause=f"reminder:{session.id}:{offset_label}:{registration.id}",
                   title=title, body=body, sms=sms, event_id=event.id, session_starts_at=session.starts_at)


def notice_message(event, text: str, cause: str) -> Message:
    with force_locale(babel_locale("zh_CN")):
        title = _("活动通知：%(title)s", title=event.title)
        sms = _("【乐业活动】“%(short)s”：%(text)s", short=_short(event.title), text=text)
    return Message(kind=NotificationKind.NOTICE, cause=cause, title=title, body=text,
                   sms=sms, event_id=event.id, session_starts_at=event.starts_at)


def login_code_text(code: str) -> str:
    with force_locale(babel_locale("zh_CN")):
        return _("【乐业活动】验证码 %(code)s，5分钟内有效。请勿告诉他人。", code=code)


def interview_message(booking) -> Message:
    """An interview slot booked at a fair or an interview session."""
    slot = booking.slot
    with force_locale(babel_locale("zh_CN")):
        values = {"employer": slot.employer.name, "when": _when(slot.starts_at), "title": slot.event.title,
                  "post": slot.post.title if slot.post else ""}
        title = _("面试已预约：%(employer)s", **values)
        body = _("您已预约 %(employer)s 的面试：%(when)s，“%(title)s”现场。请准时到场，带好简历。", **values)
        sms = _("【乐业活动】已预约%(employer)s面试 %(when)s，请准时到场。", **values)
    return Message(kind=NotificationKind.INTERVIEW_BOOKED, cause=f"interview_booked:{booking.id}", title=title,
                   body=body, sms=sms, event_id=slot.event_id, session_starts_at=slot.starts_at)


def application_result_message(application) -> Message:
    """What the employer decided about an application (投递)."""
    with force_locale(babel_locale("zh_CN")):
        values = {"employer": application.employer.name, "post": application.post.title,
                  "result": application.status_label}
        title = _("投递进展：%(post)s", **values)
        body = _("您投递的 %(employer)s“%(post)s”岗位有了新进展：%(result)s。如有疑问，请联系乐业空间的服务专员。",
                 **values)
        sms = _("【乐业活动】您投递的“%(post)s”岗位：%(result)s。", **values)
    return Message(kind=NotificationKind.APPLICATION_RESULT,
                   cause=f"application_result:{application.id}:{application.status.value}",
                   title=title, body=body, sms=sms, event_id=application.event_id)


def feedback_request_message(registration) -> Message:
    """After the event: how was it? A link to the seeker's own rating form."""
    event = registration.event
    with force_locale(babel_locale("zh_CN")):
        values = {"title": event.title, "short": _short(event.title),
                  "url": absolute_url("feedback.give", registration_id=registration.id)}
        title = _("给活动打个分：%(title)s", **values)
        body = _("感谢参加“%(title)s”！花半分钟给这次活动打个分、留句话，帮助乐业空间把活动办得更好：%(url)s",
                 **values)
        sms = _("【乐业活动】感谢参加“%(short)s”，欢迎评价：%(url)s", **values)
    return Message(kind=NotificationKind.FEEDBACK_REQUEST, cause=f"feedback_request:{registration.id}",
                   title=title, body=body, sms=sms, event_id=event.id)
