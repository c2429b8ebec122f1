"""Who earned a certificate, who may download it, and the signed verification token.

A certificate is derived, never stored: it exists while the check-in log shows every session of a
workshop attended. Its verification URL carries a signed registration id, so anyone can check a
printed certificate without seeing more than the masked name.
"""
from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer

from ..accounts.auth import is_staff_of_station
from ..booking.models import Registration, RegistrationStatus
from ..checkin.attendance import attended_sessions
from ..core.db import get_row
from ..core.errors import NotFound, ServiceError
from ..core.friendly import friendly_span
from ..core.timeutil import to_local, utcnow
from ..events.models import EventKind
from ..extensions import db
from .pdf import render_certificate

SALT = "leye-certificate"


def completed_sessions(registration: Registration) -> dict:
    """``{session id: check-in time}`` for the sessions this registration attended."""
    return attended_sessions([registration.id]).get(registration.id, {})


def has_completed(registration: Registration) -> bool:
    """Every session of a workshop attended, on a registration that is not cancelled."""
    event = registration.event
    if event.kind != EventKind.WORKSHOP or registration.status == RegistrationStatus.CANCELLED:
        return False
    attended = completed_sessions(registration)
    return bool(event.sessions) and all(s.id in attended for s in event.sessions)


def may_download(user, registration: Registration) -> bool:
    """The seeker themself, staff of the event's station, admins."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user.id == registration.seeker_id or is_staff_of_station(user, registration.event.station_id)


def certificate_registration(registration_id: int, user) -> Registration:
    """The registration whose certificate ``user`` asks for.

    404 when it does not exist or the user may not see it; 422 ``not_completed`` until every module of
    the workshop was attended (and for events that are not workshops).
    """
    registration = db.session.get(Registration, registration_id)
    if registration is None or not may_download(user, registration):
        raise NotFound("not_found", _("报名记录不存在。"))
    if not has_completed(registration):
        raise ServiceError("not_completed", _("参加完工作坊的全部模块后才能获得结业证书。"))
    return registration


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def verification_token(registration: Registration) -> str:
    return _serializer().dumps(registration.id)


def verify(token: str) -> Registration | None:
    """The registration a certificate token names, if the signature holds and it is still complete."""
    try:
        registration_id = _serializer().loads(token)
    except BadSignature:
        return None
    registration = get_row(Registration, registration_id)
    return registration if registration is not None and has_completed(registration) else None


def certificate_pdf(registration: Registration, verify_url: str) -> bytes:
    """The PDF for a completed registration, in the current language (see ``pdf.render_certificate``)."""
    event = registration.event
    attended = completed_sessions(registration)
    last_attended = max(attended.values())
    modules = []
    for number, session in enumerate(event.sessions, start=1):
        when = friendly_span(session.starts_at, session.ends_at, relative=False)
        modules.append(_("%(n)d. %(title)s（%(when)s）", n=number, title=session.title or event.title, when=when))
    texts = {
        "heading": _("结业证书"),
        "intro": _("兹证明 %(name)s 参加了“%(title)s”，完成全部 %(n)d 个模块。",
                   name=registration.seeker.name, title=event.title, n=len(event.sessions)),
        "modules_heading": _("完成的模块："),
        "station": _("颁发：%(station)s", station=event.station.name),
        "issued": _("日期：%(date)s", date=to_local(last_attended or utcnow()).strftime("%Y-%m-%d")),
        "verify": _("扫码或访问以下网址核验："),
    }
    return render_certificate(texts=texts, modules=modules, verify_url=verify_url)
