"""Telling people what changed: mail to registrants, sent only after the change is committed."""
