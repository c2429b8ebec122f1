"""The personal join link of an online registrant, and what opening it does.

A confirmed registration reaches the live room through ``/join/<ticket code>``: from 15 minutes
before one of its online sessions until that session ends, opening the link records the online
attendance through the one check-in operation (method ``online``, once per session, the same log,
lock and unique index as the door) and sends the person on to the live room. Earlier it says when
to come back; after the last session, it offers the replay. Cancelled and waitlisted registrations,
and cancelled events, get no link. The live room's address is never shown on a page: it is only
the target of that redirect. Callers commit.
"""
from dataclasses import dataclass
from datetime import datetime

from flask import url_for

from ..booking.models import Registration, RegistrationStatus
from ..booking.services import registration_by_code
from ..checkin.models import CheckInMethod, CheckInResult
from ..checkin.services import Scan, ScanOutcome, check_in, online_window_contains
from ..core.timeutil import utcnow
from ..events.models import EventMode, EventSession, EventStatus


def online_sessions(registration: Registration) -> list[EventSession]:
    """The sessions this registrant attends online: an online session (a workshop's online module,
    or any session of an online event), or a hybrid one when they chose to attend online."""
    sessions = []
    for session in registration.event.sessions:
        mode = session.effective_mode
        if mode == EventMode.ONLINE or (mode == EventMode.HYBRID and registration.attends_online):
            sessions.append(session)
    return sessions


def has_join_link(registration: Registration | None) -> bool:
    """Whether the registration has a join link: confirmed, event not cancelled, some online session."""
    return (registration is not None
            and registration.status == RegistrationStatus.CONFIRMED
            and registration.event.status != EventStatus.CANCELLED
            and bool(online_sessions(registration)))


def join_url(registration: Registration) -> str | None:
    """The absolute join link, or None when the registration has none."""
    if not has_join_link(registration):
        return None
    return url_for("online.join", code=registration.ticket_code, _external=True)


@dataclass
class JoinAnswer:
    """What opening a join link gives: ``state`` one of ``no_link``, ``open`` (go to ``target``),
    ``not_yet`` (come back at ``session``'s window), ``ended`` (``replay_url`` if any), and
    ``no_room`` (the window is open but the organizer has not set the live room's address yet)."""

    state: str
    registration: Registration | None = None
    session: EventSession | None = None
    outcome: ScanOutcome | None = None
    target: str | None = None

    @property
    def event(self):
        return self.registration.event if self.registration is not None else None


def _session_open_at(sessions: list[EventSession], now: datetime) -> EventSession | None:
    """The session whose window contains ``now``: the one running (latest started), else the next."""
    open_now = [s for s in sessions if online_window_contains(s, now)]
    running = [s for s in open_now if s.starts_at <= now]
    if running:
        return max(running, key=lambda s: (s.starts_at, s.id))
    return min(open_now, key=lambda s: (s.starts_at, s.id), default=None)


def join(code: str, now: datetime | None = None) -> JoinAnswer:
    """Open a join link at ``now`` (default: the server's clock); see the module's docstring."""
    registration = registration_by_code(code)
    if not has_join_link(registration):
        return JoinAnswer("no_link")
    now = now or utcnow()
    sessions = online_sessions(registration)
    session = _session_open_at(sessions, now)
    if session is None:
        upcoming = [s for s in sessions if s.starts_at > now]
        if upcoming:
            return JoinAnswer("not_yet", registration, min(upcoming, key=lambda s: (s.starts_at, s.id)))
        return JoinAnswer("ended", registration, max(sessions, key=lambda s: (s.ends_at, s.id)),
                          target=registration.event.replay_url or None)
    event = registration.event
    if not event.online_url:
        return JoinAnswer("no_room", registration, session)
    outcome = check_in(
        Scan(code=registration.ticket_code, event_id=event.id, session_id=session.id, gate="online",
             method=CheckInMethod.ONLINE),
        staff=registration.seeker,
    )
    if outcome.result not in (CheckInResult.OK, CheckInResult.ALREADY_CHECKED_IN):
        return JoinAnswer("no_link", registration, session, outcome)
    return JoinAnswer("open", registration, session, outcome, target=event.online_url)
