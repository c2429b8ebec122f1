"""The JSON API under /api/v1 (see API.md). Bearer tokens; only the check-in endpoints also take the door
page's login session, and check its CSRF token themselves (``auth.api_user``)."""
from flask import Blueprint

from ..extensions import csrf
from .errors import api_error_response

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)


@bp.errorhandler(Exception)
def _api_error(error):
    return api_error_response(error)


from . import (  # noqa: E402,F401  (routes)
    accounts,
    attendance,
    booking,
    cases,
    checkin,
    employers,
    events,
    experience,
    health,
    matching,
    notifications,
    online,
    openapi,
    outreach,
    privacy,
    stations,
    tokens,
)
