"""OpenAPI: the caller's own API tokens."""
from .openapi import TIMESTAMP, errors, ok, operation, path_id

PATHS = {
    "/me/tokens": {
        "get": operation(
            "The caller's live API tokens", operation_id="listMyTokens", tag="accounts",
            description="The tokens themselves are never shown again; `current` marks the one in use.",
            responses={"200": ok("Own tokens", {"$ref": "#/components/schemas/TokenList"}), **errors(401)},
        )
    },
    "/me/tokens/{token_id}": {
        "delete": operation(
            "Revoke one of the caller's tokens", operation_id="revokeMyToken", tag="accounts",
            parameters=[path_id("token_id", "Token id from GET /me/tokens")],
            responses={"204": ok("Revoked; it stops working at once"), **errors(401, 404)},
        )
    },
}

SCHEMAS = {
    "TokenList": {
        "type": "object",
        "required": ["tokens"],
        "properties": {
            "tokens": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["id", "label", "created_at", "expires_at", "current"],
                    "properties": {
                        "id": {"type": "integer"},
                        "label": {"type": "string", "maxLength": 100},
                        "created_at": TIMESTAMP,
                        "expires_at": TIMESTAMP,
                        "current": {"type": "boolean"},
                    },
                },
            }
        },
    },
}
