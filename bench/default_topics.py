"""The default taxonomy for the benchmarks that tag without a database: read from the
migration that installs it, the only copy."""

from __future__ import annotations

import importlib.util
from pathlib import Path

MIGRATION = Path(__file__).resolve().parent.parent / "migrations" / "versions"


def taxonomy():
    """The default topics, compiled as the worker compiles them."""
    from feedback.analysis.topics import Taxonomy, TopicSpec

    path = MIGRATION / "d4c6e8f0a2b3_default_topics.py"
    spec = importlib.util.spec_from_file_location("default_topics_migration", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return Taxonomy.compile(
        TopicSpec(key, tuple(en), tuple(zh)) for key, _en, _zh, en, zh in module.DEFAULT_TOPICS
    )
