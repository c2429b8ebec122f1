"""The event poster: a PNG sized for WeChat Moments (1080×1440, 3:4) with a QR code of the event page.

Drawn with Pillow and the vendored CJK font, so it looks the same on every server.
"""
from __future__ import annotations

import io
from functools import lru_cache
from typing import TYPE_CHECKING

from ..booking.tickets import qr_png
from ..core.friendly import friendly_span
from ..events.models import Event
from .fonts import cjk_font_path

if TYPE_CHECKING:
    from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 1080, 1440
MARGIN = 72
BRAND = (200, 54, 43)  # 乐业 red, app.css --c-primary
INK = (17, 24, 39)
MUTED = (75, 85, 99)
PAPER = (255, 255, 255)
MAX_SESSION_LINES = 4


@lru_cache(maxsize=32)
def _font(path: str, size: int) -> ImageFont.FreeTypeFont:
    from PIL import ImageFont  # Pillow is imported on first use: pages and check-ins never need it

    return ImageFont.truetype(path, size)


def font(size: int) -> ImageFont.FreeTypeFont:
    return _font(str(cjk_font_path()), size)


def _split_word(line: str, char: str) -> tuple[str, str]:
    """Where a Latin word was cut by the line end: move it whole to the next line (CJK breaks anywhere)."""
    if not char.isascii() or not char.strip() or " " not in line or not line[-1:].strip():
        return line, char
    head, _, tail = line.rpartition(" ")
    if not tail.isascii():
        return line, char
    return head, tail + char


def wrap(text: str, face: ImageFont.FreeTypeFont, width: int, max_lines: int) -> list[str]:
    """Break ``text`` into lines no wider than ``width`` pixels: anywhere between CJK characters, at
    spaces within Latin words; the last kept line ends with … when text is left over."""
    lines, line = [], ""
    for char in text.replace("\n", " "):
        if face.getlength(line + char) <= width:
            line += char
            continue
        kept, line = _split_word(line, char)
        lines.append(kept)
        line = line.lstrip()
        if len(lines) == max_lines:
            break
    else:
        if line:
            lines.append(line)
        return lines
    last = lines[-1]
    while last and face.getlength(last + "…") > width:
        last = last[:-1]
    lines[-1] = last + "…"
    return lines


def _session_lines(event: Event, locale) -> list[str]:
    sessions = event.sessions
    lines = [friendly_span(s.starts_at, s.ends_at, locale=locale, relative=False) for s in sessions[:MAX_SESSION_LINES]]
    if len(sessions) > MAX_SESSION_LINES:
        lines[-1] = lines[-1] + f" …（{len(sessions)}）"
    return lines


def render_poster(event: Event, event_url: str, *, labels: dict, locale="zh_CN", cover: Image.Image | None = None) -> bytes:
    """The poster as PNG bytes.

    ``labels`` holds the translated words drawn on it (``kind``, ``venue``, ``station``, ``scan``,
    ``brand``); ``event_url`` is what the QR code holds; ``cover`` is drawn as a banner when given.
    """
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
    draw = ImageDraw.Draw(image)
    top = 0
    if cover is not None:
        banner = cover.convert("RGB").resize((WIDTH, 405))
        image.paste(banner, (0, 0))
        top = 405
    else:
        draw.rectangle((0, 0, WIDTH, 220), fill=BRAND)
        draw.text((MARGIN, 70), labels["brand"], font=font(56), fill=PAPER)
        top = 220
    y = top + 50
    kind_face = font(36)
    kind_width = int(kind_face.getlength(labels["kind"])) + 48
    draw.rounded_rectangle((MARGIN, y, MARGIN + kind_width, y + 64), radius=32, fill=(253, 236, 234))
    draw.text((MARGIN + 24, y + 12), labels["kind"], font=kind_face, fill=BRAND)
    y += 100
    title_face = font(72)
    for line in wrap(event.title, title_face, WIDTH - 2 * MARGIN, 3):
        draw.text((MARGIN, y), line, font=title_face, fill=INK)
        y += 96
    y += 20
    y = _draw_facts(draw, event, labels, locale, y)
    _draw_qr(image, draw, event_url, labels)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _draw_facts(draw: ImageDraw.ImageDraw, event: Event, labels: dict, locale, y: int) -> int:
    fact_face = font(40)
    width = WIDTH - 2 * MARGIN
    for line in _session_lines(event, locale):
        draw.text((MARGIN, y), line, font=fact_face, fill=INK)
        y += 58
    y += 12
    for line in wrap(f"{labels['venue']}{event.venue}", fact_face, width, 2) if event.venue else []:
        draw.text((MARGIN, y), line, font=fact_face, fill=MUTED)
        y += 58
    for line in wrap(f"{labels['station']}{event.station.name}", fact_face, width, 2):
        draw.text((MARGIN, y), line, font=fact_face, fill=MUTED)
        y += 58
    return y


def _draw_qr(image: Image.Image, draw: ImageDraw.ImageDraw, event_url: str, labels: dict) -> None:
    from PIL import Image

    size = 340
    qr = Image.open(io.BytesIO(qr_png(event_url))).convert("RGB").resize((size, size), Image.NEAREST)
    left, top = WIDTH - MARGIN - size, HEIGHT - MARGIN - size
    draw.line((MARGIN, top - 40, WIDTH - MARGIN, top - 40), fill=(229, 231, 235), width=3)
    image.paste(qr, (left, top))
    scan_face = font(40)
    for index, line in enumerate(wrap(labels["scan"], scan_face, left - 2 * MARGIN, 3)):
        draw.text((MARGIN, top + 100 + index * 58), line, font=scan_face, fill=INK)
