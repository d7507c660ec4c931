"""Retention: how long each kind of personal data is kept, and the worker's job that
anonymises what is older.

Off by default: a setting of None keeps that kind for ever. The job ("retention", hourly)
finds the records older than "now" (``timeutil.utcnow``, which tests move) less the
setting's months, and hands their ids, 500 at a time, to the erasure's primitives
(feedback.customers.anonymise), committing each batch. The admin page's preview counts with
the same conditions the job selects with, so what it says is what the next run does.

Retention is not an erasure request: it anonymises by age, records no audit entry (nobody
looks at the data) and keeps no tombstone.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from dateutil.relativedelta import relativedelta
from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, exists, func, or_, select, union_all, update
from sqlalchemy.exc import IntegrityError

from feedback.complaints.inbound_models import InboundMessage
from feedback.complaints.models import Case, CaseEvent
from feedback.customers import anonymise
from feedback.customers.models import ConsentEvent, Customer, RetentionSettings
from feedback.extensions import db
from feedback.outbox.models import OutboxMessage, OutboxStatus
from feedback.surveys.models import Response, TouchpointEvent
from feedback.timeutil import utcnow

log = logging.getLogger("feedback.retention")

_SETTINGS_ID = 1
#: the four settings, in the order the page shows them
KINDS = ("comments", "contacts", "inbound", "outbox")
#: the longest a setting may be: 20 years
MAX_MONTHS = 240
#: ids handed to a primitive at once; each batch is a transaction of its own
BATCH = 500
#: a run claimed less than this long ago is not run again (several workers, one run)
RUN_EVERY = timedelta(minutes=55)


@dataclass(frozen=True)
class Target:
    """One sort of record a setting anonymises, and how to find those due."""

    #: "comments", "case_texts", "contacts", "inbound" or "outbox"
    key: str
    #: the setting (one of KINDS) that governs it
    kind: str
    #: (id column, its date, the conditions of a record due) for a cutoff
    due: Callable[[datetime], tuple[ColumnElement, ColumnElement, list[ColumnElement]]]
    #: the erasure's primitive: ids in, records changed out
    erase: Callable[[list[int]], int]


def _comments(cutoff: datetime):
    written = func.coalesce(Response.comment_updated_at, Response.answered_at)
    return (
        Response.id,
        written,
        [
            Response.comment_erased_at.is_(None),
            Response.comment.is_not(None),
            Response.comment != "",
            written < cutoff,
        ],
    )


def _case_texts(cutoff: datetime):
    # the lines erase_case_texts would change (what people wrote or said), else the
    # preview would count and every run offer again lines it leaves as they are
    return (
        CaseEvent.id,
        CaseEvent.at,
        [
            CaseEvent.kind.in_(anonymise.TEXT_KINDS),
            or_(
                CaseEvent.body != "",
                (CaseEvent.detail != "") & CaseEvent.kind.in_(anonymise.SUBJECT_KINDS),
            ),
            CaseEvent.at < cutoff,
        ],
    )


def _activity_since(cutoff: datetime) -> list[ColumnElement]:
    """Conditions: the customer did nothing since ``cutoff`` (no touchpoint, answer, case
    event nor consent change) and has been known to us since before it."""
    customer = Customer.id
    return [
        Customer.created_at < cutoff,
        ~exists().where(
            TouchpointEvent.customer_id == customer, TouchpointEvent.occurred_at >= cutoff
        ),
        ~exists().where(Response.customer_id == customer, Response.answered_at >= cutoff),
        ~exists(
            select(CaseEvent.id)
            .join(Case, CaseEvent.case_id == Case.id)
            .where(Case.customer_id == customer, CaseEvent.at >= cutoff)
        ),
        ~exists().where(ConsentEvent.customer_id == customer, ConsentEvent.at >= cutoff),
    ]


def _contacts(cutoff: datetime):
    return (
        Customer.id,
        Customer.created_at,
        [Customer.erased_at.is_(None), *_activity_since(cutoff)],
    )


def _inbound(cutoff: datetime):
    return (
        InboundMessage.id,
        InboundMessage.received_at,
        [
            InboundMessage.received_at < cutoff,
            or_(
                func.length(InboundMessage.raw) > 0,
                InboundMessage.from_address != "",
                InboundMessage.subject != "",
                InboundMessage.body_text != "",
            ),
        ],
    )


def _outbox(cutoff: datetime):
    # only mail that was sent: a waiting one still has to go out, and a failed one may be
    # sent again from the outbox page
    return (
        OutboxMessage.id,
        OutboxMessage.sent_at,
        [
            OutboxMessage.status == OutboxStatus.SENT,
            OutboxMessage.sent_at < cutoff,
            or_(
                OutboxMessage.to_address != "",
                OutboxMessage.subject != "",
                OutboxMessage.body_text != "",
                OutboxMessage.body_html.is_not(None),
            ),
        ],
    )


TARGETS = (
    Target("comments", "comments", _comments, anonymise.erase_comments),
    Target("case_texts", "comments", _case_texts, anonymise.erase_case_texts),
    Target("contacts", "contacts", _contacts, anonymise.erase_contacts),
    Target("inbound", "inbound", _inbound, anonymise.erase_inbound),
    Target("outbox", "outbox", _outbox, anonymise.erase_outbox),
)

#: what each target is, for people
TARGET_LABELS = {
    "comments": _l("Comments of answers"),
    "case_texts": _l("Texts of case conversations"),
    "contacts": _l("Contact details of customers"),
    "inbound": _l("Inbound emails"),
    "outbox": _l("Sent emails"),
}


# --- the settings ----------------------------------------------------------------------


def current_settings() -> RetentionSettings | None:
    """The settings row, or None while nobody saved one (everything kept for ever)."""
    return db.session.get(RetentionSettings, _SETTINGS_ID)


def months_of(settings: RetentionSettings | None) -> dict[str, int | None]:
    """Each kind's months (None: kept for ever)."""
    return {kind: getattr(settings, f"{kind}_months") if settings else None for kind in KINDS}


def save_settings(months: dict[str, int | None], user_id: int | None) -> RetentionSettings:
    """Store the months of each kind (None keeps it for ever); the caller commits."""
    settings = current_settings()
    if settings is None:
        try:
            with db.session.begin_nested():
                db.session.add(RetentionSettings(id=_SETTINGS_ID))
        except IntegrityError:  # another admin's first save made it a moment ago
            pass
        settings = current_settings()
    for kind in KINDS:
        setattr(settings, f"{kind}_months", months.get(kind))
    settings.updated_by_id = user_id
    db.session.flush()
    return settings


def cutoff(now: datetime, months: int) -> datetime:
    """``now`` less ``months`` calendar months (31 March less one month: 28 or 29
    February, dateutil's relativedelta)."""
    return now - relativedelta(months=months)


# --- what the policy touches ------------------------------------------------------------


@dataclass(frozen=True)
class Due:
    """What a run would anonymise now of one target."""

    key: str
    kind: str
    months: int
    cutoff: datetime
    count: int
    #: the oldest record's date (for contacts: the longest-quiet customer's last activity)
    oldest: datetime | None


def preview(now: datetime | None = None) -> list[Due]:
    """For each target whose kind has a setting: how many records are due and the oldest."""
    now = now or utcnow()
    months = months_of(current_settings())
    found = []
    for target in TARGETS:
        if months[target.kind] is None:
            continue
        limit = cutoff(now, months[target.kind])
        id_column, date, conditions = target.due(limit)
        count = db.session.scalar(select(func.count(id_column)).where(*conditions))
        if target.key == "contacts":
            oldest = _quietest(select(id_column).where(*conditions)) if count else None
        else:
            oldest = db.session.scalar(select(func.min(date)).where(*conditions))
        found.append(Due(target.key, target.kind, months[target.kind], limit, count, oldest))
    return found


def _quietest(customer_ids) -> datetime | None:
    """The earliest last activity among these customers (their last touchpoint, answer,
    case event or consent change, or when they were first known)."""
    activity = union_all(
        select(Customer.id.label("customer_id"), Customer.created_at.label("at")),
        select(TouchpointEvent.customer_id, TouchpointEvent.occurred_at),
        select(Response.customer_id, Response.answered_at),
        select(Case.customer_id, CaseEvent.at).join(Case, CaseEvent.case_id == Case.id),
        select(ConsentEvent.customer_id, ConsentEvent.at),
    ).subquery()
    last = (
        select(func.max(activity.c.at).label("at"))
        .where(activity.c.customer_id.in_(customer_ids))
        .group_by(activity.c.customer_id)
        .subquery()
    )
    return db.session.scalar(select(func.min(last.c.at)).select_from(last))


# --- the worker's job -------------------------------------------------------------------


def apply_retention(worker: str = "", stop: threading.Event | None = None) -> int:
    """The hourly job: anonymise every record older than its kind's setting, in batches;
    returns how many records it changed. One worker of many runs it (claimed in the
    settings row); it stops soon after ``stop`` is set."""
    stop = stop or threading.Event()
    settings = current_settings()
    months = months_of(settings)
    if all(value is None for value in months.values()):
        return 0
    db.session.commit()  # the claim starts a transaction of its own (SQLite's snapshot)
    now = utcnow()
    table = RetentionSettings.__table__
    claimed = db.session.execute(
        update(table)
        .where(
            table.c.id == _SETTINGS_ID,
            or_(table.c.last_run_at.is_(None), table.c.last_run_at <= now - RUN_EVERY),
        )
        .values(last_run_at=now)
    ).rowcount
    db.session.commit()
    if not claimed:
        return 0
    counts = {
        target.key: _apply(target, cutoff(now, months[target.kind]), stop)
        for target in TARGETS
        if months[target.kind] is not None
    }
    done = sum(counts.values())
    values = {"last_run_count": done}
    if stop.is_set():  # cut short: the next worker starts again rather than in an hour
        values["last_run_at"] = None
    db.session.execute(update(table).where(table.c.id == _SETTINGS_ID).values(**values))
    db.session.commit()
    log.info(
        "retention.applied %s",
        " ".join(f"{key}={count}" for key, count in counts.items()),
    )
    return done


def _apply(target: Target, limit: datetime, stop: threading.Event) -> int:
    """Anonymise ``target``'s records older than ``limit``, a batch a transaction."""
    id_column, _date, conditions = target.due(limit)
    done, after = 0, 0
    while not stop.is_set():
        # by id, from where the last batch ended: a record is offered once per run,
        # even one the primitive leaves as it was
        ids = list(
            db.session.scalars(
                select(id_column)
                .where(*conditions, id_column > after)
                .order_by(id_column)
                .limit(BATCH)
            )
        )
        if not ids:
            break
        done += target.erase(ids)
        db.session.commit()
        after = ids[-1]
    return done
