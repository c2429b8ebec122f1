"""The seeker's employment-service case: timeline, counselor work, and the station figures."""

from . import receivers  # noqa: E402,F401  (attendance on the case follows every check-in)
