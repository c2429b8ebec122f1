"""Interview bookings and application results reach the seeker's inbox (and SMS) through the outbox."""
from datetime import timedelta

from leye_events.accounts.models import Role
from leye_events.employers import applications, interviews
from leye_events.employers.models import Employer, InterviewSlot, Post
from leye_events.extensions import db
from leye_events.notifications.models import Notification

from ..factories import make_event, make_registration, make_station, make_user


def _kinds(user) -> list[str]:
    rows = db.session.execute(db.select(Notification).filter_by(user_id=user.id)).scalars()
    return sorted({row.kind.value for row in rows})


def test_an_interview_booking_and_an_application_result_are_told(app):
    station = make_station()
    event = make_event(station)
    seeker = make_user(Role.SEEKER, station)
    make_registration(event, seeker)
    employer = Employer(name="某科技公司", station_id=station.id)
    post = Post(employer=employer, title="Python 开发", station_id=station.id)
    starts = event.sessions[0].starts_at
    slot = InterviewSlot(event_id=event.id, employer=employer, post=post, starts_at=starts,
                         ends_at=starts + timedelta(minutes=20), capacity=2)
    db.session.add_all([employer, post, slot])
    db.session.commit()
    with app.test_request_context():
        interviews.book(slot.id, seeker)
        db.session.commit()
        application = applications.apply(post, seeker, event_id=event.id, share_profile=True)
        db.session.commit()
        organizer = make_user(Role.ORGANIZER, station)
        applications.record_result(application, "interview", actor=organizer)
        db.session.commit()
    assert {"interview_booked", "application_result"} <= set(_kinds(seeker))

