"""Forms of the personal-data pages."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length

from .services import ACCOUNT_DELETED, CONSENT_WITHDRAWN


class ErasureForm(FlaskForm):
    """Withdraw consent or delete the account, confirmed with the password."""

    reason = RadioField(
        _l("您要"),
        choices=[SelectChoice(CONSENT_WITHDRAWN, _l("撤回对隐私声明的同意")), SelectChoice(ACCOUNT_DELETED, _l("注销账号"))],
        default=ACCOUNT_DELETED,
        validators=[InputRequired(_l("请选择一项。"))],
    )
    password = PasswordField(_l("当前密码"), validators=[InputRequired(_l("请输入密码以确认。")), Length(max=128)])
    understood = BooleanField(_l("我已了解：个人信息将立即删除，且无法恢复。"),
                              validators=[DataRequired(_l("请勾选以确认。"))])
