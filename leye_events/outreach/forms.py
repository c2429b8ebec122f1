"""Forms of the outreach pages: uploading a list, logging a contact."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, HiddenField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from .models import CONTACT_CHANNEL_LABELS, CONTACT_OUTCOME_LABELS


class ImportForm(FlaskForm):
    file = FileField(_l("名单文件（.xlsx 或 .csv）"))
    # Set after a preview: the stored upload to import without choosing the file again.
    upload = HiddenField()


class ContactForm(FlaskForm):
    channel = SelectField(_l("方式"), choices=[SelectChoice(c.value, label) for c, label in CONTACT_CHANNEL_LABELS.items()],
                          validators=[InputRequired()])
    result = SelectField(_l("结果"), choices=[SelectChoice(r.value, label) for r, label in CONTACT_OUTCOME_LABELS.items()],
                         validators=[InputRequired()])
    note = StringField(_l("备注"), validators=[Optional(), Length(max=2000)])
    next_contact_on = DateField(_l("下次联系"), validators=[Optional()])
