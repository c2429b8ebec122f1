"""Attendance lists of an event: who may have them, the rows, and the file formats.

One row per registration: name and phone (masked unless unmasked), category, school, status,
registered at, the check-in time of each session, walk-in or not. The rows come from ONE query
(a correlated sub-select per session, answered from the one-success index), read in batches
(``yield_per``; a server-side cursor on PostgreSQL) and written out as they arrive, so a 20,000-row
list takes no more memory than a 1,000-row one.

Every export is audited; unmasking (organizers and counselors of the event's station only, with a
typed reason) is audited as such.
"""
import csv
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import IO

from flask_babel import gettext as _
from sqlalchemy import func
from sqlalchemy.orm import aliased

from ..accounts.models import SEEKER_CATEGORY_LABELS, Role, SeekerCategory, User
from ..audit.services import clean_reason, record
from ..booking.models import REGISTRATION_STATUS_LABELS, Registration, RegistrationStatus
from ..checkin.models import CheckIn, CheckInMethod
from ..core.db import get_row
from ..core.errors import Forbidden, NotFound
from ..core.masking import mask_name, mask_phone
from ..core.spreadsheet import csv_row, keep_as_text
from ..core.timeutil import isoformat_local, to_local, utcnow
from ..events.models import Event
from ..extensions import db

FORMATS = ("csv", "xlsx", "json")
BATCH = 1000
CSV_CHUNK_ROWS = 500
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- who may ---------------------------------------------------------------------------------------

def may_export(user, event: Event) -> bool:
    """Organizers and counselors of the event's station, and district admins (masked lists)."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.role == Role.ADMIN:
        return True
    return user.role in (Role.ORGANIZER, Role.COUNSELOR) and user.station_id == event.station_id


def may_unmask(user, event: Event) -> bool:
    """Full names and phones: organizers and counselors of the event's own station only."""
    return (getattr(user, "is_authenticated", False) and user.role in (Role.ORGANIZER, Role.COUNSELOR)
            and user.station_id is not None and user.station_id == event.station_id)


def exportable_event(event_id, user) -> Event:
    """The event whose attendance ``user`` may export; NotFound / Forbidden otherwise."""
    event = get_row(Event, event_id)
    if event is None:
        raise NotFound("not_found", _("活动不存在。"))
    if not may_export(user, event):
        raise Forbidden("forbidden", _("只有该活动所属乐业空间的组织者和服务专员可以导出签到名单。"))
    return event


def authorize_export(event_id, user, *, fmt: str, unmask: bool = False, reason=None) -> Event:
    """Check access for an export and record it in the audit log (the caller commits).

    Unmasking is refused (403 ``unmask_forbidden``) to anyone but the station's organizers and
    counselors, and needs a typed reason (422 ``reason_required``), which the audit entry keeps.
    """
    event = exportable_event(event_id, user)
    details = {"format": fmt, "unmasked": bool(unmask)}
    if unmask:
        if not may_unmask(user, event):
            raise Forbidden("unmask_forbidden", _("您的角色不能查看完整的姓名和手机号。"))
        details["reason"] = clean_reason(reason)
    record("attendance.unmask" if unmask else "attendance.export", event, actor=user,
           station_id=event.station_id, **details)
    return event


# --- the rows --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ExportPlan:
    """What a streamed export needs to know about its event, read up front.

    A streamed body is produced after the request's database session has been closed, so it must
    not touch the ORM objects of the request (they are detached by then); it gets this instead.
    """

    event_id: int
    session_ids: tuple[int, ...]
    headers: tuple[str, ...]


def plan_for(event: Event) -> ExportPlan:
    return ExportPlan(event.id, tuple(s.id for s in event.sessions), tuple(headers(event)))


@dataclass(frozen=True, slots=True)
class AttendanceRow:
    registration_id: int
    name: str
    phone: str
    category: str
    school: str
    status: RegistrationStatus
    registered_at: datetime
    walk_in: bool
    checkins: tuple  # the check-in time per session (event.sessions order), None where absent
    attend: str = "onsite"  # how they registered to attend (onsite / online)
    online_checkins: int = 0  # of their successful check-ins, those made through the join link

    @property
    def status_label(self) -> str:
        return str(REGISTRATION_STATUS_LABELS[self.status])

    @property
    def method(self) -> str | None:
        """How they attended: ``onsite``, ``online``, ``both`` (some sessions each way) or None."""
        attended = sum(moment is not None for moment in self.checkins)
        if not attended:
            return None
        if not self.online_checkins:
            return "onsite"
        return "online" if self.online_checkins >= attended else "both"

    @property
    def method_label(self) -> str:
        return {"onsite": _("线下签到"), "online": _("线上参加"), "both": _("线下+线上")}.get(self.method, "")


def _category_label(value) -> str:
    if not value:
        return ""
    try:
        return str(SEEKER_CATEGORY_LABELS[SeekerCategory(value)])
    except ValueError:
        return str(value)


def attendance_query(plan: ExportPlan, statuses=None):
    """One SELECT: each registration with its seeker and the check-in time of every session."""
    columns = []
    for session_id in plan.session_ids:
        checkin = aliased(CheckIn)
        columns.append(
            db.select(checkin.scanned_at)
            .where(checkin.registration_id == Registration.id, checkin.session_id == session_id,
                   checkin.admitted)
            .limit(1)
            .scalar_subquery()
            .label(f"session_{session_id}")
        )
    online = aliased(CheckIn)
    online_count = (
        db.select(func.count()).select_from(online)
        .where(online.registration_id == Registration.id, online.method == CheckInMethod.ONLINE,
               online.admitted)
        .scalar_subquery().label("online_checkins")
    )
    query = (
        db.select(Registration.id, Registration.status, Registration.created_at, Registration.walk_in,
                  User.name, User.phone, User.category, User.school, Registration.attend, online_count, *columns)
        .join(User, User.id == Registration.seeker_id)
        .where(Registration.event_id == plan.event_id)
        .order_by(Registration.id)
    )
    if statuses:
        query = query.where(Registration.status.in_(statuses))
    return query


def attendance_rows(event: Event | ExportPlan, *, unmask: bool = False, statuses=None) -> Iterator[AttendanceRow]:
    """The rows, streamed from the database in batches. Names and phones masked unless ``unmask``.

    Nothing is queried until the first row is asked for.
    """
    plan = event if isinstance(event, ExportPlan) else plan_for(event)
    result = db.session.execute(attendance_query(plan, statuses).execution_options(yield_per=BATCH))
    name_of = (lambda v: v or "") if unmask else mask_name
    phone_of = (lambda v: v or "") if unmask else mask_phone
    for row in result:
        yield AttendanceRow(
            registration_id=row[0],
            status=RegistrationStatus(row[1]),
            registered_at=row[2],
            walk_in=bool(row[3]),
            name=name_of(row[4]),
            phone=phone_of(row[5]),
            category=_category_label(row[6]),
            school=row[7] or "",
            attend=(row[8].value if hasattr(row[8], "value") else row[8]) or "onsite",
            online_checkins=row[9] or 0,
            checkins=tuple(row[10:]),
        )


def longest_texts(event: Event) -> dict[str, int]:
    """The longest name and school among the event's registrations (for column widths)."""
    longest_name, longest_school = db.session.execute(
        db.select(func.max(func.length(User.name)), func.max(func.length(User.school)))
        .join(Registration, Registration.seeker_id == User.id)
        .where(Registration.event_id == event.id)
    ).one()
    return {"name": longest_name or 0, "school": longest_school or 0}


# --- headers and cells -----------------------------------------------------------------------------

def session_header(event: Event, index: int) -> str:
    session = event.sessions[index]
    title = session.title or _("第%(n)d场", n=index + 1)
    return _("%(title)s签到（%(when)s）", title=title, when=to_local(session.starts_at).strftime("%m-%d %H:%M"))


def headers(event: Event) -> list[str]:
    return [_("报名编号"), _("姓名"), _("手机号"), _("人员类别"), _("学校"), _("报名状态"), _("报名时间"),
            *(session_header(event, i) for i in range(len(event.sessions))), _("现场报名"), _("签到方式")]


def local_text(moment: datetime | None) -> str:
    return to_local(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def local_naive(moment: datetime | None) -> datetime | None:
    """Shanghai wall time without a zone: what a spreadsheet cell holds."""
    return to_local(moment).replace(tzinfo=None, microsecond=0) if moment else None


def yes_no(value: bool) -> str:
    return _("是") if value else _("否")


def csv_values(row: AttendanceRow) -> list:
    """The row's CSV cells, every one safe from formula injection."""
    return csv_row([row.registration_id, row.name, row.phone, row.category, row.school,
                    row.status_label, local_text(row.registered_at), *(local_text(t) for t in row.checkins),
                    yes_no(row.walk_in), row.method_label])


# --- CSV -------------------------------------------------------------------------------------------

def csv_chunks(plan: ExportPlan, rows) -> Iterator[str]:
    """UTF-8 CSV with a byte-order mark (so Excel reads Chinese), in chunks of rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write("\ufeff")
    writer.writerow(csv_row(plan.headers))
    count = 0
    for row in rows:
        writer.writerow(csv_values(row))
        count += 1
        if count % CSV_CHUNK_ROWS == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


# --- XLSX ------------------------------------------------------------------------------------------

def display_width(text: str) -> int:
    """Columns a text needs in a spreadsheet: Chinese characters are about twice as wide."""
    return sum(2 if ord(char) > 0x2E7F else 1 for char in text)


def write_xlsx(event: Event, rows, target: IO[bytes]) -> None:
    """Write the list as .xlsx to ``target``: bold frozen header, a column per session with check-in
    times, widths that fit, and a summary row. Written row by row (openpyxl's write-only mode)."""
    # Imported here: openpyxl costs a worker ~19 MiB, and only exports need it.
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("签到名单"))
    titles = headers(event)
    session_count = len(event.sessions)
    longest = longest_texts(event)
    content_widths = [8, longest["name"] * 2, 13, 22, longest["school"] * 2, 8, 16, *([16] * session_count), 8, 10]
    for index, (title, content) in enumerate(zip(titles, content_widths, strict=True), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(max(display_width(title), content) + 2, 50)
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)

    def cell(value, *, font=None, number_format=None):
        if isinstance(value, str):  # control characters (a pasted title) would make openpyxl refuse the sheet
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
        item = WriteOnlyCell(sheet, value=value)
        keep_as_text(item)  # never a formula, whatever the text starts with
        if font is not None:
            item.font = font
        if number_format:
            item.number_format = number_format
        return item

    sheet.append([cell(title, font=bold) for title in titles])
    registrations = confirmed = walk_ins = online = 0
    attended = [0] * session_count
    when = "yyyy-mm-dd hh:mm"
    for row in rows:
        registrations += 1
        confirmed += row.status == RegistrationStatus.CONFIRMED
        walk_ins += row.walk_in
        online += row.method in ("online", "both")
        for index, moment in enumerate(row.checkins):
            attended[index] += moment is not None
        sheet.append([
            row.registration_id, cell(row.name), cell(row.phone), cell(row.category),
            cell(row.school), cell(row.status_label), cell(local_naive(row.registered_at), number_format=when),
            *(cell(local_naive(moment), number_format=when) for moment in row.checkins),
            cell(yes_no(row.walk_in)), cell(row.method_label),
        ])
    summary = [
        cell(_("合计"), font=bold),
        cell(_("%(n)d 条报名", n=registrations), font=bold),
        cell(_("已确认 %(n)d", n=confirmed), font=bold),
        None, None, None, None,
        *(cell(_("签到 %(n)d 人", n=count), font=bold) for count in attended),
        cell(_("现场 %(n)d", n=walk_ins), font=bold),
        cell(_("线上 %(n)d 人", n=online), font=bold),
    ]
    sheet.append(summary)
    sheet.append([cell(_("导出时间：%(when)s（北京时间）", when=local_text(utcnow())), font=Font(italic=True))])
    workbook.save(target)


# --- JSON ------------------------------------------------------------------------------------------

def row_json(row: AttendanceRow, session_ids: list[int]) -> dict:
    return {
        "registration_id": row.registration_id,
        "name": row.name,
        "phone": row.phone,
        "status": row.status.value,
        "walk_in": row.walk_in,
        "attend": row.attend,
        "method": row.method,
        "category": row.category,
        "school": row.school,
        "registered_at": isoformat_local(row.registered_at),
        "sessions": [{"session_id": session_id, "checked_in_at": isoformat_local(moment)}
                     for session_id, moment in zip(session_ids, row.checkins, strict=True)],
    }


def json_chunks(event_data: dict, plan: ExportPlan, rows, *, unmasked: bool) -> Iterator[str]:
    """``{"event": {...}, "masked": bool, "rows": [...]}``, written row by row."""
    session_ids = list(plan.session_ids)
    head = json.dumps({"event": event_data, "masked": not unmasked}, ensure_ascii=False)
    yield head[:-1] + ', "rows": ['
    separator = ""
    batch = []
    for row in rows:
        batch.append(separator + json.dumps(row_json(row, session_ids), ensure_ascii=False))
        separator = ","
        if len(batch) >= CSV_CHUNK_ROWS:
            yield "".join(batch)
            batch = []
    yield "".join(batch) + "]}"


# --- the printable sign-in sheet -----------------------------------------------------------------------

SHEET_STATUSES = (RegistrationStatus.CONFIRMED,)
BLANK_ROWS = 10


def sheet_rows(event: Event, *, unmask: bool = False) -> Iterator[AttendanceRow]:
    """Confirmed registrations for the door's paper list (cancelled and waitlisted left out)."""
    return attendance_rows(event, unmask=unmask, statuses=SHEET_STATUSES)


_UNSAFE_IN_FILENAME = re.compile(r'[\\/:*?"<>|\s\x00-\x1f]+')


def export_filename(event: Event, extension: str, *, unmasked: bool) -> str:
    """``签到名单-<event title>-<id>-<Shanghai time>.xlsx``: an organizer's downloads folder tells the
    events apart. Characters that Windows or a header would refuse become ``_``."""
    stamp = to_local(utcnow()).strftime("%Y%m%d-%H%M")
    title = _UNSAFE_IN_FILENAME.sub("_", event.title or "").strip("_.")[:40]
    full = "-" + _("完整") if unmasked else ""
    return f"{_('签到名单')}-{title}-{event.id}-{stamp}{full}.{extension}"
