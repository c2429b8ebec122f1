"""Forms of the booking pages."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange


class ConfirmForm(FlaskForm):
    """A bare form: its only field is the CSRF token."""


class CancelForm(FlaskForm):
    reason = StringField(_l("取消原因"), validators=[Length(max=500)])


class StaffCancelForm(FlaskForm):
    reason = StringField(_l("取消原因"), validators=[DataRequired(_l("请填写取消原因。")), Length(max=500)])


class CapacityForm(FlaskForm):
    capacity = IntegerField(
        _l("名额"),
        validators=[InputRequired(_l("请填写名额。")), NumberRange(min=0, max=100_000, message=_l("名额须为 0 到 100000 之间的整数。"))],
    )
