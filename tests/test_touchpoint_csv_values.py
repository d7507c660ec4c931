"""`flask touchpoints import FILE.csv [--history]` with value and currency columns."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select

from feedback.customers.models import Customer
from feedback.events import DomainEvent
from feedback.extensions import db
from feedback.outbox.models import OutboxMessage
from feedback.surveys import invitations
from feedback.surveys.models import Invitation, TouchpointEvent

HEADER = "external_id,touchpoint,occurred_at,customer_external_id,customer_email,value,currency\n"
ROWS = (
    "o-1,purchase,2025-03-01T10:00:00Z,c-1,ann@example.com,129.90,CNY\n"
    "o-2,purchase,2025-04-01T10:00:00+08:00,c-1,ann@example.com,45,cny\n"
    "o-3,delivery,2025-04-02T10:00:00Z,c-2,bo@example.com,,\n"
    "o-4,purchase,2025-05-01T10:00:00Z,c-2,bo@example.com,10.00,USD\n"
    'o-5,purchase,2025-05-02T10:00:00Z,c-2,bo@example.com,"1,299.00",\n'
    "o-6,purchase,2025-05-03T10:00:00Z,c-2,bo@example.com,,CNY\n"
)


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _import(runner, tmp_path, *options):
    path = tmp_path / "events.csv"
    path.write_text(HEADER + ROWS, encoding="utf-8")
    result = runner.invoke(args=["touchpoints", "import", str(path), *options])
    assert result.exit_code == 0, result.output
    return result.output


def test_history_import_stores_values_and_invites_nobody(surveys, runner, tmp_path):
    output = _import(runner, tmp_path, "--history")

    assert "Imported 3, already known 0, rejected 3." in output
    assert "As history: nobody was invited." in output
    assert "line 5: currency: This service counts money in CNY only" in output
    assert "line 6: value: Not a decimal number" in output
    assert "line 7: currency: A currency without a value" in output
    events = db.session.scalars(select(TouchpointEvent).order_by(TouchpointEvent.id)).all()
    assert [(e.external_id, e.value, e.history) for e in events] == [
        ("o-1", Decimal("129.90"), True),
        ("o-2", Decimal("45.00"), True),
        ("o-3", None, True),
    ]
    assert _count(Invitation) == 0
    invitations.send_due_invitations()
    assert _count(OutboxMessage) == 0
    announced = db.session.scalars(select(DomainEvent).filter_by(type="purchase.recorded"))
    assert sorted(e.data["touchpoint_event_id"] for e in announced) == [
        events[0].id,
        events[1].id,
    ]
    assert _count(Customer) == 2


def test_without_history_the_same_file_invites_as_before(surveys, runner, tmp_path):
    output = _import(runner, tmp_path)

    assert "Imported 3, already known 0, rejected 3." in output
    assert "As history" not in output
    assert _count(Invitation) == 3  # two purchases and a delivery, each with its survey
    assert not any(db.session.scalars(select(TouchpointEvent.history)))


def test_a_file_without_value_columns_still_imports(surveys, runner, tmp_path):
    path = tmp_path / "events.csv"
    path.write_text(
        "external_id,touchpoint,occurred_at,customer_external_id\n"
        "o-1,purchase,2025-03-01T10:00:00Z,c-1\n",
        encoding="utf-8",
    )
    result = runner.invoke(args=["touchpoints", "import", str(path), "--history"])

    assert "Imported 1, already known 0, rejected 0." in result.output
    stored = db.session.scalar(select(TouchpointEvent))
    assert (stored.value, stored.history) == (None, True)
