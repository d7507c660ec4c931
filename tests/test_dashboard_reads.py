"""The dashboard's batched reads (feedback.dashboard.reads): the same rows and values as
SQLAlchemy's own execution, on SQLite and in PostgreSQL's pipeline mode, and nothing lost
when other statements run on the connection while a batch is in flight."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import bindparam, func, select

from feedback.complaints.models import ACTIVE_STATUSES, Case
from feedback.dashboard import reads
from feedback.extensions import db
from feedback.surveys.models import Response, SurveyKind
from feedback.timeutil import UTCDateTime, utcnow
from tests.complaints_helpers import answer

RECENT = (
    select(Response.id, Response.answered_at, Response.kind, Response.score, Response.comment)
    .where(Response.answered_at >= bindparam("since", type_=UTCDateTime))
    .order_by(Response.id)
)
BY_KIND = (
    select(Response.kind, func.count(), func.sum(Response.score))
    .where(Response.kind != bindparam("not_kind", type_=Response.kind.type))
    .group_by(Response.kind)
    .order_by(Response.kind)
)


@pytest.fixture
def answered(app, surveys):
    answer("nps", 9, "Quick and friendly", customer="a")
    answer("nps", 2, "送货太慢了", customer="b", locale="zh")
    answer("csat", 1, None, customer="c")
    answer("ces", 6, "Easy", customer="d")


def test_a_batch_reads_what_sqlalchemy_reads(app, answered):
    since = utcnow() - timedelta(hours=1)
    expected_recent = db.session.execute(RECENT, {"since": since}).all()
    expected_by_kind = db.session.execute(BY_KIND, {"not_kind": SurveyKind.CES}).all()
    db.session.commit()

    batch = reads.Batch()
    recent = batch.add(RECENT, {"since": since})
    by_kind = batch.add(BY_KIND, {"not_kind": SurveyKind.CES})
    batch.send()

    assert [tuple(row) for row in batch.rows(recent)] == [tuple(r) for r in expected_recent]
    assert [tuple(row) for row in batch.rows(by_kind)] == [tuple(r) for r in expected_by_kind]
    first = batch.rows(recent)[0]
    assert first.kind is SurveyKind.NPS and first.comment == "Quick and friendly"
    assert first.answered_at.utcoffset() == timedelta(0)  # aware UTC, as UTCDateTime gives
    counted = {kind: (n, total) for kind, n, total in batch.rows(by_kind)}
    assert counted == {SurveyKind.NPS: (2, 11), SurveyKind.CSAT: (1, 1)}


def test_a_statement_run_while_a_batch_is_in_flight_still_gets_its_rows(app, answered):
    batch = reads.Batch()
    recent = batch.add(RECENT, {"since": utcnow() - timedelta(hours=1)})
    batch.send()
    # On PostgreSQL the batch is in the connection's pipeline now: this must not be
    # queued behind it and come back empty.
    scores = db.session.scalars(select(Response.score).order_by(Response.id)).all()
    assert scores == [9, 2, 1, 6]
    assert [row.score for row in batch.rows(recent)] == [9, 2, 1, 6]


def test_a_batch_closed_unread_leaves_the_connection_usable(app, answered):
    batch = reads.Batch()
    batch.add(RECENT, {"since": utcnow() - timedelta(hours=1)})
    batch.send()
    batch.close()
    assert db.session.scalar(select(func.count()).select_from(Response)) == 4


def test_the_queue_condition_reads_as_the_status_enum_does(app, answered):
    # Case.in_queue() writes the statuses into the statement; it must match in_().
    written = db.session.scalar(select(func.count()).select_from(Case).where(Case.in_queue()))
    bound = db.session.scalar(
        select(func.count()).select_from(Case).where(Case.status.in_(ACTIVE_STATUSES))
    )
    assert written == bound == 2  # the NPS 2 and the CSAT 1 opened cases


def test_an_expanding_in_is_refused(app):
    statement = select(Response.id).where(Response.id.in_(bindparam("ids", expanding=True)))
    with pytest.raises(ValueError, match="expanding IN"):
        reads.Batch().add(statement, {"ids": [1, 2]})


@pytest.mark.parametrize("autocommit", [True, False])
def test_summary_reads_run_with_generic_plans_and_the_default_comes_back(app, answered, autocommit):
    """PostgreSQL: the reads marked generic (of the summaries) run with generic plans, the
    others with the server's choice, and the connection goes back to that choice after
    the batch, even when a read fails on the server or a value fails in Python."""
    from sqlalchemy import literal_column

    if db.engine.dialect.name != "postgresql":
        pytest.skip("plan_cache_mode is PostgreSQL's")
    db.session.commit()
    if autocommit:  # as the dashboard reads
        db.session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
    setting = select(func.current_setting("plan_cache_mode"))
    batch = reads.Batch()
    generic = batch.add(setting, generic=True)
    chosen = batch.add(setting.where(bindparam("x") == 1), {"x": 1})
    batch.send()
    assert batch.rows(generic)[0][0] == "force_generic_plan"
    assert batch.rows(chosen)[0][0] == "auto"
    assert db.session.scalar(setting) == "auto"

    on_the_server = reads.Batch()
    on_the_server.add(
        select(literal_column("1 / (SELECT COUNT(*) - 4 FROM responses)")), generic=True
    )
    on_the_server.add(setting, generic=True)
    # the driver's own error (the batch runs on its cursor), from send() or rows()
    with pytest.raises(db.engine.dialect.dbapi.DataError, match="division by zero"):
        on_the_server.send()
        on_the_server.rows(0)
    db.session.rollback()
    assert db.session.scalar(setting) == "auto"

    db.session.commit()
    if autocommit:
        db.session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
    in_python = reads.Batch()
    in_python.add(setting, generic=True)
    in_python.add(setting.where(bindparam("x") == 1), {"x": object()}, generic=True)
    with pytest.raises(db.engine.dialect.dbapi.ProgrammingError, match="cannot adapt"):
        in_python.send()
    db.session.rollback()
    assert db.session.scalar(setting) == "auto"
