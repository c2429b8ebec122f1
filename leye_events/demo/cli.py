"""``flask seed-demo``: fill an empty database with Yangpu's stations, demo accounts and events."""
import click
from flask.cli import with_appcontext

from ..core.db import delete_all_rows
from ..core.errors import ServiceError
from ..extensions import db
from .seed import database_is_empty, seed_demo


@click.command("seed-demo")
@click.option("--force", is_flag=True, help="Delete ALL existing rows first, then seed.")
@click.option("--if-empty", is_flag=True, help="Seed only when the database is empty; otherwise do nothing.")
@with_appcontext
def seed_demo_command(force: bool, if_empty: bool):
    """Fill an empty database with demo stations, accounts and a month of events."""
    if force and if_empty:
        raise click.UsageError("--force and --if-empty cannot be used together.")
    if not database_is_empty():
        if if_empty:
            click.echo("seed-demo: the database already has data; nothing to do.")
            return
        if not force:
            raise click.ClickException(
                "The database is not empty; seed-demo only fills an empty one. "
                "Use --force to DELETE all existing data and seed again."
            )
        delete_all_rows()
        click.echo("seed-demo: existing data deleted (--force).")
    try:
        result = seed_demo()
        db.session.commit()
    except ServiceError as error:  # the demo data broke a rule: a bug in demo/data.py
        db.session.rollback()
        raise click.ClickException(f"demo data rejected: {error.message} [{error.code}]") from None
    click.echo(
        f"Seeded {result.stations} stations, {result.staff} staff accounts, "
        f"{result.seekers} seekers and {result.events} events."
    )
    click.echo("")
    click.echo("Demo logins (all demo accounts share the password shown):")
    rows = [("role", "login", "password", "station"), *result.logins]
    widths = [max(_width(row[i]) for row in rows) for i in range(3)]
    for row in rows:
        cells = [row[i] + " " * (widths[i] - _width(row[i])) for i in range(3)]
        click.echo("  " + "  ".join(cells) + "  " + row[3])


def _width(text: str) -> int:
    """Display width in a terminal: CJK characters take two columns."""
    return sum(2 if ord(char) > 0x2E80 else 1 for char in text)
