"""Error pages: HTML for the site, JSON for anything under /api/ and for JSON requests."""
from flask import Flask, render_template, request
from werkzeug.exceptions import HTTPException

from .api.errors import api_error_response


def _wants_json() -> bool:
    return (request.path.startswith("/api/") or request.is_json
            or request.accept_mimetypes.best == "application/json")


def register_error_pages(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if _wants_json():
            return api_error_response(error)
        return render_template("errors/error.html", error=error), error.code

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        app.logger.exception("Unhandled error")
        if _wants_json():
            return api_error_response(error)
        return render_template("errors/error.html", error=None), 500
