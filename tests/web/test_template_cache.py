"""Compiled templates are kept on disk (Jinja's bytecode cache): a new worker loads them instead of
compiling, and an edited template is compiled afresh."""
from unittest import mock

import pytest

from leye_events import create_app

from ..factories import make_event

SHARED = ("TESTING", "SECRET_KEY", "SQLALCHEMY_DATABASE_URI", "WTF_CSRF_ENABLED", "RATELIMIT_ENABLED",
          "NOTIFY_QUEUE_URL", "PAGE_CACHE_SECONDS")


def worker(app, cache_dir, **settings):
    """A new app on the same database, as a new gunicorn worker is, with its bytecode cache in ``cache_dir``."""
    return create_app({**{key: app.config[key] for key in SHARED},
                       "TEMPLATE_BYTECODE_CACHE_DIR": str(cache_dir), **settings})


def test_a_second_worker_loads_the_compiled_templates_instead_of_compiling(app, tmp_path):
    event = make_event(title="职业生涯沙龙")
    first = worker(app, tmp_path)
    assert "职业生涯沙龙" in first.test_client().get(f"/events/{event.id}").get_data(as_text=True)
    assert list(tmp_path.iterdir())  # the compiled templates, written by the first worker

    second = worker(app, tmp_path)
    with mock.patch.object(second.jinja_env, "compile", side_effect=AssertionError("compiled again")):
        page = second.test_client().get(f"/events/{event.id}")
    assert page.status_code == 200 and "职业生涯沙龙" in page.get_data(as_text=True)


def test_without_the_cache_every_worker_compiles(app, tmp_path):
    """The control: the test above can fail."""
    event = make_event()
    worker(app, tmp_path, TEMPLATE_BYTECODE_CACHE=False).test_client().get(f"/events/{event.id}")
    assert not list(tmp_path.iterdir())
    second = worker(app, tmp_path, TEMPLATE_BYTECODE_CACHE=False)
    with mock.patch.object(second.jinja_env, "compile", side_effect=AssertionError("compiled again")):
        with pytest.raises(AssertionError, match="compiled again"):
            second.test_client().get(f"/events/{event.id}")


def test_an_edited_template_is_compiled_afresh(app, tmp_path):
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "probe.html").write_text("第一版", encoding="utf-8")
    cache = tmp_path / "cache"
    cache.mkdir()
    first = worker(app, cache)
    first.jinja_loader.searchpath.insert(0, str(templates))
    assert first.jinja_env.get_template("probe.html").render() == "第一版"

    (templates / "probe.html").write_text("第二版", encoding="utf-8")
    second = worker(app, cache)
    second.jinja_loader.searchpath.insert(0, str(templates))
    assert second.jinja_env.get_template("probe.html").render() == "第二版"
