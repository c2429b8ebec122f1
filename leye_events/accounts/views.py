"""Account pages (to be written)."""
from flask import Blueprint

bp = Blueprint("accounts", __name__)


@bp.route("/login")
def login():
    return "login"
