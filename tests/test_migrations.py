"""The migrations in migrations/ build exactly the schema that the models describe."""
import os
import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, text

from leye_events import create_app
from leye_events.extensions import db, init_migrations

from .conftest import TEST_DATABASE_URL, is_postgres

MIGRATIONS = os.path.join(os.path.dirname(os.path.dirname(__file__)), "migrations")


@pytest.fixture
def fresh_database_url(tmp_path):
    """An empty database: a new SQLite file, or a new schema in the PostgreSQL test database."""
    if not is_postgres():
        yield "sqlite:///" + str(tmp_path / "migrations.sqlite3")
        return
    schema = "migcheck_" + uuid.uuid4().hex[:8]
    admin = create_engine(TEST_DATABASE_URL)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    separator = "&" if "?" in TEST_DATABASE_URL else "?"
    yield f"{TEST_DATABASE_URL}{separator}options=-csearch_path%3D{schema}"
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


def _schema_differences(url: str) -> list:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            return compare_metadata(context, db.metadata)
    finally:
        engine.dispose()


def test_upgrade_builds_the_models_schema(fresh_database_url):
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": fresh_database_url})
    init_migrations(app)
    with app.app_context():
        upgrade(directory=MIGRATIONS)
        db.engine.dispose()
    assert _schema_differences(fresh_database_url) == []


def test_downgrade_to_base_and_back(fresh_database_url):
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": fresh_database_url})
    init_migrations(app)
    with app.app_context():
        upgrade(directory=MIGRATIONS)
        downgrade(directory=MIGRATIONS, revision="base")
        upgrade(directory=MIGRATIONS)
        db.engine.dispose()
    assert _schema_differences(fresh_database_url) == []
