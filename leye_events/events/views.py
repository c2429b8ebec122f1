"""Catalogue and organizer pages (to be written)."""
from flask import Blueprint, render_template

bp = Blueprint("events", __name__)


@bp.get("/")
def home():
    return render_template("base.html")
