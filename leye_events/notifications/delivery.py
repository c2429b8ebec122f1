"""The worker's side of the outbox: claim due messages, send them, retry with back-off, give up.

Any number of workers may run ``deliver_due`` at once: a message is claimed by one atomic
``UPDATE … WHERE status = 'pending'`` (on PostgreSQL the candidates are picked ``FOR UPDATE SKIP
LOCKED`` so workers do not queue behind each other), and only the claimer sends it. A worker that dies
mid-send leaves its claim, which others take over after ``CLAIM_TIMEOUT``.
"""
import secrets
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from flask import current_app
from sqlalchemy import or_
from sqlalchemy.exc import IntegrityError

from ..accounts.models import User
from ..core.db import begin_locking_transaction, race_window
from ..core.timeutil import SHANGHAI, utcnow
from ..extensions import db
from .channels import DeliveryError, send_mail, send_sms
from .handlers import expand_fanout
from .models import Channel, DeliveryStatus, Notification, NotificationKind

CLAIM_TIMEOUT = timedelta(minutes=10)
QUIET_START, QUIET_END = time(21, 0), time(8, 0)
URGENT_BEFORE_SESSION = timedelta(hours=3)


@dataclass
class Report:
    expanded: int = 0  # fan-out rows turned into per-person messages
    sent: int = 0
    retried: int = 0
    failed: int = 0
    held: int = 0
    skipped: int = 0


def quiet_hours_end(now: datetime) -> datetime | None:
    """When SMS may go again if ``now`` is within 21:00–08:00 Asia/Shanghai, else None."""
    local = now.astimezone(SHANGHAI)
    if QUIET_END <= local.time() < QUIET_START:
        return None
    day = local.date() if local.time() < QUIET_END else local.date() + timedelta(days=1)
    return datetime.combine(day, QUIET_END, tzinfo=SHANGHAI)


def held_until(notification: Notification, now: datetime) -> datetime | None:
    """Until when an SMS waits for the end of quiet hours; None to send now. Login codes are never held,
    nor messages about a session that starts within 3 hours."""
    if notification.channel != Channel.SMS or notification.kind == NotificationKind.LOGIN_CODE:
        return None
    starts = notification.session_starts_at
    if starts is not None and starts - now <= URGENT_BEFORE_SESSION:
        return None
    return quiet_hours_end(now)


@dataclass(frozen=True)
class Claimed:
    """What the worker needs of a claimed row, read once (a commit would expire ORM objects)."""

    id: int
    kind: NotificationKind
    channel: Channel
    address: str | None
    title: str
    body: str
    event_id: int | None
    user_id: int | None
    session_starts_at: datetime | None
    attempts: int

    @classmethod
    def of(cls, row: Notification) -> "Claimed":
        return cls(**{name: getattr(row, name) for name in cls.__dataclass_fields__})


def claim_due(now: datetime, limit: int) -> list[Claimed]:
    """Claim up to ``limit`` due messages for this worker and commit the claim; returns them.

    ``NOTIFY_CLAIM_ENABLED = False`` skips the claim (tests only: the control that shows a message
    sent twice by two workers without it).
    """
    begin_locking_transaction()  # SQLite: take the write lock first; PostgreSQL: bound lock waits
    due = or_(
        (Notification.status == DeliveryStatus.PENDING) & (Notification.next_attempt_at <= now),
        (Notification.status == DeliveryStatus.SENDING) & (Notification.claimed_at < now - CLAIM_TIMEOUT),
    )
    candidates = db.select(Notification.id).where(due).order_by(Notification.next_attempt_at, Notification.id)
    candidates = candidates.limit(limit)
    claiming = current_app.config.get("NOTIFY_CLAIM_ENABLED", True)
    if claiming and db.engine.dialect.name == "postgresql":
        candidates = candidates.with_for_update(skip_locked=True)
    ids = db.session.execute(candidates).scalars().all()
    race_window()
    if not claiming:
        db.session.commit()
        rows = db.session.execute(db.select(Notification).where(Notification.id.in_(ids))).scalars().all()
        return [Claimed.of(row) for row in rows]
    if not ids:
        db.session.commit()
        return []
    token = secrets.token_hex(16)
    db.session.execute(
        db.update(Notification).where(Notification.id.in_(ids), due)
        .values(status=DeliveryStatus.SENDING, claim_token=token, claimed_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    rows = db.session.execute(
        db.select(Notification).where(Notification.claim_token == token, Notification.status == DeliveryStatus.SENDING)
        .order_by(Notification.id)
    ).scalars().all()
    return [Claimed.of(row) for row in rows]


def _preferences(claimed: list[Claimed]) -> dict[int, tuple[bool, bool]]:
    """``{user_id: (sms on, e-mail on)}`` for the people of a batch, in one query."""
    user_ids = {c.user_id for c in claimed if c.user_id is not None}
    if not user_ids:
        return {}
    rows = db.session.execute(db.select(User.id, User.notify_sms, User.notify_email).where(User.id.in_(user_ids)))
    return {user_id: (sms is not False, email is not False) for user_id, sms, email in rows}


def _still_wanted(notification: Claimed, preferences: dict) -> bool:
    """False when the person has since turned the channel off (login codes always go)."""
    if notification.user_id is None:
        return True
    if notification.user_id not in preferences:
        return False
    sms, email = preferences[notification.user_id]
    return sms if notification.channel == Channel.SMS else email


def _send(notification: Claimed) -> None:
    if notification.channel == Channel.SMS:
        send_sms(notification.address, notification.kind.value, notification.body)
    elif notification.channel == Channel.EMAIL:
        send_mail(notification.address, notification.title, notification.body)


def retry_delay(attempts: int) -> timedelta:
    """Back-off after the ``attempts``-th failed try: 30 s, 1 min, 2 min, … capped at 1 h."""
    base = int(current_app.config.get("NOTIFY_RETRY_SECONDS", 30))
    return timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), 3600))


def _outcome(notification: Claimed, now: datetime, report: Report, preferences: dict) -> dict:
    """Send one claimed message (or hold or skip it) and say what to record; writes nothing
    (except a fan-out row's per-person messages, committed with its outcome)."""
    if notification.channel == Channel.FANOUT:
        report.expanded += 1
        return {"status": DeliveryStatus.SENT, "sent_at": utcnow(), "attempts": notification.attempts + 1}
    hold = held_until(notification, now)
    if hold is not None:
        report.held += 1
        return {"status": DeliveryStatus.PENDING, "next_attempt_at": hold}
    if not _still_wanted(notification, preferences):
        report.skipped += 1
        return {"status": DeliveryStatus.SKIPPED}
    attempts = notification.attempts + 1
    try:
        _send(notification)
    except DeliveryError as error:
        values = {"attempts": attempts, "last_error": str(error)[:500]}
        if attempts >= int(current_app.config.get("NOTIFY_MAX_ATTEMPTS", 5)):
            current_app.logger.error("giving up on notification %s: %s", notification.id, error)
            report.failed += 1
            return {**values, "status": DeliveryStatus.FAILED}
        report.retried += 1
        return {**values, "status": DeliveryStatus.PENDING, "next_attempt_at": now + retry_delay(attempts)}
    report.sent += 1
    values = {"attempts": attempts, "status": DeliveryStatus.SENT, "sent_at": utcnow(), "last_error": None}
    if notification.kind == NotificationKind.LOGIN_CODE:
        values.update(body="******", title="******")  # the code is no business of the outbox once sent
    return values


def deliver_one(notification: Claimed, now: datetime, report: Report, preferences: dict) -> None:
    """Send one claimed message and commit its outcome."""
    values = _outcome(notification, now, report, preferences)
    begin_locking_transaction()  # SQLite: a read transaction cannot always be upgraded to a write
    if notification.channel == Channel.FANOUT:
        try:
            expand_fanout(notification)
            db.session.flush()
        except IntegrityError:  # another worker expanded it (after this one's claim had expired)
            db.session.rollback()
            return
    db.session.execute(db.update(Notification).where(Notification.id == notification.id).values(**values)
                       .execution_options(synchronize_session=False))
    db.session.commit()


def deliver_due(now: datetime | None = None, *, batch: int = 200, max_batches: int = 1000) -> Report:
    """Send every message due at ``now`` (default: the current time), batch by batch, each outcome
    committed as it happens; returns the counts."""
    report = Report()
    for _ in range(max_batches):
        moment = now or utcnow()
        claimed = claim_due(moment, batch)
        if not claimed:
            break
        expanded_before = report.expanded
        preferences = _preferences(claimed)
        db.session.commit()  # end the read: sending must not hold a transaction open
        for notification in claimed:
            deliver_one(notification, moment, report, preferences)
        if len(claimed) < batch and report.expanded == expanded_before:
            break
    return report
