"""Account forms: sign-up, login, password change.

Field checks reuse the account services' own rules (phone, email, password) so that a
visitor sees every problem at once; the services check again when they are called.
"""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import EqualTo, InputRequired, Length, Optional, ValidationError

from ..core.errors import ServiceError
from ..extensions import db
from ..stations.models import STATION_KIND_LABELS, Station, StationKind
from . import services
from .models import SEEKER_CATEGORY_LABELS, SeekerCategory

# Categories for whom the school and graduation year mean something.
STUDENT_LIKE_CATEGORIES = (
    SeekerCategory.GRADUATE_UNEMPLOYED,
    SeekerCategory.STUDENT,
    SeekerCategory.UNEMPLOYED_YOUTH,
)


def _service_check(check):
    """A WTForms validator that runs an account-service check and shows its message."""

    def validator(form, field):
        if not field.data:
            return
        try:
            check(field.data)
        except ServiceError as error:
            raise ValidationError(error.message) from None

    return validator


valid_phone = _service_check(services.normalize_phone)
valid_email = _service_check(services.normalize_email)
valid_password = _service_check(services.check_password_rules)


def station_choices(empty_label) -> list[SelectChoice]:
    """Stations for a select, in ``<optgroup>``s by kind: sub-district stations (named after their
    街道), university stations (named after their school), then parks; ``empty_label`` first."""
    stations = db.session.execute(db.select(Station).order_by(Station.name, Station.id)).scalars().all()
    choices = [SelectChoice(value="", label=empty_label)]
    for kind in (StationKind.SUB_DISTRICT, StationKind.UNIVERSITY, StationKind.PARK):
        group = str(STATION_KIND_LABELS[kind])
        choices += [SelectChoice(s.slug, s.name, optgroup=group) for s in stations if s.kind == kind]
    return choices


class SignupForm(FlaskForm):
    name = StringField(
        _l("姓名"),
        validators=[
            InputRequired(message=_l("请填写姓名。")),
            Length(max=services.NAME_MAX_LENGTH, message=_l("姓名不能超过 50 个字。")),
        ],
        render_kw={"autocomplete": "name"},
    )
    phone = StringField(
        _l("手机号"),
        validators=[InputRequired(message=_l("请填写手机号。")), valid_phone],
        render_kw={"autocomplete": "tel", "inputmode": "tel", "maxlength": 20},
    )
    password = PasswordField(
        _l("密码"),
        validators=[InputRequired(message=_l("请设置密码。")), valid_password],
        render_kw={"autocomplete": "new-password", "minlength": services.PASSWORD_MIN_LENGTH},
    )
    confirm = PasswordField(
        _l("确认密码"),
        validators=[
            InputRequired(message=_l("请再次输入密码。")),
            EqualTo("password", message=_l("两次输入的密码不一致。")),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    email = StringField(
        _l("邮箱（选填）"),
        validators=[Optional(), Length(max=254, message=_l("邮箱地址太长。")), valid_email],
        render_kw={"autocomplete": "email", "inputmode": "email"},
    )
    category = SelectField(
        _l("您的情况"),
        choices=[],
        validate_choice=False,  # the service answers an unknown value with a Chinese message
        validators=[InputRequired(message=_l("请选择您的情况。"))],
    )
    school = StringField(
        _l("学校（选填）"),
        validators=[Optional(), Length(max=100, message=_l("学校名称不能超过 100 个字。"))],
        render_kw={"autocomplete": "organization"},
    )
    graduation_year = StringField(
        _l("毕业年份（选填）"),
        validators=[Optional()],
        render_kw={"inputmode": "numeric", "maxlength": 4, "placeholder": "2026"},
    )
    station = SelectField(_l("常去的乐业空间（选填）"), choices=[], validate_choice=False)
    consent = BooleanField(
        _l("我已阅读并同意隐私声明"),
        validators=[InputRequired(message=_l("请阅读并同意隐私声明后再注册。"))],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.category.choices = [("", _l("请选择"))] + [
            (category.value, label) for category, label in SEEKER_CATEGORY_LABELS.items()
        ]
        self.station.choices = station_choices(_l("暂不选择"))


class LoginForm(FlaskForm):
    login = StringField(
        _l("手机号或邮箱"),
        validators=[InputRequired(message=_l("请填写手机号或邮箱。")), Length(max=254)],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        _l("密码"),
        validators=[InputRequired(message=_l("请填写密码。")), Length(max=services.PASSWORD_MAX_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField(_l("在这台设备上保持登录"))


class LogoutForm(FlaskForm):
    """No fields: only the CSRF token, so that logging out needs a real POST from our page."""


class PasswordChangeForm(FlaskForm):
    current_password = PasswordField(
        _l("当前密码"),
        validators=[InputRequired(message=_l("请填写当前密码。"))],
        render_kw={"autocomplete": "current-password"},
    )
    new_password = PasswordField(
        _l("新密码"),
        validators=[InputRequired(message=_l("请填写新密码。")), valid_password],
        render_kw={"autocomplete": "new-password", "minlength": services.PASSWORD_MIN_LENGTH},
    )
    confirm = PasswordField(
        _l("确认新密码"),
        validators=[
            InputRequired(message=_l("请再次输入新密码。")),
            EqualTo("new_password", message=_l("两次输入的密码不一致。")),
        ],
        render_kw={"autocomplete": "new-password"},
    )
