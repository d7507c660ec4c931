"""DELETE /api/v1/customers/<external_id>: erase (anonymise) a customer, for keys with the
`admin` scope. The erasure itself is feedback.customers.erasure's."""

from __future__ import annotations

from flask_smorest import abort as api_abort
from marshmallow import Schema, ValidationError, fields, validate

from feedback.api.routes import bp, errors, requires
from feedback.customers.erase_form import REASON_MAX
from feedback.customers.erasure import erase_by_external_id
from feedback.extensions import db
from feedback.surveys.inputs import clean_text

#: the audit log's reason when the caller gives none
DEFAULT_REASON = "erased through the API"


def _not_blank(value: str) -> None:
    # the page and the command refuse a reason of spaces too: the log would say nothing
    if not value.strip():
        raise ValidationError("Must not be blank: say why, such as a ticket number.")


class EraseArgs(Schema):
    reason = fields.String(
        load_default=None,
        validate=[validate.Length(min=1, max=REASON_MAX), _not_blank, clean_text],
        metadata={
            "description": "Why, for the audit log (such as a ticket number); no personal "
            f"data. Default: {DEFAULT_REASON!r}."
        },
    )


class ErasedOut(Schema):
    status = fields.String(
        required=True,
        metadata={
            "description": "`erased` now, or `already`: erased before (by this id, which "
            "only a keyed hash remembers)"
        },
    )


@bp.route("/customers/<external_id:external_id>", methods=["DELETE"], merge_slashes=False)
@requires("admin")
@bp.arguments(EraseArgs, location="query")
@bp.response(200, ErasedOut)
@errors(401, 404, 422)
def erase_customer(args: dict, external_id: str):
    """Erase a customer: their name, contact details, external ids, comments, replies, mail
    and personal properties are removed or replaced; scores, times and tags stay, so
    every figure is unchanged. Hooks subscribed to `customer.erased` get the external id
    once. Erasing again answers `already`; an id never seen is a 404."""
    # NUL is never stored (the API refuses it) and PostgreSQL cannot compare it.
    outcome = "unknown"
    reason = (args["reason"] or DEFAULT_REASON).strip()
    if "\x00" not in external_id:
        outcome = erase_by_external_id(external_id, reason=reason)
    if outcome == "unknown":
        api_abort(404, message="No customer has that external id.")
    db.session.commit()
    return {"status": outcome}
