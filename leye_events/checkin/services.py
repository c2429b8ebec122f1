"""The one check-in operation used by every path: scanner page, ticket URL, manual search, API,
offline upload and walk-in. The only place that writes check-ins. Callers commit."""
import hashlib
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import func
from sqlalchemy.exc import IntegrityError

from ..accounts.auth import is_staff_of_station
from ..accounts.models import Role, User
from ..audit.services import record
from ..booking.models import Registration, RegistrationStatus
from ..booking.services import registration_by_code
from ..core.db import begin_locking_transaction, lock_row, race_window
from ..core.errors import Forbidden, NotFound, ServiceError
from ..core.timeutil import utcnow
from ..events.models import Event, EventSession, EventStatus
from ..extensions import db
from .models import CheckIn, CheckInMethod, CheckInResult

# Doors open this long before a session starts and stay open this long after it ends.
OPENS_BEFORE = timedelta(hours=2)
CLOSES_AFTER = timedelta(hours=1)
# The live room: a join link counts from this long before a session starts until it ends.
ONLINE_OPENS_BEFORE = timedelta(minutes=15)
DOOR_ROLES = (Role.DOOR, Role.COUNSELOR, Role.ORGANIZER, Role.ADMIN)
MAX_ID = 2**31 - 1  # primary keys are 32-bit on PostgreSQL
_CODE_IN_TEXT = re.compile(r"/tickets/([A-Za-z0-9_\-]{10,64})")
_BARE_CODE = re.compile(r"^[A-Za-z0-9_\-]{10,64}$")


@dataclass
class Scan:
    """What a door sends: the ticket's text and where and when it was scanned."""

    code: str
    event_id: int
    session_id: int | None = None
    gate: str = ""
    device: str = ""
    nonce: str | None = None
    scanned_at: datetime | None = None
    method: CheckInMethod = CheckInMethod.QR


@dataclass
class Outcome:
    checkin: CheckIn
    first: CheckIn | None = None  # the earlier success, for already_checked_in
    replayed: bool = False  # the nonce was seen before; this is the first answer again

    @property
    def result(self) -> CheckInResult:
        return self.checkin.result

    @property
    def registration(self) -> Registration | None:
        return self.checkin.registration


def extract_code(text: str | None) -> str:
    """The ticket code in a scan: the bare code, or the code inside a ticket URL."""
    text = (text or "").strip() if isinstance(text, str) else ""
    found = _CODE_IN_TEXT.search(text)
    if found:
        return found.group(1)
    return text if _BARE_CODE.match(text) else ""


def code_hash(code: str) -> str:
    """What an offline roster holds instead of the code itself."""
    return hashlib.sha256(code.encode("utf-8")).hexdigest()


def may_check_in(user: User, event: Event) -> bool:
    return user.role in DOOR_ROLES and is_staff_of_station(user, event.station_id)


def door_event(event_id, user: User) -> Event:
    """The event, if ``user`` may work its door; NotFound / Forbidden otherwise."""
    in_range = isinstance(event_id, int) and 1 <= event_id <= MAX_ID  # a larger id would overflow the database
    event = db.session.get(Event, event_id) if in_range else None
    if event is None:
        raise NotFound("not_found", _("活动不存在。"))
    if not may_check_in(user, event):
        raise Forbidden("forbidden", _("您不是该活动所属乐业空间的工作人员。"))
    return event


def session_window_contains(session: EventSession, moment: datetime) -> bool:
    return session.starts_at - OPENS_BEFORE <= moment <= session.ends_at + CLOSES_AFTER


def online_window_contains(session: EventSession, moment: datetime) -> bool:
    """The join link's window: from 15 minutes before the session until its end."""
    return session.starts_at - ONLINE_OPENS_BEFORE <= moment <= session.ends_at


def _window_contains(session: EventSession, moment: datetime, method: CheckInMethod) -> bool:
    if method == CheckInMethod.ONLINE:
        return online_window_contains(session, moment)
    return session_window_contains(session, moment)


def current_session(event: Event, moment: datetime) -> EventSession | None:
    """The session people arriving at ``moment`` come for, among those whose door is open: the one
    running now (the latest started if several), else the next to start, else the one that ended last.
    For a one-session event, that session even when closed (the scan then says ``not_open``)."""
    open_now = [s for s in event.sessions if session_window_contains(s, moment)]
    running = [s for s in open_now if s.starts_at <= moment <= s.ends_at]
    if running:
        return max(running, key=lambda s: (s.starts_at, s.id))
    upcoming = [s for s in open_now if s.starts_at > moment]
    if upcoming:
        return min(upcoming, key=lambda s: (s.starts_at, s.id))
    if open_now:
        return max(open_now, key=lambda s: (s.ends_at, s.id))
    if len(event.sessions) == 1:
        return event.sessions[0]
    return None


def _resolve_session(event: Event, session_id, moment: datetime) -> EventSession | None:
    if session_id in (None, ""):
        return current_session(event, moment)
    session = next((s for s in event.sessions if s.id == session_id), None)
    if session is None:
        raise ServiceError("unknown_session", _("该场次不属于此活动。"), field="session_id")
    return session


def first_success(registration_id: int, session_id: int) -> CheckIn | None:
    return db.session.execute(
        db.select(CheckIn).filter(
            CheckIn.registration_id == registration_id,
            CheckIn.session_id == session_id,
            CheckIn.result == CheckInResult.OK,
            CheckIn.undone_at.is_(None),
        )
    ).scalar_one_or_none()


def _by_nonce(nonce: str) -> Outcome | None:
    previous = db.session.execute(db.select(CheckIn).filter_by(nonce=nonce)).scalar_one_or_none()
    if previous is None:
        return None
    first = None
    if previous.result == CheckInResult.ALREADY_CHECKED_IN and previous.registration_id and previous.session_id:
        first = first_success(previous.registration_id, previous.session_id)
    return Outcome(previous, first=first, replayed=True)


def _decide(event: Event, registration: Registration | None, session: EventSession | None, moment,
            method: CheckInMethod = CheckInMethod.QR) -> tuple:
    if event.status == EventStatus.CANCELLED:
        return CheckInResult.EVENT_CANCELLED, None
    if registration is None:
        return CheckInResult.UNKNOWN_CODE, None
    if registration.event_id != event.id:
        return CheckInResult.WRONG_EVENT, None
    if registration.status == RegistrationStatus.CANCELLED:
        return CheckInResult.CANCELLED, None
    if registration.status == RegistrationStatus.WAITLISTED:
        return CheckInResult.WAITLISTED, None
    if session is None or not _window_contains(session, moment, method):
        return CheckInResult.NOT_OPEN, None
    first = first_success(registration.id, session.id)
    if first is not None:
        return CheckInResult.ALREADY_CHECKED_IN, first
    return CheckInResult.OK, None


def check_in(scan: Scan, *, staff: User) -> Outcome:
    """Admit a ticket to a session at most once, whichever door scans it and however many at once.

    Every attempt is logged with its outcome. A nonce seen before returns the first answer and adds
    nothing. An offline upload keeps its device time; if the server had already admitted the ticket
    elsewhere, the row is flagged as a conflict for staff to see.

    Method ``online`` is the registrant's own join link: ``staff`` is then the registrant (the code
    is the secret, no door role is needed), the window is the live room's (``online_window_contains``)
    and the time is the server's.
    """
    if scan.method == CheckInMethod.ONLINE:
        event = _online_event(scan, staff)
        scan.scanned_at = None
    else:
        event = door_event(scan.event_id, staff)
    nonce = (scan.nonce or "").strip()[:64] or None
    if nonce:
        replay = _by_nonce(nonce)
        if replay is not None:
            return replay
    now = utcnow()
    moment = min(scan.scanned_at or now, now)  # a device clock ahead of ours is not trusted
    session = _resolve_session(event, scan.session_id, moment)
    registration = registration_by_code(extract_code(scan.code))

    begin_locking_transaction()
    if registration is not None:
        registration = lock_row(Registration, registration.id)
    event = db.session.get(Event, event.id)
    result, first = _decide(event, registration, session, moment, scan.method)
    race_window()
    checkin = _log(event, scan, staff, registration, session, result, nonce, moment, first)
    try:
        db.session.flush()
    except IntegrityError:
        # Another door won the race (possible only without the row lock) or the nonce was just used.
        db.session.rollback()
        if nonce and (replay := _by_nonce(nonce)) is not None:
            return replay
        first = first_success(registration.id, session.id)
        checkin = _log(event, scan, staff, registration, session, CheckInResult.ALREADY_CHECKED_IN, nonce, moment, first)
        db.session.flush()
        result = CheckInResult.ALREADY_CHECKED_IN
    if result == CheckInResult.OK:
        from .signals import attendance_recorded

        attendance_recorded.send(checkin)
    return Outcome(checkin, first=first)


def _online_event(scan: Scan, seeker: User) -> Event:
    """The event of an online attendance, if ``seeker`` holds the scanned ticket; Forbidden otherwise."""
    registration = registration_by_code(extract_code(scan.code))
    if registration is None or registration.seeker_id != seeker.id or registration.event_id != scan.event_id:
        raise Forbidden("forbidden", _("只能用本人的参会链接签到。"))
    return registration.event


def _log(event, scan: Scan, staff, registration, session, result, nonce, moment, first) -> CheckIn:
    offline = scan.method == CheckInMethod.OFFLINE
    checkin = CheckIn(
        event_id=event.id,
        session_id=session.id if session else None,
        registration_id=registration.id if registration else None,
        registration=registration,
        result=result,
        method=scan.method,
        gate=(scan.gate or "")[:64],
        device=(scan.device or "")[:100],
        staff_id=staff.id,
        nonce=nonce,
        scanned_at=moment,
        conflict=bool(offline and result == CheckInResult.ALREADY_CHECKED_IN and first is not None
                      and (first.gate, first.device) != ((scan.gate or "")[:64], (scan.device or "")[:100])),
    )
    db.session.add(checkin)
    return checkin


def undo(checkin_id: int, *, staff: User, reason: str = "") -> CheckIn:
    """Withdraw a mistaken successful check-in. The row stays, marked undone; the ticket may be
    admitted again."""
    checkin = db.session.get(CheckIn, checkin_id)
    if checkin is None:
        raise NotFound("not_found", _("签到记录不存在。"))
    door_event(checkin.event_id, staff)
    if checkin.result != CheckInResult.OK or checkin.undone_at is not None:
        raise ServiceError("not_undoable", _("只能撤销有效的签到记录。"))
    checkin.undone_at = utcnow()
    checkin.undone_by_id = staff.id
    record("checkin.undo", checkin, actor=staff, station_id=None, event_id=checkin.event_id,
           registration_id=checkin.registration_id, reason=(reason or "")[:200])
    from .signals import attendance_withdrawn

    attendance_withdrawn.send(checkin)
    return checkin


def session_counts(event: Event) -> dict[int, int]:
    """Successful, not undone check-ins per session id."""
    rows = db.session.execute(
        db.select(CheckIn.session_id, func.count())
        .filter(CheckIn.event_id == event.id, CheckIn.result == CheckInResult.OK, CheckIn.undone_at.is_(None))
        .group_by(CheckIn.session_id)
    ).all()
    return {session_id: count for session_id, count in rows}


def session_counts_by_method(event: Event) -> dict[int, dict[str, int]]:
    """``{session id: {"onsite": n, "online": m}}``: successful, not undone check-ins at the door
    and through join links (method ``online``), side by side."""
    rows = db.session.execute(
        db.select(CheckIn.session_id, CheckIn.method, func.count())
        .filter(CheckIn.event_id == event.id, CheckIn.result == CheckInResult.OK, CheckIn.undone_at.is_(None))
        .group_by(CheckIn.session_id, CheckIn.method)
    ).all()
    counts: dict[int, dict[str, int]] = {}
    for session_id, method, count in rows:
        split = counts.setdefault(session_id, {"onsite": 0, "online": 0})
        split["online" if method == CheckInMethod.ONLINE else "onsite"] += count
    return counts


def attendance_by_registration(event: Event) -> dict[int, dict[int, CheckIn]]:
    """{registration id: {session id: the successful check-in}} for an event."""
    rows = db.session.execute(
        db.select(CheckIn).filter(
            CheckIn.event_id == event.id, CheckIn.result == CheckInResult.OK, CheckIn.undone_at.is_(None)
        )
    ).scalars()
    attendance: dict[int, dict[int, CheckIn]] = {}
    for checkin in rows:
        attendance.setdefault(checkin.registration_id, {})[checkin.session_id] = checkin
    return attendance


def search_registrations(event: Event, query: str, limit: int = 20) -> list[Registration]:
    """Registrations of the event whose seeker's name contains ``query`` or whose phone ends
    with it (at least 4 digits), for the door's manual look-up."""
    from ..accounts.models import User as Seeker

    query = (query or "").replace("\x00", "").strip()
    if not query:
        return []
    conditions = []
    if query.isdigit():
        if len(query) < 4:
            return []
        conditions.append(Seeker.phone.like("%" + query))
    else:
        escaped = query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        conditions.append(Seeker.name.like("%" + escaped + "%", escape="\\"))
    return db.session.execute(
        db.select(Registration)
        .join(Seeker, Seeker.id == Registration.seeker_id)
        .filter(Registration.event_id == event.id, *conditions)
        .options(db.contains_eager(Registration.seeker))
        .order_by(Seeker.name)
        .limit(limit)
    ).scalars().all()


def walk_in(event_id: int, *, staff: User, name: str, phone: str, category=None, session_id=None,
            gate: str = "", device: str = "") -> Outcome:
    """Register and admit someone at the door in one step: find or create their seeker account by
    phone, register them (even when the event is full, marked walk-in) and check them in."""
    from ..accounts import services as accounts
    from ..booking import services as booking

    event = door_event(event_id, staff)
    if event.status == EventStatus.CANCELLED:
        raise ServiceError("event_cancelled", _("该活动已取消。"))
    _resolve_session(event, session_id, utcnow())  # refuse an unknown session before creating anything
    phone = accounts.normalize_phone(phone)
    begin_locking_transaction()  # account, registration and check-in: one transaction, on SQLite too
    seeker = accounts.find_by_login(phone)
    if seeker is None:
        seeker = accounts.create_walk_in_seeker(name=name, phone=phone, category=category, actor=staff,
                                                station=event.station)
    elif seeker.role != Role.SEEKER:
        raise ServiceError("not_a_seeker", _("该手机号属于工作人员账号。"), field="phone")
    registration = booking.active_registration(event.id, seeker.id)
    if registration is None or registration.status != RegistrationStatus.CONFIRMED:
        if registration is not None:  # waitlisted: the door admits them in place of the queue
            booking.cancel(registration.id, actor=staff, reason="walk_in_admitted")
        registration = booking.register(event.id, seeker, actor=staff, walk_in=True, check_rules=False)
    db.session.flush()
    return check_in(
        Scan(code=registration.ticket_code, event_id=event.id, session_id=session_id, gate=gate, device=device,
             method=CheckInMethod.WALK_IN),
        staff=staff,
    )
