"""The event poster: a PNG for WeChat Moments whose QR code decodes to the event page."""
import io

import pytest
from PIL import Image

from leye_events.events.models import EventStatus

from ..factories import make_event, make_station, make_user

zxingcpp = pytest.importorskip("zxingcpp")


def decode_qr(png: bytes) -> list[str]:
    image = Image.open(io.BytesIO(png))
    return [result.text for result in zxingcpp.read_barcodes(image)]


def test_poster_is_a_moments_sized_png_whose_qr_opens_the_event(client):
    event = make_event(title="打造我的2026 · 沉浸式工作坊：岗位解析、潜力探索、岗位推介与求职适配全流程体验")
    response = client.get(f"/events/{event.id}/poster.png")
    assert response.status_code == 200
    assert response.mimetype == "image/png"
    image = Image.open(io.BytesIO(response.data))
    assert image.size == (1080, 1440)
    assert decode_qr(response.data) == [f"http://localhost/events/{event.id}"]


def test_poster_draws_chinese_text_with_the_bundled_font(client):
    """Blank boxes (tofu) would leave the title area almost empty; real glyphs put ink there."""
    event = make_event(title="职场沙龙：面试技巧")
    image = Image.open(io.BytesIO(client.get(f"/events/{event.id}/poster.png").data)).convert("L")
    title_area = image.crop((72, 370, 1008, 470))
    dark = sum(title_area.histogram()[:128])
    assert dark > 3000


def test_bundled_font_has_every_hanzi_of_the_demo_texts():
    """Missing glyphs would be drawn as empty boxes; the font must hold what the app writes."""
    from fontTools.ttLib import TTFont

    from leye_events.sharing.fonts import BUNDLED_FONT

    cmap = TTFont(BUNDLED_FONT).getBestCmap()
    text = "打造我的2026沉浸式工作坊岗位解析潜力探索推介求职适配杨浦乐业空间长按或扫描二维码查看详情并报名结业证书兹证明周四今天明天"
    assert [c for c in text if ord(c) not in cmap] == []


def test_poster_api_matches_the_page_and_hides_drafts(client, login):
    station = make_station()
    draft = make_event(station=station, status=EventStatus.DRAFT)
    assert client.get(f"/api/v1/events/{draft.id}/poster.png").status_code == 404
    assert client.get(f"/api/v1/events/{draft.id}/poster.png").get_json()["error"]["code"] == "not_found"
    assert client.get(f"/events/{draft.id}/poster.png").status_code == 404
    organizer = make_user(role="organizer", station=station)
    assert login(organizer).get(f"/events/{draft.id}/poster.png").status_code == 200
    published = make_event(station=station)
    response = client.get(f"/api/v1/events/{published.id}/poster.png")
    assert response.status_code == 200 and decode_qr(response.data) == [f"http://localhost/events/{published.id}"]


def test_poster_for_a_missing_event_is_a_json_404(client):
    response = client.get("/api/v1/events/999999/poster.png")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_poster_lines_break_between_hanzi_and_at_spaces_in_english():
    from leye_events.sharing.poster import font, wrap

    face = font(40)
    assert wrap("Long-press or scan the QR code for details and registration", face, 500, 3) == [
        "Long-press or scan the QR", "code for details and", "registration"]
    assert wrap("长按或扫描二维码，查看详情并报名长按或扫描二维码", face, 500, 3) == [
        "长按或扫描二维码，查看详", "情并报名长按或扫描二维码"]
    lines = wrap("打造我的2026 " * 20, face, 500, 2)
    assert len(lines) == 2 and lines[-1].endswith("…")
