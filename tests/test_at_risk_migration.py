"""The outreach migration: outreach cases go up, and come back down as staff cases with
the dashboard's daily counts kept."""

from __future__ import annotations

from datetime import UTC, date, datetime

from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from feedback.complaints.models import Case, CasePriority, CaseSource, CaseStatus
from feedback.customers.models import Customer
from feedback.extensions import db
from tests.conftest import scratch_app

OPENED = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


def _case(customer: str, source: CaseSource) -> None:
    row = Customer(external_id=customer)
    db.session.add(row)
    db.session.flush()
    db.session.add(
        Case(
            customer_id=row.id,
            status=CaseStatus.NEW,
            priority=CasePriority.NORMAL,
            tier="",
            source=source,
            opened_at=OPENED,
            report_day=date(2026, 11, 23),
            first_response_due_at=OPENED,
            first_response_warn_at=OPENED,
        )
    )


def _counts() -> list[tuple[str, int]]:
    rows = db.session.execute(text("SELECT source, opened FROM case_days"))
    return sorted(tuple(row) for row in rows)  # PostgreSQL sorts an enum by its order


def test_outreach_cases_become_staff_cases_going_down(database_url, tmp_path):
    with scratch_app(database_url, tmp_path, "outreach_migration") as app, app.app_context():
        upgrade()
        _case("c-1", CaseSource.OUTREACH)
        _case("c-2", CaseSource.STAFF)
        _case("c-3", CaseSource.SURVEY)
        db.session.commit()
        assert _counts() == [("outreach", 1), ("staff", 1), ("survey", 1)]
        downgrade(revision="22b7a0000007")  # to before the outreach migration
        sources = db.session.scalars(text("SELECT source FROM cases ORDER BY id")).all()
        assert sources == ["staff", "staff", "survey"]
        assert _counts() == [("staff", 2), ("survey", 1)]  # the same 3 cases counted
        db.session.commit()
        upgrade()
        db.session.remove()
        db.engine.dispose()
