"""The caller's own API tokens: list them, revoke one (also the one in use: a logout for devices)."""
from flask import jsonify
from flask_babel import gettext as _

from ..accounts.models import hash_token
from ..accounts.sessions import revoke_token, tokens_of
from ..core.db import unit_of_work
from ..core.errors import NotFound
from ..core.timeutil import isoformat_local
from . import bp
from .auth import api_user, bearer_token_from_request
from .models import TokenList
from .schema import answers, declare


@bp.get("/me/tokens")
@declare(resp=answers(200, TokenList, "Own tokens", errors=(401,)), tags=["accounts"],
         operation_id="listMyTokens")
def list_tokens():
    """The caller's live tokens (never the tokens themselves); ``current`` marks the one in use."""
    user = api_user()
    in_use = hash_token(bearer_token_from_request() or "")
    return jsonify({"tokens": [
        {"id": token.id, "label": token.label, "created_at": isoformat_local(token.created_at),
         "expires_at": isoformat_local(token.expires_at), "current": token.token_hash == in_use}
        for token in tokens_of(user)
    ]})


@bp.delete("/me/tokens/<int:token_id>")
@declare(resp=answers(204, None, "Revoked; it stops working at once", errors=(401, 404)),
         tags=["accounts"], operation_id="revokeMyToken")
def delete_token(token_id: int):
    """Revoke one of the caller's tokens; it stops working at once. 204."""
    user = api_user()
    with unit_of_work():
        if not revoke_token(user, token_id):
            raise NotFound("not_found", _("找不到该令牌。"))
    return "", 204
