"""OpenAPI: personal-data rights (export, consent withdrawal, deletion) and the audit log."""
from .legacy_openapi import body, errors, ok, operation, query, ref

TAGS = ["privacy"]

_ERASE_DESCRIPTION = (
    "Seekers only (staff accounts: 403). Confirm with the account's password (403 `wrong_password`; "
    "`sms_code` is not accepted yet: 422 `sms_code_unavailable`). At once: name, phone, e-mail, school, "
    "graduation year and category are erased; future registrations are cancelled (the waitlist moves up); "
    "every ticket code is replaced; API tokens, sessions and the calendar feed stop working; the case stays "
    "as an anonymous service record (free text removed, an open case closed), so figures do not change. "
    "Answers 202 with what was done; a second call has no token left (401)."
)

PATHS = {
    "/me/export": {
        "get": operation(
            "Everything held about the caller", operation_id="exportMe", tag="privacy",
            description="A JSON file (Content-Disposition: attachment): profile, consents, registrations, "
                        "check-ins, the case with its timeline, API token labels, messages. Audited.",
            responses={"200": ok("The caller's data", ref("PersonalDataExport")), **errors(401)},
        )
    },
    "/me/consents/withdraw": {
        "post": operation(
            "Withdraw consent (erases personal data)", operation_id="withdrawConsent", tag="privacy",
            description=_ERASE_DESCRIPTION, request=body(ref("ErasureConfirmation")),
            responses={"202": ok("What was done", ref("ErasureReport")), **errors(400, 401, 403, 422)},
        )
    },
    "/me": {
        "delete": operation(
            "Delete the caller's account", operation_id="deleteMe", tag="privacy",
            description=_ERASE_DESCRIPTION, request=body(ref("ErasureConfirmation")),
            responses={"202": ok("What was done", ref("ErasureReport")), **errors(400, 401, 403, 422)},
        )
    },
    "/audit": {
        "get": operation(
            "The audit log", operation_id="listAuditEntries", tag="privacy",
            description="Admins only; newest first. The log cannot be changed through the app, and on PostgreSQL "
                        "a trigger refuses UPDATE, and DELETE of entries younger than 180 days, to every role. "
                        "Each search is itself audited.",
            parameters=[
                query("actor", "User id of whoever acted", {"type": "integer", "minimum": 1,
                                                              "maximum": 2147483647}),
                query("action", "An action (`case.view`) or a prefix (`case.*`)",
                      {"type": "string", "maxLength": 64, "pattern": r"^[a-z_]+(\.[a-z_]+)*(\.\*)?$"}),
                query("subject", "What was acted on: a type, optionally with its id (`Case`, `Case:12`, `User:7`)",
                      {"type": "string", "maxLength": 64, "pattern": r"^[A-Za-z]{1,32}(:[0-9]{1,10})?$"}),
                query("from", "Date (Shanghai midnight) or ISO 8601 datetime with offset", {"type": "string"}),
                query("to", "Date (inclusive) or ISO 8601 datetime with offset (exclusive)", {"type": "string"}),
                query("page", "Page number", {"type": "integer", "minimum": 1, "maximum": 100000, "default": 1}),
                query("per_page", "Page size (values above the maximum are capped)",
                      {"type": "integer", "minimum": 1, "default": 50, "maximum": 200}),
            ],
            responses={"200": ok("A page of entries", ref("AuditPage")), **errors(400, 401, 403)},
        )
    },
}

SCHEMAS = {
    "ErasureConfirmation": {
        "type": "object",
        "required": ["password"],
        "properties": {"password": {"type": "string", "description": "The account's password"}},
    },
    "ErasureReport": {
        "type": "object",
        "required": ["reason", "erased", "registrations_cancelled", "waitlisted_promoted", "tickets_voided",
                     "tokens_revoked", "sessions_ended", "calendar_feed_revoked", "case"],
        "properties": {
            "reason": {"type": "string", "enum": ["consent_withdrawn", "account_deleted"]},
            "erased": {"type": "array", "items": {"type": "string"}},
            "registrations_cancelled": {"type": "integer", "minimum": 0},
            "waitlisted_promoted": {"type": "integer", "minimum": 0,
                                    "description": "Waitlisted seekers confirmed in the freed seats"},
            "tickets_voided": {"type": "integer", "minimum": 0},
            "tokens_revoked": {"type": "integer", "minimum": 0},
            "sessions_ended": {"type": "boolean"},
            "calendar_feed_revoked": {"type": "boolean"},
            "case": {
                "type": ["object", "null"],
                "required": ["status_before", "status_after", "kept_as", "message"],
                "properties": {
                    "status_before": {"type": "string", "enum": ["active", "employed", "paused", "closed"]},
                    "status_after": {"type": "string", "enum": ["active", "employed", "paused", "closed"]},
                    "kept_as": {"type": "string", "enum": ["anonymous_service_record"]},
                    "message": {"type": "string", "description": "What happens to the case, for the person"},
                },
            },
        },
    },
    "PersonalDataExport": {
        "type": "object",
        "required": ["format_version", "exported_at", "profile", "consents", "registrations", "checkins", "case",
                     "api_tokens", "messages"],
        "properties": {
            "format_version": {"type": "integer"},
            "exported_at": {"type": "string", "format": "date-time"},
            "profile": {"type": "object"},
            "consents": {"type": "array", "items": {"type": "object"}},
            "registrations": {"type": "array", "items": {"type": "object"}},
            "checkins": {"type": "array", "items": {"type": "object"}},
            "case": {"type": ["object", "null"]},
            "api_tokens": {"type": "array", "items": {"type": "object"}},
            "applications": {"type": "array", "items": {"type": "object"}},
            "interview_bookings": {"type": "array", "items": {"type": "object"}},
            "job_profile": {"type": ["object", "null"]},
            "messages": {"type": "array", "items": {"type": "object"}},
        },
    },
    "AuditEntry": {
        "type": "object",
        "required": ["id", "at", "actor", "action", "subject", "station_id", "details"],
        "properties": {
            "id": {"type": "integer"},
            "at": {"type": "string", "format": "date-time"},
            "actor": {"type": ["object", "null"], "required": ["id", "role"],
                      "properties": {"id": {"type": "integer"}, "role": {"type": "string"}}},
            "action": {"type": "string"},
            "subject": {"type": "object", "required": ["type", "id"],
                        "properties": {"type": {"type": ["string", "null"]}, "id": {"type": ["integer", "null"]}}},
            "station_id": {"type": ["integer", "null"]},
            "details": {"type": "object", "description": "People appear by id only, never by name or phone"},
        },
    },
    "AuditPage": {
        "type": "object",
        "required": ["entries", "page", "per_page", "total", "next"],
        "properties": {
            "entries": {"type": "array", "items": {"$ref": "#/components/schemas/AuditEntry"}},
            "page": {"type": "integer"},
            "per_page": {"type": "integer"},
            "total": {"type": "integer"},
            "next": {"type": ["string", "null"]},
        },
    },
}

