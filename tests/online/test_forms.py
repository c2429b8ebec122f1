"""The organizer's event form takes the mode, the live room and the replay."""
from leye_events.accounts.models import Role
from leye_events.events.models import Event, EventMode
from leye_events.extensions import db

from ..factories import make_station, make_user
from ..web.test_manage_events import form_data
from .helpers import LIVE_ROOM


def created(title):
    db.session.commit()
    return db.session.execute(db.select(Event).filter_by(title=title)).scalar_one_or_none()


def test_an_online_event_without_capacity_from_the_form(login):
    organizer = make_user(Role.ORGANIZER, station=make_station())
    web = login(organizer)
    page = web.get("/manage/events/new").get_data(as_text=True)
    assert 'name="mode"' in page and 'name="online_url"' in page and 'name="sessions-0-mode"' in page
    response = web.post("/manage/events/new", data=form_data(title="线上岗位推介", capacity="", mode="online",
                                                              online_url=LIVE_ROOM, **{"sessions-1-mode": "online"}))
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    event = created("线上岗位推介")
    assert event.mode == EventMode.ONLINE and event.capacity is None and event.online_url == LIVE_ROOM
    edit = web.get(f"/manage/events/{event.id}/edit").get_data(as_text=True)
    assert LIVE_ROOM in edit


def test_a_hybrid_event_needs_a_capacity_and_a_real_address(login):
    organizer = make_user(Role.ORGANIZER, station=make_station())
    web = login(organizer)
    response = web.post("/manage/events/new", data=form_data(title="混合沙龙", capacity="", mode="hybrid"))
    assert response.status_code == 200 and "请填写名额" in response.get_data(as_text=True)
    response = web.post("/manage/events/new", data=form_data(title="混合沙龙", mode="hybrid",
                                                              online_url="live.bilibili.com/1"))
    assert response.status_code in (200, 422) and "http://" in response.get_data(as_text=True)
    assert created("混合沙龙") is None
