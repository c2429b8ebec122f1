"""The anonymous catalogue kept a few seconds per worker (``PAGE_CACHE_SECONDS``): served again without a
query, but never to a logged-in user, for a text search, in another language or over a pending message."""
import pytest

from leye_events import create_app
from leye_events.accounts.models import Role
from leye_events.extensions import page_cache

from ..conftest import _forget_previous_request
from ..factories import login_id_for, make_event, make_user
from ..perf.counting import counting_statements


@pytest.fixture
def cached_app(app):
    """A second app on the same database with the page cache on (the test app has it off)."""
    cached = create_app({**{key: app.config[key] for key in (
        "TESTING", "SECRET_KEY", "SQLALCHEMY_DATABASE_URI", "WTF_CSRF_ENABLED", "RATELIMIT_ENABLED",
        "NOTIFY_QUEUE_URL")}, "PAGE_CACHE_SECONDS": 60})
    cached.before_request_funcs.setdefault(None, []).insert(0, _forget_previous_request)
    with cached.app_context():
        page_cache.clear()
        yield cached


def _home(client, path="/", **kwargs):
    with counting_statements() as sql:
        response = client.get(path, **kwargs)
    assert response.status_code == 200
    return response.get_data(as_text=True), len(sql)


def test_an_anonymous_visitor_gets_the_kept_page_without_a_query(cached_app):
    make_event(title="职业生涯沙龙")
    client = cached_app.test_client()
    first, first_statements = _home(client)
    again, statements = _home(client)
    assert "职业生涯沙龙" in first and first_statements > 0
    assert statements == 0 and again == first


def test_a_new_event_shows_once_the_kept_page_is_dropped(cached_app):
    client = cached_app.test_client()
    _home(client)
    make_event(title="杨浦春季双选会")
    assert "杨浦春季双选会" not in _home(client)[0]  # at most PAGE_CACHE_SECONDS old
    page_cache.clear()
    assert "杨浦春季双选会" in _home(client)[0]


def test_a_logged_in_user_always_gets_a_fresh_page(cached_app):
    anonymous_page, _ = _home(cached_app.test_client())
    seeker = make_user(Role.SEEKER, name="李同学")
    client = cached_app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = login_id_for(seeker)
        session["_fresh"] = True
    page, _ = _home(client)
    assert "我的报名" in page and "我的报名" not in anonymous_page
    make_event(title="杨浦春季双选会")
    assert "杨浦春季双选会" in _home(client)[0]


def test_each_language_and_filter_is_kept_apart(cached_app):
    make_event(title="职业生涯沙龙")
    client = cached_app.test_client()
    chinese, _ = _home(client)
    with client.session_transaction() as session:
        session["lang"] = "en"  # as the language switch keeps it
    english, statements = _home(client)
    assert 'lang="zh-CN"' in chinese and 'lang="en"' in english and statements > 0
    _, statements = _home(client, "/?kind=salon")
    assert statements > 0
    assert _home(client, "/?kind=salon")[1] == 0


def test_a_text_search_is_not_kept(cached_app):
    client = cached_app.test_client()
    _home(client, "/?q=沙龙")
    assert _home(client, "/?q=沙龙")[1] > 0


def test_a_pending_message_is_shown_not_the_kept_page(cached_app):
    client = cached_app.test_client()
    _home(client)
    with client.session_transaction() as session:
        session["_flashes"] = [("success", "已退出登录")]
    page, statements = _home(client)
    assert "已退出登录" in page and statements > 0
