"""Personal-data rights in the API: export, consent withdrawal, deletion, and the audit log."""
from flask import current_app, jsonify, request, url_for
from flask_babel import gettext as _

from ..accounts.models import Role
from ..core.db import unit_of_work
from ..core.errors import ServiceError
from ..privacy import audit_log
from ..privacy import services as privacy
from ..privacy.export_file import export_response
from . import bodies as p
from . import bp
from .auth import api_user, require_roles
from .models import MAX_PAGE
from .models_privacy import AuditPage, AuditQuery, ErasureConfirmation, ErasureReport, PersonalDataExport
from .schema import answers, declare

_ERASED = answers(202, ErasureReport, "What was done", errors=(400, 401, 403, 422))


@bp.get("/me/export")
@declare(resp=answers(200, PersonalDataExport, "The caller's data", errors=(401,)), tags=["privacy"],
         operation_id="exportMe")
def export_me():
    """Everything held about the caller, as a JSON file (Content-Disposition: attachment). Audited."""
    with unit_of_work():
        data = privacy.export_personal_data(api_user())
    return export_response(data)


def _erase(reason: str):
    user = api_user()
    body = request.context.json
    password = body.password
    if body.sms_code is not None and password is None:
        raise ServiceError("sms_code_unavailable", _("暂不支持短信验证码确认，请使用密码。"), field="sms_code")
    if password is None:
        raise p.missing_field("password")
    with unit_of_work():
        report = privacy.erase_person(user, password, reason=reason)
    return jsonify(report.as_json()), 202


@bp.post("/me/consents/withdraw")
@declare(json=ErasureConfirmation, resp=_ERASED, tags=["privacy"], operation_id="withdrawConsent")
def withdraw_consent():
    """Withdraw consent: personal fields erased at once, registrations, tickets, tokens and feed ended.

    Seekers only (staff accounts: 403). Confirm with the account's password (403 `wrong_password`; `sms_code`
    is not accepted yet: 422 `sms_code_unavailable`). At once: name, phone, e-mail, school, graduation year and
    category are erased; future registrations are cancelled (the waitlist moves up); every ticket code is
    replaced; API tokens, sessions and the calendar feed stop working; the case stays as an anonymous service
    record (free text removed, an open case closed), so figures do not change. Answers 202 with what was
    done; a second call has no token left (401)."""
    return _erase(privacy.CONSENT_WITHDRAWN)


@bp.delete("/me")
@declare(json=ErasureConfirmation, resp=_ERASED, tags=["privacy"], operation_id="deleteMe")
def delete_me():
    """Delete the caller's account: the same erasure as a withdrawal, recorded as a deletion.

    As POST /me/consents/withdraw (seekers only, confirmed with the password; answers 202 with what was
    done)."""
    return _erase(privacy.ACCOUNT_DELETED)


@bp.get("/audit")
@require_roles(Role.ADMIN)
@declare(query=AuditQuery, resp=answers(200, AuditPage, "A page of entries", errors=(400, 401, 403)),
         tags=["privacy"], operation_id="listAuditEntries")
def list_audit_entries():
    """The audit log, newest first; filters ``actor``, ``action``, ``subject``, ``from``, ``to``.

    Admins only. The log cannot be changed through the app, and on PostgreSQL a trigger refuses UPDATE, and
    DELETE of entries younger than 180 days, to every role. Each search is itself audited."""
    query = request.context.query
    filters = audit_log.AuditFilter(
        actor=query.actor,
        action=audit_log.check_action(query.action),
        subject=audit_log.check_subject(query.subject),
        start=query.from_,
        end=query.to,
    )
    page = query.page or 1
    max_size = current_app.config["API_MAX_PAGE_SIZE"]
    per_page = min(query.per_page or current_app.config["API_PAGE_SIZE"], max_size)
    with unit_of_work():
        entries, total = audit_log.search(filters, page=page, per_page=per_page, viewer=api_user())
    next_url = None
    if page * per_page < total and page < MAX_PAGE:
        args = {key: value for key, value in request.args.items() if key not in ("page", "per_page")}
        next_url = url_for("api.list_audit_entries", **args, page=page + 1, per_page=per_page, _external=True)
    return jsonify({"entries": [audit_log.entry_json(e) for e in entries], "page": page, "per_page": per_page,
                    "total": total, "next": next_url})

