"""The form that asks for a reason before showing full names and phones."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

UNMASKED_FORMATS = [SelectChoice("xlsx", _l("Excel 表格")), SelectChoice("csv", _l("CSV")),
                    SelectChoice("print", _l("打印签到表"))]


class UnmaskForm(FlaskForm):
    format = RadioField(_l("格式"), choices=UNMASKED_FORMATS, default="xlsx",
                        validators=[DataRequired(_l("请选择格式。"))])
    reason = StringField(
        _l("查看理由"),
        validators=[DataRequired(_l("请填写查看完整信息的理由。")), Length(min=2, max=200, message=_l("理由须为 2 到 200 个字。"))],
    )
