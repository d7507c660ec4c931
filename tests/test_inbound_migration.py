"""The inbound-mail migration keeps what the cases table had: its triggers (the
dashboard's counts) and its one-active-case index, going up and coming back down."""

from __future__ import annotations

from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from feedback.extensions import db
from tests.conftest import scratch_app


def _schema_of_cases() -> dict[str, str]:
    """The triggers and indexes on cases and case_events, as the database keeps them."""
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        rows = connection.execute(
            text(
                "SELECT t.tgname, pg_get_triggerdef(t.oid) FROM pg_trigger t"
                " WHERE NOT t.tgisinternal"
                " AND t.tgrelid IN ('cases'::regclass, 'case_events'::regclass)"
                " UNION ALL SELECT indexname, indexdef FROM pg_indexes"
                " WHERE tablename IN ('cases', 'case_events') AND schemaname = current_schema()"
            )
        )
    else:
        rows = connection.execute(
            text(
                "SELECT name, sql FROM sqlite_master WHERE type IN ('trigger', 'index')"
                " AND tbl_name IN ('cases', 'case_events') AND sql IS NOT NULL"
            )
        )
    found = dict(rows.all())
    db.session.rollback()
    return found


def test_up_and_down_keep_the_triggers_and_indexes_of_cases(database_url, tmp_path):
    with scratch_app(database_url, tmp_path, "inbound_migration") as app, app.app_context():
        upgrade(revision="d4c6e8f0a2b3")
        before = _schema_of_cases()
        assert any("cases_count_opened" in name for name in before)
        upgrade()
        columns = {c["name"] for c in inspect(db.engine).get_columns("cases")}
        assert "previous_case_id" in columns
        assert _schema_of_cases() == before
        downgrade(revision="d4c6e8f0a2b3")
        columns = {c["name"] for c in inspect(db.engine).get_columns("cases")}
        assert "previous_case_id" not in columns
        assert "inbound_messages" not in inspect(db.engine).get_table_names()
        assert _schema_of_cases() == before
        upgrade()
        assert _schema_of_cases() == before
        db.session.remove()
        db.engine.dispose()
