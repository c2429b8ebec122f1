"""JSON errors for the API: ``{"error": {"code": "snake_case", "message": "..."}}``."""
import re

from flask import current_app, jsonify
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from ..core.errors import ServiceError
from ..extensions import db

STATUS_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "unprocessable",
    429: "rate_limited",
    500: "internal_error",
}

# Werkzeug's own descriptions are English; callers of the API get these instead.
_STATUS_MESSAGES = {
    400: _l("请求格式不正确。"),
    401: _l("需要有效的访问令牌（Authorization: Bearer …）。"),
    403: _l("您无权执行此操作。"),
    404: _l("找不到该地址或资源。"),
    405: _l("该地址不支持此请求方法。"),
    413: _l("请求体过大。"),
    415: _l("不支持的请求内容类型。"),
    429: _l("请求过于频繁，请稍后再试。"),
    500: _l("服务器内部错误，请稍后再试。"),
}


def error_json(status: int, code: str, message: str, **extra):
    body = {"error": {"code": code, "message": message, **extra}}
    return jsonify(body), status


def api_error_response(error: Exception):
    """Turn any exception into the API's JSON error shape with a fitting status.

    Whatever the failed request had added to the database session is rolled back first.
    """
    try:
        db.session.rollback()
    except Exception:  # a broken connection must not hide the original error
        pass
    if isinstance(error, ServiceError):
        extra = dict(error.extra)
        if error.field:
            extra["field"] = error.field
        return error_json(error.status, error.code, error.message, **extra)
    if isinstance(error, CSRFError):  # a page's JSON write (the door's) with a stale or missing token
        return error_json(400, "csrf_failed", _("页面已过期，请刷新后重试。"))
    if isinstance(error, HTTPException):
        status = error.code or 500
        code = getattr(error, "api_code", None) or STATUS_CODES.get(status) or re.sub(
            r"\W+", "_", (error.name or "error").lower()
        )
        message = error.description or error.name
        if status == 429 or message == type(error).description:  # not one of ours: say it in Chinese
            message = str(_STATUS_MESSAGES.get(status, message))
        response = error_json(status, code, message)
        if status == 401:
            response[0].headers["WWW-Authenticate"] = "Bearer"
        if getattr(error, "valid_methods", None):
            response[0].headers["Allow"] = ", ".join(error.valid_methods)
        return response
    current_app.logger.error("Unhandled error in the API", exc_info=error)
    return error_json(500, "internal_error", str(_STATUS_MESSAGES[500]))
