"""`flask customers rfm [EXTERNAL_ID ...]`: compute customers' RFM now."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select

from feedback.customers.cli import erase_command
from feedback.customers.models import Customer
from feedback.extensions import db
from feedback.loyalty import rfm

customers_cli = AppGroup("customers", help="Customers: their RFM scores and segments, erasure.")
customers_cli.add_command(erase_command)


@customers_cli.command("rfm")
@click.argument("external_ids", nargs=-1)
def rfm_command(external_ids: tuple[str, ...]) -> None:
    """Compute the RFM scores, segment and computed tier of the customers named by their
    external ids, or of every customer; committed batch by batch."""
    ids = None
    if external_ids:
        found = dict(
            db.session.execute(
                select(Customer.external_id, Customer.id).where(
                    Customer.external_id.in_(external_ids)
                )
            ).all()
        )
        unknown = sorted(set(external_ids) - set(found))
        if unknown:
            raise click.UsageError(f"No customer with the external id: {', '.join(unknown)}")
        ids = list(found.values())
    done = rfm.compute(ids, commit=True)
    click.echo(f"Computed RFM for {done} customers.")
