"""Entry point for ``flask --app app ...`` and ``gunicorn app:app``."""
from leye_events import create_app

app = create_app()
