"""Managers' pages for the queue's configuration: routing rules, SLA targets, the business
calendar and closed dates, reply templates."""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from zoneinfo import available_timezones

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_date, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms.fields import SelectChoice

from feedback.accounts.access import role_required
from feedback.accounts.models import Role
from feedback.complaints.configuration import services
from feedback.complaints.configuration.calendar_forms import SettingsForm, settings_form_data
from feedback.complaints.configuration.forms import ClosedDateForm, RuleForm, TemplateForm
from feedback.complaints.configuration.settings import settings_row
from feedback.complaints.models import CasePriority, ClosedDate, ReplyTemplate, RoutingRule
from feedback.extensions import db
from feedback.surveys.models import SentimentLabel

bp = Blueprint("queue_admin", __name__, url_prefix="/queue")

COMMENT_WORDS = {
    SentimentLabel.NEGATIVE: _l("negative comment"),
    SentimentLabel.NEUTRAL: _l("neutral comment"),
    SentimentLabel.POSITIVE: _l("positive comment"),
}


@bp.before_request
@role_required(Role.MANAGER)
def require_manager():
    """Managers (and admins) configure the queue."""


@bp.before_request
def install_defaults():
    """A fresh installation's default rules, targets and templates are stored on the first
    visit, so that the pages edit what routing really uses."""
    settings_row()
    db.session.commit()


def _get_or_404(model, ident):
    """The row, locked until commit on a POST: deleting it meanwhile waits for this change."""
    found = db.session.get(model, ident, with_for_update=True if request.method == "POST" else None)
    if found is None:
        abort(404)
    return found


def _locale() -> str:
    return str(get_locale())


# --- routing rules --------------------------------------------------------------------


def rule_conditions(rule: RoutingRule, locale: str) -> list[str]:
    """What a rule asks of an answer, in words: "NPS 0-6", "negative comment", "tier gold"."""
    words = []
    if rule.survey_kind is not None or rule.score_min is not None or rule.score_max is not None:
        words.append(_score_words(rule))
    if rule.sentiment is not None:
        words.append(str(COMMENT_WORDS[rule.sentiment]))
    if rule.topic is not None:
        words.append(_("topic %(name)s", name=rule.topic.name(locale)))
    if rule.tier:
        words.append(_("tier %(tier)s", tier=rule.tier))
    return words or [_("every answer")]


def _score_words(rule: RoutingRule) -> str:
    kind, low, high = rule.survey_kind, rule.score_min, rule.score_max
    if kind is None:
        label = _("score")
    else:
        if low is None and high is None:
            return _("any %(kind)s score", kind=kind.name)
        label = kind.name
        low = kind.scale.start if low is None else low
        high = kind.scale.stop - 1 if high is None else high
    if low is None:
        return f"{label} ≤ {high}"
    if high is None:
        return f"{label} ≥ {low}"
    return f"{label} {low}" if low == high else f"{label} {low}-{high}"


def _rule_form(rule: RoutingRule | None) -> RuleForm:
    form = RuleForm(obj=rule)
    form.topic_id.choices = [SelectChoice("", _("Any topic"))] + [
        SelectChoice(str(topic.id), topic.name(_locale())) for topic in services.topics()
    ]
    return form


@bp.route("/rules", methods=["GET", "POST"])
@bp.route("/rules/<id:rule_id>", methods=["GET", "POST"])
def rules(rule_id: int | None = None):
    rule = _get_or_404(RoutingRule, rule_id) if rule_id else None
    form = _rule_form(rule)
    if form.validate_on_submit():
        try:
            saved = services.save_rule(rule, form.data)
        except services.TopicGone:
            db.session.rollback()
            form.topic_id.errors.append(_("This topic was deleted meanwhile. Choose another."))
        else:
            db.session.commit()
            flash(
                _("Rule %(name)s saved. New answers follow it within seconds.", name=saved.name),
                "success",
            )
            return redirect(url_for(".rules"))
    page = render_template(
        "complaints/configuration/rules.html",
        rules=services.rules(),
        conditions=rule_conditions,
        top_tier=settings_row().top_tier,
        form=form,
        editing=rule,
    )
    return page, 400 if form.is_submitted() else 200


@bp.post("/rules/<id:rule_id>/delete")
def delete_rule(rule_id: int):
    rule = _get_or_404(RoutingRule, rule_id)
    name = rule.name
    services.delete_rule(rule)
    db.session.commit()
    flash(_("Rule %(name)s deleted. Cases it opened stay in the queue.", name=name), "success")
    return redirect(url_for(".rules"))


# --- SLA targets, business calendar, closed dates -------------------------------------


@lru_cache(maxsize=1)
def _time_zones() -> list[str]:
    return sorted(available_timezones())


def _stored_settings_form() -> SettingsForm:
    data = settings_form_data(settings_row(), services.sla_targets())
    return SettingsForm(formdata=None, data=data)


def _settings_page(form: SettingsForm, closed_form: ClosedDateForm, status: int):
    row = settings_row()
    today = services.today_in_calendar(row)
    page = render_template(
        "complaints/configuration/settings.html",
        form=form,
        closed_form=closed_form,
        closed_dates=services.closed_dates(today),
        upcoming=services.upcoming_closed_days(row, today, locale=_locale()),
        today=today,
        priorities=list(CasePriority),
        time_zones=_time_zones(),
    )
    return page, status


@bp.route("/settings", methods=["GET", "POST"])
def settings():
    form = SettingsForm() if request.method == "POST" else _stored_settings_form()
    if form.validate_on_submit():
        services.save_queue_settings(
            targets=form.targets(),
            timezone=form.timezone.data,
            weekly=form.weekly(),
            holiday_country=form.holiday_country.data or None,
            holiday_subdivision=form.holiday_subdivision.data or None,
            top_tier=form.top_tier.data or None,
        )
        db.session.commit()
        flash(_("Settings saved. They apply to cases opened from now on."), "success")
        return redirect(url_for(".settings"))
    return _settings_page(form, ClosedDateForm(formdata=None), 400 if form.is_submitted() else 200)


@bp.post("/closed-dates")
def add_closed_date():
    form = ClosedDateForm()
    if form.validate_on_submit():
        try:
            closed = services.add_closed_date(form.day.data, form.name.data)
        except services.ClosedDateExists:
            db.session.rollback()
            form.day.errors.append(_("This day is closed already."))
        else:
            db.session.commit()
            flash(_("%(day)s is now a closed day.", day=_day(closed.day)), "success")
            return redirect(url_for(".settings", _anchor="closed-dates"))
    return _settings_page(_stored_settings_form(), form, 400)


@bp.post("/closed-dates/<day>/delete")
def delete_closed_date(day: str):
    try:
        parsed = date.fromisoformat(day)
    except ValueError:
        abort(404)
    closed = _get_or_404(ClosedDate, parsed)
    services.delete_closed_date(closed)
    db.session.commit()
    flash(_("%(day)s is no longer a closed day.", day=_day(parsed)), "success")
    return redirect(url_for(".settings", _anchor="closed-dates"))


def _day(day: date) -> str:
    return format_date(day, "full")


# --- reply templates ------------------------------------------------------------------


@bp.route("/templates", methods=["GET", "POST"])
@bp.route("/templates/<id:template_id>", methods=["GET", "POST"])
def templates(template_id: int | None = None):
    template = _get_or_404(ReplyTemplate, template_id) if template_id else None
    form = TemplateForm(obj=template)
    if form.validate_on_submit():
        saved = services.save_template(template, form.data)
        db.session.commit()
        flash(_("Template %(name)s saved.", name=saved.name), "success")
        return redirect(url_for(".templates"))
    page = render_template(
        "complaints/configuration/templates.html",
        templates=services.reply_templates(),
        form=form,
        editing=template,
    )
    return page, 400 if form.is_submitted() else 200


@bp.post("/templates/<id:template_id>/delete")
def delete_template(template_id: int):
    template = _get_or_404(ReplyTemplate, template_id)
    name = template.name
    services.delete_template(template)
    db.session.commit()
    flash(_("Template %(name)s deleted.", name=name), "success")
    return redirect(url_for(".templates"))
