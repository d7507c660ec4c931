"""The migrations stand alone: none imports the app or reads its configuration, so that an
old migration runs the same SQL whatever today's code counts (migrations/env.py, which
gets the engine from the app, is not a migration)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

VERSIONS = Path(__file__).resolve().parent.parent / "migrations" / "versions"
MIGRATIONS = sorted(VERSIONS.glob("*.py"))


def _forbidden(name: str) -> bool:
    return name.split(".")[0] == "feedback" or name.split(".")[-1] == "current_app"


def app_dependencies(source: str) -> list[str]:
    """Where ``source`` imports the app (``feedback``) or reaches Flask's current_app."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            names = [module, *(f"{module}.{alias.name}" for alias in node.names)]
        elif isinstance(node, ast.Attribute):
            names = [node.attr]
        elif isinstance(node, ast.Name):
            names = [node.id]
        elif isinstance(node, ast.Call) and node.args:  # importlib.import_module("feedback")
            first = node.args[0]
            function = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
            if function not in ("import_module", "__import__"):
                continue
            names = [first.value] if isinstance(first, ast.Constant) else []
        else:
            continue
        found += [f"line {node.lineno}: {name}" for name in names if _forbidden(str(name))]
    return found


def test_the_migrations_are_found():
    assert len(MIGRATIONS) >= 11
    assert VERSIONS / "66f037c5ae64_dashboard_summary_tables.py" in MIGRATIONS


@pytest.mark.parametrize("path", MIGRATIONS, ids=lambda path: path.name)
def test_no_migration_imports_the_app_or_reads_its_config(path):
    assert app_dependencies(path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize(
    "source",
    [
        "from feedback.dashboard import rebuild",
        "from feedback.dashboard.rebuild import score_upsert",
        "import feedback.dashboard.rebuild as rebuild",
        "from feedback import models",
        "from flask import current_app",
        "def upgrade():\n    from flask import current_app as app",
        "import flask\nzone = flask.current_app.config['REPORT_TIMEZONE']",
        "import importlib\nrebuild = importlib.import_module('feedback.dashboard.rebuild')",
    ],
)
def test_the_check_finds_the_app_however_it_is_reached(source):
    assert app_dependencies(source)


@pytest.mark.parametrize(
    "source",
    [
        "from alembic import op\nimport sqlalchemy as sa\n"
        "from sqlalchemy.dialects import postgresql",
        '"""Written out as feedback.dashboard.rebuild made it."""\nimport os',
        "import os\nzone = os.environ.get('REPORT_TIMEZONE', '').strip() or 'UTC'",
    ],
)
def test_the_check_leaves_standalone_migrations_alone(source):
    assert app_dependencies(source) == []
