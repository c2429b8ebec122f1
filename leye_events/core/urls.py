"""Absolute URLs that also work outside a request (mail sent from the CLI or a test)."""
from flask import current_app, has_request_context, url_for


def absolute_url(endpoint: str, **values) -> str:
    """``url_for(..., _external=True)``; outside a request, based on ``PUBLIC_URL``."""
    if has_request_context():
        return url_for(endpoint, _external=True, **values)
    base = current_app.config.get("PUBLIC_URL") or "http://127.0.0.1:5000"
    with current_app.test_request_context(base_url=base):
        return url_for(endpoint, _external=True, **values)
