"""``flask seed-demo`` (to be written)."""
import click


@click.command("seed-demo")
def seed_demo_command():
    """Fill an empty database with demo data."""
