"""Tagging comments with feedback.analysis, and keeping tags in step with the taxonomy.

The worker tags each new or changed comment (tag_comment, a reaction to AnswerRecorded and
CommentChanged) and announces CommentTagged. Add and flush; the caller commits.

The compiled taxonomy is cached per process; it is checked against
analysis_state.taxonomy_version at most every VERSION_CHECK_SECONDS, so every worker
follows a manager's edit within seconds, and the retag job catches any answer tagged in
between.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import bindparam, delete, func, insert, literal, or_, select, update

from feedback import events
from feedback.analysis import Analysis, Taxonomy, TopicSpec, analyze
from feedback.analysis.topics import split_keywords
from feedback.extensions import db
from feedback.surveys.models import Response, SentimentLabel
from feedback.tagging.models import AnalysisState, ResponseTopic, Topic
from feedback.timeutil import utcnow

VERSION_CHECK_SECONDS = 2.0
RETAG_BATCH = 500
_STATE_ID = 1


@dataclass
class _Cached:
    taxonomy: Taxonomy
    topic_ids: dict[str, int]
    checked_at: float


def taxonomy_version() -> int:
    version = db.session.scalar(
        select(AnalysisState.taxonomy_version).where(AnalysisState.id == _STATE_ID)
    )
    return version or 1


def bump_taxonomy_version() -> int:
    """In the transaction that changes the topics, so the change and the version land
    together."""
    state = db.session.get(AnalysisState, _STATE_ID, with_for_update=True)
    if state is None:
        state = AnalysisState(id=_STATE_ID, taxonomy_version=1)
        db.session.add(state)
    state.taxonomy_version = (state.taxonomy_version or 1) + 1
    db.session.flush()
    invalidate()
    return state.taxonomy_version


def invalidate() -> None:
    current_app.extensions.pop("tagging.taxonomy", None)


def _load(version: int) -> _Cached:
    topics = db.session.scalars(
        select(Topic).where(Topic.active.is_(True)).order_by(Topic.key)
    ).all()
    specs = [
        TopicSpec(t.key, tuple(split_keywords(t.keywords_en)), tuple(split_keywords(t.keywords_zh)))
        for t in topics
    ]
    return _Cached(
        Taxonomy.compile(specs, version), {t.key: t.id for t in topics}, time.monotonic()
    )


def current_taxonomy() -> tuple[Taxonomy, dict[str, int]]:
    """The compiled active topics and their ids by key."""
    cached: _Cached | None = current_app.extensions.get("tagging.taxonomy")
    now = time.monotonic()
    if cached is not None and now - cached.checked_at < VERSION_CHECK_SECONDS:
        return cached.taxonomy, cached.topic_ids
    version = taxonomy_version()
    if cached is not None and cached.taxonomy.version == version:
        cached.checked_at = now
        return cached.taxonomy, cached.topic_ids
    # Two threads may both load it; the last one's copy stays, and both are right.
    cached = _load(version)
    current_app.extensions["tagging.taxonomy"] = cached
    return cached.taxonomy, cached.topic_ids


def tags_for(comment: str | None) -> tuple[dict, list[int]]:
    """Column values for a response with this comment, and the ids of its topics."""
    taxonomy, topic_ids = current_taxonomy()
    if not comment:
        return _columns(None, taxonomy.version), []
    found = analyze(comment, taxonomy)
    return _columns(found, taxonomy.version), [topic_ids[key] for key in found.topics]


def _columns(found: Analysis | None, version: int) -> dict:
    if found is None:
        return {"language": None, "polarity": None, "sentiment": None, "tagged_version": version}
    return {
        "language": found.language,
        "polarity": found.polarity,
        "sentiment": SentimentLabel(found.label),
        "tagged_version": version,
    }


_INSERT_TOPIC = insert(ResponseTopic.__table__)


def add_topics(response_id: int, topic_ids: list[int]) -> None:
    """Link the topics that still exist: another process may have deleted one within the
    cache's few seconds, and that must not cost the customer their answer."""
    if topic_ids:
        db.session.execute(
            insert(ResponseTopic).from_select(
                ["response_id", "topic_id"],
                select(literal(response_id), Topic.id).where(Topic.id.in_(topic_ids)),
            )
        )


def tag_response(response: Response) -> None:
    """Tag (again) one response, e.g. after its comment changed."""
    columns, topic_ids = tags_for(response.comment)
    for name, value in columns.items():
        setattr(response, name, value)
    response.tagged_at = utcnow() if response.comment else None
    db.session.flush()
    db.session.execute(delete(ResponseTopic).where(ResponseTopic.response_id == response.id))
    add_topics(response.id, topic_ids)


def forget_tags(event: events.CommentChanged) -> None:
    """At once, when a customer changes their comment: the old comment's language,
    sentiment and topics go with it (the worker tags the new one)."""
    db.session.execute(
        update(Response)
        .where(Response.id == event.response_id)
        .values(language=None, polarity=None, sentiment=None, tagged_at=None)
    )
    db.session.execute(delete(ResponseTopic).where(ResponseTopic.response_id == event.response_id))


def tag_comment(
    event: events.AnswerRecorded | events.AnswerImported | events.CommentChanged,
) -> None:
    """The worker's reaction to a new (or imported) or changed comment: its language,
    sentiment and topics, then CommentTagged (on which the comment rules route it). The row
    is locked: a customer changing the comment meanwhile waits, then has the new one
    tagged."""
    response = db.session.scalar(
        select(Response).where(Response.id == event.response_id).with_for_update()
    )
    if response is None or response.comment_erased_at is not None:
        # erased (by the customer's erasure or retention) before the worker got here: its
        # tags stay as they were, and there is nothing left to tag
        return
    if response.comment is None and not isinstance(event, events.CommentChanged):
        return  # a new answer without a comment: nothing to tag, nothing to take away
    tag_response(response)
    if response.comment is not None:
        events.publish(events.CommentTagged(response_id=response.id))


_UPDATE_TAGS = (
    update(Response.__table__)
    .where(Response.__table__.c.id == bindparam("response_id"))
    .values(
        language=bindparam("language"),
        polarity=bindparam("polarity"),
        sentiment=bindparam("sentiment"),
        tagged_version=bindparam("tagged_version"),
        tagged_at=bindparam("tagged_at"),
    )
)


def retag(
    stale_only: bool = False, batch_size: int = RETAG_BATCH, max_batches: int | None = None
) -> Iterator[int]:
    """Tag stored comments again, a batch at a time, by id: never the whole table in
    memory. Yields the number of responses done after each batch; the caller commits
    there (so a long run holds no lock for long and can be stopped and resumed).

    stale_only: just those tagged with an older taxonomy version (the worker's job after
    a manager edits the topics); otherwise all of them (after an analyzer upgrade).
    """
    taxonomy, topic_ids = current_taxonomy()
    version = taxonomy.version
    responses = Response.__table__
    if stale_only:
        # Answers without a comment only need the new version number.
        db.session.execute(
            update(responses)
            .where(
                responses.c.tagged_version < version,
                or_(responses.c.comment.is_(None), responses.c.comment_erased_at.is_not(None)),
            )
            .values(tagged_version=version)
        )
    tagged = responses.c.tagged_version > 0  # new comments (version 0) are the reaction's
    after, batches = 0, 0
    while max_batches is None or batches < max_batches:
        # Row locks on PostgreSQL: a customer editing a comment meanwhile waits for this
        # batch, then tags the new comment; without them this batch would overwrite the
        # new comment's tags with the old one's.
        # An erased comment keeps the tags it had: tagging "" would take them away and
        # change the figures. On PostgreSQL the lock re-reads the row, so a comment
        # erased while this waited is skipped too.
        query = (
            select(responses.c.id, responses.c.comment)
            .where(responses.c.id > after, responses.c.comment_erased_at.is_(None))
            .order_by(responses.c.id)
            .limit(batch_size)
            .with_for_update()
        )
        if stale_only:
            query = query.where(responses.c.tagged_version < version, tagged)
        rows = db.session.execute(query).all()
        if not rows:
            return
        values, links = [], []
        for response_id, comment in rows:
            found = analyze(comment, taxonomy) if comment else None
            values.append(
                {
                    "response_id": response_id,
                    "tagged_at": utcnow() if comment else None,
                    **_columns(found, version),
                }
            )
            if found is not None:
                links.extend(
                    {"response_id": response_id, "topic_id": topic_ids[k]} for k in found.topics
                )
        ids = [row[0] for row in rows]
        connection = db.session.connection()
        connection.execute(_UPDATE_TAGS, values)
        connection.execute(
            delete(ResponseTopic.__table__).where(ResponseTopic.__table__.c.response_id.in_(ids))
        )
        if links:
            existing = set(
                db.session.scalars(
                    select(Topic.id).where(Topic.id.in_({link["topic_id"] for link in links}))
                )
            )
            links = [link for link in links if link["topic_id"] in existing]
            if links:
                connection.execute(_INSERT_TOPIC, links)
        after = ids[-1]
        batches += 1
        yield len(rows)


def count_to_retag(stale_only: bool = False) -> int:
    query = select(func.count()).select_from(Response)
    if stale_only:
        # Those without a comment are brought up to date in one UPDATE; not counted.
        query = query.where(
            Response.tagged_version < current_taxonomy()[0].version,
            Response.comment.is_not(None),
            Response.comment_erased_at.is_(None),
            Response.tagged_version > 0,
        )
    return db.session.scalar(query) or 0


LEASE = timedelta(minutes=5)


def take_retag_lease(owner: str) -> str | None:
    """Claim the one re-tagging run, or return who holds it. Two runs at once would
    delete and insert the same topic rows. Commits: the claim must be seen by others."""
    now = utcnow()
    if db.session.get(AnalysisState, _STATE_ID) is None:
        db.session.add(AnalysisState(id=_STATE_ID, taxonomy_version=1))
        db.session.commit()
    state = AnalysisState.__table__
    claimed = db.session.execute(
        update(state)
        .where(
            state.c.id == _STATE_ID,
            or_(
                state.c.retag_lease_until.is_(None),
                state.c.retag_lease_until < now,
                state.c.retag_owner == owner,
            ),
        )
        .values(retag_owner=owner, retag_lease_until=now + LEASE)
    ).rowcount
    db.session.commit()
    if claimed:
        return None
    return db.session.scalar(select(AnalysisState.retag_owner).where(state.c.id == _STATE_ID))


def renew_retag_lease(owner: str) -> bool:
    """False when the lease lapsed and another run took it: stop then."""
    state = AnalysisState.__table__
    renewed = db.session.execute(
        update(state)
        .where(state.c.id == _STATE_ID, state.c.retag_owner == owner)
        .values(retag_lease_until=utcnow() + LEASE)
    ).rowcount
    return bool(renewed)


def release_retag_lease(owner: str) -> None:
    state = AnalysisState.__table__
    db.session.execute(
        update(state)
        .where(state.c.id == _STATE_ID, state.c.retag_owner == owner)
        .values(retag_owner=None, retag_lease_until=None)
    )
    db.session.commit()


def retag_job(worker_name: str, stop_event) -> int:
    """The worker's share: re-tag what a taxonomy change left stale, some batches a run."""
    taxonomy, _ = current_taxonomy()
    stale = (
        select(Response.id)
        .where(Response.tagged_version < taxonomy.version, Response.tagged_version > 0)
        .limit(1)
    )
    if db.session.scalar(stale) is None:
        return 0
    if take_retag_lease(worker_name) is not None:
        return 0
    done = 0
    try:
        for count in retag(stale_only=True, max_batches=20):
            if not renew_retag_lease(worker_name):
                db.session.rollback()
                break
            db.session.commit()
            done += count
            if stop_event is not None and stop_event.is_set():
                break
        db.session.commit()  # answers without a comment, when no batch followed
    finally:
        db.session.rollback()
        release_retag_lease(worker_name)
    return done


def save_topic(topic: Topic | None, data: dict) -> Topic:
    """Create or change a topic. The key is unique; keywords are cleaned up and stored one
    per line."""
    key = data["key"].strip().lower()
    clash = db.session.scalar(select(Topic).where(Topic.key == key))
    if clash is not None and clash is not topic:
        raise TopicError(key)
    if topic is None:
        topic = Topic(key=key)
        db.session.add(topic)
    topic.key = key
    topic.name_en = data["name_en"].strip()
    topic.name_zh = data["name_zh"].strip()
    topic.keywords_en = "\n".join(split_keywords(data.get("keywords_en") or ""))
    topic.keywords_zh = "\n".join(split_keywords(data.get("keywords_zh") or ""))
    topic.active = bool(data.get("active", True))
    db.session.flush()
    bump_taxonomy_version()
    return topic


def delete_topic(topic: Topic) -> None:
    """Delete a topic; its tags and the routing rules on it go with it (foreign keys). A
    process that still has such a rule cached cannot match it: no answer has the topic."""
    db.session.delete(topic)
    db.session.flush()
    bump_taxonomy_version()


class TopicError(ValueError):
    """Another topic has this key."""


def topics_of(response_ids: list[int]) -> dict[int, list[Topic]]:
    """The topics of each of these responses, in one query (for a page of answers)."""
    found: dict[int, list[Topic]] = {}
    if not response_ids:
        return found
    rows = db.session.execute(
        select(ResponseTopic.response_id, Topic)
        .join(Topic, Topic.id == ResponseTopic.topic_id)
        .where(ResponseTopic.response_id.in_(response_ids))
        .order_by(Topic.key)
    )
    for response_id, topic in rows:
        found.setdefault(response_id, []).append(topic)
    return found


def topic_counts() -> dict[int, int]:
    """How many answers each topic is on."""
    rows = db.session.execute(
        select(ResponseTopic.topic_id, func.count()).group_by(ResponseTopic.topic_id)
    )
    return dict(rows.all())
