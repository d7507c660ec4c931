"""The customer's pages: /s/<token> to answer, /s/<token>/unsubscribe to opt out.

GET never records anything: mail security scanners open every link in a message.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import Blueprint, current_app, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from feedback.customers.models import Customer
from feedback.extensions import db
from feedback.promise import promise_lines
from feedback.surveys import answers
from feedback.surveys.email import scale_labels
from feedback.surveys.forms import AnswerForm, CommentForm
from feedback.surveys.inputs import normalise_locale
from feedback.surveys.models import Response, Survey

bp = Blueprint("survey_pages", __name__, url_prefix="/s")


@bp.after_request
def no_store(response):
    # The pages carry a personal link; no cache should keep or share them.
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


def _page_locale(link) -> str:
    chosen = normalise_locale(request.args.get("lang"))
    g.page_locale = chosen or link.locale or current_app.config["BABEL_DEFAULT_LOCALE"]
    return g.page_locale


def _unknown():
    g.page_locale = normalise_locale(request.args.get("lang"))
    return render_template("surveys/unknown.html"), 404


@bp.route("/<token>", methods=["GET", "POST"])
def answer(token: str):
    link = answers.find_link(token)
    if link is None:
        return _unknown()
    locale = _page_locale(link)
    state = link.state
    if state == "expired":
        return render_template("surveys/expired.html"), 410
    if state == "answered":
        return _answered(token, link, locale)
    form = AnswerForm(link.kind, request.form if request.method == "POST" else None)
    notice = None
    if request.method == "GET":
        notice = _preselect(form, link.kind)
    elif form.validate():
        try:
            recorded = answers.record_answer(link, form.score.data, form.comment.data, locale)
            db.session.commit()
        except IntegrityError:
            # Another click or tab got there first: that answer stands, and this post is
            # judged against it like any later one.
            db.session.rollback()
            return _answered(token, answers.find_link(token), locale)
        # The thank-you page, by GET: a reload does not post again (and keeps the promise).
        return redirect(
            url_for(
                "survey_pages.answer", token=token, lang=locale, **_promise_args(recorded.shown)
            ),
            code=303,
        )
    elif form.score.errors:
        scale = link.kind.scale
        form.score.errors = [
            _("Please choose a score from %(low)d to %(high)d.", low=scale[0], high=scale[-1])
        ]
    status = 400 if request.method == "POST" else 200
    return _answer_page(token, link, locale, form, notice), status


def _promise_args(shown: dict) -> dict:
    """The thank-you page's arguments for what complaints handed back, when the answer is
    on a case in the queue: the promised first-response time (or "in_hand" when the case
    has had its first response). In the link, so that it shows without a cookie and after
    a reload."""
    if shown.get("case_in_hand"):
        return {"case": "in_hand"}
    if shown.get("reply_by") is None:
        return {}
    return {
        "reply_by": shown["reply_by"].isoformat(timespec="minutes"),
        "zone": shown["reply_zone"],
    }


def _promise(locale: str) -> list[str] | None:
    """What the thank-you page says happens next, in the customer's language and the
    team's time zone; None without (valid) arguments: a happy answer's page."""
    if request.args.get("case") == "in_hand":
        return promise_lines(None, None, locale)
    try:
        reply_by = datetime.fromisoformat(request.args["reply_by"])
        zone = ZoneInfo(request.args["zone"])
        if reply_by.tzinfo is None:
            return None
        return promise_lines(reply_by, zone, locale)
    except (KeyError, ValueError, ZoneInfoNotFoundError, OverflowError):
        return None


def _preselect(form: AnswerForm, kind) -> str | None:
    """Tick the score clicked in the email; say so if the link carried a wrong one."""
    raw = request.args.get("score")
    if raw is None:
        return None
    try:
        score = int(raw)
    except ValueError:
        score = None
    if score not in kind.scale:
        return _(
            "That link carried a score we do not know. Please choose one from %(low)d to %(high)d.",
            low=kind.scale[0],
            high=kind.scale[-1],
        )
    form.score.data = score
    return None


def _answer_page(token, link, locale, form, notice=None):
    low, high = scale_labels(link.kind)
    return render_template(
        "surveys/answer.html",
        token=token,
        survey=db.session.get(Survey, link.survey_id),
        locale=locale,
        form=form,
        notice=notice,
        low_label=low,
        high_label=high,
        unsubscribed=link.unsubscribed,
    )


def _answered(token, link, locale):
    """The thank-you page; a POST changes the comment if the stored answer allows it."""
    response = db.session.get(Response, link.response_id)
    form = CommentForm(request.form if request.method == "POST" else None, obj=response)
    status = 200
    outcome = None
    if request.method == "POST":
        if form.validate():
            if form.page.data == "answer" and not request.form.get("score"):
                # Another tab's answer page, sent without a score: a new answer, not an
                # edit of the stored one. (The form's score falls back to the stored one.)
                outcome = answers.CommentEdit.SCORE_DIFFERS
            else:
                outcome = answers.update_comment(response, form.comment.data, form.score.data)
                db.session.commit()
            if outcome is answers.CommentEdit.SCORE_DIFFERS:
                # Show what is stored, not the refused text, so a save keeps it.
                form = CommentForm(obj=response)
            status = _EDIT_STATUS[outcome]
        else:
            status = 400
    return (
        render_template(
            "surveys/thanks.html",
            token=token,
            survey=response.survey,
            response=response,
            locale=locale,
            form=form,
            editable=answers.can_edit_comment(response),
            saved=outcome is answers.CommentEdit.SAVED,
            score_kept=outcome is answers.CommentEdit.SCORE_DIFFERS,
            promise=_promise(locale),
            promise_args={
                k: request.args[k] for k in ("reply_by", "zone", "case") if k in request.args
            },
        ),
        status,
    )


_EDIT_STATUS = {
    answers.CommentEdit.SAVED: 200,
    answers.CommentEdit.UNCHANGED: 200,
    answers.CommentEdit.SCORE_DIFFERS: 409,
    answers.CommentEdit.TOO_LATE: 409,
}


@bp.route("/<token>/unsubscribe", methods=["GET", "POST"])
def unsubscribe(token: str):
    """GET asks to confirm; POST (our button, or a mail client's RFC 8058 one-click) acts."""
    # An expired or answered link still unsubscribes: opting out must always work.
    link = answers.find_link(token)
    if link is None:
        return _unknown()
    locale = _page_locale(link)
    customer = db.session.get(Customer, link.customer_id)
    if request.method == "POST":
        answers.unsubscribe(customer)
        db.session.commit()
        return render_template("surveys/unsubscribed.html", token=token, locale=locale)
    return render_template(
        "surveys/unsubscribe.html",
        token=token,
        locale=locale,
        already=customer.unsubscribed_at is not None,
    )
