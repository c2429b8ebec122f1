"""After an event, those who attended and have not rated it are asked once (the follow-up message)."""
from datetime import timedelta

from leye_events.extensions import db
from leye_events.feedback.models import Feedback
from leye_events.notifications.feedback_requests import write_due_feedback_requests
from leye_events.notifications.models import Channel, Notification, NotificationKind

from ..cases.helpers import Station, attend, past_event, register


def _asked() -> set[int]:
    rows = db.session.execute(db.select(Notification).filter_by(kind=NotificationKind.FEEDBACK_REQUEST,
                                                                channel=Channel.INBOX)).scalars()
    return {row.user_id for row in rows}


def test_attendees_who_have_not_rated_are_asked_once(app):
    home = Station()
    event = past_event(home.station, days_ago=0)
    came, rated, stayed_away = home.seeker(), home.seeker(), home.seeker()
    attended = {seeker.id: register(event, seeker) for seeker in (came, rated)}
    for registration in attended.values():
        attend(registration, event.sessions[0], home.door)
    register(event, stayed_away)
    db.session.add(Feedback(registration_id=attended[rated.id].id, event_id=event.id, rating=5))
    db.session.commit()
    now = event.sessions[-1].ends_at + timedelta(hours=1)
    with app.test_request_context():
        assert write_due_feedback_requests(now) >= 1  # inbox (and SMS) for the one who came and has not rated
        assert write_due_feedback_requests(now) == 0  # once, however often the worker ticks
        assert write_due_feedback_requests(now + timedelta(days=2)) == 0  # too late to ask
    assert came.id in _asked() and stayed_away.id not in _asked() and rated.id not in _asked()
    message = db.session.execute(db.select(Notification).filter_by(
        kind=NotificationKind.FEEDBACK_REQUEST, user_id=came.id, channel=Channel.INBOX)).scalar_one()
    assert "/feedback" in message.body
