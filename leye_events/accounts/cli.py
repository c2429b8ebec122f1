"""``flask users create`` and ``flask tokens create`` (to be written)."""
import click
from flask.cli import AppGroup

users_cli = AppGroup("users", help="Manage accounts.")
tokens_cli = AppGroup("tokens", help="Manage API tokens.")
