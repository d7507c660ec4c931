"""The JSON API v1 out to other systems: cases (GET /api/v1/cases, /cases/<id>) and
customers (GET /api/v1/customers/<external_id>), for keys with the `read` scope."""

from __future__ import annotations

from flask_smorest import abort as api_abort
from werkzeug.routing import PathConverter

from feedback.api import reads
from feedback.api.record_schemas import CaseDetailOut, CasesArgs, CasesOut, CustomerOut
from feedback.api.routes import bp, errors, requires
from feedback.complaints.enums import CasePriority, CaseStatus


class ExternalIdConverter(PathConverter):
    """`<external_id:name>`: the rest of the path, slashes included. An external id may
    hold "/" (Werkzeug decodes %2F before routing) and may even start with one, which
    `path` refuses."""

    regex = ".+"
    part_isolating = False  # Werkzeug would infer True from a regex without "/"


@bp.route("/cases", methods=["GET"])
@requires("read")
@bp.arguments(CasesArgs, location="query")
@bp.response(200, CasesOut)
@errors(401, 422)
def cases(args: dict):
    """Cases, oldest opened first, a page at a time: pass the page's `next_cursor` as
    `cursor` for the next one (a case opened meanwhile comes on a later page)."""
    owner = args["owner"]
    filters = reads.CaseFilters(
        statuses=[CaseStatus(s) for s in args["status"]],
        priorities=[CasePriority(p) for p in args["priority"]],
        owner_id=False if owner is None else None if owner == "none" else int(owner),
        opened_from=args["opened_from"],
        opened_to=args["opened_to"],
    )
    try:
        items, next_cursor = reads.list_cases(filters, args["cursor"], args["limit"])
    except reads.BadCursor:
        api_abort(
            422,
            message="That cursor is not one this API gave.",
            errors={"cursor": ["Pass the next_cursor of the page before, unchanged."]},
        )
    return {"items": items, "next_cursor": next_cursor}


@bp.route("/cases/<id:case_id>", methods=["GET"])
@requires("read")
@bp.response(200, CaseDetailOut)
@errors(401, 404)
def case(case_id: int):
    """One case with its conversation (`thread`: replies, the customer's replies, calls,
    notes) and its `timeline` (every change), oldest first."""
    record = reads.case_record(case_id)
    if record is None:
        api_abort(404, message=f"No case {case_id}.")
    return record


@bp.route("/customers/<external_id:external_id>", methods=["GET"], merge_slashes=False)
@requires("read")
@bp.response(200, CustomerOut)
@errors(401, 404)
def customer(external_id: str):
    """A customer by the external id the sending system gave (URL-encoded: "a/b" is
    `a%2Fb`), with their last 100 answers and their cases, newest first."""
    # NUL is never stored (the API refuses it) and PostgreSQL cannot compare it.
    record = None if "\x00" in external_id else reads.customer_record(external_id)
    if record is None:
        api_abort(404, message="No customer has that external id.")
    return record
