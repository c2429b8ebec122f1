"""The worker's API token cache: a hit costs no query, and a revocation still bites within seconds."""
import time

from leye_events.accounts.models import ApiToken, Role, User
from leye_events.accounts.sessions import forget_cached_tokens, revoke_token
from leye_events.extensions import db

from ..booking.test_concurrency import configured
from ..factories import auth_header, make_token, make_user
from .counting import counting_statements


def _me(client, token):
    return client.get("/api/v1/me/registrations", headers=auth_header(token))


def _revoke_elsewhere(user_id):
    """What another worker's revocation looks like from here: the row is gone, this cache not told."""
    db.session.execute(db.delete(ApiToken).where(ApiToken.user_id == user_id))
    db.session.commit()


def test_a_cached_token_costs_no_query(client):
    token = make_token(make_user(Role.SEEKER))
    forget_cached_tokens()
    with counting_statements() as cold:
        assert _me(client, token).status_code == 200
    with counting_statements() as warm:
        assert _me(client, token).status_code == 200
    assert len(warm) == len(cold) - 1, (str(cold), str(warm))


def test_a_revocation_elsewhere_bites_when_the_entry_expires(app, client):
    user = make_user(Role.SEEKER)
    user_id, token = user.id, make_token(user)
    with configured(app, API_TOKEN_CACHE_SECONDS=0.5):
        forget_cached_tokens()
        assert _me(client, token).status_code == 200
        _revoke_elsewhere(user_id)
        assert _me(client, token).status_code == 200  # still cached in this worker, for under a second
        time.sleep(0.6)
        assert _me(client, token).status_code == 401


def test_a_revocation_in_this_worker_bites_at_once(client):
    user = make_user(Role.SEEKER)
    token = make_token(user)
    assert _me(client, token).status_code == 200
    token_id = db.session.execute(db.select(ApiToken.id).filter_by(user_id=user.id)).scalar_one()
    assert revoke_token(db.session.get(User, user.id), token_id)
    db.session.commit()
    assert _me(client, token).status_code == 401


def test_the_cache_stays_bounded_and_keeps_live_entries(app, client, monkeypatch):
    """A rush of one-off tokens cannot grow a worker's memory: past the bound the expired entries go
    first (a live door's token stays cached), and everything only when none has expired."""
    from leye_events.accounts import sessions

    monkeypatch.setattr(sessions, "_TOKEN_CACHE_MAX", 3)
    door, *seekers = [make_token(make_user(Role.SEEKER)) for _ in range(5)]
    forget_cached_tokens()
    with configured(app, API_TOKEN_CACHE_SECONDS=60):
        assert _me(client, door).status_code == 200
    with configured(app, API_TOKEN_CACHE_SECONDS=0.05):
        for token in seekers[:2]:
            assert _me(client, token).status_code == 200
        time.sleep(0.1)
        for token in seekers[2:]:
            assert _me(client, token).status_code == 200
            assert len(sessions._token_cache) <= 3
    with counting_statements() as sql:
        assert _me(client, door).status_code == 200
    assert not any("api_tokens" in statement for statement in sql), str(sql)  # the door's entry survived
