"""iCalendar feeds: one event, a station's events, a seeker's own registrations."""
