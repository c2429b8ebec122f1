"""Events and their sessions: the public catalogue and the organizers' pages."""
