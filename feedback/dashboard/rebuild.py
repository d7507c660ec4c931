"""Refill the summary tables from the stored rows: after REPORT_TIMEZONE changes, after a
bulk load that went around the triggers, or to check the triggers (the tests compare).

The triggers that keep the tables as answers arrive are in the migration "dashboard
summary tables"; the SQL here counts the same way and must stay in step with them.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection

from feedback.dashboard.models import DURATION_BUCKETS, SCORES, WEEKS


def flag(condition: str) -> str:
    """1 when the SQL condition holds, else 0, in both dialects."""
    return f"CASE WHEN {condition} THEN 1 ELSE 0 END"


def mood(row: str) -> str:
    """SQL for -1/0/1 (unhappy, neutral, happy) of the answer ``row`` (feedback.scoring.mood)."""
    return (
        f"CASE WHEN {row}.kind = 'nps' THEN"
        f" CASE WHEN {row}.score >= 9 THEN 1 WHEN {row}.score >= 7 THEN 0 ELSE -1 END"
        f" WHEN {row}.kind = 'csat' THEN"
        f" CASE WHEN {row}.score >= 4 THEN 1 WHEN {row}.score = 3 THEN 0 ELSE -1 END"
        f" ELSE CASE WHEN {row}.score >= 5 THEN 1 WHEN {row}.score = 4 THEN 0 ELSE -1 END END"
    )


#: the counted columns of score_days, each with its value for one answer ``{r}``
SCORE_METRICS = {
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
SCORE_KEY = ("day", "survey_id", "touchpoint_type_id", "tier", "locale")


#: the distribution columns of score_days and survey_days: answers per score
DISTRIBUTION = tuple(f"s{score}" for score in SCORES)
#: survey_days counted again from score_days
SURVEY_DAYS_FROM_SCORE_DAYS = (
    f"INSERT INTO survey_days (day, survey_id, {', '.join(DISTRIBUTION)})"  # noqa: S608 - fixed names
    f" SELECT day, survey_id, {', '.join(f'SUM({name})' for name in DISTRIBUTION)}"
    " FROM score_days GROUP BY day, survey_id ORDER BY day, survey_id"
)


def survey_day_upsert() -> str:
    """The trigger statement that counts a new answer (NEW) in survey_days."""
    values = ", ".join(metric(name, "NEW") for name in DISTRIBUTION)
    sets = ", ".join(f"{name} = survey_days.{name} + excluded.{name}" for name in DISTRIBUTION)
    return (
        f"INSERT INTO survey_days (day, survey_id, {', '.join(DISTRIBUTION)})"  # noqa: S608 - fixed names
        f" VALUES (NEW.report_day, NEW.survey_id, {values})"
        f" ON CONFLICT (day, survey_id) DO UPDATE SET {sets}"
    )


#: survey_topic_days counted again from topic_days
SURVEY_TOPIC_DAYS_FROM_TOPIC_DAYS = (
    "INSERT INTO survey_topic_days (day, survey_id, topic_id, mood, answers)"  # noqa: S608
    " SELECT day, survey_id, topic_id, mood, SUM(answers) FROM topic_days"
    " GROUP BY day, survey_id, topic_id, mood ORDER BY day, survey_id, topic_id, mood"
)
#: the trigger statements that count a topic put on (NEW) or taken off (OLD) an answer
SURVEY_TOPIC_COUNT = (
    "INSERT INTO survey_topic_days (day, survey_id, topic_id, mood, answers)"  # noqa: S608
    f" SELECT r.report_day, r.survey_id, NEW.topic_id, {mood('r')}, 1"
    " FROM responses r WHERE r.id = NEW.response_id"
    " ON CONFLICT (day, survey_id, topic_id, mood)"
    " DO UPDATE SET answers = survey_topic_days.answers + 1"
)
SURVEY_TOPIC_UNCOUNT = (
    "UPDATE survey_topic_days SET answers = answers - 1 WHERE topic_id = OLD.topic_id"  # noqa: S608
    f" AND (day, survey_id, mood) = (SELECT r.report_day, r.survey_id, {mood('r')}"
    " FROM responses r WHERE r.id = OLD.response_id)"
)


#: an invitation's tier and language as invitation_tier_days counts them: as sent (sent
#: before the tier was kept, or by a bulk load that sets none: the customer's now)
INVITATION_TIER = "COALESCE(i.tier, c.tier, '')"
INVITATION_LOCALE = "COALESCE(i.locale, '')"
#: invitation_days counted again from the invitations
INVITATION_DAYS_FROM_INVITATIONS = (
    "INSERT INTO invitation_days (day, survey_id, touchpoint_type_id, delivered, answered)"  # noqa: S608
    f" SELECT i.sent_day, i.survey_id, e.touchpoint_type_id, COUNT(*),"
    f" SUM({flag('r.id IS NOT NULL')})"
    " FROM invitations i JOIN touchpoint_events e ON e.id = i.event_id"
    " LEFT JOIN responses r ON r.invitation_id = i.id"
    " WHERE i.sent_day IS NOT NULL"
    " GROUP BY i.sent_day, i.survey_id, e.touchpoint_type_id ORDER BY 1, 2, 3"
)
#: invitation_tier_days counted again from the invitations
INVITATION_TIER_DAYS_FROM_INVITATIONS = (
    "INSERT INTO invitation_tier_days"  # noqa: S608 - fixed names
    " (day, survey_id, touchpoint_type_id, tier, locale, delivered, answered)"
    f" SELECT i.sent_day, i.survey_id, e.touchpoint_type_id, {INVITATION_TIER},"
    f" {INVITATION_LOCALE}, COUNT(*), SUM({flag('r.id IS NOT NULL')})"
    " FROM invitations i JOIN touchpoint_events e ON e.id = i.event_id"
    " JOIN customers c ON c.id = i.customer_id"
    " LEFT JOIN responses r ON r.invitation_id = i.id"
    " WHERE i.sent_day IS NOT NULL"
    f" GROUP BY i.sent_day, i.survey_id, e.touchpoint_type_id, {INVITATION_TIER},"
    f" {INVITATION_LOCALE} ORDER BY 1, 2, 3, 4, 5"
)
_SENT = (
    "SELECT {row}.sent_day, {row}.survey_id, e.touchpoint_type_id,"
    " COALESCE({row}.tier, (SELECT tier FROM customers WHERE id = {row}.customer_id), ''),"
    " COALESCE({row}.locale, ''), {delivered},"
    " (SELECT COUNT(*) FROM responses WHERE invitation_id = {row}.id) * {delivered}"
    " FROM touchpoint_events e WHERE e.id = {row}.event_id"
)
_ADD_SENT = (
    "INSERT INTO invitation_tier_days"
    " (day, survey_id, touchpoint_type_id, tier, locale, delivered, answered) "
    + _SENT
    + " ON CONFLICT (day, survey_id, touchpoint_type_id, tier, locale)"
    " DO UPDATE SET delivered = invitation_tier_days.delivered + excluded.delivered,"
    " answered = invitation_tier_days.answered + excluded.answered"
)
#: the trigger statement that counts an invitation delivered (NEW) in invitation_days,
#: with any answer it has already (a bulk load, a test)
DELIVERED_BY_DAY = (
    "INSERT INTO invitation_days (day, survey_id, touchpoint_type_id, delivered, answered)"
    " SELECT NEW.sent_day, NEW.survey_id, e.touchpoint_type_id, 1,"
    " (SELECT COUNT(*) FROM responses WHERE invitation_id = NEW.id)"
    " FROM touchpoint_events e WHERE e.id = NEW.event_id"
    " ON CONFLICT (day, survey_id, touchpoint_type_id)"
    " DO UPDATE SET delivered = invitation_days.delivered + 1,"
    " answered = invitation_days.answered + excluded.answered"
)
#: ... and the ones that count it in invitation_tier_days too, and keep the tier it was
#: counted in on the invitation
DELIVERED = [
    DELIVERED_BY_DAY,
    _ADD_SENT.format(row="NEW", delivered="1"),
    "UPDATE invitations SET tier = COALESCE((SELECT tier FROM customers"
    " WHERE id = NEW.customer_id), '') WHERE id = NEW.id AND tier IS NULL",
]
#: ... that move a delivered invitation whose language changes afterwards (OLD to NEW)
LANGUAGE_CHANGED = [
    _ADD_SENT.format(row="OLD", delivered="-1"),
    _ADD_SENT.format(row="NEW", delivered="1"),
]
#: ... that count a new answer (NEW, on responses) as an answer to its delivery
ANSWERED_BY_DAY = (
    "UPDATE invitation_days SET answered = answered + 1"
    " WHERE survey_id = NEW.survey_id AND touchpoint_type_id = NEW.touchpoint_type_id"
    " AND day = (SELECT sent_day FROM invitations WHERE id = NEW.invitation_id)"
)
ANSWERED = [
    ANSWERED_BY_DAY,
    "UPDATE invitation_tier_days SET answered = answered + 1"
    " WHERE survey_id = NEW.survey_id AND touchpoint_type_id = NEW.touchpoint_type_id"
    " AND (day, tier, locale) = (SELECT i.sent_day, COALESCE(i.tier, c.tier, ''),"
    " COALESCE(i.locale, '') FROM invitations i JOIN customers c ON c.id = i.customer_id"
    " WHERE i.id = NEW.invitation_id)",
]


def score_upsert() -> str:
    """The trigger statement that counts a new answer (NEW) in score_days."""
    values = ", ".join(metric(name, "NEW") for name in SCORE_METRICS)
    sets = ", ".join(f"{name} = score_days.{name} + excluded.{name}" for name in SCORE_METRICS)
    return (
        f"INSERT INTO score_days ({', '.join(SCORE_KEY)}, kind, {', '.join(SCORE_METRICS)})"  # noqa: S608 - fixed names
        " VALUES (NEW.report_day, NEW.survey_id, NEW.touchpoint_type_id, NEW.tier,"
        f" NEW.locale, NEW.kind, {values})"
        f" ON CONFLICT ({', '.join(SCORE_KEY)}) DO UPDATE SET {sets}"
    )


CASE_KEY = ("day", "priority", "owner_id")


def create_trigger(
    name: str, event: str, when: str | None, statements: list[str], dialect: str
) -> list[str]:
    """The SQL that creates a row trigger running ``statements`` on ``event`` (\"AFTER
    INSERT ON t\") when ``when`` holds: a function and its trigger on PostgreSQL."""
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


def drop_trigger(name: str, event: str, dialect: str) -> list[str]:
    """The SQL that drops what create_trigger made, if it is there."""
    if dialect == "postgresql":
        table = event.rsplit(" ON ", 1)[1]
        return [f"DROP TRIGGER IF EXISTS {name} ON {table}", f"DROP FUNCTION IF EXISTS {name}()"]
    return [f"DROP TRIGGER IF EXISTS {name}"]


def week_of(day: str, dialect: str) -> str:
    """SQL for the Monday of the week of the date ``day``."""
    if dialect == "postgresql":
        return f"CAST(date_trunc('week', {day}) AS DATE)"
    return f"date({day}, 'weekday 0', '-6 days')"  # the next Sunday (or itself), less 6


def _week_columns(daily: str) -> tuple[list[str], list[str], list[str]]:
    """The key, the copied (a survey's kind) and the counted columns of ``daily``."""
    table = WEEKS[daily]
    key = [c.name for c in table.primary_key.columns]
    copied = [c.name for c in table.columns if c.name == "kind"]
    counted = [c.name for c in table.columns if c.name not in key and c.name not in copied]
    return key, copied, counted


def week_upsert(daily: str, dialect: str, key: str, counts: str) -> str:
    """The trigger statement that adds counts to a week of ``daily``'s weekly table: the
    week and key of the row ``key`` (NEW or OLD), and ``counts`` "NEW" (a new row),
    "NEW - OLD" (what an update changed) or "- OLD" (an old row taken away)."""
    weekly = WEEKS[daily].name
    names, copied, counted = _week_columns(daily)
    values = [week_of(f"{key}.day", dialect)] + [f"{key}.{n}" for n in names[1:] + copied]
    values += [
        {"NEW": f"NEW.{n}", "NEW - OLD": f"NEW.{n} - OLD.{n}", "- OLD": f"-OLD.{n}"}[counts]
        for n in counted
    ]
    sets = ", ".join(f"{name} = {weekly}.{name} + excluded.{name}" for name in counted)
    return (
        f"INSERT INTO {weekly} ({', '.join(names + copied + counted)})"  # noqa: S608 - fixed names
        f" VALUES ({', '.join(values)}) ON CONFLICT ({', '.join(names)}) DO UPDATE SET {sets}"
    )


def week_triggers(dialect: str) -> dict[str, tuple[str, str | None, list[str]]]:
    """name: (timing and event, condition, statements) of the triggers that keep the
    weekly tables: a new daily row is added to its week, an update adds what it changed.
    The counting only adds to counts, so a daily row's key does not change; if it ever
    did, its counts would move from the old week and key to the new. Rows deleted from a
    daily table (a survey or topic goes, its weekly rows with it; a refill) are not
    subtracted, as the daily tables keep the counts of deleted answers. On SQLite a later
    migration that rebuilds a daily table (batch_alter_table) drops its triggers: it must
    create these again."""
    triggers = {}
    for daily in WEEKS:
        names = _week_columns(daily)[0]
        same = " AND ".join(f"OLD.{name} = NEW.{name}" for name in names)
        triggers[f"{daily}_insert_week"] = (
            f"AFTER INSERT ON {daily}",
            None,
            [week_upsert(daily, dialect, "NEW", "NEW")],
        )
        triggers[f"{daily}_update_week"] = (
            f"AFTER UPDATE ON {daily}",
            same,
            [week_upsert(daily, dialect, "NEW", "NEW - OLD")],
        )
        triggers[f"{daily}_rekey_week"] = (
            f"AFTER UPDATE ON {daily}",
            f"NOT ({same})",
            [
                week_upsert(daily, dialect, "OLD", "- OLD"),
                week_upsert(daily, dialect, "NEW", "NEW"),
            ],
        )
    return triggers


def weeks_from_days(daily: str, dialect: str) -> str:
    """The weekly table of ``daily`` counted again from it."""
    key, copied, counted = _week_columns(daily)
    week = week_of("day", dialect)
    return (
        f"INSERT INTO {WEEKS[daily].name} ({', '.join(key + copied + counted)})"  # noqa: S608
        f" SELECT {week}, {', '.join(key[1:] + [f'MIN({n})' for n in copied])},"
        f" {', '.join(f'SUM({name})' for name in counted)} FROM {daily}"
        f" GROUP BY {week}, {', '.join(key[1:])} ORDER BY 1, {', '.join(key[1:])}"
    )


def seconds(later: str, earlier: str, dialect: str) -> str:
    """SQL for the seconds between two timestamps."""
    if dialect == "postgresql":
        return f"EXTRACT(EPOCH FROM ({later} - {earlier}))"
    # julianday is a float of days: 1 h can come out as 3599.9999 s, so round to the second
    return f"ROUND((julianday({later}) - julianday({earlier})) * 86400.0)"


def case_metrics(
    row: str, dialect: str, *, first_response=True, resolution=True, opened=True
) -> dict[str, str]:
    """The counted columns of case_days with their SQL value for the case ``row``; the
    ones left out are 0."""
    values = {"opened": "1" if opened else "0"}
    responded = f"{row}.first_responded_at IS NOT NULL"
    values["responded"] = flag(responded) if first_response else "0"
    values["on_time"] = (
        flag(f"{responded} AND {row}.first_responded_at <= {row}.first_response_due_at")
        if first_response
        else "0"
    )
    values["resolved"] = flag(f"{row}.resolved_at IS NOT NULL") if resolution else "0"
    for prefix, stamp, wanted in (
        ("fr", "first_responded_at", first_response),
        ("res", "resolved_at", resolution),
    ):
        took = seconds(f"{row}.{stamp}", f"{row}.opened_at", dialect)
        low = 0
        for i in range(len(DURATION_BUCKETS) + 1):
            high = DURATION_BUCKETS[i] if i < len(DURATION_BUCKETS) else None
            condition = f"{row}.{stamp} IS NOT NULL AND {took} >= {low}" + (
                f" AND {took} < {high}" if high is not None else ""
            )
            values[f"{prefix}{i}"] = flag(condition) if wanted else "0"
            low = high
    return values


def metric(name: str, row: str) -> str:
    """The SQL value of one counted column for the answer ``row``."""
    return SCORE_METRICS[name].format(r=row, mood=mood(row))


def refill(connection: Connection) -> None:
    """Empty the summary tables and count every stored answer, delivery and case again,
    in key order: rows lie by day as if they had arrived day by day (PostgreSQL then
    reads a period's rows from a few pages)."""
    # the survey-level tables came with a later migration than the first one that refills
    tables = inspect(connection)
    # The weekly tables fill again from the daily rows' inserts below, by their triggers.
    for weekly in WEEKS.values():
        if tables.has_table(weekly.name):
            connection.execute(text(f"DELETE FROM {weekly.name}"))  # noqa: S608 - fixed names
    for table in ("score_days", "topic_days", "invitation_days", "case_days"):
        connection.execute(text(f"DELETE FROM {table}"))  # noqa: S608 - fixed names
    sums = ", ".join(f"SUM({metric(name, 'r')})" for name in SCORE_METRICS)
    connection.execute(
        text(
            f"INSERT INTO score_days ({', '.join(SCORE_KEY)}, kind, {', '.join(SCORE_METRICS)})"  # noqa: S608
            f" SELECT r.report_day, r.survey_id, r.touchpoint_type_id, r.tier, r.locale,"
            f" r.kind, {sums} FROM responses r"
            " GROUP BY r.report_day, r.survey_id, r.touchpoint_type_id, r.tier, r.locale, r.kind"
            " ORDER BY 1, 2, 3, 4, 5"
        )
    )
    connection.execute(
        text(
            "INSERT INTO topic_days (day, survey_id, touchpoint_type_id, tier, locale,"  # noqa: S608
            " topic_id, mood, answers)"
            " SELECT r.report_day, r.survey_id, r.touchpoint_type_id, r.tier, r.locale,"
            f" t.topic_id, {mood('r')}, COUNT(*)"
            " FROM responses r JOIN response_topics t ON t.response_id = r.id"
            " GROUP BY r.report_day, r.survey_id, r.touchpoint_type_id, r.tier, r.locale,"
            f" t.topic_id, {mood('r')} ORDER BY 1, 2, 3, 4, 5, 6, 7"
        )
    )
    for table, fill in (
        ("survey_days", SURVEY_DAYS_FROM_SCORE_DAYS),
        ("survey_topic_days", SURVEY_TOPIC_DAYS_FROM_TOPIC_DAYS),
    ):
        if tables.has_table(table):
            connection.execute(text(f"DELETE FROM {table}"))  # noqa: S608 - fixed names
            connection.execute(text(fill))
    connection.execute(text(INVITATION_DAYS_FROM_INVITATIONS))
    if tables.has_table("invitation_tier_days"):
        connection.execute(text("DELETE FROM invitation_tier_days"))
        connection.execute(text(INVITATION_TIER_DAYS_FROM_INVITATIONS))
    case_sums = case_metrics("c", connection.dialect.name)
    connection.execute(
        text(
            f"INSERT INTO case_days ({', '.join(CASE_KEY)}, {', '.join(case_sums)})"  # noqa: S608
            " SELECT c.report_day, c.priority, COALESCE(c.owner_id, 0), "
            + ", ".join(f"SUM({value})" for value in case_sums.values())
            + " FROM cases c WHERE c.report_day IS NOT NULL"
            " GROUP BY c.report_day, c.priority, COALESCE(c.owner_id, 0) ORDER BY 1, 2, 3"
        )
    )


def restamp_days(connection: Connection, zone: str, batch: int = 20_000) -> Iterator[int]:
    """Set each answer's report_day and each delivery's sent_day in ``zone`` again.

    Yields rows done per batch. The summary tables are wrong until ``refill`` runs:
    the update triggers leave day changes alone.
    """
    if connection.dialect.name == "postgresql":
        for sql in (
            "UPDATE responses SET report_day = (answered_at AT TIME ZONE :zone)::date",
            "UPDATE invitations SET sent_day = (sent_at AT TIME ZONE :zone)::date"
            " WHERE sent_at IS NOT NULL",
            "UPDATE cases SET report_day = (opened_at AT TIME ZONE :zone)::date",
        ):
            yield connection.execute(text(sql), {"zone": zone}).rowcount
        return
    # SQLite knows no time zones: Python works out each day, a batch of ids at a time.
    tz = ZoneInfo(zone)
    for table, stamp, day in (
        ("responses", "answered_at", "report_day"),
        ("invitations", "sent_at", "sent_day"),
        ("cases", "opened_at", "report_day"),
    ):
        after = 0
        while True:
            rows = connection.execute(
                text(
                    f"SELECT id, {stamp} FROM {table} WHERE id > :after"  # noqa: S608
                    f" AND {stamp} IS NOT NULL ORDER BY id LIMIT :batch"
                ),
                {"after": after, "batch": batch},
            ).all()
            if not rows:
                break
            connection.execute(
                text(f"UPDATE {table} SET {day} = :day WHERE id = :id"),  # noqa: S608
                [{"id": i, "day": _sqlite_day(stamp_value, tz)} for i, stamp_value in rows],
            )
            after = rows[-1][0]
            yield len(rows)


def _sqlite_day(stored: str, tz: ZoneInfo) -> str:
    """The local day of a naive UTC timestamp as SQLite keeps it."""
    return datetime.fromisoformat(stored).replace(tzinfo=UTC).astimezone(tz).date().isoformat()
