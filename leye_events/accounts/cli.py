"""``flask users create`` and ``flask tokens create``.

Both go through the account services, so the CLI obeys the same rules as the admin pages.
A broken rule is reported as one line on stderr with exit code 1, never a traceback.
"""
import click
from flask.cli import AppGroup

from ..core.errors import ServiceError
from ..extensions import db
from .models import Role
from .services import create_user, find_by_login, issue_token

users_cli = AppGroup("users", help="Manage accounts.")
tokens_cli = AppGroup("tokens", help="Manage API tokens.")


def _fail(error: ServiceError) -> None:
    db.session.rollback()
    field = f" ({error.field})" if error.field else ""
    raise click.ClickException(f"{error.message}{field} [{error.code}]")


@users_cli.command("create")
@click.option("--email", default=None, help="Login email.")
@click.option("--password", required=True, help="At least 8 characters.")
@click.option("--role", required=True, type=click.Choice(Role.values()), help="Account role.")
@click.option("--station", "station_slug", default=None, help="Station slug (required for door, counselor, organizer).")
@click.option("--name", default=None, help="Display name (defaults to the email's local part).")
@click.option("--phone", default=None, help="Mainland mobile number, another way to log in.")
@click.option("--employer", "employer_id", default=None, type=int, help="Employer id (required for role employer).")
def create_user_command(email, password, role, station_slug, name, phone, employer_id):
    """Create an account."""
    try:
        user = create_user(
            role=role, password=password, name=name, email=email, phone=phone, station_slug=station_slug,
            employer_id=employer_id,
        )
        db.session.commit()
    except ServiceError as error:
        _fail(error)
    station = f" at {user.station.slug}" if user.station else ""
    station += f" for employer {user.employer_id}" if user.employer_id else ""
    click.echo(f"Created {user.role.value} account {user.id} ({user.email or user.phone}){station}.")


@tokens_cli.command("create")
@click.option("--email", required=True, help="Email (or mobile number) of the account.")
@click.option("--label", default="", help="What the token is for, e.g. the scanner's name.")
@click.option("--days", type=click.IntRange(1, 3650), default=None,
              help="Days until the token expires (default: API_TOKEN_DAYS, 365).")
def create_token_command(email, label, days):
    """Print a new API bearer token for an account, and nothing else."""
    user = find_by_login(email)
    if user is None:
        raise click.ClickException(f"No account with the login {email!r}.")
    if not user.active:
        raise click.ClickException(f"The account {email!r} is disabled.")
    token = issue_token(user, label, days=days)
    db.session.commit()
    click.echo(token)
