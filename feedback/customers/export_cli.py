"""`flask customers export EXTERNAL_ID [--output FILE]`: a person's data as one JSON
document (the right of access), for a request that reaches the team by letter or phone."""

from __future__ import annotations

from pathlib import Path

import click

from feedback.customers import person_export
from feedback.extensions import db


@click.command("export")
@click.argument("external_id")
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Write the document to this file (UTF-8) instead of the standard output.",
)
def export_command(external_id: str, output: Path | None) -> None:
    """Print (or write to FILE) everything held about the customer with EXTERNAL_ID as
    JSON: details, answers, cases with their messages, touchpoints, invitations, consent
    and mail. The export is recorded in the audit log."""
    customer, erased = person_export.find_person(external_id)
    if customer is None:
        if erased:
            raise click.ClickException(person_export.ERASED_MESSAGE)
        raise click.ClickException(f"No customer has the external id {external_id!r}.")
    text = person_export.export(customer, "cli")
    # Recorded before it is written: the log may over-report an export, never miss one.
    db.session.commit()
    data = (text + "\n").encode("utf-8")
    if output is None:
        # bytes: UTF-8 whatever the terminal's locale says
        click.echo(data, nl=False)
        return
    try:
        output.write_bytes(data)
    except OSError as error:
        raise click.ClickException(f"Could not write {output}: {error.strerror}") from error
    click.echo(f"Wrote {output}.", err=True)
