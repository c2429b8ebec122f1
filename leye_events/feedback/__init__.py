"""Feedback: a seeker who attended rates the event 1–5 with an optional comment."""
