"""A worker builds an API model's validator when a request first uses it, not when the app is imported:
building all ~135 of them (and spectree's document with them) cost every worker ~2 MiB."""
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import json
from app import app
from leye_events.api.schema import ApiModel

def subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from subclasses(sub)

models = set(subclasses(ApiModel))
built = lambda: sorted(m.__name__ for m in models if m.__pydantic_complete__)
figures = {"models": len(models), "at_start": built()}
client = app.test_client()
client.post("/api/v1/auth/token", json={"login": "nobody@example.com", "password": "wrong"})
figures["after_a_login"] = built()
figures["document_operations"] = len(client.get("/api/v1/openapi.json").get_json()["paths"])
figures["after_the_document"] = len(built())
print(json.dumps(figures))
"""


def test_api_models_are_built_on_first_use(tmp_path):
    env = {**os.environ, "SECRET_KEY": "probe", "DATABASE_URL": f"sqlite:///{tmp_path / 'probe.sqlite3'}",
           "FLASK_RATELIMIT_ENABLED": "false"}
    subprocess.run([sys.executable, "-m", "flask", "--app", "app", "db", "upgrade"], cwd=ROOT, env=env,
                   check=True, capture_output=True)
    result = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    assert figures["models"] > 100
    assert figures["at_start"] == []
    assert 0 < len(figures["after_a_login"]) <= 3  # the login's body (and the error's shape), no more
    assert figures["document_operations"] > 50  # the document still has every operation
    assert figures["after_the_document"] > 50
