"""Fixtures for the outreach and matching tests: the API client of tests/api."""
from ..api.conftest import api  # noqa: F401
