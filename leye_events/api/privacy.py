"""Personal-data rights in the API: export, consent withdrawal, deletion, and the audit log."""
from flask import current_app, jsonify, request, url_for
from flask_babel import gettext as _

from ..accounts.models import Role
from ..core.errors import ServiceError
from ..extensions import db
from ..privacy import audit_log
from ..privacy import services as privacy
from ..privacy.export_file import export_response
from . import bp
from . import parsing as p
from .auth import api_user, require_roles

MAX_PAGE = 100_000


@bp.get("/me/export")
def export_me():
    """Everything held about the caller, as a JSON file (audited)."""
    data = privacy.export_personal_data(api_user())
    db.session.commit()
    return export_response(data)


def _erase(reason: str):
    user = api_user()
    body = p.json_body()
    password = p.text(body, "password")
    if p.text(body, "sms_code") not in (p.MISSING, None) and password in (p.MISSING, None):
        raise ServiceError("sms_code_unavailable", _("暂不支持短信验证码确认，请使用密码。"), field="sms_code")
    if password in (p.MISSING, None):
        raise p.missing_field("password")
    report = privacy.erase_person(user, password, reason=reason)
    db.session.commit()
    return jsonify(report.as_json()), 202


@bp.post("/me/consents/withdraw")
def withdraw_consent():
    """Withdraw consent: personal fields erased at once, registrations, tickets, tokens and feed ended."""
    return _erase(privacy.CONSENT_WITHDRAWN)


@bp.delete("/me")
def delete_me():
    """Delete the caller's account: the same erasure as a withdrawal, recorded as a deletion."""
    return _erase(privacy.ACCOUNT_DELETED)


@bp.get("/audit")
@require_roles(Role.ADMIN)
def list_audit_entries():
    """The audit log, newest first; filters ``actor``, ``action``, ``subject``, ``from``, ``to``."""
    actor = p.query_int("actor", default=0, minimum=1, maximum=p.MAX_ID) if request.args.get("actor") else None
    filters = audit_log.AuditFilter(
        actor=actor,
        action=audit_log.check_action(p.query_text("action", max_length=audit_log.ACTION_MAX)),
        subject=audit_log.check_subject(p.query_text("subject", max_length=64)),
        start=p.query_moment("from"),
        end=p.query_moment("to", end_of_day=True),
    )
    page = p.query_int("page", default=1, minimum=1, maximum=MAX_PAGE)
    max_size = current_app.config["API_MAX_PAGE_SIZE"]
    per_page = p.query_int("per_page", default=min(current_app.config["API_PAGE_SIZE"], max_size), minimum=1,
                           maximum=max_size, clamp=True)
    entries, total = audit_log.search(filters, page=page, per_page=per_page, viewer=api_user())
    db.session.commit()
    next_url = None
    if page * per_page < total and page < MAX_PAGE:
        args = {key: value for key, value in request.args.items() if key not in ("page", "per_page")}
        next_url = url_for("api.list_audit_entries", **args, page=page + 1, per_page=per_page, _external=True)
    return jsonify({"entries": [audit_log.entry_json(e) for e in entries], "page": page, "per_page": per_page,
                    "total": total, "next": next_url})

