"""A migration loaded as a module, so a test can compare the SQL it froze with what the models say now."""
import importlib.util
from pathlib import Path
from types import ModuleType

VERSIONS = Path(__file__).resolve().parents[1] / "migrations" / "versions"


def load_migration(filename: str) -> ModuleType:
    """``migrations/versions/<filename>`` as a module (its ``upgrade`` is not run)."""
    spec = importlib.util.spec_from_file_location("migration_" + filename.split("_", 1)[0], VERSIONS / filename)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    return migration
