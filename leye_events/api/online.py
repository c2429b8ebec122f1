"""API: online and hybrid events — a registrant switches between onsite and online attendance."""
from flask import jsonify
from flask_babel import gettext as _

from ..booking import services
from ..booking.models import Registration
from ..core.errors import NotFound
from ..extensions import db
from . import bp
from . import parsing as p
from .auth import api_user
from .booking import registration_json


@bp.post("/registrations/<int:registration_id>/attend")
def switch_attend(registration_id: int):
    """``{"attend": "onsite"|"online"}``: the seeker (or staff of the station) moves a hybrid event's
    registration; to onsite only while a seat is free (422 ``event_full``)."""
    user = api_user()
    body = p.json_body()
    unknown = sorted(set(body) - {"attend"})
    if unknown:
        raise p.invalid_field(unknown[0], _("不支持的字段。"))
    attend = p.text(body, "attend", required=True, nullable=False)
    if db.session.get(Registration, p.check_id(registration_id)) is None:
        raise NotFound("not_found", _("报名记录不存在。"))
    registration = services.switch_attend(registration_id, attend, actor=user)
    db.session.commit()
    return jsonify(registration_json(registration))
