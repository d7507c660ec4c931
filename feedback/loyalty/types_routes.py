"""Managers' pages of loyalty types: the counts (a page of their own, beside the partial the
Loyalty page includes) and the customers of one type, with the dashboard's filters."""

from __future__ import annotations

from flask import Blueprint, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms import BooleanField, Form, IntegerField, SelectField
from wtforms.fields import SelectChoice
from wtforms.validators import NumberRange, Optional

from feedback import scoring
from feedback.accounts.access import role_required
from feedback.accounts.models import Role
from feedback.dashboard.reading import read_filters
from feedback.extensions import db
from feedback.forms import NoNulMeta
from feedback.loyalty.definitions import (
    LOYALTY_TYPE_HELP,
    LOYALTY_TYPE_LABELS,
    LOYALTY_TYPES,
    window_days,
)
from feedback.loyalty.forms import MAX_WINDOW
from feedback.loyalty.money import money
from feedback.loyalty.types import customers_of_type
from feedback.surveys.models import TouchpointType
from feedback.timeutil import utcnow

bp = Blueprint("loyalty_types", __name__, url_prefix="/loyalty")


class TypeArgs(Form):
    """What the types pages read besides the dashboard's filters. No CSRF: GET only."""

    class Meta(NoNulMeta):
        pass

    window = IntegerField(
        _l("Days to return"), validators=[Optional(), NumberRange(min=1, max=MAX_WINDOW)]
    )
    type = SelectField(
        _l("Loyalty type"),
        choices=[SelectChoice(key, LOYALTY_TYPE_LABELS[key]) for key in LOYALTY_TYPES],
        validators=[Optional()],
    )
    untiered = BooleanField(_l("Answers given with no tier"))
    page = IntegerField(_l("Page"), validators=[Optional(), NumberRange(min=1, max=10_000)])


@bp.before_request
@role_required(Role.MANAGER)
def require_manager():
    """Loyalty figures are for managers and admins."""


@bp.app_context_processor
def type_helpers() -> dict:
    """What templates/loyalty/_types.html needs besides ``types`` and ``args``, so that any
    page may include it."""
    return {
        "loyalty_type_labels": LOYALTY_TYPE_LABELS,
        "loyalty_type_help": LOYALTY_TYPE_HELP,
        "loyalty_types_order": LOYALTY_TYPES,
        "touchpoint_names": _touchpoint_names,
        "loyalty_types_link": _customers_link,
        "money": money,
        # a share of fewer customers than this is not shown (the house's small-n rule)
        "loyalty_types_too_few": scoring.TOO_FEW,
    }


def _customers_link(args: dict, loyalty: str, extra: dict | None = None) -> str:
    """The list of a type's customers with the page's filters, ``extra`` replacing some
    (None drops one)."""
    merged = {**args, **(extra or {}), "type": loyalty}
    return url_for("loyalty_types.customers", **{k: v for k, v in merged.items() if v is not None})


def _touchpoint_names() -> dict[int, tuple[str, str]]:
    """Each touchpoint type's id: its key and its name in the viewer's language."""
    locale = str(get_locale())
    t = TouchpointType
    rows = db.session.execute(select(t.id, t.key, t.name_en, t.name_zh))
    return {row.id: (row.key, TouchpointType.name(row, locale)) for row in rows}


def _read():
    """The dashboard's filters and ours; None for the reading when either is not valid."""
    reading, extra = read_filters(request.args), TypeArgs(request.args)
    valid = extra.validate() and reading.period is not None
    window = extra.window.data or window_days()
    args = reading.form.shared_args() | {"window": window} if valid else {}
    return reading, extra, window, args, valid


@bp.get("/customers")
def customers():
    """The customers of one loyalty type, as the types count them, 50 a page."""
    reading, extra, window, args, valid = _read()
    if not valid or not extra.type.data:
        if valid:
            extra.type.errors = [_l("Choose a loyalty type.")]
        return _invalid(reading, extra, "loyalty/customers.html")
    loyalty = extra.type.data
    found = customers_of_type(
        reading.period,
        reading.filters,
        window,
        utcnow(),
        loyalty,
        page=extra.page.data or 1,
        untiered=extra.untiered.data,
    )
    here = args | {"type": loyalty} | ({"untiered": "y"} if extra.untiered.data else {})
    return render_template(
        "loyalty/customers.html",
        form=reading.form,
        extra=extra,
        found=found,
        loyalty=loyalty,
        window=window,
        args=args,
        here=here,
        touchpoint=next(
            (
                TouchpointType.name(t, str(get_locale()))
                for t in reading.touchpoints
                if t.key == reading.form.touchpoint.data
            ),
            None,
        ),
    )


def _invalid(reading, extra, template):
    """The page with the form's messages, 400."""
    errors = {**reading.form.errors, **extra.errors}
    return render_template(template, form=reading.form, extra=extra, invalid=errors), 400
