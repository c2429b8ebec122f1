"""Reading and importing outreach lists (.xlsx, or .csv in UTF-8 with or without BOM, or GB18030).

Columns (by header, any order): 姓名, 手机号, 类别, 居委/社区 (or 居委, 社区, 学校), 备注.
Each row is checked on its own; bad rows are reported with their row number (as Excel shows it)
and a reason, good rows are imported. The import is idempotent by phone: a known phone updates
the prospect (community, remark) or, for someone with an account, only makes sure of a case at
the station. Everything of one file happens in one transaction: a file that cannot be read, or
any failure while writing, leaves nothing behind.
"""
import csv
import io
import zipfile
from dataclasses import dataclass, field

from flask_babel import gettext as _

from ..accounts.models import SEEKER_CATEGORY_LABELS, Role, SeekerCategory, User
from ..accounts.services import NAME_MAX_LENGTH, normalize_phone
from ..audit.services import record
from ..cases.operations import case_for
from ..core.errors import Forbidden, ServiceError
from ..extensions import db
from .models import OutreachImport, Prospect

MAX_IMPORT_BYTES = 3 * 1024 * 1024
MAX_ROWS = 20000
# A password hash that no password matches: a prospect cannot log in until they sign up.
NO_LOGIN = "!prospect"
IMPORT_ROLES = (Role.COUNSELOR, Role.ORGANIZER)
COMMUNITY_MAX = 100
REMARK_MAX = 500

HEADERS = {
    "name": ("姓名",),
    "phone": ("手机号", "手机", "手机号码", "联系电话"),
    "category": ("类别", "人员类别"),
    "community": ("居委/社区", "居委", "社区", "居委会", "学校", "院校"),
    "remark": ("备注",),
}


@dataclass
class ImportRow:
    row: int
    name: str
    phone: str
    category: SeekerCategory
    community: str
    remark: str


@dataclass
class ImportReport:
    """What an import did (or, for a preview, would do)."""

    created: int = 0
    updated: int = 0
    rejected: list = field(default_factory=list)  # [{"row": n, "reason": "..."}]
    rows: list = field(default_factory=list)  # the good rows, for a preview

    def as_json(self) -> dict:
        return {"created": self.created, "updated": self.updated, "rejected": self.rejected}


def _unreadable() -> ServiceError:
    return ServiceError("unreadable_file", _("无法读取文件：请上传 .xlsx 或 .csv（UTF-8 或 GB18030 编码）名单。"),
                        field="file")


def check_size(size: int | None) -> None:
    """Refuse a file over MAX_IMPORT_BYTES (413 ``file_too_large``) before reading it."""
    if size is not None and size > MAX_IMPORT_BYTES:
        raise ServiceError("file_too_large",
                           _("文件过大：名单文件不能超过 %(mb)d MB，请分批上传。", mb=MAX_IMPORT_BYTES // (1024 * 1024)),
                           field="file", status=413)


def _csv_text(data: bytes) -> str:
    if b"\x00" in data[:4096]:
        raise _unreadable()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise _unreadable()


def _csv_rows(data: bytes) -> list[list[str]]:
    try:
        return [row for row in csv.reader(io.StringIO(_csv_text(data), newline=""))]
    except csv.Error:
        raise _unreadable() from None


def _xlsx_rows(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook  # imported on use: only imports and exports need openpyxl

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise _unreadable() from None
    try:
        sheet = workbook.worksheets[0]
        rows = []
        for values in sheet.iter_rows(values_only=True):
            rows.append(["" if value is None else _cell_text(value) for value in values])
            if len(rows) > MAX_ROWS + 1:
                break
        return rows
    finally:
        workbook.close()


def _cell_text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a phone typed as a number
    return str(value).strip()


def read_rows(filename: str, data: bytes) -> list[list[str]]:
    """The file's rows as lists of strings (header first). Raises ``unreadable_file`` / ``too_many_rows``."""
    check_size(len(data))
    if not data.strip():
        raise ServiceError("empty_file", _("文件是空的。"), field="file")
    rows = _xlsx_rows(data) if data[:4] == b"PK\x03\x04" else _csv_rows(data)
    if len(rows) > MAX_ROWS + 1:
        raise ServiceError("too_many_rows", _("名单最多 %(max)d 行，请分批上传。", max=MAX_ROWS), field="file")
    return rows


def _columns(header: list[str]) -> dict[str, int]:
    positions = {}
    cleaned = [(cell or "").strip().lstrip("\ufeff") for cell in header]
    for key, names in HEADERS.items():
        for index, cell in enumerate(cleaned):
            if cell in names and key not in positions:
                positions[key] = index
    missing = [HEADERS[key][0] for key in ("name", "phone") if key not in positions]
    if missing:
        raise ServiceError("missing_columns", _("第一行须为表头，缺少列：%(columns)s。", columns="、".join(missing)),
                           field="file")
    return positions


CATEGORY_BY_TEXT = {**{str(label): category for category, label in SEEKER_CATEGORY_LABELS.items()},
                    **{category.value: category for category in SeekerCategory},
                    "高校毕业生": SeekerCategory.GRADUATE_UNEMPLOYED, "毕业生": SeekerCategory.GRADUATE_UNEMPLOYED,
                    "离校未就业": SeekerCategory.GRADUATE_UNEMPLOYED, "困难人员": SeekerCategory.HARD_TO_EMPLOY,
                    "失业": SeekerCategory.UNEMPLOYED, "青年": SeekerCategory.UNEMPLOYED_YOUTH}


def _category(text: str) -> SeekerCategory | None:
    text = text.strip()
    if not text:
        return SeekerCategory.OTHER
    # Labels in either language of the app, the stored values, and a few common short forms.
    for label, category in CATEGORY_BY_TEXT.items():
        if text == label or text.lower() == label.lower():
            return category
    return None


def _check_row(number: int, cells: list[str], columns: dict[str, int]) -> ImportRow:
    def cell(key: str) -> str:
        index = columns.get(key)
        return (cells[index] if index is not None and index < len(cells) else "").strip()

    name = cell("name")
    if not name:
        raise ValueError(_("姓名为空"))
    if len(name) > NAME_MAX_LENGTH:
        raise ValueError(_("姓名过长（不超过 %(max)d 个字）", max=NAME_MAX_LENGTH))
    if not cell("phone"):
        raise ValueError(_("手机号为空"))
    try:
        phone = normalize_phone(cell("phone"))
    except ServiceError:
        raise ValueError(_("手机号无效：%(phone)s", phone=cell("phone")[:20])) from None
    category = _category(cell("category"))
    if category is None:
        raise ValueError(_("类别无法识别：%(category)s", category=cell("category")[:30]))
    return ImportRow(row=number, name=name, phone=phone, category=category,
                     community=cell("community")[:COMMUNITY_MAX], remark=cell("remark")[:REMARK_MAX])


def check_rows(rows: list[list[str]]) -> ImportReport:
    """Check every row; the report holds the good rows and the rejected ones (with reasons)."""
    if not rows:
        raise ServiceError("empty_file", _("文件是空的。"), field="file")
    columns = _columns(rows[0])
    report, seen = ImportReport(), {}
    for number, cells in enumerate(rows[1:], start=2):
        if not any((cell or "").strip() for cell in cells):
            continue
        try:
            row = _check_row(number, cells, columns)
        except ValueError as error:
            report.rejected.append({"row": number, "reason": str(error)})
            continue
        if row.phone in seen:
            report.rejected.append({"row": number, "reason": _("手机号与第 %(row)d 行重复", row=seen[row.phone])})
            continue
        seen[row.phone] = number
        report.rows.append(row)
    return report


def _require_importer(actor: User) -> None:
    if actor is None or actor.role not in IMPORT_ROLES or actor.station_id is None:
        raise Forbidden("forbidden", _("只有乐业空间的服务专员和组织者可以导入排摸名单。"))


def _existing_users(phones: list[str]) -> dict[str, User]:
    found = {}
    for start in range(0, len(phones), 500):
        chunk = phones[start:start + 500]
        for user in db.session.execute(db.select(User).filter(User.phone.in_(chunk))).scalars():
            found[user.phone] = user
    return found


def _prospects_of(user_ids: list[int]) -> dict[int, Prospect]:
    if not user_ids:
        return {}
    return {p.seeker_id: p for p in db.session.execute(
        db.select(Prospect).filter(Prospect.seeker_id.in_(user_ids))).scalars()}


def _classify(report: ImportReport, existing: dict[str, User]) -> list[ImportRow]:
    """Count created/updated; reject rows whose phone belongs to a staff account. Returns the rows to write."""
    writable = []
    for row in report.rows:
        user = existing.get(row.phone)
        if user is not None and user.role != Role.SEEKER:
            report.rejected.append({"row": row.row, "reason": _("该手机号属于工作人员账号")})
            continue
        if user is None:
            report.created += 1
        else:
            report.updated += 1
        writable.append(row)
    report.rejected.sort(key=lambda item: item["row"])
    return writable


def preview(filename: str, data: bytes, *, actor: User) -> ImportReport:
    """What ``import_list`` would do with the file, without changing anything."""
    _require_importer(actor)
    report = check_rows(read_rows(filename, data))
    report.rows = _classify(report, _existing_users([row.phone for row in report.rows]))
    return report


def import_list(filename: str, data: bytes, *, actor: User) -> ImportReport:
    """Import the list at the actor's station (see the module's docstring). The caller commits."""
    _require_importer(actor)
    report = check_rows(read_rows(filename, data))
    existing = _existing_users([row.phone for row in report.rows])
    rows = _classify(report, existing)
    station = actor.station
    batch = OutreachImport(station_id=station.id, uploaded_by_id=actor.id, filename=(filename or "")[:200],
                           created=report.created, updated=report.updated, rejected=len(report.rejected))
    db.session.add(batch)
    db.session.flush()
    prospects = _prospects_of([user.id for user in existing.values()])
    for row in rows:
        user = existing.get(row.phone)
        if user is None:
            user = User(role=Role.SEEKER, name=row.name, phone=row.phone, category=row.category,
                        station_id=station.id, prospect=True, password_hash=NO_LOGIN)
            db.session.add(user)
            db.session.flush()
            db.session.add(Prospect(seeker_id=user.id, station_id=station.id, import_id=batch.id,
                                    community=row.community, remark=row.remark))
        else:
            prospect = prospects.get(user.id)
            if prospect is not None:
                prospect.community = row.community or prospect.community
                prospect.remark = row.remark or prospect.remark
        case_for(user, station=station)
    record("outreach.import", batch, actor=actor, station_id=station.id, created=report.created,
           updated=report.updated, rejected=len(report.rejected))
    report.rows = rows
    return report
