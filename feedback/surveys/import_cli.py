"""`flask responses import FILE.csv`: past answers from a spreadsheet, as the API takes
them (feedback/surveys/imports.py)."""

from __future__ import annotations

import csv
from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy.exc import IntegrityError

from feedback.customers.consent_inputs import consent_from_columns
from feedback.extensions import db
from feedback.surveys.cli import SHOWN_REJECTIONS, count_rows, describe
from feedback.surveys.imports import import_answers

responses_cli = AppGroup("responses", help="Survey answers.")

#: rows committed together: the API's largest batch
CHUNK = 1000
COLUMNS = (
    "external_id",
    "customer_external_id",
    "customer_email",
    "survey",
    "touchpoint",
    "score",
    "comment",
    "answered_at",
)
REQUIRED = {"external_id", "customer_external_id", "survey", "score", "answered_at"}
#: tries of a chunk when another import stores the same ids or customers meanwhile; each
#: failed try leaves more of the chunk stored by the other, so it ends
ATTEMPTS = 5


def row_to_answer(row: dict) -> dict:
    """A CSV row as the API's JSON answer: empty cells are left out; consent,
    consent_at and consent_source make its consent."""
    answer = {
        name: row[name].strip()
        for name in COLUMNS
        if row.get(name) is not None and row[name].strip() != ""
    }
    consent = consent_from_columns(row)
    if consent is not None:
        answer["consent"] = consent
    return answer


@responses_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_responses(path: Path) -> None:
    """Import past answers from a CSV file (UTF-8, header row).

    Columns: external_id, customer_external_id, survey (id or name), touchpoint (a type
    key; empty: the survey's first trigger's), score, comment, answered_at (ISO 8601 with
    a time zone); optional customer_email (only to recognise an erased person), consent
    (given or withdrawn), consent_at (empty: answered_at), consent_source. The rows of
    an erased person are refused. They count in scores and loyalty, not in response
    rates, and open no case, notify nobody and fire no webhook. A row imported before
    is left as it is.
    """
    total = count_rows(path)
    counts = {"created": 0, "existing": 0}
    rejected: list[tuple[int, str]] = []
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = REQUIRED - set(reader.fieldnames or [])
        if missing:
            raise click.ClickException(
                f"the header lacks the columns: {', '.join(sorted(missing))}"
            )
        pending: list[tuple[int, dict]] = []
        with click.progressbar(length=total, label="Importing", show_pos=True) as bar:
            for row in reader:
                pending.append((reader.line_num, row_to_answer(row)))
                if len(pending) >= CHUNK:
                    _flush(pending, counts, rejected)
                    bar.update(len(pending))
                    pending = []
            if pending:
                _flush(pending, counts, rejected)
                bar.update(len(pending))
    click.echo(
        f"Imported {counts['created']}, already known {counts['existing']}, "
        f"rejected {len(rejected)}."
    )
    for line, reason in sorted(rejected)[:SHOWN_REJECTIONS]:
        click.echo(f"  line {line}: {reason}")
    if len(rejected) > SHOWN_REJECTIONS:
        click.echo(f"  ... and {len(rejected) - SHOWN_REJECTIONS} more")


def _flush(pending: list[tuple[int, dict]], counts: dict, rejected: list) -> None:
    """Import one chunk in its own transaction; results are keyed by line number."""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            results = import_answers(pending)
            db.session.commit()
            break
        except IntegrityError:
            db.session.rollback()
            if attempt == ATTEMPTS:
                raise click.ClickException(
                    "other imports kept storing the same answers at the same time; "
                    "run this one again"
                ) from None
    for result in results:
        if result.status == "rejected":
            rejected.append((result.index, describe(result.errors)))
        else:
            counts[result.status] += 1
    db.session.expunge_all()  # keep memory flat on a large file
