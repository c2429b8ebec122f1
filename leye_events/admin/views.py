"""District admin pages: staff accounts."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from ..accounts import services
from ..accounts.auth import roles_required
from ..accounts.models import STAFF_ROLES, Role, User
from ..core.db import unit_of_work
from ..core.errors import ServiceError
from ..extensions import db
from ..stations.models import Station
from .forms import SetActiveForm, StaffCreateForm

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _staff_accounts() -> list[User]:
    query = (
        db.select(User)
        .outerjoin(Station, User.station_id == Station.id)
        .filter(User.role.in_(sorted(STAFF_ROLES)))
        .order_by(Station.name.is_(None).desc(), Station.name, User.role, User.name, User.id)
    )
    return db.session.execute(query).scalars().all()


def _render_staff_list(form: StaffCreateForm, status: int = 200):
    return (
        render_template(
            "admin/staff_list.html", staff=_staff_accounts(), form=form, toggle_form=SetActiveForm()
        ),
        status,
    )


@bp.get("/staff")
@roles_required(Role.ADMIN)
def staff_list():
    """The list, and the creation form, pre-filled with ``?role=&station=`` (as left by the last
    creation, so several door volunteers for one station are added one after the other)."""
    form = StaffCreateForm(
        formdata=None,
        role=(request.args.get("role") or "")[:20],
        station=(request.args.get("station") or "")[:64],
    )
    return _render_staff_list(form)


@bp.post("/staff")
@roles_required(Role.ADMIN)
def staff_create():
    form = StaffCreateForm()
    if form.validate_on_submit():
        try:
            with unit_of_work():
                user = services.create_user(
                    role=form.role.data,
                    password=form.password.data,
                    name=form.name.data,
                    email=form.email.data,
                    phone=form.phone.data,
                    station_slug=form.station.data,
                    actor=current_user._get_current_object(),
                )
        except ServiceError as error:
            field = getattr(form, error.field, None) if error.field else None
            if field is not None:
                field.errors = [*field.errors, error.message]
            else:
                form.form_errors.append(error.message)
        except IntegrityError:
            form.form_errors.append(_("该手机号或邮箱已被其他账号使用。"))
        else:
            flash(_("已创建账号：%(name)s（%(role)s）", name=user.name, role=user.role_label), "success")
            return redirect(url_for("admin.staff_list", role=user.role.value,
                                    station=user.station.slug if user.station else None, _anchor="create"))
    return _render_staff_list(form)


@bp.post("/staff/<int:user_id>/active")
@roles_required(Role.ADMIN)
def staff_set_active(user_id: int):
    user = db.session.get(User, user_id)
    if user is None or not user.is_staff:
        abort(404)
    form = SetActiveForm()
    if not form.validate_on_submit():
        abort(400)
    active = form.active.data == "1"
    if user.id == current_user.id and not active:
        flash(_("不能停用自己的账号。"), "error")
        return redirect(url_for("admin.staff_list"))
    with unit_of_work():
        services.set_active(user, active, actor=current_user._get_current_object())
    if active:
        flash(_("已启用账号：%(name)s", name=user.name), "success")
    else:
        flash(_("已停用账号：%(name)s", name=user.name), "success")
    return redirect(url_for("admin.staff_list"))
