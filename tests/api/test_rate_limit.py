"""Rate limits on POST /auth/token and POST /seekers (an app of their own with limits switched on)."""
import pytest

from leye_events import create_app
from leye_events.accounts.models import Role
from leye_events.extensions import limiter

from ..factories import PASSWORD, make_user


@pytest.fixture
def limited_client(app):
    """A client of an app with rate limiting on, on the same database as ``app``.

    Flask-Limiter keeps ``enabled`` and its storage on the one shared ``limiter`` object, so the
    previous state is put back afterwards; other tests keep running unlimited.
    """
    was_enabled = limiter.enabled
    limited = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "RATELIMIT_ENABLED": True,
            "RATELIMIT_STORAGE_URI": "memory://",
            "RATELIMIT_TOKEN": "3 per minute",
            "RATELIMIT_SIGNUP": "2 per hour",
        }
    )
    limiter.reset()
    with limited.app_context():
        yield limited.test_client()
        from leye_events.extensions import db

        db.session.remove()
        db.engine.dispose()
    limiter.reset()
    limiter.enabled = was_enabled


def test_token_requests_are_limited(limited_client):
    make_user(Role.SEEKER, email="busy@example.com")
    bad = {"login": "busy@example.com", "password": "wrong-password"}
    statuses = [limited_client.post("/api/v1/auth/token", json=bad).status_code for _ in range(3)]
    assert statuses == [401, 401, 401]
    response = limited_client.post("/api/v1/auth/token", json={"login": "busy@example.com", "password": PASSWORD})
    assert response.status_code == 429
    assert response.get_json()["error"]["code"] == "rate_limited"
    assert response.headers.get("Retry-After")


def test_signups_are_limited(limited_client):
    body = {"name": "测试", "password": "long-enough-1", "consent": True}
    statuses = [
        limited_client.post("/api/v1/seekers", json={**body, "phone": f"1381234000{i}"}).status_code for i in range(3)
    ]
    assert statuses == [201, 201, 429]


def test_limits_are_off_again_for_other_tests(client, app):
    assert not app.config["RATELIMIT_ENABLED"]
    for _ in range(11):  # one more than the default limit per minute
        response = client.post("/api/v1/auth/token", json={"login": "nobody@example.com", "password": "nope-nope"})
        assert response.status_code == 401
