"""Forms of the counselor pages."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from ..accounts.models import SEEKER_CATEGORY_LABELS
from .models import CASE_STATUS_LABELS, CONSENT_METHOD_LABELS, REFERRAL_RESULT_LABELS, ConsentMethod, ReferralResult

# The case page renders a <datalist id="employer-names"> of known employers; the inputs must name it.
EMPLOYER_INPUT = {"list": "employer-names", "autocomplete": "off"}


class NoteForm(FlaskForm):
    body = TextAreaField(_l("服务记录"), validators=[DataRequired(_l("请填写服务记录内容。")), Length(max=2000)])


class ReferralForm(FlaskForm):
    employer = StringField(_l("用人单位"), validators=[DataRequired(_l("请填写用人单位名称。")), Length(max=200)],
                           render_kw=EMPLOYER_INPUT)
    industry = StringField(_l("行业"), validators=[Optional(), Length(max=100)])
    post = StringField(_l("岗位"), validators=[Optional(), Length(max=200)])
    body = TextAreaField(_l("备注"), validators=[Optional(), Length(max=2000)])
    consent = SelectField(
        _l("求职者是否同意推荐"),
        choices=[SelectChoice("", _l("请选择同意方式"))] + [SelectChoice(m.value, CONSENT_METHOD_LABELS[m]) for m in ConsentMethod],
        validators=[DataRequired(_l("推荐前须征得求职者同意，并注明同意方式。"))],
    )


class ReferralResultForm(FlaskForm):
    result = SelectField(
        _l("推荐结果"),
        choices=[SelectChoice(r.value, REFERRAL_RESULT_LABELS[r]) for r in ReferralResult if r != ReferralResult.PENDING],
        validators=[InputRequired()],
    )


class OutcomeForm(FlaskForm):
    employer = StringField(_l("用人单位"), validators=[DataRequired(_l("请填写用人单位名称。")), Length(max=200)],
                           render_kw=EMPLOYER_INPUT)
    industry = StringField(_l("行业"), validators=[Optional(), Length(max=100)])
    post = StringField(_l("岗位"), validators=[Optional(), Length(max=200)])
    start_date = DateField(_l("入职日期"), validators=[InputRequired(_l("请填写入职日期。"))],
                           format="%Y-%m-%d",
                           description=_l("“帮助就业人数”按入职日期统计：入职日期在所选时间段内才计入。"))
    event_id = SelectField(_l("促成就业的活动"), coerce=int, choices=[SelectChoice(0, "—")], default=0,
                           validate_choice=True)
    referral_id = SelectField(_l("促成就业的岗位推荐"), coerce=int, choices=[SelectChoice(0, "—")], default=0,
                           validate_choice=True)
    body = TextAreaField(_l("备注"), validators=[Optional(), Length(max=2000)])


class StatusForm(FlaskForm):
    status = SelectField(_l("新状态"), choices=[SelectChoice(s.value, label) for s, label in CASE_STATUS_LABELS.items()],
                         validators=[InputRequired()])
    reason = StringField(_l("原因"), validators=[DataRequired(_l("请填写变更原因。")), Length(max=500)])


class CaseForm(FlaskForm):
    category = SelectField(_l("人员类别"), choices=[SelectChoice(c.value, label) for c, label in SEEKER_CATEGORY_LABELS.items()])
    counselor_id = SelectField(_l("服务专员"), coerce=int, choices=[SelectChoice(0, "—")], default=0,
                           validate_choice=True)
    plan = TextAreaField(_l("行动计划"), validators=[Optional(), Length(max=4000)])


class FollowUpForm(FlaskForm):
    registration_id = HiddenField(validators=[DataRequired()])
    contact = HiddenField(validators=[DataRequired()])
    body = StringField(_l("备注"), validators=[Optional(), Length(max=2000)])


class BulkNoteForm(FlaskForm):
    body = TextAreaField(_l("写给全部参加者的服务记录"),
                         validators=[DataRequired(_l("请填写服务记录内容。")), Length(max=2000)])
