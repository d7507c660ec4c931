"""`flask customers erase EXTERNAL_ID --reason TEXT [--yes]`: erase (anonymise) a customer
from the command line, as an admin does from the customer page or the API."""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from feedback.customers.erasure import erase_by_external_id
from feedback.customers.models import Customer
from feedback.extensions import db


@click.command("erase")
@click.argument("external_id")
@click.option(
    "--reason",
    required=True,
    help="Why, for the audit log (a request's reference, not the person's details).",
)
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def erase_command(external_id: str, reason: str, yes: bool) -> None:
    """Erase the customer with EXTERNAL_ID: their contact details, ids, comments, case
    conversations, mail and personal properties go; scores, times and tags stay, so the
    figures do not change. It cannot be undone."""
    reason = " ".join(reason.split())
    if not reason:
        raise click.UsageError("Give a reason (--reason), for the audit log.")
    customer = db.session.scalar(select(Customer).where(Customer.external_id == external_id))
    if customer is not None and customer.erased_at is None and not yes:
        click.confirm(
            f"Erase customer {external_id} ({customer.display_name})? This cannot be undone.",
            abort=True,
        )
    outcome = erase_by_external_id(external_id, reason=reason)
    if outcome == "unknown":
        raise click.ClickException(f"No customer with the external id {external_id}.")
    db.session.commit()
    if outcome == "already":
        click.echo(f"Customer {external_id} was erased already.")
    else:
        click.echo(f"Erased customer {external_id}.")
