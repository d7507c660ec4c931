"""The customer page's "Download data (JSON)": the person export for admins and managers
(GET /customers/<id>/export.json), a route of the customers blueprint."""

from __future__ import annotations

from flask import Response, abort

from feedback.accounts.access import role_required
from feedback.accounts.models import Role
from feedback.customers import person_export
from feedback.customers.models import Customer
from feedback.customers.routes import bp
from feedback.extensions import db


@bp.get("/<id:customer_id>/export.json")
@role_required(Role.MANAGER)
def export_json(customer_id: int):
    """Everything held about the customer as a JSON file to download; audited. An erased
    customer has nothing left to export (404)."""
    customer = db.get_or_404(Customer, customer_id)
    if customer.erased_at is not None:
        abort(404)
    text = person_export.export(customer, "page")
    db.session.commit()
    return Response(
        text,
        mimetype="application/json",
        headers={
            "Content-Disposition": f'attachment; filename="customer-{customer.id}.json"',
            # personal data: no shared cache keeps a copy
            "Cache-Control": "no-store",
        },
    )
