"""Migration 0009 teaches the check-in log's CHECK constraint the method ``online`` (and forgets it on
downgrade), which comparing the schema with the models does not see."""
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect

from leye_events import create_app
from leye_events.extensions import db, init_migrations

from ..test_migrations import MIGRATIONS, fresh_database_url  # noqa: F401  (the fixture)


def method_check(url: str) -> str:
    engine = create_engine(url)
    try:
        checks = inspect(engine).get_check_constraints("checkins")
    finally:
        engine.dispose()
    return next(c["sqltext"] for c in checks if c["name"] == "ck_checkins_checkin_method")


def test_the_online_method_is_allowed_after_upgrade_only(fresh_database_url):  # noqa: F811
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": fresh_database_url})
    init_migrations(app)
    with app.app_context():
        upgrade(directory=MIGRATIONS)
        db.engine.dispose()
        assert "'online'" in method_check(fresh_database_url)
        downgrade(directory=MIGRATIONS, revision="0004")
        db.engine.dispose()
        assert "'online'" not in method_check(fresh_database_url)
        assert "'ticket_url'" in method_check(fresh_database_url)
