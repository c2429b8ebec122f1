"""Fixtures for the outreach and matching tests: the API client of tests/api, fresh matching caches."""
import pytest

from leye_events.matching import ranking

from ..api.conftest import api  # noqa: F401


@pytest.fixture(autouse=True)
def _fresh_matching_caches():
    """Ids repeat from test to test: start every test with empty matching caches."""
    ranking.forget()
    yield
