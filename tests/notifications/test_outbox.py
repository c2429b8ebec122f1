"""The outbox is written in the transaction of the change that causes it, once per person and cause."""
from datetime import timedelta

from leye_events.accounts.models import Role
from leye_events.booking import services as booking
from leye_events.booking.models import RegistrationStatus
from leye_events.events import services as events
from leye_events.events.services import SessionInput
from leye_events.extensions import db
from leye_events.notifications.delivery import deliver_due
from leye_events.notifications.models import Channel, DeliveryStatus, Notification, NotificationKind
from leye_events.notifications.services import Message, notify

from ..booking.test_concurrency import configured
from ..factories import make_event, make_registration, make_user


def outbox(**filters):
    return db.session.execute(db.select(Notification).filter_by(**filters).order_by(Notification.id)).scalars().all()


def test_cancelling_an_event_writes_one_row_that_the_worker_fans_out_per_registrant_and_channel(app):
    event = make_event(title="春季校园招聘会")
    phone_only = make_user(email=None)
    make_registration(event, phone_only)
    make_registration(event, make_user(), status=RegistrationStatus.WAITLISTED, waitlist_position=1)
    make_registration(event, make_user(), status=RegistrationStatus.CANCELLED)
    events.cancel_event(event, actor=make_user(Role.ORGANIZER, station=event.station), reason="场地检修")
    db.session.commit()
    [fanout] = outbox()  # the request wrote one row, whatever the number of registrants
    assert fanout.channel == Channel.FANOUT and fanout.status == DeliveryStatus.PENDING
    with configured(app, SMS_BACKEND="webhook", SMS_WEBHOOK_URL="http://127.0.0.1:9/unreachable"):
        report = deliver_due()
    assert report.expanded == 1
    rows = outbox(kind=NotificationKind.EVENT_CANCELLED)
    assert sorted(r.channel.value for r in rows) == ["email", "fanout", "inbox", "inbox", "sms", "sms"]
    assert {r.address for r in rows if r.channel == Channel.SMS} >= {phone_only.phone}
    inbox_row = next(r for r in rows if r.channel == Channel.INBOX and r.user_id == phone_only.id)
    assert inbox_row.status == DeliveryStatus.SENT and "场地检修" in inbox_row.body
    assert all(r.status == DeliveryStatus.PENDING for r in rows if r.channel == Channel.SMS)  # gateway down
    assert deliver_due().expanded == 0  # expanded once
    assert len(outbox(kind=NotificationKind.EVENT_CANCELLED)) == 6


def test_a_rolled_back_change_leaves_no_message():
    event = make_event()
    make_registration(event)
    events.cancel_event(event, actor=make_user(Role.ADMIN))
    assert outbox()  # written in the transaction…
    db.session.rollback()
    assert outbox() == []  # …and gone with it


def test_registering_confirms_or_waitlists_and_a_promotion_is_told():
    event = make_event(capacity=1, title="简历工作坊")
    first, second = make_user(), make_user()
    held = booking.register(event.id, first)
    db.session.commit()
    booking.register(event.id, second)
    db.session.commit()
    assert [r.kind for r in outbox(user_id=first.id, channel=Channel.INBOX)] == [NotificationKind.REGISTRATION_CONFIRMED]
    assert [r.kind for r in outbox(user_id=second.id, channel=Channel.INBOX)] == [NotificationKind.WAITLISTED]
    booking.cancel(held.id, actor=first)
    db.session.commit()
    kinds = [r.kind for r in outbox(user_id=second.id, channel=Channel.SMS)]
    assert kinds == [NotificationKind.WAITLISTED, NotificationKind.PROMOTED]
    promoted = outbox(user_id=second.id, channel=Channel.SMS)[-1]
    ticket = booking.active_registration(event.id, second.id).ticket_code
    assert f"/tickets/{ticket}" in promoted.body


def test_a_change_of_time_or_venue_is_told_once_per_change():
    event = make_event()
    registration = make_registration(event)
    organizer = make_user(Role.ORGANIZER, station=event.station)
    events.update_event(event, actor=organizer, description="新的介绍")  # neither time nor venue
    db.session.commit()
    deliver_due()
    assert outbox(kind=NotificationKind.EVENT_CHANGED) == []
    events.update_event(event, actor=organizer, venue="创智天地 3 楼")
    db.session.commit()
    session = event.sessions[0]
    moved = session.starts_at + timedelta(hours=1)
    events.update_event(event, actor=organizer, sessions=[
        SessionInput(id=session.id, title=session.title, starts_at=moved, ends_at=moved + timedelta(hours=2))])
    db.session.commit()
    deliver_due()
    changes = outbox(kind=NotificationKind.EVENT_CHANGED, channel=Channel.INBOX, user_id=registration.seeker_id)
    assert len(changes) == 2 and "创智天地" in changes[0].body


def test_one_cause_is_written_once_and_opted_out_channels_are_left_out():
    seeker = make_user(notify_email=False)
    message = Message(kind=NotificationKind.INTERVIEW_BOOKED, cause="interview_booked:slot-7",
                      title="面试预约成功", body="面试时间：12-03 14:00")
    assert notify(seeker, message) == 2  # inbox and SMS; e-mail is turned off
    assert notify(seeker, message) == 0
    db.session.commit()
    assert sorted(r.channel.value for r in outbox(user_id=seeker.id)) == ["inbox", "sms"]


def test_an_erased_account_is_told_nothing(app):
    from leye_events.core.timeutil import utcnow
    from leye_events.notifications.models import Notification, NotificationKind
    from leye_events.notifications.services import Message, notify

    from ..factories import make_user

    person = make_user()
    person.erased_at = utcnow()
    db.session.commit()
    assert notify(person, Message(kind=NotificationKind.NOTICE, cause="notice:test", title="t", body="b")) == 0
    assert db.session.execute(db.select(Notification).filter_by(user_id=person.id)).first() is None
