"""API: outreach lists, the call list, contacts and outreach counts (see API.md, 信息排摸)."""
from datetime import timedelta

from flask import jsonify, request
from flask_babel import gettext as _

from ..accounts.models import Role
from ..audit.services import clean_reason, record
from ..core.db import unit_of_work
from ..core.errors import Forbidden, ServiceError
from ..core.masking import mask_name, mask_phone
from ..core.timeutil import isoformat_local, utcnow
from ..outreach import imports, services
from . import bp
from .auth import api_user, require_roles
from .bodies import invalid_parameter
from .models_outreach import (
    CallList,
    CallListQuery,
    Contact,
    ContactInput,
    ImportQuery,
    OutreachCountsReport,
    OutreachImportResult,
    OutreachUpload,
    RangeQuery,
)
from .schema import answers, declare

MAX_RANGE = timedelta(days=3700)


@bp.post("/outreach/imports")
@require_roles(Role.COUNSELOR, Role.ORGANIZER)
@declare(query=ImportQuery, form=OutreachUpload,
         resp=answers(200, OutreachImportResult, "What was imported", errors=(401, 403, 413, 422)),
         tags=["outreach"], operation_id="importOutreachList")
def import_outreach_list():
    """Import (or with ``?preview=1`` only check) an outreach list at the caller's station.

    Counselors and organizers of a station. Multipart `file`: .xlsx, or .csv in UTF-8 (with or without BOM) or
    GB18030, header row with 姓名, 手机号, 类别, 居委/社区 (or 学校), 备注. Good rows are imported in one
    transaction, bad rows listed; idempotent by phone; people without an account become prospects with a case at
    the station. Files over the limit: 413 `file_too_large`; unreadable: 422 `unreadable_file`,
    `missing_columns`, `empty_file`, `too_many_rows`; nothing is created."""
    imports.check_size(request.content_length)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise ServiceError("file_required", _("请选择要上传的名单文件（.xlsx 或 .csv）。"), field="file")
    data = upload.stream.read(imports.MAX_IMPORT_BYTES + 1)
    user = api_user()
    if request.args.get("preview") in ("1", "true"):
        report = imports.preview(upload.filename, data, actor=user)
        return jsonify({**report.as_json(), "preview": True})
    with unit_of_work():
        report = imports.import_list(upload.filename, data, actor=user)
    return jsonify({**report.as_json(), "preview": False})


def call_item_json(item: services.CallItem, *, unmask: bool) -> dict:
    seeker = item.case.seeker
    last = item.last_contact
    name, phone = (seeker.name, seeker.phone) if unmask else (mask_name(seeker.name), mask_phone(seeker.phone))
    return {
        "seeker": {"id": seeker.id, "name": name, "phone": phone or None,
                   "prospect": bool(seeker.prospect)},
        "case_id": item.case.id,
        "category": item.case.category.value,
        "reason": item.reason,
        "due_on": item.due_on.isoformat(),
        "detail": item.detail or None,
        "last_contact": None if last is None else {
            "at": isoformat_local(last.occurred_at), "channel": last.channel.value, "result": last.result.value},
    }


@bp.get("/outreach/calls")
@require_roles(Role.COUNSELOR)
@declare(query=CallListQuery, resp=answers(200, CallList, "Due contacts", errors=(401, 403, 422)),
         tags=["outreach"], operation_id="getCallList")
def get_call_list():
    """The caller's due contacts, oldest first; names and phones masked unless ``unmask=1`` with a
    ``reason`` (422 ``reason_required`` without; audited with it).

    Prospects never contacted, people whose next contact date has come, no-shows of the last 14 days not
    contacted since; at most 200. Cases of other counselors and employed or closed cases are left out."""
    user = api_user()
    unmask = request.args.get("unmask") == "1"
    reason = clean_reason(request.args.get("reason")) if unmask else None
    with unit_of_work():  # cases of no-shows created on first sight, the audit entry
        items = services.call_list(user)
        if unmask:
            record("outreach.calls_unmasked", user, actor=user, station_id=user.station_id, count=len(items),
                   reason=reason)
    return jsonify({"calls": [call_item_json(item, unmask=unmask) for item in items]})


@bp.post("/seekers/<int:seeker_id>/contacts")
@require_roles(Role.COUNSELOR)
@declare(json=ContactInput, resp=answers(201, Contact, "Logged", errors=(400, 401, 403, 404, 422)),
         tags=["outreach"], operation_id="logContact")
def post_contact(seeker_id: int):
    """Log a contact with a seeker or prospect of the caller's station; also written on the case's timeline."""
    body = request.context.json
    with unit_of_work():
        contact = services.log_contact(seeker_id, actor=api_user(), channel=body.channel, result=body.result,
                                       note=body.note, next_contact_on=body.next_contact_on)
    return jsonify({
        "id": contact.id, "case_id": contact.case_id, "channel": contact.channel.value,
        "result": contact.result.value, "note": contact.note or None,
        "next_contact_on": contact.next_contact_on.isoformat() if contact.next_contact_on else None,
        "at": isoformat_local(contact.occurred_at),
    }), 201


def counts_json(counts: services.OutreachCounts) -> dict:
    return {"contacts": counts.contacts, "people_reached": counts.reached, "prospects": counts.prospects,
            "prospects_converted": counts.signed_up, "prospects_attended": counts.attended,
            "prospects_employed": counts.employed}


@bp.get("/outreach/counts")
@require_roles(Role.COUNSELOR, Role.ORGANIZER)
@declare(query=RangeQuery, resp=answers(200, OutreachCountsReport, "Counts", errors=(400, 401, 403)),
         tags=["outreach"], operation_id="getOutreachCounts")
def get_outreach_counts():
    """The caller's station: its counts and each counselor's, for ``from``–``to`` (default 30 days)."""
    user = api_user()
    if user.station_id is None:
        raise Forbidden("forbidden", _("只能查看本乐业空间的统计数据。"))
    query = request.context.query
    end = query.to or utcnow()
    start = query.from_ or end - timedelta(days=30)
    if end <= start:
        raise invalid_parameter("to", _("结束时间须晚于开始时间。"))
    if end - start > MAX_RANGE:
        raise invalid_parameter("from", _("时间范围过长（不超过十年）。"))
    station = services.counts(user.station_id, start, end)
    per_counselor = services.counts_per_counselor(user.station_id, start, end)
    return jsonify({
        "from": isoformat_local(start), "to": isoformat_local(end), "station": counts_json(station),
        "counselors": [{"id": c.id, "name": c.name, **counts_json(n)} for c, n in per_counselor],
    })
