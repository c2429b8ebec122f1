"""Extensions, created once and bound to the app in ``create_app``."""
import os

import click
from flask import g
from flask.cli import with_appcontext
from flask_babel import Babel
from flask_caching import Cache
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_talisman import Talisman
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData

# A naming convention makes constraint names identical in models and migrations,
# on SQLite and PostgreSQL alike.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

db = SQLAlchemy(metadata=MetaData(naming_convention=NAMING_CONVENTION))
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
limiter = Limiter(key_func=get_remote_address)
talisman = Talisman()
page_cache = Cache()


MIGRATIONS_DIRECTORY = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "migrations")


def init_migrations(app) -> None:
    """Bind Flask-Migrate to ``app`` (``flask_migrate.upgrade()`` and the ``flask db`` commands need it).

    Done on demand, not in ``create_app``: alembic costs every web worker ~12 MiB it never uses."""
    if "migrate" not in app.extensions:
        from flask_migrate import Migrate

        Migrate(app, db, directory=MIGRATIONS_DIRECTORY)


def lazy_migration_commands(app) -> click.Group:
    """The ``flask db`` group, loading Flask-Migrate only when a ``db`` command is asked for.

    It takes the options of Flask-Migrate's own group and hands them on the way that group does (``g``)."""

    class MigrationCommands(click.Group):
        def _commands(self) -> click.Group:
            init_migrations(app)
            from flask_migrate.cli import db as commands

            return commands

        def list_commands(self, ctx):
            return self._commands().list_commands(ctx)

        def get_command(self, ctx, name):
            return self._commands().get_command(ctx, name)

    @with_appcontext
    def remember_options(directory, x_arg):
        g.directory = directory
        g.x_arg = x_arg  # read by Flask-Migrate's get_config()

    return MigrationCommands(
        "db", help="Perform database migrations (Flask-Migrate, alembic).", callback=remember_options,
        params=[click.Option(["-d", "--directory"], default=None, help="Migration script directory"),
                click.Option(["-x", "--x-arg"], multiple=True, help="Additional arguments for env.py")])
