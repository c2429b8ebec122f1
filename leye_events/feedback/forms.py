"""The seeker's feedback form."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length

from .models import MAX_COMMENT_LENGTH

RATING_LABELS = [SelectChoice(5, _l("非常满意")), SelectChoice(4, _l("满意")), SelectChoice(3, _l("一般")),
                 SelectChoice(2, _l("不太满意")), SelectChoice(1, _l("不满意"))]


class FeedbackForm(FlaskForm):
    rating = RadioField(_l("评分"), choices=RATING_LABELS, coerce=int,
                        validators=[InputRequired(_l("请选择评分。"))])
    comment = TextAreaField(_l("留言（选填）"), validators=[Length(max=MAX_COMMENT_LENGTH)])
