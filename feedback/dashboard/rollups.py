"""The daily summaries (models.py) as SQL: the triggers that keep them as rows arrive, and
the refill that counts them again from the stored rows. Both are made here from one
definition of each count, and of each rule (feedback.scoring's promoters and detractors,
the case's on-time rule): nothing is copied.

The migration "rollups by day" holds these triggers as the SQL they were when it was
written; tests/test_rollups.py fails when an upgraded database's triggers differ from what
this module makes now. Changing a count or a rule therefore takes a new migration that
replaces the triggers (paste what ``triggers(dialect)`` makes), then
``flask dashboard rebuild`` to count the stored rows again.

A day is a calendar day in REPORT_TIMEZONE, stored with each row (report_day, sent_day).
"""

from __future__ import annotations

from functools import partial

from sqlalchemy import text
from sqlalchemy.engine import Connection

from feedback.complaints.models import Case
from feedback.dashboard.models import (
    CASE_KEY,
    DURATION_BUCKETS,
    DURATION_KEY,
    SCORE_KEY,
    SCORES,
)
from feedback.scoring import mood_sql


def flag(condition: str) -> str:
    """1 when the SQL condition holds, else 0, in both dialects."""
    return f"CASE WHEN {condition} THEN 1 ELSE 0 END"


#: the counted columns of score_days, each with its SQL value for one answer {r}
_SCORE_METRICS = {
    "answers": "1",
    "score_sum": "{r}.score",
    **{f"s{score}": flag(f"{{r}}.score = {score}") for score in SCORES},
    "comments": flag("{r}.comment IS NOT NULL"),
    "comments_unhappy": flag("{r}.comment IS NOT NULL AND {mood} = -1"),
    "comments_neutral": flag("{r}.comment IS NOT NULL AND {mood} = 0"),
    "comments_happy": flag("{r}.comment IS NOT NULL AND {mood} = 1"),
    "positive": flag("{r}.sentiment = 'positive'"),
    "neutral": flag("{r}.sentiment = 'neutral'"),
    "negative": flag("{r}.sentiment = 'negative'"),
}
SCORE_METRICS = tuple(_SCORE_METRICS)
#: the columns a comment's edit or tagging changes
COMMENT_METRICS = SCORE_METRICS[-7:]


def metric(name: str, row: str) -> str:
    """The SQL value of one counted column of score_days for the answer ``row``."""
    return _SCORE_METRICS[name].format(r=row, mood=mood_sql(row))


def seconds(later: str, earlier: str, dialect: str) -> str:
    """SQL for the seconds between two timestamps."""
    if dialect == "postgresql":
        return f"EXTRACT(EPOCH FROM ({later} - {earlier}))"
    # julianday is a float of days: 1 h can come out as 3599.9999 s, so round to the second
    return f"ROUND((julianday({later}) - julianday({earlier})) * 86400.0)"


def case_counts(row: str, *, opened=True, responded=True, resolved=True) -> dict[str, str]:
    """The counted columns of case_days with their SQL value for the case ``row``; those
    of the steps left out are 0 (a trigger counts one step at a time)."""
    return {
        "opened": "1" if opened else "0",
        "responded": flag(f"{row}.first_responded_at IS NOT NULL") if responded else "0",
        "on_time": flag(Case.on_time_sql(row)) if responded else "0",
        "resolved": flag(f"{row}.resolved_at IS NOT NULL") if resolved else "0",
    }


def case_durations(row: str, dialect: str, *, responded=True, resolved=True) -> dict[str, str]:
    """The histogram columns of case_duration_days with their SQL value (1 in the bucket
    of each step's duration) for the case ``row``; the steps left out are 0."""
    values = {}
    for prefix, stamp, wanted in (
        ("fr", "first_responded_at", responded),
        ("res", "resolved_at", resolved),
    ):
        took = seconds(f"{row}.{stamp}", f"{row}.opened_at", dialect)
        bounds = [0, *DURATION_BUCKETS, None]
        for i, (low, high) in enumerate(zip(bounds, bounds[1:], strict=False)):
            condition = f"{row}.{stamp} IS NOT NULL AND {took} >= {low}"
            if high is not None:
                condition += f" AND {took} < {high}"
            values[f"{prefix}{i}"] = flag(condition) if wanted else "0"
    return values


def duration_bucket(row: str, stamp: str, dialect: str) -> str:
    """SQL for the duration bucket (as case_durations() counts it) of the case ``row``'s
    step ``stamp`` (first_responded_at, resolved_at), timed from its opening."""
    took = seconds(f"{row}.{stamp}", f"{row}.opened_at", dialect)
    ends = " ".join(f"WHEN {took} < {end} THEN {i}" for i, end in enumerate(DURATION_BUCKETS))
    return f"CASE WHEN {took} < 0 THEN NULL {ends} ELSE {len(DURATION_BUCKETS)} END"


def case_key(row: str) -> tuple[str, ...]:
    """The SQL values of CASE_KEY for the case ``row`` (DURATION_KEY is its first three)."""
    return (
        f"{row}.report_day",
        f"{row}.priority",
        f"COALESCE({row}.owner_id, 0)",
        f"{row}.tier",
        f"COALESCE({row}.touchpoint_type_id, 0)",
        f"{row}.source",
    )


def _score_upsert() -> str:
    values = ", ".join(metric(name, "NEW") for name in SCORE_METRICS)
    sets = ", ".join(f"{name} = score_days.{name} + excluded.{name}" for name in SCORE_METRICS)
    return (
        f"INSERT INTO score_days ({', '.join(SCORE_KEY)}, kind, {', '.join(SCORE_METRICS)})"  # noqa: S608 - fixed names
        " VALUES (NEW.report_day, NEW.survey_id, NEW.touchpoint_type_id, NEW.tier, NEW.locale,"
        f" NEW.kind, {values}) ON CONFLICT ({', '.join(SCORE_KEY)}) DO UPDATE SET {sets}"
    )


#: an invitation's key in invitation_days: as it was delivered (its tier then, or its
#: customer's for those delivered before invitations kept one)
_INVITATION_KEY = (
    "i.sent_day, i.survey_id, e.touchpoint_type_id, COALESCE(i.tier, c.tier, ''),"
    " COALESCE(i.locale, '')"
)
_INVITATION_JOINS = (
    "FROM invitations i JOIN touchpoint_events e ON e.id = i.event_id"
    " JOIN customers c ON c.id = i.customer_id"
)


def _upsert(table: str, key: tuple, row: str, values: dict[str, str], only_if="true") -> str:
    """Add ``values`` for the case ``row`` to its row of a case summary, keyed by ``key``
    (CASE_KEY or DURATION_KEY)."""
    sets = ", ".join(f"{name} = {table}.{name} + excluded.{name}" for name in values)
    return (
        f"INSERT INTO {table} ({', '.join(key)}, {', '.join(values)})"  # noqa: S608 - fixed names
        f" SELECT {', '.join(case_key(row)[: len(key)])}, {', '.join(values.values())}"
        f" WHERE {only_if} ON CONFLICT ({', '.join(key)}) DO UPDATE SET {sets}"
    )


def _case_counts(row: str, only_if: str = "true", sign: str = "", **steps) -> str:
    counts = case_counts(row, **steps)
    values = {name: f"{sign}{value}" if value != "0" else "0" for name, value in counts.items()}
    return _upsert("case_days", CASE_KEY, row, values, only_if)


def _case_durations(row: str, dialect: str, only_if: str = "true", sign: str = "", **steps):
    counts = case_durations(row, dialect, **steps)
    values = {name: f"{sign}{value}" if value != "0" else "0" for name, value in counts.items()}
    return _upsert("case_duration_days", DURATION_KEY, row, values, only_if)


def _changed(column: str, dialect: str) -> str:
    distinct = "IS DISTINCT FROM" if dialect == "postgresql" else "IS NOT"
    return f"OLD.{column} {distinct} NEW.{column}"


def triggers(dialect: str) -> dict[str, tuple[str, str | None, list[str]]]:
    """name: (timing and event, condition or None, statements) of every trigger that keeps
    the daily summaries (and the invitation's answered status) as rows arrive. Deleted rows
    are not subtracted: erasing a customer keeps their anonymous counts."""
    topic_key = "day, survey_id, touchpoint_type_id, tier, locale, topic_id, mood"
    answer_key = "r.report_day, r.survey_id, r.touchpoint_type_id, r.tier, r.locale"
    return {
        # The database keeps "an invitation with a response is answered", whatever inserts
        # the response.
        "responses_mark_invitation_answered": (
            "AFTER INSERT ON responses",
            None,
            ["UPDATE invitations SET status = 'answered' WHERE id = NEW.invitation_id"],
        ),
        "responses_count_answer": (
            "AFTER INSERT ON responses",
            None,
            [
                _score_upsert(),
                "UPDATE invitation_days SET answered = answered + 1"  # noqa: S608 - fixed names
                " WHERE (day, survey_id, touchpoint_type_id, tier, locale) ="
                f" (SELECT {_INVITATION_KEY} {_INVITATION_JOINS} WHERE i.id = NEW.invitation_id)",
            ],
        ),
        # An answer's score, survey, touchpoint, tier and day never change; its comment and
        # the comment's sentiment do (an edit, tagging).
        "responses_recount_comment": (
            "AFTER UPDATE OF comment, sentiment ON responses",
            f"{_changed('sentiment', dialect)} OR (OLD.comment IS NULL) <> (NEW.comment IS NULL)",
            [
                "UPDATE score_days SET "  # noqa: S608 - fixed names
                + ", ".join(
                    f"{name} = {name} + ({metric(name, 'NEW')}) - ({metric(name, 'OLD')})"
                    for name in COMMENT_METRICS
                )
                + " WHERE day = NEW.report_day AND survey_id = NEW.survey_id"
                " AND touchpoint_type_id = NEW.touchpoint_type_id AND tier = NEW.tier"
                " AND locale = NEW.locale"
            ],
        ),
        "response_topics_count": (
            "AFTER INSERT ON response_topics",
            None,
            [
                f"INSERT INTO topic_days ({topic_key}, answers)"  # noqa: S608 - fixed names
                f" SELECT {answer_key}, NEW.topic_id, {mood_sql('r')}, 1"
                " FROM responses r WHERE r.id = NEW.response_id"
                f" ON CONFLICT ({topic_key}) DO UPDATE SET answers = topic_days.answers + 1"
            ],
        ),
        # Tagging again takes topics off answers. When the answer itself is gone, nothing
        # is found and nothing is subtracted.
        "response_topics_uncount": (
            "AFTER DELETE ON response_topics",
            None,
            [
                "UPDATE topic_days SET answers = answers - 1 WHERE topic_id = OLD.topic_id"  # noqa: S608 - fixed names
                " AND (day, survey_id, touchpoint_type_id, tier, locale, mood) ="
                f" (SELECT {answer_key}, {mood_sql('r')} FROM responses r"
                " WHERE r.id = OLD.response_id)"
            ],
        ),
        "invitations_count_delivered": (
            "AFTER UPDATE OF sent_day ON invitations",
            "OLD.sent_day IS NULL AND NEW.sent_day IS NOT NULL",
            _deliveries(),
        ),
        "invitations_count_delivered_new": (
            "AFTER INSERT ON invitations",
            "NEW.sent_day IS NOT NULL",
            _deliveries(),
        ),
        # A language changed after delivery moves the invitation's counts.
        "invitations_recount_language": (
            "AFTER UPDATE OF locale ON invitations",
            "OLD.sent_day IS NOT NULL AND NEW.sent_day IS NOT NULL"
            " AND COALESCE(OLD.locale, '') <> COALESCE(NEW.locale, '')",
            [_count_delivery("OLD", "-1"), _count_delivery("NEW", "1")],
        ),
        "cases_count_opened": (
            "AFTER INSERT ON cases",
            None,
            [_case_counts("NEW"), _case_durations("NEW", dialect)],
        ),
        "cases_count_first_response": (
            "AFTER UPDATE OF first_responded_at ON cases",
            "OLD.first_responded_at IS NULL AND NEW.first_responded_at IS NOT NULL",
            [
                _case_counts("NEW", opened=False, resolved=False),
                _case_durations("NEW", dialect, resolved=False),
            ],
        ),
        # A reopened case takes its resolution back; resolved again, it counts again.
        "cases_count_resolution": (
            "AFTER UPDATE OF resolved_at ON cases",
            _changed("resolved_at", dialect),
            [
                *(
                    count(row, only_if=f"{row}.resolved_at IS NOT NULL", sign=sign, **steps)
                    for row, sign in (("OLD", "-"), ("NEW", ""))
                    for count, steps in (
                        (_case_counts, {"opened": False, "responded": False}),
                        (partial(_case_durations, dialect=dialect), {"responded": False}),
                    )
                ),
            ],
        ),
    }


def _deliveries() -> list[str]:
    return [
        _count_delivery("NEW", "1"),
        # the tier it was counted in stays on the invitation
        "UPDATE invitations SET tier = COALESCE((SELECT tier FROM customers"
        " WHERE id = NEW.customer_id), '') WHERE id = NEW.id AND tier IS NULL",
    ]


def _count_delivery(row: str, sign: str) -> str:
    """Count the delivered invitation ``row`` (and its answer, if it has one already) with
    ``sign`` ("1" or "-1") in invitation_days, under its tier and language."""
    return (
        "INSERT INTO invitation_days (day, survey_id, touchpoint_type_id, tier, locale,"  # noqa: S608 - fixed names
        f" delivered, answered) SELECT {row}.sent_day, {row}.survey_id, e.touchpoint_type_id,"
        f" COALESCE({row}.tier, (SELECT tier FROM customers WHERE id = {row}.customer_id), ''),"
        f" COALESCE({row}.locale, ''), {sign},"
        f" {sign} * (SELECT COUNT(*) FROM responses WHERE invitation_id = {row}.id)"
        f" FROM touchpoint_events e WHERE e.id = {row}.event_id"
        " ON CONFLICT (day, survey_id, touchpoint_type_id, tier, locale) DO UPDATE SET"
        " delivered = invitation_days.delivered + excluded.delivered,"
        " answered = invitation_days.answered + excluded.answered"
    )


def create_trigger(name: str, event: str, when: str | None, statements: list[str], dialect: str):
    """The SQL that creates a row trigger (a function and its trigger on PostgreSQL)."""
    body = "; ".join(statements) + ";"
    if dialect == "postgresql":
        return [
            f"CREATE FUNCTION {name}() RETURNS trigger AS $$ BEGIN {body}"
            " RETURN NULL; END; $$ LANGUAGE plpgsql",
            f"CREATE TRIGGER {name} {event} FOR EACH ROW"
            + (f" WHEN ({when})" if when else "")
            + f" EXECUTE FUNCTION {name}()",
        ]
    return [
        f"CREATE TRIGGER {name} {event} FOR EACH ROW"
        + (f" WHEN {when}" if when else "")
        + f" BEGIN {body} END"
    ]


def trigger_sql(dialect: str) -> list[str]:
    """Every statement that creates the triggers, in order."""
    return [
        sql
        for name, (event, when, statements) in triggers(dialect).items()
        for sql in create_trigger(name, event, when, statements, dialect)
    ]


#: the daily summaries, each refilled from the rows it counts
SUMMARIES = ("score_days", "topic_days", "invitation_days", "case_days", "case_duration_days")


def refill(connection: Connection) -> None:
    """Empty the summaries and count every stored answer, delivery and case again, in key
    order, so that a period's rows lie together as if they had arrived day by day."""
    for table in SUMMARIES:
        connection.execute(text(f"DELETE FROM {table}"))  # noqa: S608 - fixed names
    for sql in refill_sql(connection.dialect.name):
        connection.execute(text(sql))


def refill_sql(dialect: str) -> list[str]:
    """The INSERT ... SELECTs of refill(), from the same counts as the triggers."""
    answer_key = "r.report_day, r.survey_id, r.touchpoint_type_id, r.tier, r.locale"
    case_sums = [
        (table, key, values)
        for table, key, values in (
            ("case_days", CASE_KEY, case_counts("c")),
            ("case_duration_days", DURATION_KEY, case_durations("c", dialect)),
        )
    ]
    return [
        f"INSERT INTO score_days ({', '.join(SCORE_KEY)}, kind, {', '.join(SCORE_METRICS)})"  # noqa: S608 - fixed names
        f" SELECT {answer_key}, r.kind, "
        + ", ".join(f"SUM({metric(name, 'r')})" for name in SCORE_METRICS)
        + f" FROM responses r GROUP BY {answer_key}, r.kind ORDER BY 1, 2, 3, 4, 5",
        "INSERT INTO topic_days (day, survey_id, touchpoint_type_id, tier, locale, topic_id,"  # noqa: S608 - fixed names
        f" mood, answers) SELECT {answer_key}, t.topic_id, {mood_sql('r')}, COUNT(*)"
        " FROM responses r JOIN response_topics t ON t.response_id = r.id"
        f" GROUP BY {answer_key}, t.topic_id, {mood_sql('r')} ORDER BY 1, 2, 3, 4, 5, 6, 7",
        "INSERT INTO invitation_days (day, survey_id, touchpoint_type_id, tier, locale,"  # noqa: S608 - fixed names
        f" delivered, answered) SELECT {_INVITATION_KEY}, COUNT(*),"
        f" SUM({flag('r.id IS NOT NULL')}) {_INVITATION_JOINS}"
        " LEFT JOIN responses r ON r.invitation_id = i.id WHERE i.sent_day IS NOT NULL"
        f" GROUP BY {_INVITATION_KEY} ORDER BY 1, 2, 3, 4, 5",
        *(
            f"INSERT INTO {table} ({', '.join(key)}, {', '.join(values)})"  # noqa: S608 - fixed names
            f" SELECT {', '.join(case_key('c')[: len(key)])}, "
            + ", ".join(f"SUM({value})" for value in values.values())
            + " FROM cases c WHERE c.report_day IS NOT NULL"
            f" GROUP BY {', '.join(case_key('c')[: len(key)])}"
            f" ORDER BY {', '.join(str(n) for n in range(1, len(key) + 1))}"
            for table, key, values in case_sums
        ),
    ]
