"""乐业活动 — events and workshop booking for Yangpu's 乐业空间 stations."""
import os
import secrets

import click
from flask import Flask
from sqlalchemy.orm import configure_mappers

from .config import DefaultConfig, database_url_from_env


def create_app(test_config: dict | None = None) -> Flask:
    """Build the application: configuration, extensions, blueprints, CLI."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_object(DefaultConfig)
    os.makedirs(app.instance_path, exist_ok=True)
    app.config["SQLALCHEMY_DATABASE_URI"] = database_url_from_env(app.instance_path)
    if os.environ.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = os.environ["SECRET_KEY"]
    app.config.from_prefixed_env()
    if test_config:
        app.config.update(test_config)
    _require_secret_key(app)
    if app.config["PROXY_COUNT"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        count = int(app.config["PROXY_COUNT"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)

    from .core.urls import BoundedIntConverter

    app.url_map.converters["int"] = BoundedIntConverter
    from . import models  # noqa: F401  (every table, for the metadata)

    configure_mappers()  # at start, not in each worker's first request (0.1 s that a rush's first wave waited)
    from .core import sqlite  # noqa: F401  (SQLite connection settings)
    from .notifications import handlers  # noqa: F401  (outbox rows on registrations, changes, cancellations)

    _init_extensions(app)
    _register_blueprints(app)
    _register_template_helpers(app)
    _register_cli(app)
    _init_notifications(app)
    return app


def _init_notifications(app: Flask) -> None:
    """The notification queue; with ``NOTIFY_EMBEDDED_WORKER`` (``make run``) a worker runs in-process,
    in the serving process only (not in the debug reloader's watcher)."""
    from .notifications.queue import init_queue, start_embedded_consumer
    from .notifications.views import unread_notifications

    init_queue(app)
    app.jinja_env.globals["unread_notifications"] = unread_notifications
    serving = not app.debug or os.environ.get("WERKZEUG_RUN_MAIN") == "true"
    if app.config.get("NOTIFY_EMBEDDED_WORKER") and serving and not app.testing:
        start_embedded_consumer(app)


def _require_secret_key(app: Flask) -> None:
    """Refuse to serve without a SECRET_KEY, except in development and tests.

    CLI tasks other than ``run`` (migrations, seeding, creating accounts) sign nothing,
    so they get a throwaway key instead of an error.
    """
    if app.config.get("SECRET_KEY"):
        return
    if app.debug or app.testing:
        app.config["SECRET_KEY"] = "dev-only-insecure-key"
        return
    command = click.get_current_context(silent=True)
    if os.environ.get("FLASK_RUN_FROM_CLI") and command is not None and command.info_name != "run":
        app.config["SECRET_KEY"] = secrets.token_hex(32)
        return
    raise RuntimeError(
        "SECRET_KEY is not set. Set the SECRET_KEY environment variable "
        "(or FLASK_DEBUG=1 for local development)."
    )


def _init_extensions(app: Flask) -> None:
    from .accounts.auth import init_login
    from .extensions import babel, csrf, db, lazy_migration_commands, limiter, page_cache
    from .i18n import select_babel_locale

    db.init_app(app)
    app.cli.add_command(lazy_migration_commands(app))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_babel_locale, timezone_selector=lambda: "Asia/Shanghai")
    limiter.init_app(app)
    init_login(app)
    seconds = app.config["PAGE_CACHE_SECONDS"]
    page_cache.init_app(app, config={"CACHE_TYPE": "SimpleCache" if seconds else "NullCache",
                                     "CACHE_DEFAULT_TIMEOUT": seconds, "CACHE_THRESHOLD": 32,
                                     "CACHE_NO_NULL_WARNING": True})


def _register_blueprints(app: Flask) -> None:
    from .accounts.views import bp as accounts_bp
    from .admin.views import bp as admin_bp
    from .api import bp as api_bp
    from .booking.views import bp as booking_bp
    from .calendars.views import bp as calendars_bp
    from .cases.views import bp as cases_bp
    from .certificates.views import bp as certificates_bp
    from .checkin.views import bp as checkin_bp
    from .errors import register_error_pages
    from .events.views import bp as events_bp
    from .exports.views import bp as exports_bp
    from .feedback.views import bp as feedback_bp
    from .i18n import bp as i18n_bp
    from .matching.views import bp as matching_bp
    from .notifications.views import bp as notifications_bp
    from .online.views import bp as online_bp
    from .outreach.views import bp as outreach_bp
    from .privacy.views import bp as privacy_bp
    from .security import init_security
    from .sharing.views import bp as sharing_bp
    from .stations.views import bp as stations_bp

    for blueprint in (events_bp, stations_bp, booking_bp, accounts_bp, admin_bp, i18n_bp, api_bp, checkin_bp,
                      calendars_bp, exports_bp, outreach_bp, matching_bp):
        app.register_blueprint(blueprint)
    app.register_blueprint(cases_bp)
    app.register_blueprint(privacy_bp)
    app.register_blueprint(online_bp)
    app.register_blueprint(notifications_bp)
    for blueprint in (sharing_bp, certificates_bp, feedback_bp):  # experience: sharing, certificates, feedback
        app.register_blueprint(blueprint)
    from .employers.views import init_app as init_employers

    init_employers(app)
    register_error_pages(app)
    init_security(app)


def _register_template_helpers(app: Flask) -> None:
    from .templating import init_templating

    init_templating(app)


def _register_cli(app: Flask) -> None:
    from .accounts.cli import tokens_cli, users_cli
    from .demo.cli import seed_demo_command
    from .notifications.cli import notify_cli
    from .privacy.cli import privacy_cli

    app.cli.add_command(users_cli)
    app.cli.add_command(tokens_cli)
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(privacy_cli)
    app.cli.add_command(notify_cli)
