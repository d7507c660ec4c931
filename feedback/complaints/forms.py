"""Forms of the queue page (its filters) and of the case page (one per action)."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import Form, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from feedback.accounts.models import User
from feedback.complaints.enums import CALL_OUTCOME_LABELS, PRIORITY_LABELS, RESOLUTION_LABELS
from feedback.complaints.models import CallOutcome, CasePriority, ReplyTemplate, ResolutionCode
from feedback.extensions import db
from feedback.forms import NoNulMeta

MAX_TEXT = 10_000


class ActionForm(FlaskForm):
    """Base of the case page's forms: CSRF, NUL stripped."""

    class Meta(NoNulMeta):
        pass


def _choices(labels: dict, blank=None) -> list:
    choices = [SelectChoice("", blank)] if blank is not None else []
    return choices + [SelectChoice(key.value, label) for key, label in labels.items()]


class QueueFilterForm(Form):
    """The queue's view and filters, read from the query string (no CSRF: GET only)."""

    class Meta(NoNulMeta):
        pass

    priority = SelectField(
        _l("Priority"), choices=_choices(PRIORITY_LABELS, _l("Any")), validators=[Optional()]
    )
    touchpoint = SelectField(_l("Touchpoint"), validators=[Optional()])
    topic = SelectField(_l("Topic"), validators=[Optional()])
    tier = StringField(_l("Customer tier"), validators=[Optional(), Length(max=40)])
    page = IntegerField(default=1, validators=[Optional(), NumberRange(min=1, max=100_000)])


class EmptyForm(ActionForm):
    """Claim, resume, close: nothing to fill in but the CSRF token."""


class AssignForm(ActionForm):
    owner = SelectField(_l("Owner"), coerce=int)


class PriorityForm(ActionForm):
    priority = SelectField(_l("Priority"), choices=_choices(PRIORITY_LABELS))
    reason = StringField(_l("Reason"), validators=[DataRequired(), Length(max=500)])


LANGUAGE_CHOICES = [SelectChoice("en", "English"), SelectChoice("zh", "中文")]


class TemplatePickForm(Form):
    """Fills the reply form from a template by GET: works without JavaScript."""

    template = SelectField(_l("Template"), validators=[Optional()])
    lang = SelectField(_l("Template language"), choices=LANGUAGE_CHOICES)


class ReplyForm(ActionForm):
    language = SelectField(_l("Language"), choices=LANGUAGE_CHOICES)
    subject = StringField(_l("Subject"), validators=[DataRequired(), Length(max=200)])
    body = TextAreaField(_l("Message"), validators=[DataRequired(), Length(max=MAX_TEXT)])


class CallForm(ActionForm):
    outcome = SelectField(_l("Outcome"), choices=_choices(CALL_OUTCOME_LABELS))
    notes = TextAreaField(_l("What was said"), validators=[Optional(), Length(max=MAX_TEXT)])


def call_form(customer, given: CallForm | None = None) -> CallForm:
    """The log-a-call form, offering the number to call (the page links it with
    customers/_phone.html); says so when none is known."""
    form = given or CallForm(formdata=None)
    if customer.phone:
        form.outcome.description = _(
            "Call %(number)s, then log how it went.", number=customer.phone_display
        )
    else:
        form.outcome.description = _("No phone number is known for this customer.")
    return form


class NoteForm(ActionForm):
    body = TextAreaField(
        _l("Internal note"),
        validators=[DataRequired(), Length(max=MAX_TEXT)],
        description=_l("Only staff see notes. A note is not a response to the customer."),
    )


class PendingForm(ActionForm):
    note = StringField(_l("What you are waiting for"), validators=[Optional(), Length(max=500)])


class ResolveForm(ActionForm):
    code = SelectField(_l("Resolution"), choices=_choices(RESOLUTION_LABELS))
    note = TextAreaField(_l("Summary"), validators=[Optional(), Length(max=MAX_TEXT)])


class ReopenForm(ActionForm):
    reason = StringField(_l("Why reopen"), validators=[DataRequired(), Length(max=500)])


def priority_of(form: PriorityForm) -> CasePriority:
    return CasePriority(form.priority.data)


def outcome_of(form: CallForm) -> CallOutcome:
    return CallOutcome(form.outcome.data)


def code_of(form: ResolveForm) -> ResolutionCode:
    return ResolutionCode(form.code.data)


def owner_choices() -> list[SelectChoice]:
    """Who a case can go to: active staff, or nobody."""
    staff = db.session.scalars(select(User).where(User.active.is_(True)).order_by(User.name))
    return [SelectChoice(0, _("Nobody (back to the queue)"))] + [
        SelectChoice(u.id, u.display_name) for u in staff
    ]


def template_choices() -> list[SelectChoice]:
    """The reply templates an agent can start from."""
    templates = db.session.scalars(select(ReplyTemplate).order_by(ReplyTemplate.name))
    return [SelectChoice("", _("None"))] + [SelectChoice(str(t.id), t.name) for t in templates]
