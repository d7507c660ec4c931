"""Staff look customers up, see what was sent to them and why not, and record touchpoints."""

from __future__ import annotations

import secrets
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import get_locale, get_timezone
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from wtforms.fields import SelectChoice

from feedback.accounts.access import role_required
from feedback.accounts.models import Role
from feedback.complaints.models import Case, CaseResponse
from feedback.customers import audit
from feedback.customers.consent import CHANGE_LABELS, SOURCE_LABELS, consent_history
from feedback.customers.consent_forms import ResubscribeForm
from feedback.customers.consent_inputs import ConsentInput
from feedback.customers.erase_form import EraseForm
from feedback.customers.erasure import erase_customer
from feedback.customers.models import Customer
from feedback.customers.phones import phone_digits
from feedback.customers.story import story
from feedback.extensions import db
from feedback.forms import strip_nul
from feedback.loyalty.definitions import LOYALTY_TYPE_HELP, LOYALTY_TYPE_LABELS, SEGMENT_LABELS
from feedback.loyalty.money import money
from feedback.loyalty.rfm_settings import tier_names
from feedback.surveys.ingest import ingest_events, touchpoint_types
from feedback.surveys.inputs import CustomerInput, EventInput
from feedback.surveys.models import EventSource
from feedback.surveys.staff_forms import RecordTouchpointForm
from feedback.tagging.services import topics_of
from feedback.timeutil import local_to_utc, utcnow

bp = Blueprint("customers", __name__, url_prefix="/customers")


@bp.before_request
@role_required(Role.AGENT)
def require_staff():
    """Every signed-in staff member may look customers up."""


@bp.get("")
def index():
    query = select(Customer).order_by(Customer.updated_at.desc(), Customer.id.desc())
    search = strip_nul(request.args.get("q") or "").strip()[:200]
    if search:
        like = f"%{search.lower()}%"
        matches = [
            func.lower(Customer.email).like(like),
            func.lower(Customer.name).like(like),
            func.lower(Customer.external_id).like(like),
        ]
        digits = phone_digits(search)
        if digits:
            matches.append(Customer.phone.like(f"%{digits}%"))
        query = query.where(or_(*matches))
    page = db.paginate(
        query,
        page=min(request.args.get("page", 1, type=int), 10_000),
        per_page=50,
        error_out=False,
    )
    return render_template("customers/index.html", page=page, search=search)


def _record_form() -> RecordTouchpointForm:
    form = RecordTouchpointForm()
    form.touchpoint.choices = [
        SelectChoice(t.key, t.name(str(get_locale()))) for t in touchpoint_types().values()
    ]
    return form


@bp.route("/<id:customer_id>", methods=["GET", "POST"])
def show(customer_id: int):
    customer = db.get_or_404(Customer, customer_id)
    form = _record_form()
    if customer.erased_at is not None and request.method == "POST":
        flash(_("This customer was erased: nothing more is recorded for them."), "error")
        return _page(customer, form), 409
    if form.validate_on_submit():
        occurred = local_to_utc(form.occurred_at.data, str(get_timezone()))
        reference = (form.external_id.data or "").strip()
        event_input = EventInput(
            external_id=f"staff-{reference or secrets.token_hex(6)}",
            touchpoint=form.touchpoint.data,
            occurred_at=occurred,
            customer=CustomerInput(external_id=customer.external_id),
            consent=ConsentInput(form.consent.data) if form.consent.data else None,
        )
        try:
            (result,) = ingest_events([(0, event_input)], EventSource.STAFF, current_user.id)
            db.session.commit()
            outcome = result.outcome
        except IntegrityError:  # the same reference sent twice at once: the first stands
            db.session.rollback()
            outcome = "existing"
        if outcome == "existing":
            flash(_("A touchpoint with that reference was recorded before."), "error")
        else:
            flash(_("Touchpoint recorded."), "success")
        return redirect(url_for(".show", customer_id=customer.id))
    if form.is_submitted():
        return _page(customer, form), 400
    # Every staff view is audited, and committed here: a GET that writes, but the log must
    # say who looked even though nothing else changed. Recorded before the page is made,
    # so that a page that fails to render claims no view (its session rolls back). A HEAD
    # shows nobody anything.
    if request.method == "GET":
        audit.record("customer.view", customer=customer)
    page = _page(customer, form)
    db.session.commit()
    return page


@bp.post("/<id:customer_id>/erase")
@role_required(Role.MANAGER)
def erase(customer_id: int):
    """Erase (anonymise) the customer, with a reason and a confirmation: admins and
    managers. A second click finds them erased already and changes nothing."""
    customer = db.get_or_404(Customer, customer_id)
    form = EraseForm(prefix="erase")
    if not form.validate_on_submit():
        return _page(customer, _record_form(), erase_form=form), 400
    if erase_customer(customer, reason=form.reason.data):
        db.session.commit()
        flash(_("The customer was erased. Their scores stay in every figure."), "success")
    else:
        flash(_("This customer was erased before: nothing changed."), "info")
    return redirect(url_for(".show", customer_id=customer.id))


def _page(
    customer: Customer,
    form,
    resubscribe_form: ResubscribeForm | None = None,
    erase_form: EraseForm | None = None,
):
    if form.occurred_at.data is None:
        now = datetime.now(ZoneInfo(str(get_timezone())))
        form.occurred_at.data = now.replace(second=0, microsecond=0, tzinfo=None)
    told = story(
        customer,
        utcnow(),
        all_answers=request.args.get("answers") == "all",
        all_events=request.args.get("touchpoints") == "all",
    )
    # The customer's cases, and which answer is on which, so that staff go from an
    # answer to what was done about it in one click.
    cases = db.session.scalars(
        select(Case).where(Case.customer_id == customer.id).order_by(Case.opened_at.desc())
    ).all()
    case_of = dict(
        db.session.execute(
            select(CaseResponse.response_id, CaseResponse.case_id).where(
                CaseResponse.case_id.in_([c.id for c in cases])
            )
        ).all()
    )
    return render_template(
        "customers/show.html",
        customer=customer,
        story=told,
        events=told.events,
        responses=told.responses,
        cases=cases,
        case_of=case_of,
        topics_of=topics_of([r.id for r in told.responses]),
        form=form,
        money=money,
        segment_labels=SEGMENT_LABELS,
        loyalty_type_labels=LOYALTY_TYPE_LABELS,
        loyalty_type_help=LOYALTY_TYPE_HELP,
        tier_names=tier_names(str(get_locale())),
        consent_history=consent_history(customer),
        consent_labels={"changes": CHANGE_LABELS, "sources": SOURCE_LABELS},
        resubscribe_form=resubscribe_form or ResubscribeForm(formdata=None),
        erase_form=erase_form or EraseForm(formdata=None, prefix="erase"),
    )
