"""The organizer's cover upload form."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired


class CoverForm(FlaskForm):
    cover = FileField(_l("封面图片"), validators=[FileRequired(_l("请选择一张图片。"))])


class RemoveCoverForm(FlaskForm):
    pass
