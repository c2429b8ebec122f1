"""Friendlier pages: share cards, the calendar hint in WeChat, map links, covers, manifest, the door."""
import io
from datetime import UTC, date, datetime

from PIL import Image

from leye_events.accounts.models import Role
from leye_events.core.friendly import friendly_day, friendly_span
from leye_events.extensions import db

from ..checkin.helpers import door_staff, open_event, ticket
from ..factories import PASSWORD, auth_header, make_event, make_registration, make_station, make_token, make_user

WECHAT_UA = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
             "Mobile/15E148 MicroMessenger/8.0.50(0x1800322c) NetType/WIFI Language/zh_CN")


def test_friendly_dates_read_as_people_say_them():
    start, end = datetime(2026, 12, 11, 6, 0, tzinfo=UTC), datetime(2026, 12, 11, 8, 0, tzinfo=UTC)
    assert friendly_span(start, end, today=date(2026, 11, 29)) == "12月11日 周五 14:00–16:00"
    assert friendly_span(start, end, today=date(2026, 12, 11)) == "今天 14:00–16:00"
    assert friendly_span(start, end, today=date(2026, 12, 10)) == "明天 14:00–16:00"
    assert friendly_span(start, end, today=date(2026, 12, 10), relative=False) == "12月11日 周五 14:00–16:00"
    assert friendly_span(start, end, today=date(2026, 11, 29), locale="en") == "Fri, Dec 11 14:00–16:00"
    assert friendly_day(start, today=date(2025, 6, 1)) == "2026年12月11日 周五"
    overnight = friendly_span(datetime(2026, 12, 11, 14, 0, tzinfo=UTC), datetime(2026, 12, 11, 17, 0, tzinfo=UTC),
                              today=date(2026, 11, 29))
    assert overnight == "12月11日 周五 22:00 – 12月12日 周六 01:00"


def test_event_page_has_a_share_card_a_map_link_and_station_hours(client):
    station = make_station(name="殷行街道乐业空间", address="国和路 346 号", opening_hours="周一至周五 9:00–17:00")
    event = make_event(station, title="职场沙龙：简历门诊", venue="3 楼多功能厅")
    html = client.get(f"/events/{event.id}").text
    assert '<meta property="og:title" content="职场沙龙：简历门诊 · 职场沙龙">' in html
    assert f'<meta property="og:image" content="http://localhost/events/{event.id}/poster.png">' in html
    assert '<meta property="og:description"' in html and "3 楼多功能厅" in html
    assert "https://uri.amap.com/search?keyword=" in html
    assert "国和路 346 号" in html and "周一至周五 9:00–17:00" in html
    assert f'href="/events/{event.id}/share"' in html
    assert client.get(f"/events/{event.id}/share").status_code == 200


def test_calendar_hint_only_inside_wechat(client):
    event = make_event()
    assert "在浏览器打开" not in client.get(f"/events/{event.id}").text
    assert "在浏览器打开" in client.get(f"/events/{event.id}", headers={"User-Agent": WECHAT_UA}).text


def test_ticket_shows_a_png_qr_and_the_owners_own_name_only_to_them(client, login):
    seeker = make_user(Role.SEEKER, name="王小明")
    registration = make_registration(make_event(), seeker)
    own = login(seeker).get(f"/tickets/{registration.ticket_code}").text
    assert f'src="/tickets/{registration.ticket_code}/qr.png"' in own
    assert "王小明" in own
    assert "王小明" not in client.get(f"/tickets/{registration.ticket_code}").text


def test_manifest_and_favicon(client):
    manifest = client.get("/manifest.webmanifest")
    assert manifest.status_code == 200 and manifest.mimetype == "application/manifest+json"
    body = manifest.get_json()
    assert body["start_url"] == "/" and {i["sizes"] for i in body["icons"]} == {"192x192", "512x512"}
    for icon in body["icons"]:
        assert client.get(icon["src"]).status_code == 200
    assert client.get("/favicon.ico").status_code == 200
    assert 'rel="manifest"' in client.get("/").text


def _jpeg(size=(1600, 900), color=(30, 120, 200)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="JPEG")
    return buffer.getvalue()


def test_organizer_uploads_a_cover_that_is_cropped_and_shown(app, login, tmp_path):
    app.config["COVER_STORAGE_DIR"] = str(tmp_path)
    try:
        event = make_event()
        organizer = make_user(Role.ORGANIZER, station=event.station)
        web = login(organizer)
        assert web.get(f"/manage/events/{event.id}/cover").status_code == 200
        response = web.post(f"/manage/events/{event.id}/cover",
                            data={"cover": (io.BytesIO(_jpeg()), "cover.jpg")}, content_type="multipart/form-data")
        assert response.status_code == 302
        db.session.refresh(event)
        stored = tmp_path / event.cover_image
        assert Image.open(stored).size == (1080, 405)
        cover = web.get(f"/events/{event.id}/cover.jpg")
        assert cover.status_code == 200 and cover.mimetype == "image/jpeg"
        assert f"/events/{event.id}/cover.jpg" in web.get(f"/events/{event.id}").text
        poster = Image.open(io.BytesIO(web.get(f"/events/{event.id}/poster.png").data)).convert("RGB")
        banner_pixel = poster.getpixel((540, 200))  # the cover is the poster's banner
        assert all(abs(a - b) < 12 for a, b in zip(banner_pixel, (30, 120, 200), strict=True)), banner_pixel
    finally:
        app.config.pop("COVER_STORAGE_DIR")


def test_bad_cover_uploads_are_refused_with_a_message(app, login, tmp_path):
    app.config["COVER_STORAGE_DIR"] = str(tmp_path)
    try:
        event = make_event()
        web = login(make_user(Role.ORGANIZER, station=event.station))
        for payload, name in ((b"not an image", "x.jpg"), (_jpeg((200, 100)), "small.jpg"),
                              (b"GIF89a" + b"\x00" * 100, "x.gif")):
            response = web.post(f"/manage/events/{event.id}/cover", data={"cover": (io.BytesIO(payload), name)},
                                content_type="multipart/form-data")
            assert response.status_code == 200 and "请上传 JPG、PNG 或 WebP 图片" in response.text, name
        assert list(tmp_path.iterdir()) == []
        other = login(make_user(Role.ORGANIZER))
        assert other.get(f"/manage/events/{event.id}/cover").status_code == 403
    finally:
        app.config.pop("COVER_STORAGE_DIR")


def test_a_wrong_ticket_names_its_event_and_station_but_not_its_holder(client):
    here = open_event(title="五角场招聘会")
    elsewhere = make_event(make_station(name="复旦大学乐业空间"), title="复旦专场面试会")
    stray = make_registration(elsewhere, make_user(Role.SEEKER, name="王小明", phone="13812345678"))
    staff = door_staff(here)
    body = client.post("/api/v1/checkins", json={"code": stray.ticket_code, "event_id": here.id},
                       headers=auth_header(make_token(staff))).get_json()
    assert body["result"] == "wrong_event"
    assert body["ticket_event"] == {"id": elsewhere.id, "title": "复旦专场面试会", "station": "复旦大学乐业空间"}
    assert body["attendee"] is None
    assert "王" not in str(body) and "5678" not in str(body)


def test_door_accounts_land_on_the_door_page_after_login(client):
    event = open_event()
    staff = door_staff(event)
    ticket(event)
    response = client.post("/login", data={"login": staff.email or staff.phone, "password": PASSWORD})
    assert response.status_code == 302 and response.headers["Location"].endswith("/door")
    seeker = make_user(Role.SEEKER)
    other = client.application.test_client()
    response = other.post("/login", data={"login": seeker.email or seeker.phone, "password": PASSWORD})
    assert response.status_code == 302 and response.headers["Location"].endswith("/")


def test_a_cover_with_too_many_pixels_is_told_so_not_that_it_is_too_small(app, login, tmp_path, monkeypatch):
    """A 50-megapixel phone photo passes every other rule: the message must say what is wrong with it."""
    from leye_events.sharing import covers

    monkeypatch.setattr(covers, "MAX_PIXELS", 1_000_000)  # stands in for 40 MP without a 50 MP test image
    app.config["COVER_STORAGE_DIR"] = str(tmp_path)
    try:
        event = make_event()
        web = login(make_user(Role.ORGANIZER, station=event.station))
        response = web.post(f"/manage/events/{event.id}/cover", data={"cover": (io.BytesIO(_jpeg()), "big.jpg")},
                            content_type="multipart/form-data")
        assert response.status_code == 200
        assert "至少 320×320" not in response.text and "像素过多" in response.text
    finally:
        app.config.pop("COVER_STORAGE_DIR")
