"""Forms of the door pages: walk-in registration and the one-tap check-in on a ticket page."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from ..accounts.models import SEEKER_CATEGORY_LABELS


class WalkInForm(FlaskForm):
    """Someone without a registration at the door: name, phone and category are enough."""

    name = StringField(_l("姓名"), validators=[DataRequired(_l("请填写姓名。")), Length(max=50)])
    phone = StringField(_l("手机号"), validators=[DataRequired(_l("请填写手机号。")), Length(max=20)])
    # Lazy labels, translated when rendered: the door page makes a form per request for its CSRF token only.
    category = SelectField(_l("人员类别"), validate_choice=True,
                           choices=[SelectChoice(code.value, label) for code, label in SEEKER_CATEGORY_LABELS.items()])


class TicketCheckInForm(FlaskForm):
    """The one-tap check-in on a ticket page: its only field is the CSRF token."""
