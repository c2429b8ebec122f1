"""Fixtures for the API tests: a JSON client that can act as any account, and a cast of accounts."""
import json as jsonlib

import pytest

from leye_events.accounts.models import Role

from ..factories import make_station, make_token, make_user


class ApiClient:
    """Calls /api/v1 with an optional bearer token; ``json`` bodies are sent as JSON."""

    prefix = "/api/v1"

    def __init__(self, client, token: str | None = None):
        self.client = client
        self.token = token

    def as_(self, user) -> "ApiClient":
        return ApiClient(self.client, make_token(user) if user is not None else None)

    def request(self, method: str, path: str, json=None, *, data=None, headers=None, **kw):
        headers = dict(headers or {})
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        if json is not None:
            data = jsonlib.dumps(json)
            headers.setdefault("Content-Type", "application/json")
        url = path if path.startswith("http") or path.startswith(self.prefix) else self.prefix + path
        return self.client.open(url, method=method, data=data, headers=headers, **kw)

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, json=None, **kw):
        return self.request("POST", path, json, **kw)

    def patch(self, path, json=None, **kw):
        return self.request("PATCH", path, json, **kw)


def error_code(response) -> str | None:
    body = response.get_json(silent=True) or {}
    return (body.get("error") or {}).get("code")


def error_field(response) -> str | None:
    body = response.get_json(silent=True) or {}
    return (body.get("error") or {}).get("field")


@pytest.fixture
def api(client):
    """An anonymous API client; ``api.as_(user)`` acts as ``user``."""
    return ApiClient(client)


@pytest.fixture
def station():
    return make_station(slug="yangpu-wujiaochang", name="五角场街道乐业空间")


@pytest.fixture
def other_station():
    return make_station(slug="fudan", name="复旦大学乐业空间")


@pytest.fixture
def cast(station, other_station):
    """One account of every role at ``station``, plus an organizer of ``other_station``."""
    return {
        "seeker": make_user(Role.SEEKER),
        "door": make_user(Role.DOOR, station),
        "counselor": make_user(Role.COUNSELOR, station),
        "organizer": make_user(Role.ORGANIZER, station),
        "other_organizer": make_user(Role.ORGANIZER, other_station),
        "other_door": make_user(Role.DOOR, other_station),
        "admin": make_user(Role.ADMIN),
    }
