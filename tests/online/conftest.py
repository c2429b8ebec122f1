"""Fixtures of the online tests: the API client of the API tests."""
from ..api.conftest import api  # noqa: F401
