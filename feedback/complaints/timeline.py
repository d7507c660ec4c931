"""A case's timeline and clock in words, in the viewer's language and time zone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from babel.dates import format_timedelta
from flask_babel import format_datetime, get_locale
from flask_babel import gettext as _

from feedback.complaints.configuration.settings import queue_config
from feedback.complaints.enums import (
    call_outcome_label,
    case_status_label,
    priority_label,
    resolution_label,
)
from feedback.complaints.models import Case, CaseEvent, CasePriority, CaseSource, CaseStatus
from feedback.surveys.models import SUPPRESSION_LABELS, SuppressionReason


def duration(delta: timedelta) -> str:
    """ "1 hour 30 minutes", "2 days 3 hours", "25 minutes": two units at most, never
    rounded up (babel alone says "2 hours" for 90 minutes)."""
    minutes = int(delta.total_seconds() // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    units = [(days, "day"), (hours, "hour"), (minutes, "minute")]
    shown = [(n, unit) for n, unit in units if n][:2] or [(0, "minute")]
    locale = get_locale()
    return " ".join(
        format_timedelta(timedelta(**{unit + "s": n}), threshold=1, locale=locale)
        if n
        else format_timedelta(timedelta(0), granularity="minute", locale=locale)
        for n, unit in shown
    )


def _who(event: CaseEvent) -> str:
    return event.actor.display_name if event.actor else _("The service")


def _moment(iso: str | None) -> str:
    return format_datetime(datetime.fromisoformat(iso), "medium") if iso else ""


def describe(event: CaseEvent) -> str:
    """One sentence for a timeline line; the event's body is shown under it."""
    kind, before, after, detail = event.kind, event.before, event.after, event.detail
    if kind == "opened":
        return _(
            "Case opened with priority %(priority)s by the rule “%(rule)s”.",
            priority=priority_label(CasePriority(after)),
            rule=detail,
        )
    if kind == "attached":
        return _("Another unhappy answer joined this case (rule “%(rule)s”).", rule=detail)
    if kind == "claimed":
        return _("%(who)s claimed the case.", who=_who(event))
    if kind == "assigned":
        return _(
            "%(who)s changed the owner from %(before)s to %(after)s.",
            who=_who(event),
            before=before or _("nobody"),
            after=after or _("nobody"),
        )
    if kind == "priority":
        return _(
            "%(who)s changed the priority from %(before)s to %(after)s.",
            who=_who(event),
            before=priority_label(CasePriority(before)),
            after=priority_label(CasePriority(after)),
        )
    if kind == "due":
        return _(
            "First response now due %(after)s (was %(before)s).",
            after=_moment(after),
            before=_moment(before),
        )
    if kind == "status":
        text = _(
            "%(who)s: %(before)s → %(after)s.",
            who=_who(event),
            before=case_status_label(CaseStatus(before)),
            after=case_status_label(CaseStatus(after)),
        )
        if detail:
            text += " " + resolution_label(detail)
        return text
    if kind == "reply":
        return _("%(who)s emailed the customer: “%(subject)s”.", who=_who(event), subject=detail)
    if kind == "customer_reply":
        return _("The customer replied by email: “%(subject)s”.", subject=detail or "")
    if kind == "call":
        return _(
            "%(who)s logged a call: %(outcome)s.",
            who=_who(event),
            outcome=call_outcome_label(detail),
        )
    if kind == "note":
        return _("%(who)s added an internal note.", who=_who(event))
    if kind == "first_response":
        if after == "late":
            return _("First response given, after the deadline.")
        return _("First response given on time.")
    if kind == "warned":
        return _("Due soon: %(who)s warned by email.", who=after or _("nobody"))
    if kind == "breached":
        if detail == "resolution":
            return _("The resolution deadline passed.")
        return _("The first-response deadline passed without a response.")
    if kind == "escalated":
        return _("Escalated to %(who)s by email.", who=after or _("nobody"))
    if kind == "followup_sent":
        return _("Follow-up survey sent to the customer.")
    if kind == "followup_held":
        reason = SUPPRESSION_LABELS.get(SuppressionReason(detail), detail) if detail else ""
        return _("Follow-up survey not sent: %(reason)s.", reason=reason)
    if kind == "followup_answered":
        return _("The customer answered the follow-up: %(score)s of 5.", score=after)
    if kind == "opened_by_hand":
        return _(
            "%(who)s opened the case (%(source)s) with priority %(priority)s.",
            who=_who(event),
            source=CaseSource(detail).label,
            priority=priority_label(CasePriority(after)),
        )
    if kind == "opened_by_email":
        return _("Case opened by the customer's email about closed case #%(case)s.", case=before)
    if kind == "continued":
        return _("The customer wrote again after closing: case #%(case)s continues.", case=after)
    return kind


@dataclass(frozen=True)
class Clock:
    """Where a case stands against its running deadline."""

    which: str  # "first_response", "resolution", "paused" or "none"
    due_at: datetime | None
    overdue: bool
    wall: str  # "3 hours" left or overdue by
    business: str  # the same in business time


def clock(case: Case, now: datetime) -> Clock:
    if not case.is_active:
        return Clock("none", None, False, "", "")
    if case.first_responded_at is None:
        which, due = "first_response", case.first_response_due_at
    elif case.status is CaseStatus.PENDING or case.resolution_due_at is None:
        return Clock("paused", None, False, "", "")
    else:
        which, due = "resolution", case.resolution_due_at
    calendar = queue_config().calendar
    overdue = due <= now
    wall = now - due if overdue else due - now
    business = calendar.between(due, now) if overdue else calendar.between(now, due)
    return Clock(which, due, overdue, duration(wall), duration(business))
