"""Writing messages into the outbox, and the inbox that people read.

The only place that creates or changes notifications (the worker in ``delivery`` moves them along).
``notify``/``notify_many`` add rows to the caller's transaction: a change that rolls back sends
nothing, one that commits is never lost. Callers commit. Other features call ``notify`` for the kinds
they own (``interview_booked``, ``application_result``) with a cause that names the thing that happened.
"""
import functools
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func

from ..accounts.models import User
from ..audit.services import record
from ..booking.models import Registration, RegistrationStatus
from ..core.db import insert_skipping_conflicts
from ..core.errors import NotFound, ServiceError
from ..core.timeutil import utcnow
from ..extensions import db
from .models import Channel, DeliveryStatus, Notification, NotificationKind

QUEUE_FLAG = "leye_notifications_written"  # session.info: wake the worker after commit
SMS_TEXT_LIMIT = 70


@dataclass
class Message:
    """What one person is told. ``cause`` makes it unique per person and channel (e.g.
    ``"event_cancelled:12"``, ``"reminder:31:24h"``); ``sms`` is the short text for one SMS."""

    kind: NotificationKind
    cause: str
    title: str
    body: str
    sms: str = ""
    event_id: int | None = None
    session_starts_at: datetime | None = None


def dedupe_key(channel: Channel, recipient: str, cause: str) -> str:
    return f"{channel.value}:{recipient}:{cause}"[:200]


def _rows_for(user: User, message: Message, now: datetime) -> list[dict]:
    """Outbox rows of one message: the inbox always, SMS and e-mail when the person has the address
    and has not turned the channel off. Nothing for an erased account (nobody is there to tell)."""
    if user.erased_at is not None:
        return []
    common = {"user_id": user.id, "kind": message.kind, "title": message.title[:200],
              "event_id": message.event_id, "session_starts_at": message.session_starts_at,
              "created_at": now, "next_attempt_at": now, "attempts": 0}
    rows = [{**common, "channel": Channel.INBOX, "body": message.body, "status": DeliveryStatus.SENT,
             "sent_at": now, "dedupe_key": dedupe_key(Channel.INBOX, str(user.id), message.cause)}]
    if user.phone and user.notify_sms is not False:
        rows.append({**common, "channel": Channel.SMS, "address": user.phone, "body": message.sms or message.body,
                     "status": DeliveryStatus.PENDING,
                     "dedupe_key": dedupe_key(Channel.SMS, str(user.id), message.cause)})
    if user.email and user.notify_email is not False:
        rows.append({**common, "channel": Channel.EMAIL, "address": user.email, "body": message.body,
                     "status": DeliveryStatus.PENDING,
                     "dedupe_key": dedupe_key(Channel.EMAIL, str(user.id), message.cause)})
    return rows


def notify(user: User, message: Message) -> int:
    """Write ``message`` for ``user`` into the outbox (in the caller's transaction); returns the rows
    written — none when the same cause was already written for this person."""
    return notify_many([(user, message)])


def notify_many(messages: Iterable[tuple[User, Message]]) -> int:
    """Write many messages at once; returns the rows written. Rows whose ``dedupe_key`` already exists
    (written before, or by a concurrent writer) are skipped by the insert itself (``ON CONFLICT DO
    NOTHING``), so a registration pays one statement for its messages while it holds the event's lock."""
    now = utcnow()
    rows = [row for user, message in messages for row in _rows_for(user, message, now)]
    seen = set()
    rows = [row for row in rows if not (row["dedupe_key"] in seen or seen.add(row["dedupe_key"]))]
    if not rows:
        return 0
    written = _insert_skipping_duplicates(rows)
    if written and any(row["status"] == DeliveryStatus.PENDING for row in rows):
        db.session.info[QUEUE_FLAG] = True
    return written


INSERT_CHUNK = 500  # rows per statement: well under SQLite's and PostgreSQL's parameter limits


def _insert_skipping_duplicates(rows: list[dict]) -> int:
    # Rows skipped as duplicates return no id, and rowcount is not portable: count the ids returned.
    keys = sorted({key for row in rows for key in row})
    written = 0
    for start in range(0, len(rows), INSERT_CHUNK):
        chunk = [{key: row.get(key) for key in keys} for row in rows[start:start + INSERT_CHUNK]]
        written += len(insert_skipping_conflicts(Notification.__table__, chunk, conflict_columns=("dedupe_key",)))
    return written


def notify_registrants(event, kind: NotificationKind, cause: str, text: str = "") -> None:
    """Tell everyone registered for ``event`` (confirmed and waitlisted): one ``fanout`` row in the
    caller's transaction, whatever the number of people; the worker writes their messages
    (``fanout.expand``) — once, as ``cause`` is unique."""
    now = utcnow()
    db.session.add(Notification(kind=kind, channel=Channel.FANOUT, title=cause[:200], body=text or "",
                                event_id=event.id, dedupe_key=dedupe_key(Channel.FANOUT, str(event.id), cause),
                                created_at=now, next_attempt_at=now, status=DeliveryStatus.PENDING))
    db.session.info[QUEUE_FLAG] = True


def send_sms_now(phone: str, kind: NotificationKind, text: str, cause: str) -> None:
    """Queue an SMS to a phone that may have no account (login codes); never held by quiet hours."""
    now = utcnow()
    db.session.add(Notification(kind=kind, channel=Channel.SMS, address=phone, title=text[:200], body=text,
                                dedupe_key=dedupe_key(Channel.SMS, phone, cause), next_attempt_at=now,
                                created_at=now, status=DeliveryStatus.PENDING))
    db.session.info[QUEUE_FLAG] = True


# --- the inbox -------------------------------------------------------------------------------

def inbox(user: User, limit: int = 50) -> list[Notification]:
    """The person's inbox messages, newest first."""
    return db.session.execute(
        db.select(Notification)
        .where(Notification.user_id == user.id, Notification.channel == Channel.INBOX)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .limit(limit)
    ).scalars().all()


def unread_count(user: User) -> int:
    return db.session.execute(_unread_count(), {"user_id": user.id}).scalar_one()


@functools.cache
def _unread_count():
    """The person's unread inbox messages. Built once: every logged-in page shows the bell, and building
    it anew cost more CPU than running it (~0.2 ms)."""
    notifications = Notification.__table__
    return db.select(func.count()).where(notifications.c.user_id == db.bindparam("user_id"),
                                         notifications.c.channel == Channel.INBOX, notifications.c.read_at.is_(None))


def mark_read(user: User, notification_id: int) -> Notification:
    """Mark one of the person's inbox messages read (again is harmless); ``not_found`` for anyone else's."""
    notification = db.session.get(Notification, notification_id)
    if notification is None or notification.user_id != user.id or notification.channel != Channel.INBOX:
        raise NotFound("not_found", _("消息不存在。"))
    if notification.read_at is None:
        notification.read_at = utcnow()
    return notification


def mark_all_read(user: User) -> None:
    db.session.execute(
        db.update(Notification)
        .where(Notification.user_id == user.id, Notification.channel == Channel.INBOX,
               Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )


def set_preferences(user: User, *, notify_sms: bool | None = None, notify_email: bool | None = None) -> User:
    """Turn SMS or e-mail messages on or off (the inbox always stays)."""
    if notify_sms is not None:
        user.notify_sms = bool(notify_sms)
    if notify_email is not None:
        user.notify_email = bool(notify_email)
    return user


def event_deliveries(event_id: int) -> list[Notification]:
    """What was sent for an event, on which channel, and what failed (organizers' view)."""
    return db.session.execute(
        db.select(Notification).where(Notification.event_id == event_id,
                                      Notification.channel.not_in((Channel.INBOX, Channel.FANOUT)))
        .order_by(Notification.created_at.desc(), Notification.id.desc())
    ).scalars().all()


def failed_deliveries(limit: int = 200) -> list[Notification]:
    """Messages given up on after the last try, newest first (shown to staff)."""
    return db.session.execute(
        db.select(Notification).where(Notification.status == DeliveryStatus.FAILED)
        .order_by(Notification.created_at.desc()).limit(limit)
    ).scalars().all()


NOTICE_MAX_LENGTH = 200


def send_notice(event, text: str, *, actor) -> int:
    """An organizer's short notice to everyone registered for ``event`` (confirmed and waitlisted),
    through the outbox like every other message, with an audit entry. Returns the people to be told.
    Raises ``invalid_field`` for an empty or too long text."""
    text = (text or "").replace("\x00", "").strip() if isinstance(text, str) else ""
    if not text or len(text) > NOTICE_MAX_LENGTH:
        raise ServiceError("invalid_field", _("通知内容必填，不超过 %(max)d 个字。", max=NOTICE_MAX_LENGTH),
                           field="text")
    recipients = db.session.execute(
        db.select(func.count()).select_from(Registration)
        .where(Registration.event_id == event.id, Registration.status != RegistrationStatus.CANCELLED)
    ).scalar_one()
    notify_registrants(event, NotificationKind.NOTICE, f"notice:{event.id}:{secrets.token_hex(8)}", text)
    record("event.notice", event, actor=actor, recipients=recipients, text=text)
    return recipients


def delivery_summary(event_id: int) -> dict:
    """Counts of an event's SMS and e-mail messages by status (``{"sent": 12, "failed": 1, …}``)."""
    rows = db.session.execute(
        db.select(Notification.status, func.count()).where(
            Notification.event_id == event_id, Notification.channel.not_in((Channel.INBOX, Channel.FANOUT)))
        .group_by(Notification.status)
    ).all()
    return {status.value: count for status, count in rows}
