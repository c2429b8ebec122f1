"""``flask notify run`` (a worker) and ``flask notify run --once`` (deliver what is due now, then exit)."""
import logging

import click
from flask import current_app
from flask.cli import AppGroup

from ..core.timeutil import parse_iso
from .queue import consumer_for, run_once, start_listener

notify_cli = AppGroup("notify", help="Deliver notifications from the outbox.")


@notify_cli.command("run")
@click.option("--once", is_flag=True, help="Deliver what is due now (reminders included) and exit.")
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64), help="Worker threads.")
@click.option("--now", "now_text", default=None, hidden=True, help="Pretend it is this ISO time (tests).")
def run_command(once: bool, workers: int, now_text: str | None):
    """Run a huey consumer that delivers messages until stopped (Ctrl-C), or one pass with --once."""
    app = current_app._get_current_object()
    if once:
        counts = run_once(app, parse_iso(now_text) if now_text else None)
        click.echo(" ".join(f"{key}={value}" for key, value in counts.items()))
        return
    logging.basicConfig(level=logging.INFO, format="[%(asctime)s] %(levelname)s %(name)s: %(message)s")
    consumer = consumer_for(app, workers)
    start_listener(app)
    consumer.run()
