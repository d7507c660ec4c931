"""The managers' dashboard: summary tables kept by triggers, the page, the time zones of
periods, queue health, the CSV export and the score API."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, text, update

from feedback.complaints.models import Case
from feedback.dashboard import rollups
from feedback.extensions import db
from feedback.surveys.answers import update_comment
from feedback.surveys.models import Invitation, Response
from feedback.tagging import services as tagging
from feedback.tagging.models import Topic
from feedback.timeutil import utcnow
from tests.complaints_helpers import answer, work

SUMMARY_TABLES = {
    "score_days": "day, survey_id, touchpoint_type_id, tier, locale",
    "topic_days": "day, survey_id, touchpoint_type_id, tier, locale, topic_id, mood",
    "invitation_days": "day, survey_id, touchpoint_type_id, tier, locale",
    # each count under the owner the case had when it happened; a recount can only know
    # today's owner, so the comparison adds up the owners
    "case_days": "day, priority, tier, touchpoint_type_id, source",
    "case_duration_days": "day, priority",
}
#: the counts of the case summaries, added up across owners
CASE_COUNTS = {
    "case_days": ("opened", "responded", "on_time", "resolved"),
    "case_duration_days": [f"fr{i}" for i in range(24)] + [f"res{i}" for i in range(24)],
}


def _summaries() -> dict[str, list[tuple]]:
    """Every summary row with a count, in key order (rows emptied to 0 are left out)."""
    result = {}
    for table, key in SUMMARY_TABLES.items():
        query = f"SELECT * FROM {table} ORDER BY {key}"  # noqa: S608
        if table in CASE_COUNTS:
            sums = ", ".join(f"SUM({name})" for name in CASE_COUNTS[table])
            query = f"SELECT {key}, {sums} FROM {table} GROUP BY {key} ORDER BY {key}"  # noqa: S608
        rows = db.session.execute(text(query)).all()
        result[table] = [
            tuple(str(v) for v in row)
            for row in rows
            if any(isinstance(v, int) and v for v in row[len(key.split(",")) :])
        ]
    return result


def _recounted() -> dict[str, list[tuple]]:
    with db.session.begin_nested():
        rollups.refill(db.session.connection())
        result = _summaries()
        db.session.rollback()
    return result


@pytest.fixture
def topics(app):
    from tests.topic_helpers import ensure_default_topics

    ensure_default_topics()
    db.session.commit()


def test_the_triggers_count_as_a_full_recount_does(app, surveys, topics, make_user):
    """Answers over 100 days, comment edits, tagging again, deliveries, cases answered,
    resolved and reopened, a deleted topic: the summaries the triggers keep equal the ones
    counted again from the rows."""
    import random

    from feedback.accounts.models import Role
    from feedback.complaints import cases as actions
    from feedback.complaints.models import CallOutcome, ResolutionCode
    from tests.complaints_helpers import case_of

    rng = random.Random(20261206)  # noqa: S311 -- repeatable answers, not a secret
    now = utcnow()
    _random_answers(rng, 30, now, days=100)
    first = answer("nps", 2, "The delivery was late and the staff were rude", customer="a")
    answer("nps", 10, "Great price, fast delivery", customer="b", tier="gold", locale="zh")
    answer("csat", 4, None, customer="c")
    answer("ces", 2, "The app kept crashing", customer="d")
    comments = ["The delivery was late", "Great price", "Rude staff and a slow refund", None]
    agent = make_user(Role.AGENT)
    for number in range(12):
        response = answer(
            rng.choice(["nps", "csat"]),
            rng.choice([1, 2, 5]),
            rng.choice(comments),
            customer=f"w{number}",
            answered_at=now - timedelta(days=rng.randrange(0, 60)),
        )
        case = case_of(response)
        if case is not None and number % 2:
            actions.log_call(case, agent, CallOutcome.REACHED, "")
            actions.resolve(case, agent, ResolutionCode.SOLVED)
            if number % 3 == 0:
                actions.reopen(case, agent, "not solved after all")
    db.session.execute(update(Invitation).values(sent_at=utcnow(), sent_day=utcnow().date()))
    update_comment(db.session.get(Response, first.id), "Thank you, all good now")
    db.session.commit()
    work()
    for _done in tagging.retag():
        pass
    db.session.commit()
    db.session.delete(db.session.scalars(select(Topic).order_by(Topic.id)).first())
    db.session.commit()
    kept = _summaries()
    assert all(kept.values()), kept
    assert kept == _recounted()
    answers = db.session.execute(text("SELECT SUM(answers) FROM score_days")).scalar()
    assert answers == 46


def test_a_response_rate_counts_delivered_invitations_that_were_answered(app, surveys):
    answer("csat", 5, customer="a")
    answer("csat", 1, customer="b")
    db.session.execute(update(Invitation).values(sent_at=utcnow(), sent_day=utcnow().date()))
    db.session.commit()
    delivered, answered = db.session.execute(
        text("SELECT SUM(delivered), SUM(answered) FROM invitation_days")
    ).one()
    # Marked delivered after they were answered (as a bulk load may): still both counted.
    assert (delivered, answered) == (2, 2)
    kept, recounted = _summaries(), _recounted()
    assert kept["invitation_days"] == recounted["invitation_days"]


def test_the_response_rate_counts_invitations_as_they_were_sent(app, surveys):
    """A customer who moves to another tier after the email went out, and an email whose
    language is changed afterwards: the response rate with a tier or language filter
    counts each invitation in the tier and language it was sent with, as a recount does."""
    from feedback.customers.models import Customer
    from feedback.dashboard import summary
    from feedback.dashboard.answers import Filters
    from feedback.dashboard.periods import resolve

    now = utcnow()
    moved = answer("csat", 5, customer="a", tier="gold")
    relabelled = answer("csat", 1, customer="b", tier="gold", locale="zh")
    for response, locale in ((moved, "en"), (relabelled, "zh")):
        invitation = db.session.get(Invitation, response.invitation_id)
        invitation.locale = locale
        invitation.sent_at, invitation.sent_day = now, now.date()  # REPORT_TIMEZONE is UTC
    db.session.commit()
    db.session.get(Customer, moved.customer_id).tier = "silver"
    db.session.get(Invitation, relabelled.invitation_id).locale = "en"
    db.session.commit()

    period = resolve("7d", now.date(), "UTC")

    def rate(**filters):
        return summary.build(period, Filters(**filters), "UTC", now, "week").response_rate

    assert rate(tier="gold") == (2, 2)
    assert rate(tier="silver") == (0, 0)
    assert rate(locale="en") == (2, 2)
    assert rate(locale="zh") == (0, 0)
    kept, recounted = _summaries(), _recounted()
    assert kept["invitation_days"] == recounted["invitation_days"]


# --- the page ---------------------------------------------------------------------------


def test_agents_cannot_see_the_scores(agent_client):
    assert agent_client.get("/dashboard").status_code == 403


def test_the_page_shows_hand_worked_scores(manager_client, surveys):
    # NPS: three each of 10, 9 promoters, 8 passive, 3 detractor -> (6 - 3) / 12 = +25
    for number, score in enumerate((10, 9, 8, 3) * 3):
        answer("nps", score, customer=f"n{number}", worker=False)
    # CSAT: four each of 5, 4, 2 -> 8 of 12 satisfied = 66.7%, mean 3.67
    for number, score in enumerate((5, 4, 2) * 4):
        answer("csat", score, customer=f"c{number}", worker=False)
    page = manager_client.get("/dashboard").get_data(as_text=True)
    assert '<p class="tile-value">+25.0' in page
    assert "Promoters 6 (50%), passives 3 (25%), detractors 3 (25%)" in page
    assert '<p class="tile-value">66.7%' in page
    assert "Mean 3.67 of 5" in page
    assert "few answers" in page  # 12 answers are few: flagged
    assert "<svg" in page and "n=12" in page


def test_no_answers_show_no_score_rather_than_zero(manager_client, surveys):
    page = manager_client.get("/dashboard").get_data(as_text=True)
    assert '<p class="tile-value">— ' in page or '<p class="tile-value">—<' in page
    assert "+0.0" not in page


@pytest.mark.parametrize(
    "query",
    [
        "?range=fortnight",
        "?range=custom",
        "?range=custom&start=2026-02-01&end=2026-01-01",
        "?range=custom&start=2020-01-01&end=2026-01-01",
        "?range=custom&start=not-a-date&end=2026-01-01",
        "?survey=999999",
        "?touchpoint=nowhere",
        "?interval=hourly",
        "?by=" + "x" * 120,
    ],
)
def test_bad_filters_get_400_with_a_message(manager_client, surveys, query):
    response = manager_client.get("/dashboard" + query)
    assert response.status_code == 400
    assert "These filters are not valid" in response.get_data(as_text=True)


def test_filters_travel_in_the_url(manager_client, surveys):
    answer("csat", 5, customer="a", tier="gold")
    answer("csat", 1, customer="b", tier="silver")
    page = manager_client.get("/dashboard?tier=gold&range=7d").get_data(as_text=True)
    assert "5 · n=1: 100.0%" in page  # the spread of the scores: only gold's 5
    assert "/dashboard/export.csv?range=7d&amp;tier=gold" in page


def test_the_filter_form_shows_each_views_own_values_and_lists(manager_client, surveys):
    """The filter form is written once per language, values and lists: another view, a
    renamed survey and the other language each show their own."""
    from feedback.accounts.models import Role, User
    from feedback.surveys.models import Survey

    answer("csat", 5, customer="a", tier="gold")
    answer("csat", 4, customer="b", tier="silver")
    gold = manager_client.get("/dashboard?tier=gold&interval=month").get_data(as_text=True)
    assert '<option selected value="gold">gold</option>' in gold
    assert '<option selected value="month">' in gold
    silver = manager_client.get("/dashboard?tier=silver").get_data(as_text=True)
    assert '<option selected value="silver">' in silver
    assert '<option value="gold">' in silver and '<option selected value="gold">' not in silver
    assert '<option selected value="month">' not in silver

    survey = db.session.scalars(select(Survey).order_by(Survey.id)).first()
    survey.name = "Renamed while cached"
    db.session.commit()
    again = manager_client.get("/dashboard?tier=silver").get_data(as_text=True)
    assert f'<option value="{survey.id}">Renamed while cached</option>' in again
    manager = db.session.scalar(select(User).where(User.role == Role.MANAGER))
    manager.locale = "zh"
    db.session.commit()
    chinese = manager_client.get("/dashboard?tier=silver").get_data(as_text=True)
    assert '<option selected value="30d">最近 30 天</option>' in chinese
    assert "Last 30 days" not in chinese


def test_drivers_compare_topics_of_unhappy_and_happy_answers(manager_client, surveys, topics):
    answer("nps", 1, "The delivery was late again", customer="a")
    answer("nps", 2, "Delivery took two weeks", customer="b")
    answer("nps", 10, "Friendly staff", customer="c")
    # neutral (a passive's score): neither unhappy nor happy, though it names delivery
    answer("nps", 8, "The delivery came as planned", customer="d")
    page = manager_client.get("/dashboard").get_data(as_text=True)
    drivers = page[page.index('id="h-drivers"') :]
    # detractors' comments: 2 of 2 name delivery; promoters': 0 of 1 (the passive's is in
    # neither group); too few comments for a share. Odds ratio with 0.5 added to each
    # cell: (2.5 * 1.5) / (0.5 * 0.5) = 15; points: 100 * 2 detractors / 4 answers = 50.
    assert _driver_cells(drivers, "Delivery") == ["— (2/2)", "— (0/1)", "15.00", "50.0"]
    sentiment = page[page.index("Sentiment of comments") :]
    assert "%" not in sentiment[: sentiment.index("</figure>")]  # 4 comments: no shares
    assert "The delivery was late again" in drivers
    assert "/cases/" in drivers  # the unhappy answers opened cases


def test_a_drivers_share_shows_from_ten_comments(manager_client, surveys, topics):
    for n in range(10):
        comment = "The delivery was late again" if n % 2 else "The app kept crashing"
        answer("nps", 1, comment, customer=f"u{n}")
    page = manager_client.get("/dashboard").get_data(as_text=True)
    drivers = page[page.index('id="h-drivers"') :]
    # 5 of 10 detractors' comments; no promoter at all, so no odds ratio; 100 * 5 / 10
    assert _driver_cells(drivers, "Delivery") == ["50.0% (5/10)", "— (0/0)", "—", "50.0"]
    sentiment = page[page.index("Sentiment of comments") :]
    assert "%" in sentiment[: sentiment.index("</figure>")]


def _driver_cells(drivers: str, topic: str) -> list[str]:
    """A topic's row of the drivers table as text: the odds ratio without its interval."""
    start = drivers.index(f">{topic}</a>")
    row = drivers[start : drivers.index("</tr>", start)]
    cells = [
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", cell)).strip()
        for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    ]
    cells[2] = cells[2].split(" [")[0]
    return cells


def test_figures_show_intervals_counts_and_few_answer_badges(app):
    from feedback import scoring
    from feedback.dashboard.summary import Scores

    with app.test_request_context("/dashboard"):
        figures = app.jinja_env.get_template("dashboard/_figures.html").module
        words = {
            "few_title": "Read with care",
            "few": "few answers",
            "too_few_text": "too few answers to say",
            "ci_title": "95 percent interval",
            "too_few": scoring.TOO_FEW,
            "few_min": scoring.FEW,
        }
        small = Scores(scoring.nps({10: 3, 0: 1}), scoring.csat({}), scoring.ces({7: 40}))
        cells = str(figures.score_cells(small, words))
        assert cells.count("<td ") == 3
        nps_cell, csat_cell, ces_cell = cells.split("</td>")[:3]
        assert "too few answers to say" in nps_cell and "n=4" in nps_cell
        assert "50.0" not in nps_cell and "badge" not in nps_cell
        assert "—" in csat_cell and "n=0" in csat_cell and "few answers" not in csat_cell
        # 40 sevens: t interval 7 +- 0 -> 7.00 to 7.00, no badge
        assert "7.00 to 7.00" in ces_cell and "n=40" in ces_cell and "few answers" not in ces_cell
        # 20 answers, 15 promoters and 5 detractors: +50, adjusted Wald 8.2 to 78.8, flagged
        few = Scores(scoring.nps({10: 15, 0: 5}), scoring.csat({}), scoring.ces({}))
        nps_cell = str(figures.score_cells(few, words)).split("</td>")[0]
        assert "50.0 <span" in nps_cell and "8.2 to 78.8" in nps_cell and "n=20" in nps_cell
        assert "few answers" in nps_cell
        hours = [figures.hours(seconds) for seconds in (59 * 60, 3 * 3600, 3 * 86400)]
        assert [str(h) for h in hours] == ["59 min", "3.0 h", "3.0 days"]
        figure = app.jinja_env.filters["figure"]
        assert figure(12345.678, 0) == "12,346" and figure(None) == "—"


# --- periods in the manager's time zone --------------------------------------------------


@pytest.mark.parametrize("zone", ["America/New_York", "Asia/Kolkata", "UTC"])
def test_an_answer_at_2330_on_the_last_day_of_a_month_counts_in_that_month(
    app, manager_client, surveys, zone
):
    from zoneinfo import ZoneInfo

    from feedback.accounts.models import User

    local = datetime(2026, 10, 31, 23, 30, tzinfo=ZoneInfo(zone))
    answer("csat", 5, customer="a", answered_at=local.astimezone(UTC))
    answer("csat", 1, customer="b", answered_at=(local + timedelta(hours=1)).astimezone(UTC))
    for user in db.session.scalars(select(User)):
        user.timezone = zone
    db.session.commit()
    october = manager_client.get(
        "/dashboard?range=custom&start=2026-10-01&end=2026-10-31"
    ).get_data(as_text=True)
    november = manager_client.get(
        "/dashboard?range=custom&start=2026-11-01&end=2026-11-30"
    ).get_data(as_text=True)
    assert "5 · n=1: 100.0%" in october  # only the 23:30 answer, a 5
    assert "1 · n=1: 100.0%" in november  # only the 00:30 one, a 1


def _recount(responses, period, zone: str, skip_survey: int | None):
    """The scores of a period, counted from the answers one by one."""
    from zoneinfo import ZoneInfo

    from feedback import scoring
    from feedback.dashboard.summary import Scores

    counts: dict[str, dict[int, int]] = {"nps": {}, "csat": {}, "ces": {}}
    for response in responses:
        day = response.answered_at.replace(tzinfo=UTC).astimezone(ZoneInfo(zone)).date()
        if period.first <= day <= period.last and response.survey_id != skip_survey:
            of_kind = counts[response.kind.value]
            of_kind[response.score] = of_kind.get(response.score, 0) + 1
    return Scores(
        scoring.nps(counts["nps"]), scoring.csat(counts["csat"]), scoring.ces(counts["ces"])
    )


def _random_answers(rng, count: int, now, days: int) -> None:
    """``count`` answers of every kind, score, tier and language, in the last ``days``."""
    scales = {"nps": range(0, 11), "csat": range(1, 6), "ces": range(1, 8)}
    for number in range(count):
        kind = rng.choice(list(scales))
        answer(
            kind,
            rng.choice(scales[kind]),
            customer=f"c{number}",
            tier=rng.choice([None, "gold", "silver"]),
            locale=rng.choice(["en", "zh"]),
            answered_at=now - timedelta(minutes=rng.randrange(0, days * 24 * 60)),
        )


@pytest.mark.parametrize("zone", ["UTC", "America/New_York", "Asia/Kolkata"])
def test_every_figure_read_from_the_summaries_matches_a_recount(app, surveys, make_user, zone):
    """Headline, previous period, each trend week, the breakdowns and the follow-up CSAT,
    for a manager in the report zone and in zones whose days cut the summary days."""
    import random

    from feedback.accounts.models import Role
    from feedback.complaints import cases as actions
    from feedback.complaints.configuration.settings import queue_config
    from feedback.complaints.models import CallOutcome, ResolutionCode
    from feedback.dashboard import summary
    from feedback.dashboard.answers import Filters
    from feedback.dashboard.periods import resolve
    from feedback.surveys.answers import Link, record_answer
    from tests.complaints_helpers import case_of

    rng = random.Random(20261204)  # noqa: S311 -- repeatable answers, not a secret
    now = utcnow()
    _random_answers(rng, 45, now, days=100)
    agent = make_user(Role.AGENT)
    case = case_of(answer("csat", 1, customer="unhappy", answered_at=now - timedelta(days=2)))
    actions.log_call(case, agent, CallOutcome.REACHED, "")
    actions.resolve(case, agent, ResolutionCode.SOLVED)
    db.session.commit()
    record_answer(Link.of(case.followup_invitation, "en"), 5, None, "en")
    db.session.commit()
    work()
    followup_id = queue_config().followup_survey_id
    assert followup_id is not None

    responses = db.session.scalars(select(Response)).all()
    today = now.astimezone(__import__("zoneinfo").ZoneInfo(zone)).date()
    period = resolve("30d", today, zone)
    board = summary.build(period, Filters(followup_survey_id=followup_id), "UTC", now, "week")
    current = _recount(responses, period, zone, followup_id)
    assert current.n > 5 and board.current == current
    assert board.before == _recount(responses, period.previous(), zone, followup_id)
    assert len(board.trend) >= 12
    for bucket, scores in board.trend:
        assert scores == _recount(responses, bucket, zone, followup_id)
    for dimension, rows in board.breakdowns.items():
        assert sum(scores.n for _value, scores in rows) == current.n, dimension
    gold = next(scores for value, scores in board.breakdowns["tier"] if value == "gold")
    assert gold == _recount([r for r in responses if r.tier == "gold"], period, zone, followup_id)
    followup = [r for r in responses if r.survey_id == followup_id]
    assert board.followup.n == 1 and board.followup.percent == 100.0
    assert followup and all(r.score == 5 for r in followup)
    # The follow-up survey filtered by name: read apart, and the same figure.
    alone = summary.build(
        period, Filters(survey_id=followup_id, followup_survey_id=followup_id), "UTC", now, "week"
    )
    assert alone.followup.n == 1 and alone.current.csat.n == 1


@pytest.mark.parametrize("zone", ["UTC", "America/New_York"])
def test_filtered_figures_match_a_filtered_recount(app, surveys, zone):
    """Each filter (tier, language, touchpoint, survey) narrows the headline, the response
    rate, queue health and the property breakdown as a count of the rows themselves does;
    the response rate counts invitations by the tier and language they were sent with,
    and queue health with a touchpoint or tier filter reads the cases."""
    import random
    from zoneinfo import ZoneInfo

    from feedback.complaints.models import ACTIVE_STATUSES
    from feedback.customers.models import Customer
    from feedback.dashboard import summary
    from feedback.dashboard.answers import Filters
    from feedback.dashboard.periods import resolve
    from feedback.surveys.models import InvitationStatus, TouchpointEvent

    rng = random.Random(20261205)  # noqa: S311 -- repeatable answers, not a secret
    now = utcnow()
    _random_answers(rng, 40, now, days=40)
    for invitation in db.session.scalars(select(Invitation)):
        invitation.sent_at = now - timedelta(minutes=rng.randrange(0, 40 * 24 * 60))
        invitation.sent_day = invitation.sent_at.date()  # REPORT_TIMEZONE is UTC here
    for event in db.session.scalars(select(TouchpointEvent)):
        event.properties = {"store": rng.choice(["north", "south", "east"])}
    for case in db.session.scalars(select(Case).order_by(Case.id)):  # a spread of durations
        case.first_responded_at = case.opened_at + timedelta(minutes=rng.randrange(1, 3000))
        case.resolved_at = case.first_responded_at + timedelta(hours=rng.randrange(0, 300))
    db.session.commit()

    today = now.astimezone(ZoneInfo(zone)).date()
    period = resolve("30d", today, zone)
    start, end = period.start(), period.end()
    responses = db.session.scalars(select(Response)).all()
    invitations = db.session.scalars(select(Invitation)).all()
    cases = db.session.scalars(select(Case)).all()
    tiers = {c.id: c.tier or "" for c in db.session.scalars(select(Customer))}
    surveys_by_kind = {r.kind.value: r.survey_id for r in responses}
    touchpoint_of = {i.id: i.event.touchpoint_type_id for i in invitations}
    delivery = next(r.touchpoint_type_id for r in responses if r.kind.value == "csat")
    views = {
        "gold": (Filters(tier="gold"), lambda r: (r.tier or "") == "gold"),
        "zh": (Filters(locale="zh"), lambda r: r.locale == "zh"),
        "delivery": (
            Filters(touchpoint_type_id=delivery),
            lambda r: r.touchpoint_type_id == delivery,
        ),
        "nps": (
            Filters(survey_id=surveys_by_kind["nps"]),
            lambda r: r.survey_id == surveys_by_kind["nps"],
        ),
    }
    invitation_filter = {
        "gold": lambda i: tiers[i.customer_id] == "gold",
        "zh": lambda i: i.locale == "zh",
        "delivery": lambda i: touchpoint_of[i.id] == delivery,
        "nps": lambda i: i.survey_id == surveys_by_kind["nps"],
    }
    case_filter = {
        "gold": lambda c: tiers[c.customer_id] == "gold",
        "delivery": lambda c: c.touchpoint_type_id == delivery,
    }
    for name, (filters, keep) in views.items():
        board = summary.build(period, filters, "UTC", now, "week", prop="store")
        mine = [r for r in responses if keep(r)]
        expected = _recount(mine, period, zone, None)
        assert expected.n > 2, name
        assert board.current == expected, name
        sent = [i for i in invitations if start <= i.sent_at < end and invitation_filter[name](i)]
        answered = [i for i in sent if i.status == InvitationStatus.ANSWERED]
        assert board.response_rate == (len(sent), len(answered)), name
        assert sum(scores.n for _value, scores in board.properties) == expected.n, name
        assert {value for value, _scores in board.properties} <= {"north", "south", "east"}
        # queue health follows the touchpoint and tier filters only
        scoped = [c for c in cases if case_filter.get(name, lambda c: True)(c)]
        if scoped:
            total = board.queue["total"]
            assert total.open == sum(c.status in ACTIVE_STATUSES for c in scoped), name
            assert total.opened == sum(start <= c.opened_at < end for c in scoped), name
            # medians from case_duration_days, or from the cases themselves with a filter
            # it has no key for, bucketed alike
            opened = [c for c in scoped if start <= c.opened_at < end and c.resolved_at]
            assert opened, name
            assert total.median_resolution == _median(c.resolved_at - c.opened_at for c in opened)


def _median(durations) -> float | None:
    """The median the dashboard reads from a histogram of these durations."""
    from bisect import bisect_right

    from feedback.dashboard.models import DURATION_BUCKETS
    from feedback.scoring import histogram_median

    histogram = [0] * (len(DURATION_BUCKETS) + 1)
    for took in durations:
        histogram[bisect_right(DURATION_BUCKETS, round(took.total_seconds()))] += 1
    return histogram_median(histogram, DURATION_BUCKETS)


# --- queue health ------------------------------------------------------------------------


def test_queue_health_counts_on_time_and_late_first_responses(app, manager_client, surveys):
    now = utcnow()
    for customer in ("a", "b", "c"):
        answer("nps", 1, customer=customer)
    first, second, third = db.session.scalars(select(Case).order_by(Case.id)).all()
    first.first_responded_at = first.opened_at + timedelta(hours=1)
    first.first_response_due_at = first.opened_at + timedelta(hours=2)
    second.first_responded_at = second.opened_at + timedelta(hours=3)
    second.first_response_due_at = second.opened_at + timedelta(hours=2)
    third.first_response_due_at = now - timedelta(minutes=1)  # overdue, no response
    db.session.commit()
    page = manager_client.get("/dashboard").get_data(as_text=True)
    queue = page[page.index('id="h-queue"') :]
    assert "1 on time, 2 late, of 3 cases opened in the period" in queue
    assert '<p class="tile-value">33.3%' in queue
    # Medians come from duration histograms: of 1 h and 3 h, the middle answer is the
    # top of the 1-1.5 h bucket.
    assert "1.5 h" in queue


def test_queue_health_adds_up_by_priority_and_by_agent(app, manager_client, surveys, make_user):
    from feedback.accounts.models import Role
    from feedback.complaints.models import CasePriority

    ann, bob = make_user(Role.AGENT, name="Ann Agent"), make_user(Role.AGENT, name="Bob Agent")
    for customer in ("a", "b", "c", "d"):
        answer("nps", 1, customer=customer)
    first, second, third, fourth = db.session.scalars(select(Case).order_by(Case.id)).all()
    first.owner_id, second.owner_id, third.owner_id = ann.id, ann.id, bob.id
    first.priority = CasePriority.URGENT
    db.session.commit()
    page = manager_client.get("/dashboard").get_data(as_text=True)
    agents = page[page.index("By agent") :]
    rows = {
        name: agents[agents.index(name) : agents.index("</tr>", agents.index(name))]
        for name in ("Ann Agent", "Bob Agent", "nobody")
    }
    assert '<td data-label="Open">2</td>' in rows["Ann Agent"]
    assert '<td data-label="Open">1</td>' in rows["Bob Agent"]
    assert '<td data-label="Open">1</td>' in rows["nobody"]
    # By agent is what each did (tests/test_queue_health.py): owning a case is not it.
    assert '<td data-label="First responses given">0</td>' in rows["Ann Agent"]
    priorities = page[page.index("By priority") : page.index("By agent")]
    assert priorities.index("Urgent") < priorities.index("High")  # most pressing first
    urgent = priorities[
        priorities.index("Urgent") : priorities.index("</tr>", priorities.index("Urgent"))
    ]
    assert '<td data-label="Open">1</td>' in urgent


# --- export ------------------------------------------------------------------------------


def test_the_export_is_csv_with_formulas_disarmed(manager_client, surveys):
    answer("csat", 1, '=HYPERLINK("http://evil.example","click")', customer="a")
    answer("csat", 5, "送货很快，谢谢", customer="b", locale="zh")
    answer("csat", 3, "-2+3", customer="@c")
    response = manager_client.get("/dashboard/export.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.is_streamed
    body = response.get_data(as_text=True)
    assert body.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(body.lstrip("\ufeff"))))
    assert len(rows) == 3
    by_score = {row["score"]: row for row in rows}
    assert by_score["1"]["comment"].startswith("'=HYPERLINK")
    assert by_score["3"]["comment"] == "'-2+3"
    assert by_score["3"]["customer"] == "'@c"
    assert by_score["5"]["comment"] == "送货很快，谢谢"
    assert by_score["1"]["case_id"]  # the unhappy answer opened a case


def test_the_export_refuses_bad_filters(manager_client, surveys):
    response = manager_client.get("/dashboard/export.csv?range=custom&start=2026-01-01")
    assert response.status_code == 400
    assert "not valid" in response.get_data(as_text=True)


# --- the API -----------------------------------------------------------------------------


def _get(client, api_key, path):
    return client.get(path, headers={"Authorization": f"Bearer {api_key}"})


def test_the_summary_api_gives_the_headline_numbers(client, api_key, surveys):
    for customer, score in (("a", 10), ("b", 9), ("c", 0)):
        answer("nps", score, customer=customer)
    assert client.get("/api/v1/summary").status_code == 401
    body = _get(client, api_key, "/api/v1/summary?range=7d").get_json()
    assert body["nps"]["n"] == 3 and body["nps"]["promoters"] == 2
    # 3 answers are too few to say: no score, no interval (tests/test_dashboard_intervals.py)
    assert body["nps"]["score"] is None and body["nps"]["too_few"]
    assert body["csat"]["percent"] is None and body["csat"]["n"] == 0
    assert body["previous"]["nps"]["n"] == 0


@pytest.mark.parametrize(
    "query",
    ["range=week", "range=custom", "timezone=Mars/Olympus", "touchpoint=moon", "language=fr"],
)
def test_the_summary_api_refuses_bad_filters_with_422(client, api_key, surveys, query):
    response = _get(client, api_key, "/api/v1/summary?" + query)
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "validation_error"


def test_the_responses_api_pages_by_id(client, api_key, surveys, topics):
    ids = [answer("ces", 2 + n % 5, "The app is slow", customer=f"c{n}").id for n in range(5)]
    first = _get(client, api_key, "/api/v1/responses?limit=2").get_json()
    assert [item["id"] for item in first["items"]] == ids[:2]
    assert first["items"][0]["topics"]
    second = _get(
        client, api_key, f"/api/v1/responses?limit=2&after={first['next_after']}"
    ).get_json()
    last = _get(
        client, api_key, f"/api/v1/responses?limit=2&after={second['next_after']}"
    ).get_json()
    assert [item["id"] for item in second["items"] + last["items"]] == ids[2:]
    assert last["next_after"] is None


def test_the_openapi_document_lists_the_score_routes(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert "/api/v1/summary" in paths and "/api/v1/responses" in paths


def test_rebuild_recounts_in_a_new_report_zone(app, runner, surveys):
    # 23:30 UTC on Sunday Nov 1 is Monday Nov 2 in Shanghai: another day and week.
    answer("csat", 5, customer="a", answered_at=datetime(2026, 11, 1, 23, 30, tzinfo=UTC))
    day = lambda: db.session.execute(text("SELECT day FROM score_days")).scalar()  # noqa: E731
    assert str(day()) == "2026-11-01"
    app.config["REPORT_TIMEZONE"] = "Asia/Shanghai"
    result = runner.invoke(args=["dashboard", "rebuild"])
    assert result.exit_code == 0, result.output
    assert "Asia/Shanghai" in result.output
    db.session.expire_all()
    assert str(day()) == "2026-11-02"


def test_the_worker_counts_a_delivery_in_the_customers_tier_and_language(app, surveys, api):
    """The worker's send marks the invitation with the customer's tier and the email's
    language, and invitation_days counts it there; a later change of tier leaves it."""
    from feedback.customers.models import Customer
    from feedback.surveys import invitations
    from tests.surveys_helpers import event

    api("/api/v1/touchpoints", event(tier="gold", locale="zh"))
    assert invitations.send_due_invitations() == 1
    sent = db.session.scalars(select(Invitation)).one()
    assert (sent.tier, sent.locale) == ("gold", "zh")
    db.session.get(Customer, sent.customer_id).tier = "silver"
    db.session.commit()
    rows = db.session.execute(
        text("SELECT tier, locale, delivered, answered FROM invitation_days")
    ).all()
    assert [tuple(row) for row in rows] == [("gold", "zh", 1, 0)]
    kept, recounted = _summaries(), _recounted()
    assert kept["invitation_days"] == recounted["invitation_days"]
