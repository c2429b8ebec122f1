"""Forms of the notification pages: preferences, an organizer's notice, SMS-code login."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, StringField, SubmitField, TextAreaField
from wtforms.validators import EqualTo, InputRequired, Length, Optional, Regexp

from .services import NOTICE_MAX_LENGTH


class PreferencesForm(FlaskForm):
    notify_sms = BooleanField(_l("短信通知"))
    notify_email = BooleanField(_l("邮件通知"))


class NoticeForm(FlaskForm):
    text = TextAreaField(_l("通知内容"), validators=[InputRequired(), Length(max=NOTICE_MAX_LENGTH)])


class SmsLoginForm(FlaskForm):
    """One form, two buttons: send a code to the phone, then log in (or sign up) with it."""

    phone = StringField(_l("手机号"), validators=[InputRequired(), Length(max=20)],
                        render_kw={"inputmode": "tel", "autocomplete": "tel"})
    sms_code = StringField(_l("验证码"), validators=[Optional(), Regexp(r"^\d{6}$", message=_l("验证码为6位数字。"))],
                           render_kw={"inputmode": "numeric", "autocomplete": "one-time-code", "maxlength": 6})
    name = StringField(_l("姓名（首次登录即注册，需填写）"), validators=[Optional(), Length(max=50)])
    consent = BooleanField(_l("我已阅读并同意隐私声明"))
    send = SubmitField(_l("获取验证码"))
    submit = SubmitField(_l("登录"))


class NewPasswordForm(FlaskForm):
    """A new password without the old one, right after logging in with an SMS code (forgotten password)."""

    new_password = PasswordField(_l("新密码"), validators=[InputRequired(), Length(min=8, max=128)])
    confirm = PasswordField(_l("再次输入新密码"), validators=[EqualTo("new_password", message=_l("两次输入的密码不一致。"))])
