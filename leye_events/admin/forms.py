"""District admin forms: staff accounts."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, SelectField, StringField
from wtforms.validators import AnyOf, InputRequired, Length, Optional

from ..accounts import services
from ..accounts.forms import station_choices, valid_email, valid_password, valid_phone
from ..accounts.models import ROLE_LABELS, Role

STAFF_ROLE_CHOICES = (Role.DOOR, Role.COUNSELOR, Role.ORGANIZER, Role.ADMIN)


class StaffCreateForm(FlaskForm):
    name = StringField(
        _l("姓名"),
        validators=[
            InputRequired(message=_l("请填写姓名。")),
            Length(max=services.NAME_MAX_LENGTH, message=_l("姓名不能超过 50 个字。")),
        ],
    )
    role = SelectField(
        _l("角色"),
        choices=[],
        validators=[
            InputRequired(message=_l("请选择角色。")),
            AnyOf([role.value for role in STAFF_ROLE_CHOICES], message=_l("角色无效。")),
        ],
        validate_choice=False,
    )
    station = SelectField(_l("所属乐业空间"), choices=[], validate_choice=False)
    phone = StringField(
        _l("手机号"),
        validators=[Optional(), valid_phone],
        render_kw={"inputmode": "tel", "autocomplete": "off", "maxlength": 20},
    )
    email = StringField(
        _l("邮箱"),
        validators=[Optional(), Length(max=254, message=_l("邮箱地址太长。")), valid_email],
        render_kw={"inputmode": "email", "autocomplete": "off"},
    )
    password = PasswordField(
        _l("初始密码"),
        validators=[InputRequired(message=_l("请设置初始密码。")), valid_password],
        render_kw={"autocomplete": "new-password", "minlength": services.PASSWORD_MIN_LENGTH},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = [("", _l("请选择"))] + [(role.value, ROLE_LABELS[role]) for role in STAFF_ROLE_CHOICES]
        self.station.choices = station_choices(_l("无（仅区级管理员）"))


class SetActiveForm(FlaskForm):
    """Enable or disable one account; ``active`` is "1" or "0"."""

    active = HiddenField(validators=[AnyOf(["0", "1"])])
