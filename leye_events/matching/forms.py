"""Forms of the matching pages: the seeker's matching profile, a referral with consent."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from ..employers.models import EDUCATION_LABELS
from .models import CONSENT_METHOD_LABELS
from .services import PROFILE_LIMITS, SALARY_WISH_MAX


class ProfileForm(FlaskForm):
    education = SelectField(_l("学历"), choices=[SelectChoice("", _l("未填写"))]
                            + [SelectChoice(e.value, label) for e, label in EDUCATION_LABELS.items()],
                            validators=[Optional()])
    skills = StringField(_l("技能与专业"), validators=[Optional(), Length(max=PROFILE_LIMITS["skills"])])
    wished_posts = StringField(_l("意向岗位"), validators=[Optional(), Length(max=PROFILE_LIMITS["wished_posts"])])
    wished_places = StringField(_l("意向工作地点"), validators=[Optional(), Length(max=PROFILE_LIMITS["wished_places"])])
    salary_wish = IntegerField(_l("期望月薪（元）"), validators=[Optional(), NumberRange(min=0, max=SALARY_WISH_MAX)])


class ReferForm(FlaskForm):
    post_id = IntegerField(validators=[InputRequired()])
    consent = SelectField(_l("求职者同意方式"), choices=[SelectChoice("", _l("请选择"))]
                          + [SelectChoice(c.value, label) for c, label in CONSENT_METHOD_LABELS.items()],
                          validators=[Optional()])
    note = StringField(_l("备注"), validators=[Optional(), Length(max=500)])
