"""HTTP security headers (through Flask-Talisman), Secure cookies over HTTPS, and no-store for
anything built for one person.

Flask-Talisman writes CSP (with a per-request nonce for the few inline scripts), HSTS on HTTPS,
Permissions-Policy, frame and referrer rules and ``X-Content-Type-Options``. The app itself runs behind
a reverse proxy that terminates TLS (``FLASK_PROXY_COUNT``), so Talisman does not redirect to HTTPS;
cookies get ``Secure`` whenever the request came over HTTPS, which keeps plain-HTTP development working.
"""
from flask import Flask, g, request
from flask_login import current_user

from .extensions import talisman

SITE_CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self' 'unsafe-inline'",  # a few style="" attributes; styles cannot run code
    "img-src": "'self' data: blob:",
    "connect-src": "'self'",
    "worker-src": "'self' blob:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}

# Only the door page may use the camera (see ``checkin.views``); nothing may use the rest.
PERMISSIONS_POLICY = {
    "camera": "()", "microphone": "()", "geolocation": "()", "payment": "()", "usb": "()",
    "browsing-topics": "()",
}
DOOR_PERMISSIONS_POLICY = {**PERMISSIONS_POLICY, "camera": "(self)"}

# Pages anyone holding a secret URL may open, which still show a person's data.
PERSONAL_ENDPOINTS = frozenset({"booking.ticket", "booking.ticket_qr", "calendars.personal_feed"})


def init_security(app: Flask) -> None:
    # Registered before Talisman's hook, so it runs after it (Flask runs these hooks in reverse).
    app.after_request(_keep_a_stricter_referrer_policy)
    talisman.init_app(
        app,
        force_https=False,
        session_cookie_secure=False,  # set per request below
        frame_options="DENY",
        referrer_policy="same-origin",
        content_security_policy=SITE_CSP,
        content_security_policy_nonce_in=["script-src"],
        permissions_policy=PERMISSIONS_POLICY,
        strict_transport_security=True,
        strict_transport_security_include_subdomains=False,
    )
    app.after_request(_no_store_for_personal_answers)
    app.wsgi_app = SecureCookiesOverHttps(app.wsgi_app)


def _keep_a_stricter_referrer_policy(response):
    """A view may send ``Referrer-Policy: no-referrer`` (a secret in its URL); Talisman would set the
    site-wide policy over it."""
    if getattr(g, "referrer_policy", None):
        response.headers["Referrer-Policy"] = g.referrer_policy
    return response


def no_referrer() -> None:
    """Ask for ``Referrer-Policy: no-referrer`` on this response: its URL holds a secret."""
    g.referrer_policy = "no-referrer"


class SecureCookiesOverHttps:
    """WSGI middleware: every cookie gets ``Secure`` when the request came over HTTPS.

    A middleware rather than a hook, because Flask writes the session cookie (and Flask-Login the
    remember-me cookie) after the app's own ``after_request`` hooks have run. It wraps ProxyFix, which
    sets the scheme from ``X-Forwarded-Proto`` in the same environ before the response starts.
    """

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        def start(status, headers, exc_info=None):
            if environ.get("wsgi.url_scheme") == "https":
                headers = [(name, value + "; Secure")
                           if name.lower() == "set-cookie" and "; secure" not in value.lower() else (name, value)
                           for name, value in headers]
            return start_response(status, headers, exc_info)

        return self.wsgi_app(environ, start)


def _no_store_for_personal_answers(response):
    """Nothing shown to a logged-in account (or on a secret personal URL) stays in a cache."""
    if request.endpoint == "static" or "Cache-Control" in response.headers and "no-store" in response.headers[
            "Cache-Control"]:
        return response
    personal = request.endpoint in PERSONAL_ENDPOINTS or request.headers.get("Authorization")
    if personal or current_user.is_authenticated:
        response.headers["Cache-Control"] = "private, no-store"
    return response
