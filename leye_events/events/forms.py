"""Forms for the organizer pages: an event with its sessions, and the cancel confirmation.

Forms only parse and type-check what people type (Chinese messages, Shanghai wall time);
the business rules (capacity range, windows, session order, audience) live in events.services.
"""
from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    Field,
    FieldList,
    Form,
    FormField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, ValidationError
from wtforms.widgets import CheckboxInput, DateTimeLocalInput, ListWidget

from ..accounts.models import SEEKER_CATEGORY_LABELS
from ..core.timeutil import SHANGHAI, as_utc, to_local
from .models import EVENT_KIND_LABELS, EVENT_MODE_LABELS, EventMode
from .services import MAX_SESSIONS, SessionInput

DATETIME_FORMATS = ("%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S")
MIN_YEAR, MAX_YEAR = 1950, 2100
EXTRA_EMPTY_SESSION_ROWS = 1


def without_nul(value):
    """Drop NUL characters, which PostgreSQL text columns refuse."""
    return value.replace("\x00", "") if isinstance(value, str) else value


TEXT = {"filters": [without_nul]}


def parse_local_datetime(text: str) -> datetime:
    """``2026-12-03T14:00`` (Shanghai wall time, as a datetime-local input sends it) -> aware UTC.

    Raises ValueError for anything else, including years outside 2000–2100.
    """
    text = (text or "").strip()
    for fmt in DATETIME_FORMATS:
        try:
            value = datetime.strptime(text, fmt)
        except ValueError:
            continue
        if not (2000 <= value.year <= MAX_YEAR):
            raise ValueError("year out of range")
        return as_utc(value.replace(tzinfo=SHANGHAI))
    raise ValueError("not a local datetime")


class LocalDateTimeField(Field):
    """A ``<input type=datetime-local>`` in Asia/Shanghai; ``data`` is an aware UTC datetime or None."""

    widget = DateTimeLocalInput()

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, **kwargs)

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        if self.data:
            return to_local(self.data).strftime("%Y-%m-%dT%H:%M")
        return ""

    def process_formdata(self, valuelist):
        if not valuelist or not (valuelist[0] or "").strip():
            self.data = None
            return
        try:
            self.data = parse_local_datetime(valuelist[0])
        except ValueError:
            self.data = None
            raise ValueError(_l("请输入有效的日期和时间，例如 2026-12-03 14:00。")) from None


class OptionalIntegerField(StringField):
    """A whole number or nothing; ``data`` is an int or None, with a Chinese message when it is not a number."""

    def __init__(self, label=None, validators=None, *, message=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.message = message

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else str(self.data)

    def process_formdata(self, valuelist):
        text = (valuelist[0] if valuelist else "") or ""
        text = text.strip()
        if not text:
            self.data = None
            return
        try:
            value = int(text)
        except ValueError:
            self.data = None
            raise ValueError(self.message or _l("请输入整数。")) from None
        self.data = value


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class SessionForm(Form):
    """One row of the sessions table; a row with nothing typed in is ignored."""

    id = HiddenField()
    title = StringField(_l("场次名称"), **TEXT, validators=[Length(max=200, message=_l("不能超过 200 个字符。"))])
    starts_at = LocalDateTimeField(_l("开始时间"))
    ends_at = LocalDateTimeField(_l("结束时间"))
    mode = SelectField(_l("本场方式"), validate_choice=False,
                       choices=[SelectChoice("", _l("同活动"))] + [SelectChoice(m.value, label) for m, label in EVENT_MODE_LABELS.items()])

    def is_blank(self) -> bool:
        return not any((f.raw_data or [""])[0].strip() for f in (self.title, self.starts_at, self.ends_at))


class EventForm(FlaskForm):
    title = StringField(
        _l("活动名称"),
        **TEXT,
        validators=[InputRequired(message=_l("此项为必填项。")), Length(max=200, message=_l("不能超过 200 个字符。"))],
    )
    kind = SelectField(_l("活动类型"), validate_choice=False)
    station = SelectField(_l("乐业空间"), validate_choice=False)
    capacity = OptionalIntegerField(_l("名额"), message=_l("名额须为整数。"))
    mode = SelectField(_l("参加方式"), validate_choice=False,
                       choices=[SelectChoice(m.value, label) for m, label in EVENT_MODE_LABELS.items()], default=EventMode.ONSITE.value)
    online_url = StringField(_l("直播间地址"), **TEXT, validators=[Length(max=500, message=_l("不能超过 500 个字符。"))])
    replay_url = StringField(_l("回放地址"), **TEXT, validators=[Length(max=500, message=_l("不能超过 500 个字符。"))])
    venue = StringField(_l("地点"), **TEXT, validators=[Length(max=200, message=_l("不能超过 200 个字符。"))])
    description = TextAreaField(_l("活动介绍"), **TEXT)
    registration_opens = LocalDateTimeField(_l("报名开始"))
    registration_closes = LocalDateTimeField(_l("报名截止"))
    waitlist_enabled = BooleanField(_l("名额满后允许候补"), default=True)
    eligible_categories = MultiCheckboxField(_l("面向人员类别"), validate_choice=False)
    eligible_school = StringField(_l("限定学校"), **TEXT, validators=[Length(max=100, message=_l("不能超过 100 个字符。"))])
    eligible_graduation_year_min = OptionalIntegerField(_l("毕业年份（最早）"), message=_l("请输入四位年份。"))
    eligible_graduation_year_max = OptionalIntegerField(_l("毕业年份（最晚）"), message=_l("请输入四位年份。"))
    sessions = FieldList(FormField(SessionForm), min_entries=1, max_entries=MAX_SESSIONS + EXTRA_EMPTY_SESSION_ROWS)

    def __init__(self, *args, stations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = [SelectChoice("", _l("请选择"))] + [SelectChoice(k.value, label) for k, label in EVENT_KIND_LABELS.items()]
        self.station.choices = [SelectChoice("", _l("请选择"))] + [SelectChoice(s.slug, s.name) for s in stations]
        self.eligible_categories.choices = [SelectChoice(c.value, label) for c, label in SEEKER_CATEGORY_LABELS.items()]

    def validate_capacity(self, field):
        if field.data is None and not field.errors and self.mode.data != EventMode.ONLINE.value:
            raise ValidationError(_l("请填写名额。"))

    def _check_year(self, field):
        if field.data is not None and not (MIN_YEAR <= field.data <= MAX_YEAR):
            raise ValidationError(_l("请输入 %(low)d 到 %(high)d 之间的年份。", low=MIN_YEAR, high=MAX_YEAR))

    def validate_eligible_graduation_year_min(self, field):
        self._check_year(field)

    def validate_eligible_graduation_year_max(self, field):
        self._check_year(field)

    def validate_sessions(self, field):
        for entry in field.entries:
            row = entry.form
            if row.is_blank():
                continue
            if row.starts_at.data is None and not row.starts_at.errors:
                row.starts_at.errors.append(_l("请填写开始时间。"))
            if row.ends_at.data is None and not row.ends_at.errors:
                row.ends_at.errors.append(_l("请填写结束时间。"))
            if row.id.data and not str(row.id.data).isdigit():
                row.id.errors.append(_l("场次编号无效。"))
        if any(entry.form.starts_at.errors or entry.form.ends_at.errors or entry.form.id.errors
               for entry in field.entries):
            raise ValidationError(_l("请检查场次的时间。"))

    def session_inputs(self) -> list[SessionInput]:
        """The filled-in session rows, for events.services."""
        return [
            SessionInput(
                starts_at=entry.form.starts_at.data,
                ends_at=entry.form.ends_at.data,
                title=(entry.form.title.data or "").strip(),
                id=int(entry.form.id.data) if entry.form.id.data else None,
                mode=entry.form.mode.data or None,
            )
            for entry in self.sessions.entries
            if not entry.form.is_blank()
        ]

    def service_values(self) -> dict:
        """The plain event fields, as events.services takes them (station excluded)."""
        return {
            "title": self.title.data or "",
            "kind": self.kind.data or "",
            "capacity": self.capacity.data,
            "mode": self.mode.data or EventMode.ONSITE.value,
            "online_url": self.online_url.data or "",
            "replay_url": self.replay_url.data or "",
            "venue": self.venue.data or "",
            "description": self.description.data or "",
            "registration_opens": self.registration_opens.data,
            "registration_closes": self.registration_closes.data,
            "waitlist_enabled": bool(self.waitlist_enabled.data),
            "eligible_categories": list(self.eligible_categories.data or []),
            "eligible_school": self.eligible_school.data or "",
            "eligible_graduation_year_min": self.eligible_graduation_year_min.data,
            "eligible_graduation_year_max": self.eligible_graduation_year_max.data,
        }

    def fill_from_event(self, event) -> None:
        """Load an existing event into a fresh (GET) form."""
        self.title.data = event.title
        self.kind.data = event.kind.value
        self.station.data = event.station.slug
        self.capacity.data = event.capacity
        self.mode.data = (event.mode or EventMode.ONSITE).value
        self.online_url.data = event.online_url or ""
        self.replay_url.data = event.replay_url or ""
        self.venue.data = event.venue
        self.description.data = event.description
        self.registration_opens.data = event.registration_opens
        self.registration_closes.data = event.registration_closes
        self.waitlist_enabled.data = event.waitlist_enabled
        self.eligible_categories.data = list(event.eligible_categories or [])
        self.eligible_school.data = event.eligible_school or ""
        self.eligible_graduation_year_min.data = event.eligible_graduation_year_min
        self.eligible_graduation_year_max.data = event.eligible_graduation_year_max
        while len(self.sessions.entries):
            self.sessions.pop_entry()
        for session in event.sessions:
            self.sessions.append_entry(
                {"id": str(session.id), "title": session.title, "starts_at": session.starts_at, "ends_at": session.ends_at,
                 "mode": session.mode.value if session.mode else ""}
            )
        if not self.sessions.entries:
            self.sessions.append_entry()

    def add_session_row(self) -> bool:
        """Append an empty session row; False when the form already has the most rows allowed."""
        if len(self.sessions.entries) >= (self.sessions.max_entries or MAX_SESSIONS):
            return False
        self.sessions.append_entry()
        return True


class CancelEventForm(FlaskForm):
    reason = TextAreaField(_l("取消原因（会告知已报名的人）"), **TEXT,
                           validators=[Length(max=500, message=_l("不能超过 500 个字符。"))])


class ActionForm(FlaskForm):
    """An empty form for CSRF-protected buttons (publish)."""
