"""Reactions to booking: a cancelled registration gives up its interview seats in the same transaction."""
from ..booking.signals import registration_cancelled
from .interviews import release_bookings_of


@registration_cancelled.connect
def _on_registration_cancelled(registration, actor=None, **_kwargs):
    release_bookings_of(registration, actor=actor)
