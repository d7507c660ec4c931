"""`flask touchpoints import FILE.csv`: the same events as the API, from a spreadsheet."""

from __future__ import annotations

import csv
from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy.exc import IntegrityError

from feedback.customers.consent_inputs import consent_from_columns
from feedback.extensions import db
from feedback.surveys.batches import ingest_batch
from feedback.surveys.inputs import parse_event
from feedback.surveys.models import EventSource

touchpoints_cli = AppGroup("touchpoints", help="Touchpoint events.")

CHUNK = 500
CUSTOMER_COLUMNS = ("external_id", "email", "name", "locale", "tier", "phone")
EVENT_COLUMNS = ("external_id", "touchpoint", "occurred_at", "value", "currency")
#: a column "property_store" becomes properties["store"]
PROPERTY_PREFIX = "property_"
SHOWN_REJECTIONS = 50


def row_to_event(row: dict, history: bool = False) -> dict:
    """A CSV row as the API's JSON event: customer_* columns nest, property_* too.

    ``history`` is the whole file's (``--history``), not a column: one file is either
    past events or live ones.
    """
    event = {name: (row.get(name) or "").strip() or None for name in EVENT_COLUMNS}
    event["history"] = history
    event["customer"] = {
        name: (row.get(f"customer_{name}") or "").strip() or None for name in CUSTOMER_COLUMNS
    }
    event["consent"] = consent_from_columns(row)
    event["properties"] = {
        key[len(PROPERTY_PREFIX) :]: value
        for key, value in row.items()
        if key and key.startswith(PROPERTY_PREFIX) and value not in (None, "")
    }
    return event


def count_rows(path: Path) -> int:
    """The rows of a CSV file after its header, read through once before any is imported,
    so that a file that is not UTF-8 or not CSV stops the command with a clear message
    and nothing half imported."""
    rows = start = 0
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.reader(fh)
            while True:
                start = reader.line_num + 1
                if next(reader, None) is None:
                    break
                rows += 1
    except UnicodeDecodeError as exc:
        raise click.ClickException(
            f"{path} is not UTF-8 text (byte {exc.start}); save it as CSV UTF-8 and try again"
        ) from exc
    except csv.Error as exc:
        # most often a quote left open, which runs the rest of the file into one field
        raise click.ClickException(
            f"{path} line {start}: {exc} (a quote left open?); nothing was imported"
        ) from exc
    return max(rows - 1, 0)


@touchpoints_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--history",
    is_flag=True,
    help="Past events for loyalty figures: stored, and nobody is invited to a survey.",
)
def import_touchpoints(path: Path, history: bool) -> None:
    """Import touchpoint events from a CSV file (UTF-8, header row).

    Columns: external_id, touchpoint, occurred_at (ISO 8601 with a time zone),
    customer_external_id, customer_email, customer_name, customer_locale,
    customer_tier, customer_phone, value (e.g. 129.90), currency (the service's own, or
    empty), consent (given or withdrawn), consent_at (ISO 8601; empty: now, or with
    --history the touchpoint's time), consent_source (free text), and any property_NAME
    columns. A phone number that is not valid is left out
    with a warning and the row is imported. With --history every row is a past event:
    stored for loyalty, and nobody is invited (what history a customer has, such as an
    old email address, fills in only what is not known yet).
    """
    total = count_rows(path)
    imported = known = 0
    rejected: list[tuple[int, str]] = []
    warned: list[tuple[int, str]] = []
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = {"external_id", "touchpoint", "occurred_at", "customer_external_id"} - set(
            reader.fieldnames or []
        )
        if missing:
            raise click.ClickException(
                f"the header lacks the columns: {', '.join(sorted(missing))}"
            )
        pending: list[tuple[int, object]] = []
        with click.progressbar(length=total, label="Importing", show_pos=True) as bar:
            for row in reader:
                line = reader.line_num
                event, errors = parse_event(row_to_event(row, history))
                if errors:
                    rejected.append((line, describe(errors)))
                else:
                    pending.append((line, event))
                    warned += [(line, _warning(w)) for w in event.warnings]
                if len(pending) >= CHUNK:
                    imported, known = _flush(pending, rejected, imported, known)
                    pending = []
                bar.update(1)
            if pending:
                imported, known = _flush(pending, rejected, imported, known)
    click.echo(f"Imported {imported}, already known {known}, rejected {len(rejected)}.")
    if history:
        click.echo("As history: nobody was invited.")
    for line, reason in sorted(rejected)[:SHOWN_REJECTIONS]:
        click.echo(f"  line {line}: {reason}")
    if len(rejected) > SHOWN_REJECTIONS:
        click.echo(f"  ... and {len(rejected) - SHOWN_REJECTIONS} more")
    if warned:
        click.echo(f"Warnings {len(warned)}:")
        for line, warning in warned[:SHOWN_REJECTIONS]:
            click.echo(f"  line {line}: {warning}")
        if len(warned) > SHOWN_REJECTIONS:
            click.echo(f"  ... and {len(warned) - SHOWN_REJECTIONS} more")


def _flush(pending, rejected, imported, known) -> tuple[int, int]:
    """Ingest one chunk in its own transaction; results are keyed by line number."""
    for attempt in (1, 2):
        try:
            results = ingest_batch(pending, EventSource.CSV)
            db.session.commit()
            break
        except IntegrityError:
            # Another import or the API stored some of these ids meanwhile: look again.
            db.session.rollback()
            if attempt == 2:
                raise
    for result in results:
        if result.outcome == "created":
            imported += 1
        elif result.outcome == "existing":
            known += 1
        else:
            rejected.append((result.index, describe(result.errors)))
    db.session.expunge_all()  # keep memory flat on a large file
    return imported, known


def _warning(warning: dict) -> str:
    return f"{warning['field']}: {warning['message']}"


def describe(errors: dict, prefix: str = "") -> str:
    """A row's field errors in one line, for the command's list of rejected rows."""
    parts = []
    for field, messages in errors.items():
        name = f"{prefix}{field}" if field != "_schema" else prefix.rstrip(".") or "row"
        if isinstance(messages, dict):
            parts.append(describe(messages, f"{name}."))
        else:
            parts.append(f"{name}: {' '.join(str(m) for m in messages)}")
    return "; ".join(parts)
