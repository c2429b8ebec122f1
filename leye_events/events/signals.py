"""Signals of events, for the features above that react to them (booking, notifications).

``event_changing`` is sent before a change is applied: a receiver refuses it by raising
``ServiceError`` (booking refuses what would strand its registrants). The others tell what happened.
"""
from blinker import signal

# sender: the Event about to change (its row locked when the capacity changes);
# kwargs: status, mode — the values it will have; capacity — the new one when it changes, else None
event_changing = signal("event-changing")
event_capacity_changed = signal("event-capacity-changed")  # sender: Event, its row locked; kwargs: actor
event_changed = signal("event-changed")  # sender: a published Event whose time or venue changed; kwargs: actor
event_cancelled = signal("event-cancelled")  # sender: Event; kwargs: actor, reason
