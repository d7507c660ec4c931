"""Managers' changes to the queue's configuration: routing rules, SLA targets, the business
calendar and its closed dates, reply templates.

Add and flush; the caller commits. The forms validate the values first. Every change that
routing or deadlines read (rules, targets, calendar, closed dates, top tier) calls
settings.changed() in its own transaction, so that every process picks it up.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

import holidays
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from feedback.complaints.calendar import Interval
from feedback.complaints.configuration import settings as queue_settings
from feedback.complaints.models import (
    CasePriority,
    ClosedDate,
    QueueSettings,
    ReplyTemplate,
    RoutingRule,
    SlaPolicy,
)
from feedback.extensions import db
from feedback.tagging.models import Topic


class ConfigurationError(ValueError):
    """A change that cannot be made as asked; the form shows why."""


class TopicGone(ConfigurationError):
    """The rule's topic was deleted meanwhile."""


class ClosedDateExists(ConfigurationError):
    """That day is closed already."""


# --- routing rules --------------------------------------------------------------------


def rules() -> list[RoutingRule]:
    """Every rule, the most pressing priority first, then by name."""
    found = db.session.scalars(select(RoutingRule).options(selectinload(RoutingRule.topic))).all()
    return sorted(found, key=lambda rule: (rule.priority.rank, rule.name.casefold(), rule.id))


def topics() -> list[Topic]:
    """The topics a rule can require, by key."""
    return list(db.session.scalars(select(Topic).order_by(Topic.key)))


def save_rule(rule: RoutingRule | None, data: dict) -> RoutingRule:
    """Create (rule None) or change a routing rule from the rule form's data."""
    topic_id = data.get("topic_id")
    # Holds the topic until commit: deleting it meanwhile would fail our insert with a
    # foreign-key error, or widen the rule to every topic.
    if topic_id is not None and (
        db.session.get(Topic, topic_id, with_for_update={"key_share": True}) is None
    ):
        raise TopicGone(topic_id)
    if rule is None:
        rule = RoutingRule()
        db.session.add(rule)
    rule.name = data["name"].strip()
    rule.active = bool(data.get("active"))
    rule.survey_kind = data.get("survey_kind")
    rule.score_min = data.get("score_min")
    rule.score_max = data.get("score_max")
    rule.sentiment = data.get("sentiment")
    rule.topic_id = topic_id
    rule.tier = (data.get("tier") or "").strip() or None
    rule.priority = data["priority"]
    db.session.flush()
    queue_settings.changed()
    return rule


def delete_rule(rule: RoutingRule) -> None:
    """Delete a rule; the cases it opened stay, without it."""
    db.session.delete(rule)
    db.session.flush()
    queue_settings.changed()


# --- SLA targets and the business calendar --------------------------------------------


def sla_targets() -> dict[CasePriority, tuple[int, int]]:
    """Business minutes (first response, resolution) by priority, as routing uses them."""
    targets = dict(queue_settings.DEFAULT_SLA)
    for policy in db.session.scalars(select(SlaPolicy)):
        targets[policy.priority] = (policy.first_response_minutes, policy.resolution_minutes)
    return targets


def save_queue_settings(
    *,
    targets: dict[CasePriority, tuple[int, int]],
    timezone: str,
    weekly: dict[int, list[Interval]],
    holiday_country: str | None,
    holiday_subdivision: str | None,
    top_tier: str | None,
) -> QueueSettings:
    """Store the SLA targets (business minutes by priority), the business calendar and
    the top tier. Deadlines already set stay as they are."""
    settings = queue_settings.settings_row()
    for priority, (first_response, resolution) in targets.items():
        policy = db.session.get(SlaPolicy, priority)
        if policy is None:
            policy = SlaPolicy(priority=priority)
            db.session.add(policy)
        policy.first_response_minutes = first_response
        policy.resolution_minutes = resolution
    settings.timezone = timezone
    settings.weekly_hours = queue_settings.weekly_to_json(weekly)
    settings.holiday_country = holiday_country or None
    settings.holiday_subdivision = (holiday_subdivision or None) if holiday_country else None
    settings.top_tier = (top_tier or "").strip() or None
    db.session.flush()
    queue_settings.changed()
    return settings


def closed_dates(today: date) -> list[ClosedDate]:
    """The days managers closed: those to come, soonest first, then past ones, latest
    first (they no longer matter, but show what was done)."""
    found = db.session.scalars(select(ClosedDate).order_by(ClosedDate.day)).all()
    return [c for c in found if c.day >= today] + [c for c in reversed(found) if c.day < today]


def add_closed_date(day: date, name: str) -> ClosedDate:
    """Close the service desk on a day; ClosedDateExists when it is closed already."""
    if db.session.get(ClosedDate, day) is not None:
        raise ClosedDateExists(day)
    closed = ClosedDate(day=day, name=name.strip())
    try:
        with db.session.begin_nested():  # another manager may add the same day at once
            db.session.add(closed)
    except IntegrityError:
        raise ClosedDateExists(day) from None
    queue_settings.changed()
    return closed


def delete_closed_date(closed: ClosedDate) -> None:
    """Open the day again (unless it is a public holiday)."""
    db.session.delete(closed)
    db.session.flush()
    queue_settings.changed()


@dataclass
class UpcomingClosedDay:
    day: date
    #: the public holidays' and the manager's names for it
    names: list[str] = field(default_factory=list)
    #: closed by a manager (besides any public holiday)
    by_manager: bool = False


def today_in_calendar(settings: QueueSettings) -> date:
    """Today's date where the service desk works."""
    try:
        zone = ZoneInfo(settings.timezone)
    except (ValueError, LookupError):  # stored before it was validated; not worth a 500
        zone = ZoneInfo("UTC")
    return datetime.now(zone).date()


def upcoming_closed_days(
    settings: QueueSettings, today: date, count: int = 10, locale: str = "en"
) -> list[UpcomingClosedDay]:
    """The next ``count`` public holidays and manager's closed dates from ``today``, with
    the holidays' names in the viewer's language where the holiday calendar has it."""
    days: dict[date, UpcomingClosedDay] = {}
    for day, name in _public_holidays(settings, today, locale):
        days.setdefault(day, UpcomingClosedDay(day)).names.append(name)
    manager_days = db.session.scalars(
        select(ClosedDate).where(ClosedDate.day >= today).order_by(ClosedDate.day).limit(count)
    )
    for closed in manager_days:
        upcoming = days.setdefault(closed.day, UpcomingClosedDay(closed.day))
        upcoming.by_manager = True
        if closed.name:
            upcoming.names.append(closed.name)
    return [days[day] for day in sorted(days)[:count]]


def _public_holidays(settings: QueueSettings, today: date, locale: str):
    if not settings.holiday_country:
        return []
    try:
        calendar = holidays.country_holidays(
            settings.holiday_country, subdiv=settings.holiday_subdivision
        )
        language = _holiday_language(calendar.supported_languages, locale)
        calendar = holidays.country_holidays(
            settings.holiday_country,
            subdiv=settings.holiday_subdivision,
            years=(today.year, today.year + 1),
            language=language,
        )
    except NotImplementedError:  # a code stored before it was validated
        return []
    return sorted(
        (day, name)
        for day, names in calendar.items()
        if day >= today
        for name in names.split("; ")  # holidays joins the names of one day with "; "
    )


def _holiday_language(supported, locale: str) -> str | None:
    preferred = ("zh_CN", "zh_TW") if locale.startswith("zh") else ("en_US", "en_GB")
    return next((language for language in preferred if language in supported), None)


# --- reply templates ------------------------------------------------------------------


def reply_templates() -> list[ReplyTemplate]:
    """Every reply template, by name."""
    return list(db.session.scalars(select(ReplyTemplate).order_by(ReplyTemplate.name)))


def save_template(template: ReplyTemplate | None, data: dict) -> ReplyTemplate:
    """Create (template None) or change a reply template from the template form's data."""
    if template is None:
        template = ReplyTemplate()
        db.session.add(template)
    template.name = data["name"].strip()
    template.subject_en = data["subject_en"].strip()
    template.subject_zh = data["subject_zh"].strip()
    # Browsers send line breaks as CRLF; the reply's text is kept with plain LF.
    template.body_en = data["body_en"].replace("\r\n", "\n")
    template.body_zh = data["body_zh"].replace("\r\n", "\n")
    db.session.flush()
    return template


def delete_template(template: ReplyTemplate) -> None:
    """Delete a reply template; replies already sent from it are kept on their cases."""
    db.session.delete(template)
    db.session.flush()
