"""Station pages (to be written)."""
from flask import Blueprint

bp = Blueprint("stations", __name__)
