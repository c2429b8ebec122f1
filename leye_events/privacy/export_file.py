"""The export as a file the person can read: pretty-printed UTF-8 JSON, never cached."""
import json

from flask import Response

from ..core.timeutil import to_local, utcnow


def export_response(data: dict) -> Response:
    """A download (``Content-Disposition: attachment``) of ``data``; Chinese stays readable."""
    text = json.dumps(data, ensure_ascii=False, indent=2)
    day = to_local(utcnow()).strftime("%Y%m%d")
    response = Response(text, mimetype="application/json")
    response.headers["Content-Disposition"] = f'attachment; filename="leye-my-data-{day}.json"'
    response.headers["Cache-Control"] = "no-store"
    return response
