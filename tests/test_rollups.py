"""The daily summaries' triggers come from one definition (feedback/dashboard/rollups.py):
a migrated database has exactly those triggers, the SQL forms of the rules agree with the
rules, and the migration that made them counts what was stored before it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask_migrate import upgrade
from sqlalchemy import inspect, select, text

from config import TestingConfig
from feedback import create_app, scoring
from feedback.complaints.models import Case
from feedback.dashboard import rollups
from feedback.extensions import db
from tests.complaints_helpers import answer, cases
from tests.conftest import scratch_app


def _triggers(connection) -> dict[str, str]:
    """Each trigger's definition as the database keeps it (PostgreSQL: the trigger and its
    function's body)."""
    if connection.dialect.name == "postgresql":
        rows = connection.execute(
            text(
                "SELECT t.tgname, pg_get_triggerdef(t.oid) || ' ' || p.prosrc"
                " FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid WHERE NOT t.tgisinternal"
            )
        )
    else:
        rows = connection.execute(text("SELECT name, sql FROM sqlite_master WHERE type='trigger'"))
    return dict(rows.all())


def test_the_database_has_the_triggers_the_definition_makes(app):
    """Were a count or a rule changed in rollups.py without a migration, this fails: the
    triggers made anew from the definition (and rolled back) differ from the migrated ones."""
    connection = db.session.connection()
    dialect = connection.dialect.name
    migrated = _triggers(connection)
    assert set(migrated) == set(rollups.triggers(dialect))
    with db.session.begin_nested():
        for name, (event, _when, _statements) in rollups.triggers(dialect).items():
            if dialect == "postgresql":
                table = event.rsplit(" ON ", 1)[1]
                connection.execute(text(f"DROP TRIGGER {name} ON {table}"))
                connection.execute(text(f"DROP FUNCTION {name}()"))
            else:
                connection.execute(text(f"DROP TRIGGER {name}"))
        for sql in rollups.trigger_sql(dialect):
            connection.execute(text(sql))
        defined = _triggers(connection)
        db.session.rollback()
    for name in defined:
        assert migrated[name] == defined[name], name


@pytest.mark.parametrize("kind", ["nps", "csat", "ces"])
def test_the_mood_in_sql_is_the_mood_of_the_scoring_rules(app, kind):
    low, high = scoring.SCALES[kind]
    for score in range(low, high + 1):
        in_sql = db.session.execute(
            text(f"SELECT {scoring.mood_sql('r')} FROM (SELECT :kind AS kind, :score AS score) r"),  # noqa: S608
            {"kind": kind, "score": score},
        ).scalar()
        assert in_sql == scoring.mood(kind, score), (kind, score)


def test_on_time_in_sql_is_on_time_on_the_case(app, surveys):
    for customer in ("a", "b", "c", "d"):
        answer("csat", 1, customer=customer)
    early, exact, late, waiting = cases()
    for case, minutes in ((early, -5), (exact, 0), (late, 1)):
        case.first_responded_at = case.first_response_due_at + timedelta(minutes=minutes)
    db.session.commit()
    in_sql = dict(
        db.session.execute(
            select(Case.id, text(f"CASE WHEN {Case.on_time_sql('cases')} THEN 1 ELSE 0 END"))
        ).all()
    )
    for case in (early, exact, late, waiting):
        assert bool(in_sql[case.id]) is bool(case.responded_on_time), case.id
    assert [bool(in_sql[c.id]) for c in (early, exact, late, waiting)] == [True, True, False, False]


def test_the_migration_counts_what_was_stored_before_it(app, database_url, tmp_path):
    """Demo data stored under the summaries before this change (weekly tables, the tier
    and language of deliveries apart), then the migration: its summaries equal a recount."""
    from feedback.demo import load_demo
    from tests.topic_helpers import ensure_default_topics

    with scratch_app(database_url, tmp_path, "before_rollups") as other, other.app_context():
        upgrade(revision="a7e0c3d91b52")
        lent = _lend_later_schema()
        ensure_default_topics()  # installed by a later migration; the demo's comments need them
        load_demo()
        db.session.commit()
        _take_back(*lent)
        upgrade()
        tables = rollups.SUMMARIES
        order = {
            t: ", ".join(c.name for c in db.metadata.tables[t].primary_key.columns) for t in tables
        }

        def rows():
            return {
                t: db.session.execute(text(f"SELECT * FROM {t} ORDER BY {order[t]}")).all()  # noqa: S608
                for t in tables
            }

        migrated = rows()
        assert all(migrated.values()), migrated
        rollups.refill(db.session.connection())
        assert rows() == migrated
        db.session.rollback()
        db.session.remove()
        db.engine.dispose()


def _lend_later_schema() -> tuple[list, list, set]:
    """Today's models use the tables and columns of later migrations (property keys, inbound
    mail, ...): lent for the demo, then taken back so that the migrations make them."""
    inspector = inspect(db.engine)
    existing = set(inspector.get_table_names())
    tables = [t for t in db.metadata.sorted_tables if t.name not in existing]
    columns = [
        (table.name, column)
        for table in db.metadata.sorted_tables
        if table.name in existing
        for column in table.columns
        if column.name not in {c["name"] for c in inspector.get_columns(table.name)}
    ]
    # PostgreSQL keeps a lent table's enum types when the table goes: they go by name
    enums = set()
    if db.engine.dialect.name == "postgresql":
        known = {e["name"] for e in inspector.get_enums()}
        enums = {c.type.name for t in tables for c in t.columns if getattr(c.type, "name", None)}
        enums -= known
    for table in tables:
        table.create(db.engine)
    with db.engine.begin() as connection:
        for name, values in _later_enum_values(inspector).items():
            for value in values:  # kept: the later migration adds it "IF NOT EXISTS"
                connection.execute(text(f"ALTER TYPE {name} ADD VALUE IF NOT EXISTS '{value}'"))
        for table, column in columns:
            kind = column.type.compile(connection.dialect)
            connection.execute(text(f"ALTER TABLE {table} ADD COLUMN {column.name} {kind}"))
    return tables, columns, enums


def _later_enum_values(inspector) -> dict[str, list[str]]:
    """PostgreSQL: the values today's enums have that the database's types lack yet."""
    if db.engine.dialect.name != "postgresql":
        return {}
    known = {e["name"]: set(e["labels"]) for e in inspector.get_enums()}
    later = {}
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            name = getattr(column.type, "name", None)
            if name in known and hasattr(column.type, "enums"):
                missing = [v for v in column.type.enums if v not in known[name]]
                later.setdefault(name, [])
                later[name] += [v for v in missing if v not in later[name]]
    return {name: values for name, values in later.items() if values}


def _take_back(tables: list, columns: list, enums: set) -> None:
    db.session.remove()
    with db.engine.begin() as connection:
        for table, column in columns:
            connection.execute(text(f"ALTER TABLE {table} DROP COLUMN {column.name}"))
    for table in reversed(tables):
        table.drop(db.engine)
    with db.engine.begin() as connection:
        for name in enums:
            connection.execute(text(f"DROP TYPE IF EXISTS {name}"))


def test_the_rollups_migration_says_how_to_go_back(tmp_path, capfd):
    """It drops the weekly summaries: going back down is a restore, and it says so."""
    from flask_migrate import downgrade

    url = f"sqlite:///{tmp_path / 'down.db'}"
    other = create_app(TestingConfig, {"SQLALCHEMY_DATABASE_URI": url})
    with other.app_context():
        upgrade()
        with pytest.raises(SystemExit):
            downgrade(revision="a7e0c3d91b52")
        assert "restore the database from the backup" in capfd.readouterr().err
        db.engine.dispose()
