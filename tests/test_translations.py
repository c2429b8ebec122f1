"""The English catalogue: complete for what the source extracts, compilable, and actually used.

Chinese is the first language (the msgids are Chinese); English comes from
leye_events/translations/en/LC_MESSAGES/messages.po. When a test here fails after you added text:
run ``make extract-messages``, translate the new (empty) entries in the .po, then ``make translations``.
"""
import functools
import io
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

from leye_events.accounts.models import Role
from leye_events.events.models import EventKind

from .factories import make_event, make_registration, make_station, make_user

ROOT = Path(__file__).resolve().parent.parent
EN_DIR = ROOT / "leye_events" / "translations" / "en" / "LC_MESSAGES"
PO_PATH = EN_DIR / "messages.po"
MO_PATH = EN_DIR / "messages.mo"
# The same keywords as `make extract-messages` (pybabel's defaults plus -k _l -k lazy_gettext).
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}
CJK = re.compile(r"[\u4e00-\u9fff]")
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w+\}")


def _read_catalogue():
    with PO_PATH.open("rb") as fh:
        return read_po(fh, locale="en")


@functools.cache
def _extracted_msgids() -> dict[str, str]:
    """msgid -> "file:line" for every message the current source extracts (as babel.cfg says)."""
    with (ROOT / "babel.cfg").open() as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    found = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS
    ):
        msgid = message if isinstance(message, str) else message[0]
        if msgid:
            found.setdefault(msgid, f"{filename}:{lineno}")
    return found


# --- the catalogue itself --------------------------------------------------------------------


def test_extraction_finds_the_source_strings():
    """Guards the comparison below: extraction must see Python, lazy and template strings."""
    found = _extracted_msgids()
    assert len(found) > 300
    assert "请先登录。" in found  # Python: gettext as _
    assert "离校未就业高校毕业生" in found  # Python: lazy_gettext as _l
    assert "立即报名" in found  # Jinja template


def test_every_extracted_message_has_a_reviewed_english_translation():
    catalogue = _read_catalogue()
    problems = []
    for msgid, where in sorted(_extracted_msgids().items(), key=lambda item: item[1]):
        message = catalogue.get(msgid)
        if message is None:
            problems.append(f"not in the catalogue: {msgid!r} ({where})")
        elif not message.string or (message.pluralizable and not all(message.string)):
            problems.append(f"untranslated: {msgid!r} ({where})")
        elif message.fuzzy:
            problems.append(f"fuzzy: {msgid!r} ({where})")
    assert not problems, (
        "English catalogue out of date; run `make extract-messages`, translate, `make translations`:\n"
        + "\n".join(problems)
    )


def test_translations_keep_placeholders_and_contain_no_chinese():
    problems = []
    for message in _read_catalogue():
        if not message.id or not message.string:
            continue
        ids = message.id if message.pluralizable else (message.id,)
        strings = message.string if message.pluralizable else (message.string,)
        wanted = sorted(PLACEHOLDER.findall(ids[0]))
        for string in strings:
            if sorted(PLACEHOLDER.findall(string)) != wanted:
                problems.append(f"placeholders differ: {ids[0]!r} -> {string!r}")
            if CJK.search(string):
                problems.append(f"Chinese left in the translation: {ids[0]!r} -> {string!r}")
    assert not problems, "\n".join(problems)


def test_catalogue_compiles():
    catalogue = _read_catalogue()
    errors = [(message.id, err) for message, errs in catalogue.check() for err in errs]
    assert not errors
    buffer = io.BytesIO()
    write_mo(buffer, catalogue)
    buffer.seek(0)
    compiled = read_mo(buffer)
    assert compiled.get("请先登录。").string == "Please log in first."


def test_compiled_catalogue_is_built_and_current():
    """The app reads the .mo (gitignored, built by `make`); a stale one would show old English."""
    assert MO_PATH.exists(), "messages.mo missing: run `make translations` (or `make test`)"
    with MO_PATH.open("rb") as fh:
        compiled = {m.id: m.string for m in read_mo(fh) if m.id}
    source = {m.id: m.string for m in _read_catalogue() if m.id and m.string and not m.fuzzy}
    stale = sorted(msgid for msgid, string in source.items() if compiled.get(msgid) != string)
    assert not stale, f"messages.mo is older than messages.po: run `make translations` ({stale[:5]})"


# --- pages in English --------------------------------------------------------------------------


class _VisibleText(HTMLParser):
    """Text a visitor can see or hear: text content and labelling attributes, not script/style."""

    ATTRIBUTES = ("placeholder", "title", "aria-label", "alt")

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        for name, value in attrs:
            if name in self.ATTRIBUTES and value:
                self.parts.append(value)
        if tag == "input":
            kinds = dict(attrs)
            if kinds.get("type") in ("submit", "button") and kinds.get("value"):
                self.parts.append(kinds["value"])

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def _chinese_left(html: str) -> list[str]:
    parser = _VisibleText()
    parser.feed(html)
    return [
        part.strip()
        for part in parser.parts
        if CJK.search(part) and part.strip() != "中文"  # the language switch names the other language
    ]


@pytest.fixture
def english_event():
    """An event whose data is all English, so any Chinese on its page is untranslated UI text."""
    station = make_station(name="Test station", slug="test-station", address="100 Test Road")
    event = make_event(
        station,
        sessions=2,
        kind=EventKind.WORKSHOP,
        title="Resume clinic",
        description="Bring your CV.",
        venue="Room 101",
        capacity=2,
    )
    for number, session in enumerate(event.sessions, 1):
        session.title = f"Part {number}"
    from leye_events.extensions import db

    db.session.commit()
    return event


def _english_seeker(**kw):
    return make_user(Role.SEEKER, name="Test seeker", **kw)


@pytest.mark.parametrize("path", ["/", "/login", "/signup", "/privacy", "/stations"])
def test_public_pages_in_english_have_no_chinese(client, english_event, path):
    response = client.get(path + "?lang=en")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert _chinese_left(html) == [], path
    if path == "/":
        assert "Resume clinic" in html


def test_event_and_station_pages_in_english_have_no_chinese(client, english_event):
    for path in (f"/events/{english_event.id}", f"/stations/{english_event.station.slug}"):
        response = client.get(path + "?lang=en")
        assert response.status_code == 200, path
        html = response.get_data(as_text=True)
        assert "Resume clinic" in html
        assert _chinese_left(html) == [], path


def test_seeker_pages_in_english_have_no_chinese(login, english_event):
    seeker = _english_seeker()
    registration = make_registration(english_event, seeker)
    client = login(seeker)
    paths = [
        f"/events/{english_event.id}",
        "/me/registrations",
        f"/tickets/{registration.ticket_code}",
        "/account",
    ]
    for path in paths:
        response = client.get(path + "?lang=en")
        assert response.status_code == 200, path
        assert _chinese_left(response.get_data(as_text=True)) == [], path


def test_chinese_is_the_default_and_english_is_opt_in(client, english_event):
    zh = client.get("/").get_data(as_text=True)
    assert "近期活动" in zh and "Upcoming events" not in zh
    assert '<html lang="zh-CN">' in zh
    assert "近期活动" in _chinese_left(zh)  # the checker used above does see Chinese text
    en = client.get("/?lang=en").get_data(as_text=True)
    assert "Upcoming events" in en and "近期活动" not in en
    assert '<html lang="en">' in en
    # An unknown language falls back to Chinese; a ?lang= link is kept for the next pages (redirects too).
    assert "近期活动" not in client.get("/?lang=fr").get_data(as_text=True)  # still the English chosen above
    assert "Log in" in client.get("/login").get_data(as_text=True)
    fresh = client.application.test_client()
    assert "近期活动" in fresh.get("/?lang=fr").get_data(as_text=True)


def test_language_switch_is_remembered(client, english_event):
    response = client.get("/lang/en?next=/login")
    assert response.status_code == 302
    assert "Log in" in client.get("/login").get_data(as_text=True)
    client.get("/lang/zh_CN")
    assert "登录" in client.get("/login").get_data(as_text=True)


@pytest.mark.parametrize("lang, expected", [("zh_CN", "限 &lt;b&gt;复旦&lt;/b&gt; · 共 3 个活动 · 100%"),
                                            ("en", "Only &lt;b&gt;复旦&lt;/b&gt; · Events: 3 · 100%")])
def test_templates_translate_like_jinjas_new_style_gettext(app, lang, expected):
    """Templates translate through gettext bound to the render (templating.render_gettext): the message is
    a format string in every case (``%%`` is one ``%``), its variables escaped in HTML."""
    from flask import render_template_string

    source = "{{ _('限 %(school)s', school='<b>复旦</b>') }} · {{ gettext('共 %(n)d 个活动', n=3) }} · {{ _('100%%') }}"
    with app.test_request_context(f"/?lang={lang}"):
        assert render_template_string(source) == expected
