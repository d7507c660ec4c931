"""Fill a database for the managers' dashboard benchmark: two years of answers.

    python bench/dashboard_data.py --responses 1000000 --database sqlite:////tmp/dash_1m.db --fresh
    python bench/dashboard_data.py --responses 1000000 --fresh \\
        --database postgresql://feedback:feedback@127.0.0.1:5432/feedback_bench

Six touchpoints, four surveys and the complaint follow-up CSAT, customers in four tiers
who write in English or Chinese, comments taken from the public review sets in
../shared/data/sentiment and tagged by the product's own analyzer (once per distinct
text), complaint cases with business-time deadlines, and the invitations nobody answered.
The same seed and --now give the same rows.

The summary tables are left to the database triggers, as in production, so rows go in
the order the triggers need: invitations before their answers, answers before their
topics. SQLite gets executemany in one transaction per chunk (synchronous=OFF);
PostgreSQL gets COPY in short transactions (see PostgresSink). --bulk goes around the
triggers, foreign keys and non-unique indexes instead, puts them back and refills the
summary tables with the product's feedback.dashboard.rollups.refill: the same rows, and
several times faster on PostgreSQL, where the triggers cost about 0.1 ms per answer.
After loading, the summary tables are compared with rollups.refill's recount.

Serve the result with REPORT_TIMEZONE set to --report-timezone (Asia/Shanghai). Staff
sign in as agent01@bench.example ... agent12, manager1..3 or admin@bench.example with
the password "bench-password".
"""

from __future__ import annotations

import argparse
import itertools
import math
import queue
import random
import sqlite3
import sys
import threading
import time
from bisect import bisect, bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from itertools import accumulate
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from feedback import scoring  # noqa: E402

DAY = 86_400
HOUR = 3_600
WINDOW_DAYS = 730
CHUNK = 50_000
PASSWORD = "bench-password"  # noqa: S105 - a benchmark database's known sign-in

# key, English, Chinese, share of answers, response rate, survey delay (minutes),
# reference prefix, base quality (-1 unhappy .. 1 happy)
TOUCHPOINTS = [
    ("delivery", "Delivery", "配送", 0.28, 0.36, 120, "DLV", -0.03),
    ("purchase", "Purchase", "购买", 0.25, 0.40, 24 * 60, "ORD", 0.08),
    ("support_call", "Support call", "客服来电", 0.20, 0.46, 60, "TKT", 0.0),
    ("returns", "Return", "退货", 0.08, 0.42, 24 * 60, "RMA", -0.05),
    ("installation", "Installation", "上门安装", 0.10, 0.48, 48 * 60, "INS", 0.05),
    ("renewal", "Contract renewal", "续约", 0.09, 0.33, 0, "REN", 0.0),
]
SURVEYS = [
    {
        "name": "NPS after purchase and delivery",
        "kind": "nps",
        "touchpoints": ("purchase", "delivery"),
        "question_en": "How likely are you to recommend Acme to a friend or colleague?",
        "question_zh": "您有多大可能向朋友或同事推荐 Acme？",
        "followup_en": "What is the main reason for your score?",
        "followup_zh": "您给出这个分数的主要原因是什么？",
        "email_subject_en": "One quick question about Acme",
        "email_subject_zh": "关于 Acme 的一个小问题",
    },
    {
        "name": "Relationship NPS at renewal",
        "kind": "nps",
        "touchpoints": ("renewal",),
        "question_en": "How likely are you to recommend Acme to a friend or colleague?",
        "question_zh": "您有多大可能向朋友或同事推荐 Acme？",
        "followup_en": "What should we change in the coming year?",
        "followup_zh": "新的一年里，我们应该改进什么？",
        "email_subject_en": "Thank you for renewing with Acme",
        "email_subject_zh": "感谢您与 Acme 续约",
    },
    {
        "name": "CSAT after service",
        "kind": "csat",
        "touchpoints": ("support_call", "installation"),
        "question_en": "How satisfied are you with the service you received?",
        "question_zh": "您对本次服务满意吗？",
        "followup_en": "What could we have done better?",
        "followup_zh": "我们还有哪些地方可以做得更好？",
        "email_subject_en": "How was our service?",
        "email_subject_zh": "您对我们的服务满意吗？",
    },
    {
        "name": "CES after a return",
        "kind": "ces",
        "touchpoints": ("returns",),
        "question_en": "Acme made it easy for me to return my product.",
        "question_zh": "Acme 让我轻松地完成了退货。",
        "followup_en": "How could we have made it easier?",
        "followup_zh": "我们怎样做能让它更轻松？",
        "email_subject_en": "Was your return easy?",
        "email_subject_zh": "退货顺利吗？",
    },
]
TIERS = ("standard", "silver", "gold", "vip")
TIER_SHARES = (0.70, 0.18, 0.09, 0.03)
TIER_QUALITY = (-0.01, 0.01, 0.04, 0.06)
EN_SHARE = 0.6
#: answers with a comment, by mood (unhappy, neutral, happy)
COMMENT_SHARE = {-1: 0.58, 0: 0.30, 1: 0.35}
#: unhappy answers (and negative comments) that get a case: the rest predate a rule, or
#: were answered while routing was switched off
ROUTED_SHARE = 0.8
FOLLOWUP_ANSWERED = 0.3
#: local hour of day -> relative number of answers
HOURS = (3, 1.5, 1, 0.8, 0.8, 1.5, 4, 9, 14, 18, 20, 20, 18, 17, 17, 16, 15, 15, 16, 19, 22, 22,
         16, 8)  # fmt: skip
WEEKDAYS = (1.08, 1.05, 1.02, 1.0, 0.98, 0.82, 0.78)
RESOLUTIONS = (
    ("solved", 40),
    ("explained", 20),
    ("refund", 15),
    ("replacement", 10),
    ("no_action", 8),
    ("unreachable", 7),
)
EN_FIRST = "Ann Bo Sam Maria Tom Priya Lucas Emma Omar Grace Jack Nina Leo Zoe Ivan Mia".split()
EN_LAST = "Lee Chen Patel Garcia Walker Shah Martin Brown Haddad Kim Wilson Rossi Novak".split()
ZH_SURNAME = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
ZH_GIVEN = "伟 芳 娜 敏 静 磊 洋 勇 艳 杰 涛 明 超 秀英 丽".split()
AGENTS = [
    "Alex Wong", "王小明", "Sara Ito", "李静", "Daniel Ross", "陈晨",
    "Fatima Khan", "赵磊", "Marco Bianchi", "周婷", "Ruth Cohen", "孙浩",
]  # fmt: skip
MANAGERS = ["Mei Lin", "David Park", "刘芳"]


def _bump(value: float, centre: float, width: float) -> float:
    return math.exp(-(((value - centre) / width) ** 2))


def _season(day_of_year: int, centre: int, width: float) -> float:
    distance = abs(day_of_year - centre)
    return _bump(min(distance, 365 - distance), 0, width)


def _quality(key: str, x: float, doy: int) -> float:
    """How well a touchpoint went on a day, -1 .. 1: the story the trends should tell.
    ``x`` is the position in the two years (0 oldest), ``doy`` the day of the year."""
    q = next(t[7] for t in TOUCHPOINTS if t[0] == key)
    peak = _season(doy, 318, 10)  # Singles' Day: couriers and returns overloaded
    if key == "delivery":
        # a new courier, nine months ago, took three months to get right
        q -= 0.35 * _bump(x, 0.62, 0.05) + 0.25 * peak + 0.1 * _season(doy, 356, 8)
    elif key == "purchase":
        q += 0.25 * x - 0.1  # the new shop site keeps getting better
    elif key == "support_call":
        q += 0.2 / (1 + math.exp(-(x - 0.5) * 30)) - 0.08  # a new ticket system a year ago
    elif key == "returns":
        q += 0.15 * x - 0.08 - 0.2 * peak
    elif key == "installation":
        q += 0.05 * math.sin(x * 4 * math.pi)
    elif key == "renewal":
        q -= 0.18 / (1 + math.exp(-(x - 0.8) * 40))  # the price rise of the last months
    return q


def _score_weights(kind: str, q: float) -> dict[int, float]:
    """Probability of each score for an answer of quality ``q``."""

    def clamp(value, low, high):
        return max(low, min(high, value))

    if kind == "nps":
        detractors = clamp(0.25 - 0.45 * q, 0.03, 0.8)
        promoters = clamp(0.45 + 0.5 * q, 0.05, 0.9)
        passives = max(0.05, 1 - detractors - promoters)
        parts = [
            (detractors, {0: 6, 1: 3, 2: 5, 3: 8, 4: 12, 5: 26, 6: 40}),
            (passives, {7: 45, 8: 55}),
            (promoters, {9: 45, 10: 55}),
        ]
    elif kind == "csat":
        unhappy = clamp(0.12 - 0.25 * q, 0.02, 0.6)
        parts = [(unhappy, {1: 40, 2: 60}), (0.13, {3: 1}), (1 - unhappy - 0.13, {4: 45, 5: 55})]
    else:
        unhappy = clamp(0.16 - 0.3 * q, 0.02, 0.6)
        parts = [
            (unhappy, {1: 25, 2: 35, 3: 40}),
            (0.14, {4: 1}),
            (1 - unhappy - 0.14, {5: 30, 6: 35, 7: 35}),
        ]
    weights: dict[int, float] = {}
    for share, within in parts:
        total = sum(within.values())
        for score, weight in within.items():
            weights[score] = share * weight / total
    return weights


def _cumulative(weights) -> list[float]:
    """Cumulative weights scaled to end at 1, for bisect(cum, random())."""
    cum = list(accumulate(weights))
    return [c / cum[-1] for c in cum[:-1]] + [1.01]


# --- time -----------------------------------------------------------------------------


class Clock:
    """Epoch seconds to the strings both databases take, and to report-zone days.

    A timestamp is naive UTC text as SQLAlchemy writes it to SQLite (the PostgreSQL
    session runs in UTC, so timestamptz reads the same text); precomputed day and
    time-of-day strings make formatting two list lookups."""

    def __init__(self, first: int, last: int, zone: str) -> None:
        self.day0 = first // DAY - 2
        epoch = date(1970, 1, 1)
        self.days = [
            (epoch + timedelta(days=d)).isoformat() for d in range(self.day0, last // DAY + 3)
        ]
        self.times = [
            f" {s // HOUR:02d}:{s // 60 % 60:02d}:{s % 60:02d}.000000" for s in range(DAY)
        ]
        # UTC offsets of the report zone by quarter hour: zones change on quarter hours
        tz = ZoneInfo(zone)
        self.slot0 = first // 900
        self.offsets = [
            int(datetime.fromtimestamp(s * 900, tz).utcoffset().total_seconds())
            for s in range(self.slot0, last // 900 + 1)
        ]

    def stamp(self, t: int | None) -> str | None:
        if t is None:
            return None
        return self.days[t // DAY - self.day0] + self.times[t % DAY]

    def day(self, t: int) -> str:
        """The calendar day of ``t`` in the report zone."""
        return self.days[(t + self.offsets[t // 900 - self.slot0]) // DAY - self.day0]


class BusinessTime:
    """The queue's business calendar as cumulative seconds, for a deadline by bisection.

    The stretches come from the product's BusinessCalendar itself, so deadlines match
    what the service computes (checked against calendar.add on a sample)."""

    def __init__(self, calendar, first: int, last: int) -> None:
        self.opens, self.before, self.after = [], [], []
        total = 0
        # the product's own (private) walk over the hours, once for the whole range
        stretches = calendar._stretches(
            datetime.fromtimestamp(first, UTC), datetime.fromtimestamp(last, UTC)
        )
        for opens, closes in stretches:
            start, end = int(opens.timestamp()), int(closes.timestamp())
            self.opens.append(start)
            self.before.append(total)
            total += end - start
            self.after.append(total)
        self.closes = [
            o + a - b for o, b, a in zip(self.opens, self.before, self.after, strict=True)
        ]

    def elapsed(self, t: int) -> int:
        """Business seconds from the first stretch to ``t``."""
        i = bisect_right(self.opens, t) - 1
        if i < 0:
            return 0
        return self.before[i] + min(t - self.opens[i], self.closes[i] - self.opens[i])

    def add(self, t: int, seconds: float) -> int:
        if seconds <= 0:
            return t
        target = self.elapsed(t) + int(seconds)
        j = bisect_left(self.after, target)
        if j == len(self.after):
            return FOREVER  # beyond the precomputed months: never within the data
        return self.opens[j] + target - self.before[j]

    def between(self, start: int, end: int) -> int:
        return max(0, self.elapsed(end) - self.elapsed(start))

    def check(self, calendar, rng: random.Random, first: int, last: int) -> None:
        for _ in range(300):
            t = rng.randrange(first, last - 40 * DAY)
            minutes = rng.choice((60, 240, 384, 480, 1440, 2400, 4800))
            want = calendar.add(datetime.fromtimestamp(t, UTC), timedelta(minutes=minutes))
            if int(want.timestamp()) != self.add(t, minutes * 60):
                raise AssertionError(f"business time differs from the calendar at {t}")


# --- comments -------------------------------------------------------------------------


class Comments:
    """Review texts by language and label, each analysed once with the product's analyzer."""

    MAX_LENGTH = 400

    def __init__(self, taxonomy, topic_ids: dict[str, int]) -> None:
        from training import data as _sentiment_data

        self.taxonomy, self.topic_ids = taxonomy, topic_ids
        self.pools: dict[tuple[str, int], list[str]] = {}
        for locale, rows in (("en", _sentiment_data.english()), ("zh", _sentiment_data.chinese())):
            for text, label in rows:
                text = text.replace("\x00", "").strip()
                if text and len(text) <= self.MAX_LENGTH:
                    self.pools.setdefault((locale, label), []).append(text)
        self.cache: dict[str, tuple] = {}
        self.analysed_seconds = 0.0

    def pick(self, rng: random.Random, locale: str, mood: int) -> str:
        label = 0 if mood < 0 else 1 if mood > 0 else int(rng.random() < 0.6)
        pool = self.pools[(locale, label)]
        return pool[int(rng.random() * len(pool))]

    def tags(self, text: str) -> tuple:
        """(language, polarity, sentiment label, topic ids)."""
        found = self.cache.get(text)
        if found is None:
            from feedback.analysis import analyze

            started = time.perf_counter()
            result = analyze(text, self.taxonomy)
            found = (
                result.language,
                result.polarity,
                result.label,
                tuple(self.topic_ids[key] for key in result.topics),
            )
            self.cache[text] = found
            self.analysed_seconds += time.perf_counter() - started
        return found


# --- where rows go --------------------------------------------------------------------


class Sink:
    """Writes rows table by table and keeps the time spent per table.

    The schema is read first: a column this script fills that a migration dropped is
    left out; a required column it does not know stops the run with a clear message."""

    def __init__(self) -> None:
        self.seconds: Counter = Counter()
        self.rows: Counter = Counter()
        self.plans: dict[str, tuple[tuple[str, ...], list[int] | None]] = {}

    def write(self, table: str, columns: tuple[str, ...], rows: list) -> None:
        if not rows:
            return
        started = time.perf_counter()
        if table not in self.plans:
            self.plans[table] = self._plan(table, columns)
        kept, positions = self.plans[table]
        if positions is not None:
            rows = [tuple(row[i] for i in positions) for row in rows]
        self._write(table, kept, rows)
        self.seconds[table] += time.perf_counter() - started
        self.rows[table] += len(rows)

    def _plan(self, table, columns):
        existing, required = self._columns(table)
        missing = sorted(required - set(columns))
        if missing:
            raise SystemExit(
                f"{table} has required columns this generator does not fill: "
                f"{', '.join(missing)} (a newer migration?); update bench/dashboard_data.py"
            )
        positions = [i for i, column in enumerate(columns) if column in existing]
        if len(positions) == len(columns):
            return columns, None
        return tuple(columns[i] for i in positions), positions

    def commit(self) -> None:
        started = time.perf_counter()
        self._commit()
        self.seconds["(commit)"] += time.perf_counter() - started

    def timed(self, label: str, work) -> None:
        started = time.perf_counter()
        work()
        self.seconds[label] += time.perf_counter() - started


class SqliteSink(Sink):
    def __init__(self, path: str) -> None:
        super().__init__()
        self.connection = sqlite3.connect(path, isolation_level=None)
        for pragma in (
            "journal_mode=WAL",
            "synchronous=OFF",
            "cache_size=-400000",
            "temp_store=MEMORY",
            "foreign_keys=OFF",  # the rows are consistent by construction; checked after
        ):
            self.connection.execute(f"PRAGMA {pragma}")
        self.connection.execute("BEGIN")

    def _columns(self, table):
        info = self.connection.execute(f"PRAGMA table_info({table})").fetchall()
        # (cid, name, type, notnull, default, pk): an INTEGER PRIMARY KEY needs no value
        required = {name for _c, name, _t, notnull, default, pk in info if notnull}
        required -= {name for _c, name, _t, _n, default, pk in info if default or pk == 1}
        return {row[1] for row in info}, required

    def _write(self, table, columns, rows) -> None:
        marks = ", ".join("?" * len(columns))
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"  # noqa: S608
        self.connection.executemany(sql, rows)

    def _commit(self) -> None:
        self.connection.execute("COMMIT")
        self.connection.execute("BEGIN")

    def suspend(self, tables) -> None:
        """Drop the triggers and the non-unique indexes of ``tables`` until restore()."""
        marks = ", ".join("?" * len(tables))
        self.suspended = self.connection.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL"  # noqa: S608
            f" AND tbl_name IN ({marks}) AND (type = 'trigger'"
            " OR (type = 'index' AND sql NOT LIKE 'CREATE UNIQUE%'))",
            tables,
        ).fetchall()
        for kind, name, _sql in self.suspended:
            self.connection.execute(f"DROP {kind} {name}")
        self._commit()

    def restore(self) -> None:
        self.connection.execute("ROLLBACK")  # a chunk that failed half way, if any
        self.connection.execute("BEGIN")
        for _kind, _name, sql in self.suspended:
            self.connection.execute(sql)
        self._commit()

    def finish(self) -> None:
        self.connection.execute("COMMIT")
        self.connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self.connection.close()


class PostgresSink(Sink):
    """COPY, committed every BATCH rows. A trigger that adds to a summary row writes a
    new version of that row, and versions made in the running transaction cannot be
    pruned: a thousand deliveries of one day in one transaction make each upsert walk
    the versions before it (quadratic). Short transactions keep the chains short."""

    BATCH = 2_000

    def __init__(self, url: str) -> None:
        import psycopg

        super().__init__()
        self.connection = psycopg.connect(_psycopg_url(url))
        self.connection.execute("SET TIME ZONE 'UTC'")
        self.connection.execute("SET synchronous_commit = off")

    def _columns(self, table):
        rows = self.connection.execute(
            "SELECT column_name, is_nullable = 'NO', column_default IS NOT NULL"
            " FROM information_schema.columns"
            " WHERE table_schema = current_schema() AND table_name = %s",
            (table,),
        ).fetchall()
        return {r[0] for r in rows}, {r[0] for r in rows if r[1] and not r[2]}

    def _write(self, table, columns, rows) -> None:
        sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
        for first in range(0, len(rows), self.BATCH):
            with self.connection.cursor() as cursor, cursor.copy(sql) as copy:
                for row in rows[first : first + self.BATCH]:
                    copy.write_row(row)
            self.connection.commit()

    def _commit(self) -> None:
        self.connection.commit()

    def suspend(self, tables) -> None:
        """Disable the triggers of ``tables`` and drop their foreign keys and non-unique
        indexes until restore(), which puts back the same definitions."""
        tables = list(tables)
        self.keys = self.connection.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)"
            " FROM pg_constraint WHERE contype = 'f' AND conrelid::regclass::text = ANY(%s)",
            (tables,),
        ).fetchall()
        self.indexes = self.connection.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema()"
            " AND tablename = ANY(%s) AND indexdef NOT LIKE 'CREATE UNIQUE%%'",
            (tables,),
        ).fetchall()
        for table, name, _definition in self.keys:
            self.connection.execute(f"ALTER TABLE {table} DROP CONSTRAINT {name}")
        for name, _definition in self.indexes:
            self.connection.execute(f"DROP INDEX {name}")
        for table in tables:
            self.connection.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        self.suspended_tables = tables
        self._commit()

    def restore(self) -> None:
        self.connection.rollback()  # a batch that failed half way, if any
        for _name, definition in self.indexes:
            self.connection.execute(definition)
        for table, name, definition in self.keys:
            self.connection.execute(f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}")
        for table in self.suspended_tables:
            self.connection.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
        self._commit()

    def finish(self) -> None:
        for table in ("customers", "touchpoint_events", "invitations", "responses", "cases"):
            self._restart_ids(table)
        self._restart_ids("case_events")
        self.connection.commit()
        # What autovacuum would soon do, so that the benchmark reads settled tables: the
        # triggers rewrote every answered invitation and each summary row many times,
        # index-only scans want the visibility map, and the planner its statistics.
        started = time.perf_counter()
        self.connection.autocommit = True
        self.connection.execute("VACUUM ANALYZE")
        self.seconds["(vacuum analyze)"] += time.perf_counter() - started
        self.connection.close()

    def _restart_ids(self, table: str) -> None:
        """Explicit ids leave the sequence behind; the app inserts after them."""
        self.connection.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"  # noqa: S608
            f" (SELECT MAX(id) FROM {table}))"
        )


def _psycopg_url(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1).replace(
        "postgres://", "postgresql://", 1
    )


def _sqlalchemy_url(url: str) -> str:
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


# --- the reference data, made through the product ---------------------------------


@dataclass
class Reference:
    """Ids of what the bulk rows point at, and the product's configuration."""

    touchpoints: list[dict]  # per TOUCHPOINTS row: id, survey_id, kind, ...
    followup_survey_id: int
    followup_touchpoint_id: int
    agents: list[tuple[int, str]]
    managers: list[tuple[int, str]]
    taxonomy: object
    topic_ids: dict[str, int]
    taxonomy_version: int
    config: object  # feedback.complaints.configuration.settings.QueueConfig
    templates: dict[str, tuple[str, str]] = field(default_factory=dict)


def _app(url: str, report_timezone: str):
    from config import TestingConfig
    from feedback import create_app

    return create_app(
        TestingConfig,
        {
            "SQLALCHEMY_DATABASE_URI": _sqlalchemy_url(url),
            "REPORT_TIMEZONE": report_timezone,
            "LOG_LEVEL": "WARNING",
        },
    )


def migrate_fresh(url: str, report_timezone: str = "Asia/Shanghai") -> None:
    """Delete the SQLite file, or empty the PostgreSQL schema, then run the migrations."""
    from flask_migrate import upgrade
    from sqlalchemy import create_engine, make_url, text

    from feedback.extensions import db

    sa_url = _sqlalchemy_url(url)
    if sa_url.startswith("sqlite"):
        path = make_url(sa_url).database
        for suffix in ("", "-wal", "-shm"):
            Path(path + suffix).unlink(missing_ok=True)
    else:
        engine = create_engine(sa_url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    app = _app(url, report_timezone)
    with app.app_context():
        upgrade()
        db.engine.dispose()


def _reference(since: datetime) -> Reference:
    """Topics, queue settings, the follow-up survey (all made the product's way),
    touchpoint types, surveys and staff, dated ``since``; in an app context."""
    from sqlalchemy import func, select
    from werkzeug.security import generate_password_hash

    from feedback.accounts.models import Role, User
    from feedback.complaints.configuration.settings import (
        DEFAULT_TEMPLATES,
        queue_config,
        settings_row,
    )
    from feedback.complaints.followup import TOUCHPOINT_KEY, followup_survey
    from feedback.extensions import db
    from feedback.surveys.models import Response, Survey, SurveyKind, SurveyTrigger
    from feedback.surveys.models import TouchpointType as Type
    from feedback.tagging.models import Topic
    from feedback.tagging.services import current_taxonomy

    if db.session.scalar(select(func.count()).select_from(Response)):
        raise SystemExit("the database already has answers: start from a fresh one (--fresh)")
    settings_row()  # the default topics came with the schema
    followup = followup_survey()
    followup.created_at = since
    for topic in db.session.scalars(select(Topic)):
        topic.created_at = topic.updated_at = since
    types = {}
    for key, name_en, name_zh, *_rest in TOUCHPOINTS:
        types[key] = db.session.scalar(select(Type).where(Type.key == key))
        if types[key] is None:
            types[key] = Type(key=key, name_en=name_en, name_zh=name_zh)
            db.session.add(types[key])
    surveys = {}
    for spec in SURVEYS:
        fields = {k: v for k, v in spec.items() if k not in ("kind", "touchpoints")}
        survey = Survey(kind=SurveyKind(spec["kind"]), created_at=since, **fields)
        for key in spec["touchpoints"]:
            delay = next(t[5] for t in TOUCHPOINTS if t[0] == key)
            survey.triggers.append(SurveyTrigger(touchpoint_type=types[key], delay_minutes=delay))
            surveys[key] = survey
        db.session.add(survey)
    password_hash = generate_password_hash(PASSWORD)
    staff = [(f"agent{i + 1:02d}@bench.example", n, Role.AGENT) for i, n in enumerate(AGENTS)]
    staff += [(f"manager{i + 1}@bench.example", n, Role.MANAGER) for i, n in enumerate(MANAGERS)]
    staff.append(("admin@bench.example", "Ada Admin", Role.ADMIN))
    users = [
        User(email=e, name=n, role=r, password_hash=password_hash, created_at=since)
        for e, n, r in staff
    ]
    db.session.add_all(users)
    db.session.commit()
    taxonomy, topic_ids = current_taxonomy()
    first = DEFAULT_TEMPLATES[0]
    return Reference(
        touchpoints=[
            {
                "key": key,
                "id": types[key].id,
                "survey_id": surveys[key].id,
                "kind": surveys[key].kind.value,
                "share": share,
                "rate": rate,
                "delay": delay * 60,
                "prefix": prefix,
            }
            for key, _en, _zh, share, rate, delay, prefix, _q in TOUCHPOINTS
        ],
        followup_survey_id=followup.id,
        followup_touchpoint_id=db.session.scalar(select(Type.id).where(Type.key == TOUCHPOINT_KEY)),
        agents=[(u.id, u.display_name) for u in users if u.role is Role.AGENT],
        managers=[(u.id, u.display_name) for u in users if u.role is Role.MANAGER],
        taxonomy=taxonomy,
        topic_ids=topic_ids,
        taxonomy_version=taxonomy.version,
        config=queue_config(),
        templates={
            "en": (first["subject_en"], first["body_en"]),
            "zh": (first["subject_zh"], first["body_zh"]),
        },
    )


# --- the rows -------------------------------------------------------------------------

CUSTOMER_COLUMNS = (
    "id", "external_id", "email", "name", "locale", "tier", "created_at", "updated_at",
)  # fmt: skip
EVENT_COLUMNS = (
    "id", "external_id", "touchpoint_type_id", "customer_id", "occurred_at", "properties",
    "source", "recorded_by_id", "created_at",
)  # fmt: skip
INVITATION_COLUMNS = (
    "id", "customer_id", "event_id", "survey_id", "status", "send_at", "sent_at",
    "reminder_sent_at", "expires_at", "locale", "created_at", "sent_day",
)  # fmt: skip
RESPONSE_COLUMNS = (
    "id", "invitation_id", "survey_id", "customer_id", "kind", "score", "comment", "locale",
    "answered_at", "language", "polarity", "sentiment", "tagged_version",
    "touchpoint_type_id", "tier", "report_day", "tagged_at",
)  # fmt: skip
TOPIC_COLUMNS = ("response_id", "topic_id")
CASE_COLUMNS = (
    "id", "customer_id", "status", "priority", "owner_id", "rule_id", "touchpoint_type_id",
    "opened_at", "first_response_due_at", "first_response_warn_at", "first_responded_at",
    "warned_at", "breached_at", "escalated_at", "resolution_due_at", "resolution_breached_at",
    "paused_seconds", "pending_since", "resolved_at", "resolution_code", "closed_at",
    "followup_invitation_id", "updated_at", "report_day", "tier",
)  # fmt: skip
LINK_COLUMNS = ("case_id", "response_id", "attached_at")
CASE_EVENT_COLUMNS = (
    "id", "case_id", "at", "actor_id", "kind", "before", "after", "body", "detail",
    "response_id",
)  # fmt: skip
TABLES = (
    ("touchpoint_events", EVENT_COLUMNS),
    ("invitations", INVITATION_COLUMNS),
    ("responses", RESPONSE_COLUMNS),
    ("response_topics", TOPIC_COLUMNS),
    ("cases", CASE_COLUMNS),
    ("case_responses", LINK_COLUMNS),
    ("case_events", CASE_EVENT_COLUMNS),
)
LINK_DAYS = 30
REMINDER_DAYS = 3
CLOSE_DAYS = 14
SWEEP_LAG = 45  #: seconds between a due time and the sweep that notices it
FOREVER = 2**62


@dataclass
class Day:
    midnight: int  # epoch of local midnight
    low: int  # the part of the day inside the window
    high: int
    x: float  # position in the two years, 0 .. 1
    answers: int
    mix: list[float]  # cumulative touchpoint weights
    quality: list[float]  # per touchpoint


class Generator:
    def __init__(self, ref: Reference, responses: int, seed: int, now: int, zone: str) -> None:
        self.ref, self.total, self.now, self.zone = ref, responses, now, zone
        self.rng = random.Random(seed)
        self.start = now - WINDOW_DAYS * DAY
        first, last = self.start - 420 * DAY, now + 90 * DAY
        self.clock = Clock(first, last, zone)
        calendar = ref.config.calendar
        self.business = BusinessTime(calendar, self.start - 40 * DAY, last)
        self.business.check(calendar, self.rng, self.start, now)
        self.comments = Comments(ref.taxonomy, ref.topic_ids)
        self.customers = max(50, responses // 4)
        self.locale: bytearray = bytearray()  # 1 for zh, by customer id - 1
        self.tier: bytearray = bytearray()
        self.hours = _cumulative(HOURS)
        self.score_tables: dict[tuple[str, int], tuple[list[float], list[int]]] = {}
        self.decisions: dict[tuple, object] = {}
        self.busy: dict[int, tuple[int, int]] = {}  # customer -> (case id, busy until)
        self.ids = {
            t: itertools.count(1) for t in ("invitations", "responses", "cases", "case_events")
        }
        self.counts = Counter()
        self.seconds = 0.0  # making rows
        self.agent_weights = _cumulative([1.6, 1.4, 1.3, 1.2, 1.1, 1, 1, 0.9, 0.9, 0.8, 0.7, 0.6])
        self.manager_names = ", ".join(name for _id, name in ref.managers)

    # customers

    def customer_rows(self, first: int, last: int) -> list[tuple]:
        rnd, stamp = self.rng.random, self.clock.stamp
        tier_cum = _cumulative(TIER_SHARES)
        rows = []
        for cid in range(first, last + 1):
            zh = rnd() >= EN_SHARE
            tier = bisect(tier_cum, rnd())
            self.locale.append(zh)
            self.tier.append(tier)
            if zh:
                name = ZH_SURNAME[int(rnd() * len(ZH_SURNAME))] + ZH_GIVEN[int(rnd() * 15)]
                email = f"user{cid}@example.cn"
            else:
                given, family = self.rng.choice(EN_FIRST), self.rng.choice(EN_LAST)
                name = f"{given} {family}"
                email = f"{given}.{family}.{cid}@example.com".lower()
            created = stamp(self.start - int(rnd() * 400 * DAY))
            rows.append(
                (cid, f"CUST-{cid:08d}", email, name, "zh" if zh else "en", TIERS[tier])
                + (created, created)
            )
        return rows

    def pick_customer(self) -> int:
        rnd = self.rng.random
        # a fifth of the customers come back twice as often as the rest
        share = rnd() if rnd() < 0.7 else 0.2 * rnd()
        return 1 + int(self.customers * share)

    # days

    def days(self) -> list[Day]:
        tz = ZoneInfo(self.zone)
        local = datetime.fromtimestamp(self.start, tz).date()
        end = datetime.fromtimestamp(self.now - 1, tz).date()
        days, weights = [], []
        while local <= end:
            midnight = int(datetime(local.year, local.month, local.day, tzinfo=tz).timestamp())
            low, high = max(midnight, self.start), min(midnight + DAY, self.now)
            x = (midnight + DAY / 2 - self.start) / (WINDOW_DAYS * DAY)
            doy = local.timetuple().tm_yday
            peak = _season(doy, 318, 9)
            volume = (
                (0.8 + 0.4 * x)
                * WEEKDAYS[local.weekday()]
                * (1 + 0.45 * peak + 0.2 * _season(doy, 356, 8) - 0.3 * _season(doy, 30, 8))
            )
            mix = []
            for tp in self.ref.touchpoints:
                share = tp["share"]
                if tp["key"] in ("delivery", "returns"):
                    share *= 1 + 0.6 * peak
                elif tp["key"] == "purchase":
                    share *= 1 + 0.3 * peak
                elif tp["key"] == "renewal" and doy <= 31:
                    share *= 1.6
                mix.append(share)
            quality = [_quality(tp["key"], x, doy) for tp in self.ref.touchpoints]
            days.append(Day(midnight, low, high, x, 0, _cumulative(mix), quality))
            weights.append(volume * (high - low) / DAY)
            local += timedelta(days=1)
        total, done, running = sum(weights), 0, 0.0
        for day, weight in zip(days, weights, strict=True):
            running += weight
            day.answers = round(self.total * running / total) - done
            done += day.answers
        return days

    def moment(self, day: Day) -> int:
        rnd = self.rng.random
        t = day.midnight + bisect(self.hours, rnd()) * HOUR + int(rnd() * HOUR)
        if not day.low <= t < day.high:
            t = day.low + int(rnd() * (day.high - day.low))
        return t

    def score(self, kind: str, q: float) -> int:
        level = max(-50, min(50, round(q * 50)))
        table = self.score_tables.get((kind, level))
        if table is None:
            weights = _score_weights(kind, level / 50)
            table = self.score_tables[(kind, level)] = (
                _cumulative(weights.values()),
                list(weights),
            )
        cum, scores = table
        return scores[bisect(cum, self.rng.random())]

    def answer_lag(self) -> int:
        """Seconds from the email to the answer."""
        rnd = self.rng.random()
        if rnd < 0.55:
            return 60 + int(self.rng.expovariate(1 / 5400))
        if rnd < 0.85:
            return 6 * HOUR + int(self.rng.random() * 66 * HOUR)
        return min(REMINDER_DAYS * DAY + int(self.rng.expovariate(1 / 43200)), 29 * DAY)

    # a chunk of days

    def chunks(self, size: int) -> Iterator[tuple[int, dict[str, list]]]:
        """(answers done, rows by table) for about ``size`` answers at a time, in time
        order; the customers come first."""
        for first in range(1, self.customers + 1, size):
            mark = time.perf_counter()
            rows = self.customer_rows(first, min(first + size - 1, self.customers))
            self.seconds += time.perf_counter() - mark
            yield 0, {"customers": rows}
        done, batch, days = 0, [], self.days()
        for index, day in enumerate(days):
            batch.append(day)
            if sum(d.answers for d in batch) < size and index < len(days) - 1:
                continue
            mark = time.perf_counter()
            rows = self.chunk(batch)
            # a customer's case that ended before this chunk cannot take an answer
            self.busy = {c: v for c, v in self.busy.items() if v[1] > day.low}
            self.seconds += time.perf_counter() - mark
            done += sum(d.answers for d in batch)
            yield done, rows
            batch = []

    def chunk(self, days: list[Day]) -> dict[str, list]:
        rnd = self.rng.random
        tps = self.ref.touchpoints
        answers, unanswered = [], []
        for day in days:
            for _ in range(day.answers):
                tp = bisect(day.mix, rnd())
                answers.append((self.moment(day), tp, self.pick_customer(), day))
                extra = (1 - tps[tp]["rate"]) / tps[tp]["rate"]
                for _ in range(int(extra) + (rnd() < extra % 1)):
                    unanswered.append((self.moment(day), tp, self.pick_customer()))
        answers.sort(key=lambda a: a[0])
        # (sent, position in answers or -1, touchpoint, customer)
        deliveries = [(t - self.answer_lag(), i, tp, c) for i, (t, tp, c, _d) in enumerate(answers)]
        deliveries += [(t, -1, tp, c) for t, tp, c in unanswered]
        deliveries.sort(key=lambda d: d[0])
        rows = {table: [] for table, _columns in TABLES}
        invitation_of = [0] * len(answers)
        for sent, i, tp, customer in deliveries:
            answered = answers[i][0] if i >= 0 else None
            invitation_id = self.delivery(rows, sent, tps[tp], customer, answered)
            if i >= 0:
                invitation_of[i] = invitation_id
        for i, (t, tp, customer, day) in enumerate(answers):
            self.answer(rows, t, tps[tp], customer, invitation_of[i], day.quality[tp])
        return rows

    def delivery(self, rows, sent: int, tp: dict, customer: int, answered: int | None) -> int:
        """A touchpoint event and its delivered invitation; returns the invitation's id.
        The hottest function here: timestamps are formatted inline."""
        rnd, days, times = self.rng.random, self.clock.days, self.clock.times
        day0 = self.clock.day0
        invitation_id = next(self.ids["invitations"])
        send_at = sent - int(rnd() * 120)
        occurred = send_at - tp["delay"]
        created = occurred + 5 + int(rnd() * 600)
        created = days[created // DAY - day0] + times[created % DAY]
        rows["touchpoint_events"].append(
            (
                invitation_id,
                f"{tp['prefix']}-{invitation_id:09d}",
                tp["id"],
                customer,
                days[occurred // DAY - day0] + times[occurred % DAY],
                "{}",
                "api",
                None,
                created,
            )
        )
        sent_day, sent_time = divmod(sent, DAY)
        expires = sent + LINK_DAYS * DAY
        rows["invitations"].append(
            (
                invitation_id,
                customer,
                invitation_id,
                tp["survey_id"],
                "answered" if answered else "expired" if expires <= self.now else "sent",
                days[send_at // DAY - day0] + times[send_at % DAY],
                days[sent_day - day0] + times[sent_time],
                self.reminder(sent, answered),
                days[sent_day + LINK_DAYS - day0] + times[sent_time],
                "zh" if self.locale[customer - 1] else "en",
                created,
                self.clock.day(sent),
            )
        )
        return invitation_id

    def answer(self, rows, t: int, tp: dict, customer: int, invitation_id: int, q: float):
        kind, zh, tier = tp["kind"], self.locale[customer - 1], self.tier[customer - 1]
        score = self.score(kind, q + TIER_QUALITY[tier] - 0.02 * zh)
        locale = "zh" if zh else "en"
        response_id, tags = self.response(
            rows, t, tp["survey_id"], tp["id"], kind, customer, invitation_id, score, locale
        )
        sentiment = tags[2] if tags else None
        decision = self.decide(kind, score, sentiment, TIERS[tier])
        if decision is None or self.rng.random() >= ROUTED_SHARE:
            return
        case_id, until = self.busy.get(customer, (0, 0))
        if until > t:
            rows["case_responses"].append((case_id, response_id, self.clock.stamp(t)))
            self.case_event(
                rows, case_id, t, None, "attached", after=decision.priority.value,
                detail=decision.rule.name, response_id=response_id,
            )  # fmt: skip
            self.counts["answers attached to an open case"] += 1
            return
        self.case(rows, t, tp, customer, locale, response_id, decision)

    def response(self, rows, t, survey_id, tp_id, kind, customer, invitation_id, score, locale):
        """An answer row with its comment and topics; returns (id, tags or None)."""
        response_id = next(self.ids["responses"])
        mood = scoring.mood(kind, score)
        comment = tags = None
        if self.rng.random() < COMMENT_SHARE[mood]:
            comment = self.comments.pick(self.rng, locale, mood)
            tags = self.comments.tags(comment)
            for topic_id in tags[3]:
                rows["response_topics"].append((response_id, topic_id))
        tier = TIERS[self.tier[customer - 1]]
        rows["responses"].append(
            (response_id, invitation_id, survey_id, customer, kind, score, comment, locale)
            + (self.clock.stamp(t),)
            + (tags[:3] if tags else (None, None, None))
            + (self.ref.taxonomy_version, tp_id, tier, self.clock.day(t))
            + (self.clock.stamp(t) if comment else None,)
        )
        return response_id, tags

    def decide(self, kind: str, score: int, sentiment: str | None, tier: str):
        """The product's routing decision (rules, top tier), cached by what it reads."""
        key = (kind, score, sentiment, tier)
        if key not in self.decisions:
            from feedback.complaints.routing import decide
            from feedback.surveys.models import SentimentLabel, SurveyKind

            label = SentimentLabel(sentiment) if sentiment else None
            rules = [
                rule
                for rule in self.ref.config.rules
                if rule.matches_answer(SurveyKind(kind), score, label, frozenset())
            ]
            # the score's rules at once, the comment's in the worker: the case ends as one
            self.decisions[key] = decide(self.ref.config, rules, tier)
        return self.decisions[key]

    def case_event(self, rows, case_id, at, actor, kind, before=None, after=None, **more):
        rows["case_events"].append(
            (next(self.ids["case_events"]), case_id, self.clock.stamp(at), actor, kind)
            + (before, after, more.get("body"), more.get("detail"), more.get("response_id"))
        )

    def case(self, rows, opened, tp, customer, locale, response_id, decision) -> None:
        """A case through its life up to now: deadlines, first response, resolution,
        follow-up, closing. Only recent cases are still in the queue."""
        rnd, biz, now, stamp = self.rng.random, self.business, self.now, self.clock.stamp
        case_id = next(self.ids["cases"])
        priority = decision.priority.value
        first_target, resolution_target = (
            m * 60 for m in self.ref.config.targets[decision.priority]
        )
        due = biz.add(opened, first_target)
        warn = biz.add(opened, first_target * 0.8)
        owner_id, owner_name = self.ref.agents[bisect(self.agent_weights, rnd())]
        claimed = biz.add(opened, first_target * (0.02 + 0.4 * rnd()))
        roll = rnd()
        if opened > now - 2 * DAY and roll < 0.1:
            responded = FOREVER  # nobody has got to it yet
        elif roll < 0.85:
            responded = biz.add(opened, first_target * (0.1 + 0.87 * rnd()))
        elif roll < 0.97:
            responded = biz.add(opened, first_target * (1.02 + min(self.rng.expovariate(2), 2)))
        else:
            responded = biz.add(opened, first_target * (3 + 3 * rnd()))
        # the queue only holds the last two weeks: later than this, every case got its
        # answer (8 days) and its resolution (11), also across the October holidays
        responded = min(responded, opened + 7 * DAY + int(rnd() * DAY))
        resolved = biz.add(responded, resolution_target * min(self.rng.expovariate(3), 1.5))
        resolved = max(min(resolved, opened + 10 * DAY + int(rnd() * DAY)), responded + 600)
        code = self.rng.choices(RESOLUTIONS, [w for _c, w in RESOLUTIONS])[0][0]
        resolution_due = biz.add(opened, resolution_target)
        paused, followup_id = 0, None
        # (at, actor, kind, before, after, body, detail, response id), in time order later
        timeline = []

        def event(at, actor, kind, before=None, after=None, body=None, detail=None, link=None):
            timeline.append((at, actor, kind, before, after, body, detail, link))

        detail = decision.rule.name + (" (top tier: raised)" if decision.top_tier else "")
        event(opened, None, "opened", after=priority, detail=detail, link=response_id)
        rows["case_responses"].append((case_id, response_id, stamp(opened)))
        if claimed <= now and claimed < responded:
            event(claimed, owner_id, "claimed", after=owner_name)
            event(claimed, owner_id, "status", "new", "open")
        elif responded <= now:  # whoever answers the customer takes the case
            event(responded, owner_id, "status", "new", "open")
            event(responded, owner_id, "assigned", after=owner_name)
        warned = warn + SWEEP_LAG
        warned = warned if warned <= min(responded, now) and warned < due else None
        if warned:
            event(warned, None, "warned", after=owner_name)
        breached = due if responded > due and due <= now else None
        escalated = due + SWEEP_LAG if breached and due + SWEEP_LAG < responded else None
        if escalated is not None and escalated <= now:
            event(due, None, "breached", detail="first_response")
            event(escalated, None, "escalated", after=self.manager_names, detail="first_response")
        else:
            escalated = None
        if responded <= now:
            subject, body = self.ref.templates[locale]
            name = "" if locale == "zh" else "customer"
            body, subject = body.format(name=name, case=case_id), subject.format(case=case_id)
            event(responded, owner_id, "reply", body=body, detail=subject)
            late = "late" if responded > due else "on time"
            event(responded, owner_id, "first_response", after=late)
        if resolved <= now:
            event(resolved, owner_id, "status", "open", "resolved", detail=code)
            followup_id, answer = self.followup(rows, event, case_id, customer, owner_id, resolved)
            if answer is not None and answer[1] <= 2:
                # an unhappy follow-up reopens the case, and an agent resolves it again
                reopened, score = answer
                body = f"Follow-up answer {score}/5: not satisfied"
                event(reopened, None, "status", "resolved", "open", body=body)
                paused = biz.between(resolved, reopened)
                resolution_due = biz.add(opened, resolution_target + paused)
                resolved = biz.add(reopened, resolution_target * min(self.rng.expovariate(3), 1))
                resolved = min(resolved, reopened + DAY + int(rnd() * DAY / 2))
                if resolved <= now:
                    event(resolved, owner_id, "status", "open", "resolved", detail=code)
                    followup_id = self.followup(
                        rows, event, case_id, customer, owner_id, resolved, repeat=2
                    )[0]
        status, closed, pending = "resolved", None, None
        if resolved <= now:
            if resolved + CLOSE_DAYS * DAY + SWEEP_LAG <= now:
                status, closed = "closed", resolved + CLOSE_DAYS * DAY + SWEEP_LAG
                event(closed, None, "status", "resolved", "closed")
            self.busy[customer] = (case_id, resolved)
        else:
            self.busy[customer] = (case_id, FOREVER)
            code = None
            if responded <= now:
                status = "open"
                if rnd() < 0.25:
                    status, pending = "pending", responded + int((now - responded) * rnd())
                    event(pending, owner_id, "status", "open", "pending")
                    resolution_due = None
            elif claimed <= now:
                status = "open"
            else:
                status, owner_id = "new", None
        resolution_breached = None
        if resolution_due is not None and resolution_due + SWEEP_LAG <= min(resolved, now):
            resolution_breached = resolution_due
        updated = min(now, max(t for t in (closed, resolved, responded, claimed) if t))
        self.counts[f"cases {status}"] += 1
        rows["cases"].append(
            (case_id, customer, status, priority, owner_id, decision.rule.id, tp["id"])
            + (stamp(opened), stamp(due), stamp(warn), stamp(_past(responded, now)))
            + (stamp(warned), stamp(breached), stamp(escalated), stamp(resolution_due))
            + (stamp(resolution_breached), float(paused), stamp(pending))
            + (stamp(_past(resolved, now)), code, stamp(closed), followup_id, stamp(updated))
            + (self.clock.day(opened), TIERS[self.tier[customer - 1]] or "")
        )
        timeline.sort(key=lambda e: e[0])
        for at, *rest in timeline:
            rows["case_events"].append((next(self.ids["case_events"]), case_id, stamp(at), *rest))

    def followup(self, rows, event, case_id, customer, owner_id, resolved, repeat=1):
        """The follow-up CSAT sent on resolving (only the first one may be answered here);
        returns its invitation id and the answer as (answered at, score), or None."""
        rnd, stamp, now, ref = self.rng.random, self.clock.stamp, self.now, self.ref
        sent = resolved + 20 + int(rnd() * 100)
        if sent > now:
            return None, None  # the worker has not sent it yet
        invitation_id = next(self.ids["invitations"])
        rows["touchpoint_events"].append(
            (invitation_id, f"case-{case_id}-resolved-{repeat}", ref.followup_touchpoint_id)
            + (customer, stamp(resolved), f'{{"case_id": {case_id}}}', "staff", owner_id)
            + (stamp(resolved),)
        )
        event(resolved, owner_id, "followup_sent", after=str(invitation_id))
        answer = None
        answered_at = sent + 60 + min(int(self.rng.expovariate(1 / 36000)), 2 * DAY)
        if repeat == 1 and rnd() < FOLLOWUP_ANSWERED and answered_at <= now:
            answer = (answered_at, bisect(_FOLLOWUP_SCORES, rnd()) + 1)
        expires = sent + LINK_DAYS * DAY
        status = "answered" if answer else "expired" if expires <= now else "sent"
        locale = "zh" if self.locale[customer - 1] else "en"
        rows["invitations"].append(
            (invitation_id, customer, invitation_id, ref.followup_survey_id, status)
            + (stamp(resolved), stamp(sent), self.reminder(sent, answer and answer[0]))
            + (stamp(expires), locale, stamp(resolved), self.clock.day(sent))
        )
        if answer:
            response_id, _tags = self.response(
                rows, answered_at, ref.followup_survey_id, ref.followup_touchpoint_id, "csat",
                customer, invitation_id, answer[1], locale,
            )  # fmt: skip
            event(answered_at, None, "followup_answered", after=str(answer[1]), link=response_id)
            self.counts["follow-up answers"] += 1
        return invitation_id, answer

    def reminder(self, sent: int, answered: int | None) -> str | None:
        """The one reminder goes out REMINDER_DAYS after the email, if still unanswered."""
        at = sent + REMINDER_DAYS * DAY + 30
        if at > self.now or (answered is not None and answered <= at):
            return None
        return self.clock.stamp(at)


#: follow-up CSAT, cumulative shares of 1 .. 5
_FOLLOWUP_SCORES = _cumulative((0.06, 0.08, 0.14, 0.30, 0.42))


def _past(t: int, now: int) -> int | None:
    return t if t <= now else None


# --- the run --------------------------------------------------------------------------


def generate(
    database_url: str,
    responses: int,
    *,
    seed: int = 2026,
    now: datetime | None = None,
    report_timezone: str = "Asia/Shanghai",
    progress=print,
    chunk: int = CHUNK,
    bulk: bool = False,
) -> dict:
    """Fill a freshly migrated, empty database (schema built by the app's migrations) with
    `responses` answers over the two years before `now`. Returns counts of what was written.

    With ``bulk`` the load goes around the triggers, foreign keys and non-unique indexes
    and then puts them back and refills the summary tables with the product's
    rollups.refill: the same rows, several times faster on PostgreSQL."""
    from feedback.extensions import db

    started = time.perf_counter()
    now = now or datetime.now(UTC)
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    app = _app(database_url, report_timezone)
    with app.app_context():
        ref = _reference(now - timedelta(days=WINDOW_DAYS + 60))
        db.session.remove()
        db.engine.dispose()
    generator = Generator(ref, responses, seed, int(now.timestamp()), report_timezone)
    url = _sqlalchemy_url(database_url)
    if url.startswith("sqlite"):
        from sqlalchemy import make_url

        sink: SqliteSink | PostgresSink = SqliteSink(make_url(url).database)
    else:
        sink = PostgresSink(url)
    progress(f"reference data and setup: {time.perf_counter() - started:.1f}s")
    tables = ["customers"] + [table for table, _columns in TABLES]
    if bulk:
        sink.timed("(suspend)", lambda: sink.suspend(tables))
    # On PostgreSQL rows are made in a thread of their own while the server stores the
    # chunk before. Not on SQLite: its writer needs the GIL for every row, and the two
    # threads handing it over cost more than they overlap (48s alone, 67s together).
    chunks = generator.chunks(chunk)
    if isinstance(sink, PostgresSink):
        chunks = _ahead(chunks)
    try:
        for done, rows in chunks:
            for table, columns in (("customers", CUSTOMER_COLUMNS), *TABLES):
                sink.write(table, columns, rows.get(table, ()))
            sink.commit()
            if done:
                elapsed = time.perf_counter() - started
                progress(f"  {done:>10,} / {responses:,} answers  {elapsed:6.1f}s")
    finally:
        if bulk:
            sink.timed("(restore)", sink.restore)
    if bulk:
        sink.timed("(refill summaries)", lambda: _refill(url))
    sink.finish()
    total = time.perf_counter() - started
    progress(f"{'table':<22}{'rows':>12}{'seconds':>10}")
    for table, seconds in sorted(sink.seconds.items(), key=lambda item: -item[1]):
        progress(f"{table:<22}{sink.rows.get(table, 0):>12,}{seconds:>10.1f}")
    analysed = generator.comments.analysed_seconds
    progress(
        f"{'(python rows)':<26}{generator.seconds - analysed:>18.1f}\n"
        f"{'(analysis)':<22}{len(generator.comments.cache):>12,}{analysed:>10.1f}\n"
        f"{'total':<22}{'':>12}{total:>10.1f}"
    )
    return {
        **{table: sink.rows[table] for table in sink.rows},
        **generator.counts,
        "distinct comments": len(generator.comments.cache),
        "seconds": round(total, 1),
    }


def _ahead(items: Iterator) -> Iterator:
    """The items of ``items``, the next one made in a thread while this one is used."""
    ready: queue.Queue = queue.Queue(maxsize=1)
    end = object()

    def make() -> None:
        try:
            for item in items:
                ready.put(item)
            ready.put(end)
        except BaseException as error:  # raised again in the reader
            ready.put(error)

    threading.Thread(target=make, daemon=True).start()
    while (item := ready.get()) is not end:
        if isinstance(item, BaseException):
            raise item
        yield item


def _refill(url: str) -> None:
    from sqlalchemy import create_engine

    from feedback.dashboard import rollups

    engine = create_engine(url)
    with engine.begin() as connection:
        rollups.refill(connection)
    engine.dispose()


def check(database_url: str, progress=print) -> bool:
    """Counts per table, one raw GROUP BY against the same from the summary table, and
    whether what the triggers kept matches the product's own recount (rollups.refill,
    run in a transaction that is rolled back)."""
    from sqlalchemy import create_engine, inspect, text

    from feedback.dashboard import rollups

    engine = create_engine(_sqlalchemy_url(database_url))
    ok = True
    with engine.connect() as conn:
        names = set(inspect(conn).get_table_names())
        summaries = sorted(name for name in names if name.endswith("_days"))
        for table in [t for t, _columns in (("customers", ()), *TABLES)] + summaries:
            count = conn.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar()  # noqa: S608
            progress(f"{table:<22}{count:>12,}")

        def timed(sql):
            best, rows = None, None
            for _ in range(3):
                mark = time.perf_counter()
                rows = conn.execute(text(sql)).all()
                elapsed = time.perf_counter() - mark
                best = elapsed if best is None else min(best, elapsed)
            return best, rows

        raw_seconds, raw = timed(
            "SELECT survey_id, score, COUNT(*) FROM responses GROUP BY survey_id, score"
        )
        scores = ", ".join(f"SUM(s{s})" for s in range(11))
        summary_seconds, summary = timed(
            f"SELECT survey_id, {scores} FROM score_days GROUP BY survey_id"  # noqa: S608
        )
        progress(
            f"GROUP BY survey, score: raw responses {raw_seconds * 1000:.1f} ms,"
            f" score_days {summary_seconds * 1000:.1f} ms (best of 3)"
        )
        unpivoted = {(r[0], s): r[1 + s] for r in summary for s in range(11) if r[1 + s]}
        if unpivoted != {(r[0], r[1]): r[2] for r in raw}:
            progress("MISMATCH: score_days counts per survey and score differ from responses")
            ok = False
        conn.commit()

        mark = time.perf_counter()
        kept = {table: _rows(conn, table) for table in summaries}
        conn.commit()
        recount = conn.begin()
        try:
            rollups.refill(conn)
            recounted = {table: _rows(conn, table) for table in summaries}
        finally:
            recount.rollback()
        for table in summaries:
            if kept[table] != recounted[table]:
                differ = len(kept[table] - recounted[table]) + len(recounted[table] - kept[table])
                progress(f"MISMATCH: {table} differs from rollups.refill in {differ} rows")
                ok = False
        doubled = conn.execute(
            text(
                "SELECT COUNT(*) FROM (SELECT customer_id FROM cases WHERE status IN"
                " ('new', 'open', 'pending') GROUP BY customer_id HAVING COUNT(*) > 1) d"
            )
        ).scalar()
        if doubled:
            progress(f"MISMATCH: {doubled} customers with two cases in the queue")
            ok = False
        if conn.dialect.name == "sqlite":
            broken = conn.execute(text("PRAGMA foreign_key_check")).all()
            if broken:
                progress(f"MISMATCH: {len(broken)} rows break a foreign key")
                ok = False
        conn.commit()
        progress(
            f"{', '.join(summaries)} against rollups.refill: {'match' if ok else 'DIFFER'}"
            f" ({time.perf_counter() - mark:.1f}s)"
        )
        _story(conn, progress)
    engine.dispose()
    return ok


def _rows(conn, table: str) -> Counter:
    """A summary table's rows, comparable across drivers."""
    from sqlalchemy import text

    rows = conn.execute(text(f"SELECT * FROM {table}"))  # noqa: S608
    return Counter(tuple(_plain(v) for v in row) for row in rows)


def _plain(value):
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if hasattr(value, "value"):  # an enum
        return value.value
    return value


def _story(conn, progress) -> None:
    """A few figures to show the data has shape: NPS by half year, rate, case states."""
    from sqlalchemy import text

    rows = conn.execute(
        text(
            "SELECT substr(CAST(report_day AS TEXT), 1, 4) || CASE WHEN"
            " substr(CAST(report_day AS TEXT), 6, 2) <= '06' THEN 'H1' ELSE 'H2' END AS half,"
            " t.key, SUM(CASE WHEN score >= 9 THEN 1 ELSE 0 END),"
            " SUM(CASE WHEN score <= 6 THEN 1 ELSE 0 END), COUNT(*)"
            " FROM responses r JOIN touchpoint_types t ON t.id = r.touchpoint_type_id"
            " WHERE r.kind = 'nps' GROUP BY half, t.key ORDER BY half, t.key"
        )
    ).all()
    by_half: dict[str, list[str]] = {}
    for half, key, promoters, detractors, n in rows:
        by_half.setdefault(half, []).append(f"{key} {100 * (promoters - detractors) / n:+.0f}")
    for half, parts in by_half.items():
        progress(f"NPS {half}: " + ", ".join(parts))
    delivered, answered = conn.execute(
        text(
            "SELECT SUM(delivered), SUM(answered) FROM invitation_days d"
            " JOIN touchpoint_types t ON t.id = d.touchpoint_type_id"
            " WHERE t.key <> 'complaint_resolved'"
        )
    ).one()
    progress(f"response rate: {100 * answered / max(delivered, 1):.1f}% of {delivered:,} delivered")
    states = conn.execute(text("SELECT status, COUNT(*) FROM cases GROUP BY status")).all()
    progress("cases: " + ", ".join(f"{status} {n:,}" for status, n in sorted(states)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--responses", type=int, default=1_000_000)
    parser.add_argument("--database", default="sqlite:////tmp/dash_1m.db")
    parser.add_argument("--fresh", action="store_true", help="start from an empty, migrated db")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--now", help="the end of the two years (ISO time, default now)")
    parser.add_argument("--report-timezone", default="Asia/Shanghai")
    parser.add_argument("--chunk", type=int, default=CHUNK, help="answers made at a time")
    parser.add_argument(
        "--bulk",
        action="store_true",
        help="load around triggers, foreign keys and indexes, then refill the summaries",
    )
    parser.add_argument("--no-check", action="store_true")
    args = parser.parse_args()
    now = datetime.fromisoformat(args.now) if args.now else None
    if args.fresh:
        mark = time.perf_counter()
        migrate_fresh(args.database, args.report_timezone)
        print(f"fresh schema by the migrations: {time.perf_counter() - mark:.1f}s")
    counts = generate(
        args.database,
        args.responses,
        seed=args.seed,
        now=now,
        report_timezone=args.report_timezone,
        chunk=args.chunk,
        bulk=args.bulk,
    )
    print(", ".join(f"{name} {value:,}" for name, value in counts.items()))
    if args.bulk:
        print("(--bulk refilled the summary tables: the recount checks the load, not triggers)")
    if not args.no_check and not check(args.database):
        sys.exit(1)


if __name__ == "__main__":
    main()
