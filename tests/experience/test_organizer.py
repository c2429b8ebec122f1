"""Organizer messages: saving a published event says 已保存; publishing a closed window warns."""
from datetime import timedelta

from leye_events.accounts.models import Role
from leye_events.core.timeutil import utcnow
from leye_events.events.models import Event, EventStatus
from leye_events.extensions import db

from ..factories import make_event, make_station, make_user
from ..web.test_manage_events import form_data


def flashes(client) -> list[str]:
    with client.session_transaction() as session:
        return [message for _, message in session.pop("_flashes", [])]  # read and cleared


def test_saving_a_published_event_says_saved_not_published(login):
    station = make_station()
    web = login(make_user(Role.ORGANIZER, station=station))
    assert web.post("/manage/events/new", data=form_data(action="publish")).status_code == 302
    assert flashes(web) == ["活动已发布。"]
    event_id = db.session.scalar(db.select(db.func.max(Event.id)))
    response = web.post(f"/manage/events/{event_id}/edit", data=form_data(title="改过的标题"))
    assert response.status_code == 302
    assert flashes(web) == ["已保存。"]


def test_publishing_after_the_registration_window_closed_warns_and_offers_the_fix(login):
    event = make_event(status=EventStatus.DRAFT, registration_closes=utcnow() - timedelta(hours=1))
    web = login(make_user(Role.ORGANIZER, station=event.station))
    response = web.post(f"/manage/events/{event.id}/publish")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/manage/events/{event.id}/edit")
    assert any("报名截止时间已过" in m for m in flashes(web))
    open_event = make_event(status=EventStatus.DRAFT, station=event.station)
    response = web.post(f"/manage/events/{open_event.id}/publish")
    assert response.headers["Location"].endswith(f"/manage/events/{open_event.id}")
