"""The certificate download for the seeker and staff, and the public verification page."""
from flask import Blueprint, Response, abort, render_template, url_for
from flask_login import current_user, login_required

from ..core.errors import NotFound, ServiceError
from . import services

bp = Blueprint("certificates", __name__)


@bp.get("/registrations/<int:registration_id>/certificate.pdf")
@login_required
def download(registration_id: int):
    """The PDF; 404 for strangers, and a page saying what is missing before every module was attended."""
    try:
        registration = services.certificate_registration(registration_id, current_user)
    except NotFound:
        abort(404)
    except ServiceError as error:
        return render_template("certificates/not_completed.html", message=error.message), 422
    verify_url = url_for("certificates.verify", token=services.verification_token(registration), _external=True)
    response = Response(services.certificate_pdf(registration, verify_url), mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="certificate-{registration.id}.pdf"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/certificates/<token>")
def verify(token: str):
    """Anyone holding a certificate can check it: the masked name, the workshop, the station."""
    registration = services.verify(token[:200])
    return render_template("certificates/verify.html", registration=registration), 200 if registration else 404


@bp.app_context_processor
def _certificate_helpers():
    return {"certificate_ready": services.has_completed}
