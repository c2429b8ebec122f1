"""Seat counts derived from the registrations themselves (never a separate counter)."""
from dataclasses import dataclass

from sqlalchemy import func

from ..events.models import EventMode
from ..extensions import db
from .models import Attend, Registration, RegistrationStatus


@dataclass(frozen=True)
class SeatCounts:
    """``capacity`` None means no limit (an online event). A hybrid event's capacity holds its
    onsite seats only; ``confirmed_online`` registrants never take one."""

    capacity: int | None
    confirmed: int = 0
    waitlisted: int = 0
    confirmed_online: int = 0
    mode: str = EventMode.ONSITE

    @property
    def seated(self) -> int:
        """Confirmed registrations that count against the capacity."""
        if self.mode == EventMode.HYBRID:
            return self.confirmed - self.confirmed_online
        return self.confirmed

    @property
    def confirmed_onsite(self) -> int:
        return self.confirmed - self.confirmed_online

    @property
    def seats_left(self) -> int | None:
        if self.capacity is None:
            return None
        return max(self.capacity - self.seated, 0)


def seat_counts_for(events) -> dict[int, SeatCounts]:
    """Seat counts for several events in one query, keyed by event id."""
    events = list(events)
    if not events:
        return {}
    rows = db.session.execute(
        db.select(Registration.event_id, Registration.status, Registration.attend, func.count())
        .filter(Registration.event_id.in_([e.id for e in events]))
        .filter(Registration.status != RegistrationStatus.CANCELLED)
        .group_by(Registration.event_id, Registration.status, Registration.attend)
    ).all()
    tallies: dict[int, dict] = {e.id: {} for e in events}
    for event_id, status, attend, count in rows:
        tally = tallies[event_id]
        tally[status] = tally.get(status, 0) + count
        if status == RegistrationStatus.CONFIRMED and attend == Attend.ONLINE:
            tally["online"] = tally.get("online", 0) + count
    return {
        e.id: SeatCounts(
            capacity=e.capacity,
            confirmed=tallies[e.id].get(RegistrationStatus.CONFIRMED, 0),
            waitlisted=tallies[e.id].get(RegistrationStatus.WAITLISTED, 0),
            confirmed_online=tallies[e.id].get("online", 0),
            mode=e.mode or EventMode.ONSITE,
        )
        for e in events
    }


def seat_counts(event) -> SeatCounts:
    return seat_counts_for([event])[event.id]
