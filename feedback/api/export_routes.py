"""GET /api/v1/customers/<external_id>/export: everything held about a person, for keys
with the `admin` scope (the right of access, answered by another system)."""

from __future__ import annotations

from flask import Response, jsonify
from flask_smorest import abort as api_abort
from marshmallow import Schema, fields

from feedback.api.routes import bp, errors, requires
from feedback.customers import person_export
from feedback.extensions import db


class PersonExportOut(Schema):
    """One document, readable by a person: keys in English, times ISO 8601 in UTC."""

    exported_at = fields.String()
    customer = fields.Dict(
        metadata={"description": "external_id, name, email, phone, locale, tier, subscribed"}
    )
    answers = fields.List(fields.Dict(), metadata={"description": "With comments and tags"})
    cases = fields.List(
        fields.Dict(), metadata={"description": "Each with its `messages` (staff anonymous)"}
    )
    touchpoints = fields.List(fields.Dict(), metadata={"description": "With every property"})
    invitations = fields.List(
        fields.Dict(), metadata={"description": "With why one was not sent, as text"}
    )
    consent = fields.List(fields.Dict(), metadata={"description": "Consent and opt-out history"})
    emails_received_from_you = fields.List(fields.Dict())
    emails_sent_to_you = fields.List(fields.Dict())


@bp.route("/customers/<external_id:external_id>/export", methods=["GET"], merge_slashes=False)
@requires("admin")
@bp.response(200, PersonExportOut)
@errors(401, 404)
def export_customer(external_id: str):
    """Everything held about the customer with this external id (URL-encoded) as one JSON
    document: details, answers, cases with their messages, touchpoints, invitations,
    consent, mail. Recorded in the audit log. A customer who was erased is a 404 with the
    code `erased`."""
    customer, erased = person_export.find_person(external_id)
    if customer is not None:
        text = person_export.export(customer, "api")
        db.session.commit()
        return Response(text, mimetype="application/json")
    if erased:
        message = person_export.ERASED_MESSAGE
        return jsonify({"error": {"code": "erased", "message": message, "fields": {}}}), 404
    api_abort(404, message="No customer has that external id.")
