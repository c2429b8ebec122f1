"""API: online and hybrid events — a registrant switches between onsite and online attendance."""
from flask import jsonify, request
from flask_babel import gettext as _

from ..booking import services
from ..booking.models import Registration
from ..core.db import unit_of_work
from ..core.errors import NotFound
from ..extensions import db
from . import bodies as p
from . import bp
from .auth import api_user
from .booking import registration_json
from .models import Registration as RegistrationSchema
from .models_notify import AttendRequest
from .schema import answers, declare


@bp.post("/registrations/<int:registration_id>/attend")
@declare(json=AttendRequest, resp=answers(200, RegistrationSchema, "The registration",
                                          errors=(400, 401, 403, 404, 422)),
         tags=["booking"], operation_id="switchAttend")
def switch_attend(registration_id: int):
    """Switch between onsite and online: ``{"attend": "onsite"|"online"}``.

    The seeker, or staff of the station; hybrid events only (422 invalid_attend otherwise). To online: always
    (a waitlisted registration is confirmed online and leaves the queue, a freed seat goes to the first in
    line). To onsite: while a seat is free (422 event_full)."""
    user = api_user()
    attend = request.context.json.attend
    if db.session.get(Registration, p.check_id(registration_id)) is None:
        raise NotFound("not_found", _("报名记录不存在。"))
    with unit_of_work():
        registration = services.switch_attend(registration_id, attend, actor=user)
    return jsonify(registration_json(registration))
