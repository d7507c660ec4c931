"""`flask touchpoints import FILE.csv`."""

from __future__ import annotations

from sqlalchemy import func, select

from feedback.customers.models import Customer
from feedback.extensions import db
from feedback.surveys.models import EventSource, TouchpointEvent

HEADER = (
    "external_id,touchpoint,occurred_at,customer_external_id,customer_email,"
    "customer_name,customer_locale,customer_tier,property_store\n"
)


def test_import_reports_imported_known_and_rejected_with_line_numbers(surveys, runner, tmp_path):
    path = tmp_path / "events.csv"
    path.write_text(
        "\ufeff"  # Excel's byte order mark
        + HEADER
        + "o-1,delivery,2026-11-20T10:00:00Z,c-1,ann@example.com,Ann,en,gold,Shanghai\n"
        + "o-2,teleport,2026-11-20T10:00:00Z,c-2,bo@example.com,Bo,en,,\n"
        + "o-3,delivery,yesterday,c-3,cy@example.com,Cy,en,,\n"
        + "o-4,purchase,2026-11-20T11:00:00+08:00,c-4,not-an-email,Di,zh,,\n"
        + 'o-5,purchase,2026-11-20T11:00:00+08:00,c-5,wei@example.cn,"王, 伟",zh-CN,,北京\n'
        + "o-1,delivery,2026-11-20T10:00:00Z,c-1,ann@example.com,Ann,en,gold,Shanghai\n",
        encoding="utf-8",
    )
    result = runner.invoke(args=["touchpoints", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "Imported 2, already known 1, rejected 3." in result.output
    assert "line 3: touchpoint: Unknown touchpoint type 'teleport'" in result.output
    assert "line 4: occurred_at:" in result.output
    assert "line 5: customer.email:" in result.output
    events = db.session.scalars(select(TouchpointEvent).order_by(TouchpointEvent.id)).all()
    assert [e.external_id for e in events] == ["o-1", "o-5"]
    assert {e.source for e in events} == {EventSource.CSV}
    assert events[1].properties == {"store": "北京"}
    wei = db.session.scalar(select(Customer).where(Customer.external_id == "c-5"))
    assert (wei.name, wei.locale) == ("王, 伟", "zh")


def test_import_again_creates_nothing(surveys, runner, tmp_path):
    path = tmp_path / "events.csv"
    path.write_text(HEADER + "o-1,delivery,2026-11-20T10:00:00Z,c-1,a@example.com,A,en,,\n")
    runner.invoke(args=["touchpoints", "import", str(path)])
    again = runner.invoke(args=["touchpoints", "import", str(path)])
    assert "Imported 0, already known 1, rejected 0." in again.output
    assert db.session.scalar(select(func.count()).select_from(TouchpointEvent)) == 1


def test_import_refuses_a_file_without_the_needed_columns(surveys, runner, tmp_path):
    path = tmp_path / "wrong.csv"
    path.write_text("id,when\n1,today\n")
    result = runner.invoke(args=["touchpoints", "import", str(path)])
    assert result.exit_code != 0
    assert "lacks the columns" in result.output


def test_import_in_chunks_keeps_every_row(surveys, runner, tmp_path, monkeypatch):
    from feedback.surveys import cli

    monkeypatch.setattr(cli, "CHUNK", 7)
    rows = "".join(
        f"o-{i},delivery,2026-11-20T10:00:00Z,c-{i},c{i}@example.com,C{i},en,,\n" for i in range(30)
    )
    path = tmp_path / "many.csv"
    path.write_text(HEADER + rows)
    result = runner.invoke(args=["touchpoints", "import", str(path)])
    assert "Imported 30, already known 0, rejected 0." in result.output


def test_a_file_that_is_not_utf8_gets_a_clear_message(surveys, runner, tmp_path):
    path = tmp_path / "gbk.csv"
    path.write_bytes(
        (HEADER + "o-1,delivery,2026-11-20T10:00:00Z,c-1,a@example.com,王伟,zh,,\n").encode("gbk")
    )
    result = runner.invoke(args=["touchpoints", "import", str(path)])
    assert result.exit_code == 1
    assert "is not UTF-8 text" in result.output
    assert db.session.scalar(select(func.count()).select_from(TouchpointEvent)) == 0


def test_a_touchpoint_far_in_the_future_is_rejected_not_a_crash(surveys, runner, tmp_path):
    path = tmp_path / "future.csv"
    path.write_text(
        HEADER
        + "o-1,delivery,9999-12-31T23:30:00Z,c-1,a@example.com,A,en,,\n"
        + "o-2,delivery,2026-11-20T10:00:00Z,c-2,b@example.com,B,en,,\n"
    )
    result = runner.invoke(args=["touchpoints", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "Imported 1, already known 0, rejected 1." in result.output
    assert "line 2: occurred_at: Must be between the years 1970 and 2200." in result.output
