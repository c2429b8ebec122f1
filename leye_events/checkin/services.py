"""The one check-in operation used by every path: scanner page, ticket URL, manual search, API,
offline upload and walk-in. The only place that writes check-ins. Callers commit."""
import hashlib
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from ..accounts import services as accounts
from ..accounts.auth import is_staff_of_station
from ..accounts.models import Role, User
from ..audit.services import record
from ..booking import services as booking
from ..booking.models import Registration, RegistrationStatus
from ..booking.services import registration_by_code
from ..core.db import (
    attach_as_loaded,
    begin_locking_transaction,
    get_row,
    is_row_id,
    is_sqlite,
    lock_row,
    race_window,
)
from ..core.errors import Conflict, Forbidden, NotFound, ServiceError
from ..core.timeutil import utcnow
from ..events.models import Event, EventSession, EventStatus
from ..extensions import db
from . import queries
from .models import CheckIn, CheckInMethod, CheckInResult
from .signals import attendance_withdrawn

# Doors open this long before a session starts and stay open this long after it ends.
OPENS_BEFORE = timedelta(hours=2)
CLOSES_AFTER = timedelta(hours=1)
# The live room: a join link counts from this long before a session starts until it ends.
ONLINE_OPENS_BEFORE = timedelta(minutes=15)
DOOR_ROLES = (Role.DOOR, Role.COUNSELOR, Role.ORGANIZER, Role.ADMIN)
# Who may still correct a check-in once its session's door has closed (with a reason).
CORRECTING_ROLES = (Role.ORGANIZER, Role.ADMIN)
# The longest text a door may send, per field: longer is refused (422), never cut or stored.
MAX_LENGTHS = {"code": 2048, "gate": 64, "device": 100, "nonce": 64, "reason": 200}
# Scans judged on the fast path; walk-ins, ticket URLs and join links take the general one.
FAST_METHODS = (CheckInMethod.QR, CheckInMethod.MANUAL, CheckInMethod.OFFLINE)
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
class ScanOutcome:
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


def check_length(field: str, value) -> str:
    """``value`` (a string or None) if it fits ``MAX_LENGTHS[field]``; 422 ``too_long`` otherwise."""
    value = value or ""
    if len(value) > MAX_LENGTHS[field]:
        raise ServiceError("too_long", _("此字段最多 %(n)d 个字符。", n=MAX_LENGTHS[field]), field=field)
    return value


def _check_scan_lengths(scan: "Scan") -> None:
    for field in ("code", "gate", "device", "nonce"):
        check_length(field, getattr(scan, field))


def may_check_in(user: User, event: Event) -> bool:
    return may_work_door(user, event.station_id)


def may_work_door(user: User, station_id: int | None) -> bool:
    """Door roles of the station (or an admin) may check tickets in at its events."""
    return user.role in DOOR_ROLES and is_staff_of_station(user, station_id)


def door_event(event_id, user: User, options=()) -> Event:
    """The event, if ``user`` may work its door; NotFound / Forbidden otherwise. ``options`` are loader
    options (what to load with it in the same statement)."""
    event = get_row(Event, event_id, options)
    if event is None:
        raise NotFound("not_found", _("活动不存在。"))
    if not may_check_in(user, event):
        _refuse_door()
    return event


def _refuse_door():
    raise Forbidden("forbidden", _("您不是该活动所属乐业空间的工作人员。"))


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
    return _current_of(event.sessions, moment)


def _current_of(sessions, moment: datetime):
    """``current_session`` over any list of objects with ``id``, ``starts_at`` and ``ends_at``."""
    open_now = [s for s in sessions if session_window_contains(s, moment)]
    running = [s for s in open_now if s.starts_at <= moment <= s.ends_at]
    if running:
        return max(running, key=lambda s: (s.starts_at, s.id))
    upcoming = [s for s in open_now if s.starts_at > moment]
    if upcoming:
        return min(upcoming, key=lambda s: (s.starts_at, s.id))
    if open_now:
        return max(open_now, key=lambda s: (s.ends_at, s.id))
    if len(sessions) == 1:
        return sessions[0]
    return None


def _resolve_session(event: Event, session_id, moment: datetime) -> EventSession | None:
    return _pick_session(event.sessions, session_id, moment)


def _pick_session(sessions, session_id, moment: datetime):
    """The session asked for (422 ``unknown_session`` if not among ``sessions``), else the current one."""
    if session_id in (None, ""):
        return _current_of(sessions, moment)
    session = next((s for s in sessions if s.id == session_id), None)
    if session is None:
        raise ServiceError("unknown_session", _("该场次不属于此活动。"), field="session_id")
    return session


def first_success(registration_id: int, session_id: int) -> CheckIn | None:
    return db.session.execute(
        db.select(CheckIn).filter(
            CheckIn.registration_id == registration_id,
            CheckIn.session_id == session_id,
            CheckIn.admitted,
        )
    ).scalar_one_or_none()


def _by_nonce(nonce: str) -> ScanOutcome | None:
    previous = db.session.execute(db.select(CheckIn).filter_by(nonce=nonce)).scalar_one_or_none()
    if previous is None:
        return None
    first = None
    if previous.result == CheckInResult.ALREADY_CHECKED_IN and previous.registration_id and previous.session_id:
        first = first_success(previous.registration_id, previous.session_id)
    return ScanOutcome(previous, first=first, replayed=True)


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


def scan_moment(scan: Scan, now: datetime) -> datetime:
    """The time a scan is judged at: the server's clock, except for an offline upload, which keeps its
    device time if that is not ahead of ours and not older than ``CHECKIN_OFFLINE_MAX_DELAY_HOURS``
    (422 ``upload_too_late`` then: a scan cannot be backdated into a door that has long closed)."""
    if scan.method != CheckInMethod.OFFLINE or scan.scanned_at is None or scan.scanned_at >= now:
        return now
    delay = timedelta(hours=current_app.config["CHECKIN_OFFLINE_MAX_DELAY_HOURS"])
    if now - scan.scanned_at > delay:
        raise ServiceError("upload_too_late", _("离线扫码上传过晚，不再计入签到；如需更正请联系组织者。"),
                           field="scanned_at")
    return scan.scanned_at


def check_in(scan: Scan, *, staff: User, now: datetime | None = None) -> ScanOutcome:
    """Admit a ticket to a session at most once, whichever door scans it and however many at once.

    Every attempt is logged with its outcome, except unknown codes past the hourly limit per event
    (answered, not stored). A nonce seen before returns the first answer and adds nothing. Online scans
    are judged by the server's clock (``now``: only the demo seed replays the past); an offline upload
    by its device time, see ``scan_moment``. If the server had already admitted the ticket elsewhere,
    the offline row is flagged as a conflict for staff to see. Over-long texts are refused (422).

    Method ``online`` is the registrant's own join link: ``staff`` is then the registrant (the code
    is the secret, no door role is needed), the window is the live room's (``online_window_contains``)
    and the time is the server's.

    Door scans (QR, manual, offline) take the fast path (``_check_in_fast``): one SELECT, one INSERT
    and, for a success, the case entry. What it does not handle it hands to the general path.
    """
    if scan.method in FAST_METHODS:
        outcome = _check_in_fast(scan, staff, now)
        if outcome is not None:
            return outcome
    return _check_in_general(scan, staff, now)


def _check_in_general(scan: Scan, staff: User, now: datetime | None) -> ScanOutcome:
    """Every case, with the ORM and a row lock on the ticket: the original path, and the fast
    path's fallback (unknown codes, foreign tickets, nonce replays, lost races)."""
    if scan.method == CheckInMethod.ONLINE:
        event = _online_event(scan, staff)
        scan.scanned_at = None
    else:
        event = door_event(scan.event_id, staff)
    _check_scan_lengths(scan)
    nonce = (scan.nonce or "").strip() or None
    if nonce:
        replay = _by_nonce(nonce)
        if replay is not None:
            return replay
    now = now or utcnow()
    moment = scan_moment(scan, now)
    session = _resolve_session(event, scan.session_id, moment)
    registration = registration_by_code(extract_code(scan.code))

    begin_locking_transaction()
    if registration is not None:
        registration = lock_row(Registration, registration.id)
    event = db.session.get(Event, event.id)
    result, first = _decide(event, registration, session, moment, scan.method)
    if result == CheckInResult.UNKNOWN_CODE and _unknown_codes_over_limit(event):
        return ScanOutcome(_row(event, scan, staff, None, session, result, nonce, moment, None))
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
    return ScanOutcome(checkin, first=first)


def _check_in_fast(scan: Scan, staff: User, now: datetime | None) -> ScanOutcome | None:
    """A door scan in three statements (``queries``): gather, decide in Python, insert with ``ON
    CONFLICT DO NOTHING`` on the one-success index, then the case entry through the signal. The
    index, not a lock, keeps one admission per session. None hands the scan to the general path:
    no such event (or no session), a nonce seen before, an unknown code, another event's ticket, or
    an insert the index refused (another door won; the general path answers ``already_checked_in``)."""
    if not is_row_id(scan.event_id):
        return None
    if is_sqlite():
        begin_locking_transaction(keep_loaded=True)  # the write lock before reading: no lock upgrade later
    nonce = (scan.nonce or "").strip() or None
    code = extract_code(scan.code)
    rows = queries.scan_facts(scan.event_id, code, nonce if nonce and len(nonce) <= MAX_LENGTHS["nonce"] else None)
    if not rows:
        return None
    head = rows[0]
    if not may_work_door(staff, head.station_id):
        _refuse_door()
    _check_scan_lengths(scan)
    if head.nonce_seen is not None:
        return None
    moment = scan_moment(scan, now or utcnow())
    session = _pick_session(rows, scan.session_id, moment)
    result = _decide_fast(scan, head, session, moment)
    if result is None:
        return None
    first = session if result == CheckInResult.ALREADY_CHECKED_IN else None
    race_window()
    values = dict(event_id=scan.event_id, session_id=session.id if session else None,
                  registration_id=head.registration_id, result=result, method=scan.method, gate=scan.gate or "",
                  device=scan.device or "", staff_id=staff.id, nonce=nonce, scanned_at=moment, created_at=utcnow(),
                  conflict=bool(scan.method == CheckInMethod.OFFLINE and first is not None
                                and (first.first_gate, first.first_device) != (scan.gate or "", scan.device or "")))
    checkin_id = queries.insert_checkin(**values)
    if checkin_id is None:
        return None
    checkin = _written_checkin(checkin_id, values, head)
    if result == CheckInResult.OK:
        from .signals import attendance_recorded

        attendance_recorded.send(checkin, facts=_attendance_facts(head, session))
    if first is not None:
        first = attach_as_loaded(CheckIn(id=first.first_id, scanned_at=first.first_scanned_at, gate=first.first_gate,
                               device=first.first_device))
    return ScanOutcome(checkin, first=first)


def _decide_fast(scan: Scan, head, session, moment) -> CheckInResult | None:
    """``_decide`` on the gathered row; None for what the general path must judge."""
    if head.event_status == EventStatus.CANCELLED:
        return CheckInResult.EVENT_CANCELLED
    if head.registration_id is None or head.registration_event_id != scan.event_id:
        return None  # unknown code (rate-limited logging) or another event's ticket
    if head.registration_status == RegistrationStatus.CANCELLED:
        return CheckInResult.CANCELLED
    if head.registration_status == RegistrationStatus.WAITLISTED:
        return CheckInResult.WAITLISTED
    if session is None or not _window_contains(session, moment, scan.method):
        return CheckInResult.NOT_OPEN
    if session.first_id is not None:
        return CheckInResult.ALREADY_CHECKED_IN
    return CheckInResult.OK


def _written_checkin(checkin_id: int, values: dict, head) -> CheckIn:
    """The written row (with its registration and holder) as persistent objects of the database
    session, built from what the scan already knows: nothing is loaded, and a column not given here
    loads on first use as usual."""
    checkin = attach_as_loaded(CheckIn(id=checkin_id, undone_at=None, undone_by_id=None, **values))
    if head.registration_id is not None:
        seeker = attach_as_loaded(User(id=head.seeker_id, name=head.seeker_name, role=head.seeker_role,
                             station_id=head.seeker_station_id, category=head.seeker_category))
        registration = attach_as_loaded(Registration(id=head.registration_id, event_id=head.registration_event_id,
                                           status=head.registration_status, walk_in=head.walk_in,
                                           seeker_id=head.seeker_id))
        set_committed_value(registration, "seeker", seeker)
        set_committed_value(checkin, "registration", registration)
    return checkin


def _attendance_facts(head, session) -> dict:
    """What the case's attendance entry records, so that its receiver need not load it again."""
    return {
        "seeker_id": head.seeker_id, "event_title": head.event_title, "event_kind": head.event_kind.value,
        "session_title": session.title if session else "", "station_id": head.station_id,
        "station_name": head.station_name or "", "seeker_station_id": head.seeker_station_id,
        "seeker_category": head.seeker_category,
    }


def _online_event(scan: Scan, seeker: User) -> Event:
    """The event of an online attendance, if ``seeker`` holds the scanned ticket; Forbidden otherwise."""
    registration = registration_by_code(extract_code(scan.code))
    if registration is None or registration.seeker_id != seeker.id or registration.event_id != scan.event_id:
        raise Forbidden("forbidden", _("只能用本人的参会链接签到。"))
    return registration.event


def _unknown_codes_over_limit(event: Event) -> bool:
    """True when the event's log already holds its share of unknown codes for the last hour."""
    now = utcnow()
    limit = current_app.config["CHECKIN_UNKNOWN_CODES_LOGGED_PER_HOUR"]
    logged = db.session.execute(
        db.select(func.count()).select_from(CheckIn).filter(
            CheckIn.event_id == event.id, CheckIn.result == CheckInResult.UNKNOWN_CODE,
            CheckIn.created_at > now - timedelta(hours=1))
    ).scalar_one()
    return logged >= limit


def _log(event, scan: Scan, staff, registration, session, result, nonce, moment, first) -> CheckIn:
    checkin = _row(event, scan, staff, registration, session, result, nonce, moment, first)
    db.session.add(checkin)
    return checkin


def _row(event, scan: Scan, staff, registration, session, result, nonce, moment, first) -> CheckIn:
    """The log row of a scan, not yet added to the database session."""
    offline = scan.method == CheckInMethod.OFFLINE
    return CheckIn(
        event_id=event.id,
        session_id=session.id if session else None,
        registration_id=registration.id if registration else None,
        registration=registration,
        result=result,
        method=scan.method,
        gate=scan.gate or "",
        device=scan.device or "",
        staff_id=staff.id,
        nonce=nonce,
        scanned_at=moment,
        created_at=utcnow(),
        conflict=bool(offline and result == CheckInResult.ALREADY_CHECKED_IN and first is not None
                      and (first.gate, first.device) != (scan.gate or "", scan.device or "")),
    )


def undo(checkin_id: int, *, staff: User, reason: str = "") -> CheckIn:
    """Withdraw a mistaken successful check-in. The row stays, marked undone; the ticket may be
    admitted again. Door staff may undo while the session's door is open; once it has closed, only an
    organizer of the station (or an admin) may, with a reason (403 ``door_closed``, 422
    ``reason_required``). Every undo is audited with the event's station."""
    checkin = db.session.get(CheckIn, checkin_id)
    if checkin is None:
        raise NotFound("not_found", _("签到记录不存在。"))
    event = door_event(checkin.event_id, staff)
    reason = check_length("reason", reason if isinstance(reason, str) else "").strip()
    if not checkin.admitted:
        raise ServiceError("not_undoable", _("只能撤销有效的签到记录。"))
    now = utcnow()
    door_open = checkin.session is not None and session_window_contains(checkin.session, now)
    if not door_open and staff.role not in CORRECTING_ROLES:
        raise Forbidden("door_closed", _("本场签到已结束，不能再撤销；如需更正，请联系活动组织者。"))
    if not door_open and not reason:
        raise ServiceError("reason_required", _("签到结束后的更正须填写原因。"), field="reason")
    checkin.undone_at = now
    checkin.undone_by_id = staff.id
    record("checkin.undo", checkin, actor=staff, station_id=event.station_id, event_id=checkin.event_id,
           session_id=checkin.session_id, registration_id=checkin.registration_id, reason=reason,
           after_door_closed=not door_open)
    attendance_withdrawn.send(checkin)
    return checkin


def session_counts(event: Event) -> dict[int, int]:
    """Successful, not undone check-ins per session id."""
    rows = db.session.execute(
        db.select(CheckIn.session_id, func.count())
        .filter(CheckIn.event_id == event.id, CheckIn.admitted)
        .group_by(CheckIn.session_id)
    ).all()
    return {session_id: count for session_id, count in rows}


def session_counts_by_method(event: Event) -> dict[int, dict[str, int]]:
    """``{session id: {"onsite": n, "online": m}}``: successful, not undone check-ins at the door
    and through join links (method ``online``), side by side."""
    rows = db.session.execute(
        db.select(CheckIn.session_id, CheckIn.method, func.count())
        .filter(CheckIn.event_id == event.id, CheckIn.admitted)
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
            CheckIn.event_id == event.id, CheckIn.admitted
        )
    ).scalars()
    attendance: dict[int, dict[int, CheckIn]] = {}
    for checkin in rows:
        attendance.setdefault(checkin.registration_id, {})[checkin.session_id] = checkin
    return attendance


def door_search(event: Event, query: str, *, staff: User, limit: int = 20) -> list[Registration]:
    """``search_registrations`` for a door, audited: who looked, in which event, whom they were shown."""
    found = search_registrations(event, query, limit)
    if (query or "").strip():
        record("checkin.search", event, actor=staff, registration_ids=[r.id for r in found],
               by="phone_tail" if query.strip().isdigit() else "name")
    return found


def record_roster_read(event: Event, *, staff: User, via: str) -> None:
    """Audit a download of the event's door roster (``via``: ``api`` or ``door``)."""
    record("checkin.roster_read", event, actor=staff, via=via)


def search_registrations(event: Event, query: str, limit: int = 20) -> list[Registration]:
    """Registrations of the event whose seeker's name contains ``query`` or whose phone ends
    with it (at least 4 digits), for the door's manual look-up."""
    query = (query or "").replace("\x00", "").strip()
    if not query:
        return []
    conditions = []
    if query.isdigit():
        if len(query) < 4:
            return []
        conditions.append(User.phone.like("%" + query))
    else:
        escaped = query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        conditions.append(User.name.like("%" + escaped + "%", escape="\\"))
    return db.session.execute(
        db.select(Registration)
        .join(User, User.id == Registration.seeker_id)
        .filter(Registration.event_id == event.id, *conditions)
        .options(db.contains_eager(Registration.seeker))
        .order_by(User.name)
        .limit(limit)
    ).scalars().all()


def walk_in(event_id: int, *, staff: User, name: str, phone: str, category=None, session_id=None,
            gate: str = "", device: str = "") -> ScanOutcome:
    """Register and admit someone new at the door in one step: create their seeker account, register
    them (marked walk-in) and check them in, all in one transaction.

    Creates nothing, and says nothing about anyone, when: the door of the session is not open now
    (422 ``not_open``); the phone already belongs to an account (409 ``account_exists``: that person
    shows their e-ticket or logs in to register on their own phone — the door never attaches a typed
    phone to an existing account and case, and learns no more than the public sign-up form tells);
    the event is full (422 ``event_full``, no waitlist at the door) or not for this person (422
    ``not_eligible``).
    """
    event = door_event(event_id, staff)
    if event.status == EventStatus.CANCELLED:
        raise ServiceError("event_cancelled", _("该活动已取消。"))
    gate, device = check_length("gate", gate), check_length("device", device)
    now = utcnow()
    session = _resolve_session(event, session_id, now)  # refuse an unknown session before creating anything
    if event.status != EventStatus.PUBLISHED or session is None or not session_window_contains(session, now):
        raise ServiceError("not_open", _("当前不在签到时间，不能现场报名。"), field="session_id")
    phone = accounts.normalize_phone(phone)
    begin_locking_transaction()  # account, registration and check-in: one transaction, on SQLite too
    if accounts.find_by_login(phone) is not None:
        raise Conflict("account_exists", _("该手机号已注册账号，不能现场代为报名。请对方登录后出示电子票；"
                                           "尚未报名的，请对方在手机上报名后再扫码。"), field="phone")
    seeker = accounts.create_walk_in_seeker(name=name, phone=phone, category=category, actor=staff,
                                            station=event.station)
    registration = booking.register(event.id, seeker, actor=staff, walk_in=True)
    db.session.flush()
    return check_in(
        Scan(code=registration.ticket_code, event_id=event.id, session_id=session.id, gate=gate, device=device,
             method=CheckInMethod.WALK_IN),
        staff=staff,
    )
