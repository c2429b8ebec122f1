"""Seat counts derived from the registrations themselves (never a separate counter)."""
from dataclasses import dataclass

from sqlalchemy import func

from ..extensions import db
from .models import Registration, RegistrationStatus


@dataclass(frozen=True)
class SeatCounts:
    capacity: int
    confirmed: int = 0
    waitlisted: int = 0

    @property
    def seats_left(self) -> int:
        return max(self.capacity - self.confirmed, 0)


def seat_counts_for(events) -> dict[int, SeatCounts]:
    """Seat counts for several events in one query, keyed by event id."""
    events = list(events)
    if not events:
        return {}
    rows = db.session.execute(
        db.select(Registration.event_id, Registration.status, func.count())
        .filter(Registration.event_id.in_([e.id for e in events]))
        .filter(Registration.status != RegistrationStatus.CANCELLED)
        .group_by(Registration.event_id, Registration.status)
    ).all()
    tallies: dict[int, dict] = {e.id: {} for e in events}
    for event_id, status, count in rows:
        tallies[event_id][status] = count
    return {
        e.id: SeatCounts(
            capacity=e.capacity,
            confirmed=tallies[e.id].get(RegistrationStatus.CONFIRMED, 0),
            waitlisted=tallies[e.id].get(RegistrationStatus.WAITLISTED, 0),
        )
        for e in events
    }


def seat_counts(event) -> SeatCounts:
    return seat_counts_for([event])[event.id]
