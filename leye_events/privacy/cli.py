"""``flask privacy purge``: apply the retention periods (safe to run from cron)."""
import click
from flask import current_app
from flask.cli import with_appcontext

from .purge import RetentionError, purge

privacy_cli = click.Group("privacy", help="Personal-data rights and retention.")

LABELS = {
    "prospects": "unconverted outreach prospects removed",
    "closed_cases": "closed cases stripped of their narrative",
    "audit_entries": "audit entries removed",
    "cancelled_event_checkins": "check-in log rows of cancelled events removed",
}


@privacy_cli.command("purge")
@click.option("--dry-run", is_flag=True, help="Count what would be removed; change nothing.")
@with_appcontext
def purge_command(dry_run: bool) -> None:
    """Remove what has outlived its purpose and print one line per step with its count.

    Periods: FLASK_RETENTION_PROSPECT_DAYS, FLASK_RETENTION_CLOSED_CASE_DAYS, FLASK_RETENTION_AUDIT_DAYS
    (at least 180), FLASK_RETENTION_CANCELLED_EVENT_CHECKIN_DAYS; 0 switches a step off.
    """
    try:
        results = purge(current_app.config, dry_run=dry_run)
    except RetentionError as error:
        click.echo(f"error: {error}", err=True)
        raise SystemExit(1) from None
    for result in results:
        label = LABELS[result.name] + (" (dry run)" if dry_run else "")
        if result.count is None:
            click.echo(f"{result.name}: skipped ({result.note})")
        else:
            click.echo(f"{result.name}: {result.count} {label} (older than {result.days} days)")
