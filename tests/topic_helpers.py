"""The default topics as a fresh `flask db upgrade` installs them.

The test database is migrated once and emptied after every test, so a test that wants the
default taxonomy installs it again with the migration's own code: the migration holds the
only copy of the defaults."""

from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path
from types import ModuleType

from feedback.extensions import db
from feedback.tagging.services import invalidate

MIGRATION = (
    Path(__file__).resolve().parent.parent
    / "migrations"
    / "versions"
    / "d4c6e8f0a2b3_default_topics.py"
)


@cache
def default_topics_migration() -> ModuleType:
    """The migration that installs the default topics, loaded from its file."""
    spec = importlib.util.spec_from_file_location("default_topics_migration", MIGRATION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def ensure_default_topics() -> int:
    """Install the default topics that are missing, as the migration does; flushed, not
    committed. Returns how many it wrote."""
    written = default_topics_migration().install(db.session.connection())
    invalidate()
    return written
