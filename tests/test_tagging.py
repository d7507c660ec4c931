"""Comments are tagged when answered and edited; managers edit topics, filter answers by
tags, and stored comments follow a changed taxonomy (worker job and `flask analysis
retag`)."""

from __future__ import annotations

import os
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from feedback.extensions import db
from feedback.surveys.answers import Link, record_answer
from feedback.surveys.ingest import ingest_events
from feedback.surveys.inputs import CustomerInput, EventInput
from feedback.surveys.models import EventSource, Invitation, Response, SentimentLabel
from feedback.tagging import services
from feedback.tagging.models import AnalysisState, ResponseTopic, Topic
from feedback.timeutil import utcnow
from tests.complaints_helpers import work
from tests.topic_helpers import ensure_default_topics


@pytest.fixture
def topics(app):
    ensure_default_topics()
    db.session.commit()


def answer_all(comments: list[str | None], score: int = 2) -> list[int]:
    """One delivered-and-answered CSAT invitation per comment, as the answer page stores
    them; returns the response ids in order."""
    inputs = [
        EventInput(
            external_id=f"tag-{i}",
            touchpoint="delivery",
            occurred_at=utcnow() - timedelta(days=2),
            customer=CustomerInput(external_id=f"tag-c{i}", email=f"c{i}@example.com"),
        )
        for i in range(len(comments))
    ]
    ingest_events(list(enumerate(inputs)), EventSource.API)
    invitations = db.session.scalars(select(Invitation).order_by(Invitation.id)).all()
    ids = []
    for invitation, comment in zip(invitations, comments, strict=True):
        link = Link.of(invitation, "en")
        ids.append(record_answer(link, score, comment, "en").response_id)
    db.session.commit()
    work()
    return ids


def topic_keys(response_id: int) -> list[str]:
    return list(
        db.session.scalars(
            select(Topic.key)
            .join(ResponseTopic, ResponseTopic.topic_id == Topic.id)
            .where(ResponseTopic.response_id == response_id)
            .order_by(Topic.key)
        )
    )


def test_the_worker_tags_the_comment_of_an_answer(client, link, topics):
    page = client.post(link, data={"score": "1", "comment": "快递太慢了，客服态度也很差"})
    assert page.status_code == 303
    response = db.session.scalars(select(Response)).one()
    # the answer page stores the answer; the comment waits for the worker
    assert (response.language, response.sentiment, response.tagged_at) == (None, None, None)
    assert work() >= 1
    response = db.session.scalars(select(Response)).one()
    assert response.tagged_at is not None
    assert response.language == "zh"
    assert response.sentiment is SentimentLabel.NEGATIVE
    assert response.polarity < 0
    assert topic_keys(response.id) == ["delivery", "staff-attitude", "waiting-time"]
    assert response.tagged_version == services.taxonomy_version()


def test_an_answer_without_comment_has_no_tags(client, link, topics):
    client.post(link, data={"score": "5"})
    work()
    response = db.session.scalars(select(Response)).one()
    assert (response.language, response.polarity, response.sentiment) == (None, None, None)
    assert topic_keys(response.id) == []
    # ... and is not left for the retag job
    assert services.count_to_retag(stale_only=True) == 0


def test_editing_the_comment_tags_it_again(client, link, topics):
    assert (
        client.post(link, data={"score": "4", "comment": "Fast delivery, thank you"}).status_code
        == 303
    )
    work()
    response = db.session.scalars(select(Response)).one()
    assert response.sentiment is SentimentLabel.POSITIVE
    assert topic_keys(response.id) == ["delivery"]  # "fast" is praise, not Waiting time
    page = client.post(link, data={"comment": "The refund never came. Awful."})
    assert page.status_code == 200
    db.session.expire_all()
    response = db.session.get(Response, response.id)
    assert response.comment == "The refund never came. Awful."
    assert response.sentiment is None  # the old comment's tags went with it
    work()
    response = db.session.get(Response, response.id)
    assert response.sentiment is SentimentLabel.NEGATIVE
    assert topic_keys(response.id) == ["refund"]


def test_staff_see_the_tags_on_the_customer_page(agent_client, topics, surveys):
    answer_all(["The courier was rude and the parcel arrived late"])
    response = db.session.scalars(select(Response)).one()
    page = agent_client.get(f"/customers/{response.customer_id}").get_data(as_text=True)
    assert "The courier was rude" in page
    assert 'class="tag tag-negative"' in page
    assert ">Negative<" in page and ">English<" in page
    assert ">Delivery<" in page


def test_managers_filter_answers_by_sentiment_language_and_topic(manager_client, topics, surveys):
    answer_all(
        [
            "Great value for money, thank you!",
            "Terrible: the parcel arrived broken and nobody answered",
            "价格太贵了，质量也很差",
            None,
        ]
    )

    def shown(**params) -> list[str]:
        page = manager_client.get("/answers", query_string=params)
        assert page.status_code == 200
        return re.findall(r'<span class="comment">([^<]+)</span>', page.get_data(as_text=True))

    assert len(shown()) == 3
    assert shown(sentiment="negative") == [
        "价格太贵了，质量也很差",
        "Terrible: the parcel arrived broken and nobody answered",
    ]
    assert shown(language="zh") == ["价格太贵了，质量也很差"]
    assert sorted(shown(topic="price")) == [
        "Great value for money, thank you!",
        "价格太贵了，质量也很差",
    ]
    assert shown(topic="price", sentiment="positive") == ["Great value for money, thank you!"]
    page = manager_client.get("/answers", query_string={"commented": "y"})
    assert "3 answers" in page.get_data(as_text=True)


def test_a_bad_filter_is_a_400_with_a_message(manager_client, topics):
    page = manager_client.get("/answers", query_string={"sentiment": "furious"})
    assert page.status_code == 400
    assert "Not a valid choice" in page.get_data(as_text=True)


def test_agents_cannot_edit_topics(agent_client, topics):
    assert agent_client.get("/topics").status_code == 403
    assert agent_client.get("/answers").status_code == 403


def _topic_form(**overrides) -> dict:
    data = {
        "key": "parking",
        "name_en": "Parking",
        "name_zh": "停车",
        "keywords_en": "parking, car park",
        "keywords_zh": "停车, 车位",
        "active": "y",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_a_new_topic_reaches_stored_comments_through_the_worker(
    app, manager_client, topics, surveys
):
    ids = answer_all(["No parking anywhere near the store", "停车太难了", "Lovely staff", None])
    assert [topic_keys(i) for i in ids] == [[], [], ["staff-attitude"], []]
    version = services.taxonomy_version()

    page = manager_client.submit("/topics", _topic_form())
    assert page.status_code == 302
    assert services.taxonomy_version() == version + 1
    listing = manager_client.get("/topics").get_data(as_text=True)
    assert "3 answers wait to be tagged again" in listing

    assert services.retag_job("test-worker", None) == 3
    assert [topic_keys(i) for i in ids] == [["parking"], ["parking"], ["staff-attitude"], []]
    assert services.retag_job("test-worker", None) == 0  # nothing left
    db.session.expire_all()
    versions = {db.session.get(Response, i).tagged_version for i in ids}
    assert versions == {version + 1}  # the answer without a comment too
    assert "wait to be tagged again" not in manager_client.get("/topics").get_data(as_text=True)


def test_topic_form_errors_are_shown_and_nothing_is_saved(manager_client, topics):
    before = services.taxonomy_version()
    taken = manager_client.submit("/topics", _topic_form(key="price"))
    assert taken.status_code == 400
    assert "Another topic already has this key." in taken.get_data(as_text=True)
    bad = manager_client.submit("/topics", _topic_form(key="Car Park!"))
    assert bad.status_code == 400
    assert "Lower-case letters, digits" in bad.get_data(as_text=True)
    assert services.taxonomy_version() == before
    assert db.session.scalar(select(Topic).where(Topic.key == "parking")) is None


def test_deleting_a_topic_removes_it_from_answers(manager_client, topics, surveys):
    (response_id,) = answer_all(["Too expensive"])
    assert topic_keys(response_id) == ["price"]
    price = db.session.scalar(select(Topic).where(Topic.key == "price"))
    assert manager_client.submit(f"/topics/{price.id}/delete").status_code == 302
    assert topic_keys(response_id) == []


def test_retag_command_redoes_every_comment_in_batches(app, runner, topics, surveys):
    ids = answer_all([f"Refund number {i} still missing" for i in range(5)] + [None])
    db.session.execute(ResponseTopic.__table__.delete())
    db.session.execute(Response.__table__.update().values(sentiment=None, language=None))
    db.session.commit()

    result = runner.invoke(args=["analysis", "retag", "--batch-size", "2"])
    assert result.exit_code == 0, result.output
    assert "Re-tagged 6 responses." in result.output
    db.session.expire_all()
    assert [topic_keys(i) for i in ids] == [["refund"]] * 5 + [[]]
    assert {db.session.get(Response, i).language for i in ids[:5]} == {"en"}
    state = db.session.get(AnalysisState, 1)
    assert state.retag_owner is None  # the lease is given back


def test_one_retag_at_a_time(app, runner, topics):
    assert services.take_retag_lease("worker-1") is None
    result = runner.invoke(args=["analysis", "retag"])
    assert result.exit_code != 0
    assert "worker-1 is re-tagging now" in result.output
    assert services.retag_job("worker-2", None) == 0
    services.release_retag_lease("worker-1")
    assert runner.invoke(args=["analysis", "retag"]).exit_code == 0


def test_a_lapsed_lease_can_be_taken_over(app, topics):
    assert services.take_retag_lease("crashed-worker") is None
    db.session.execute(
        AnalysisState.__table__.update().values(retag_lease_until=utcnow() - timedelta(seconds=1))
    )
    db.session.commit()
    assert services.take_retag_lease("worker-2") is None


def test_analysis_try_shows_the_tags(runner, topics):
    result = runner.invoke(args=["analysis", "try", "The delivery was late 😡"])
    assert result.exit_code == 0
    assert '"label": "negative"' in result.output
    assert '"topics": ["delivery", "waiting-time"]' in result.output


def _delete_elsewhere(key: str) -> None:
    """Another process deletes a topic; this one's cached taxonomy still has it."""
    with db.engine.begin() as connection:
        connection.execute(Topic.__table__.delete().where(Topic.__table__.c.key == key))


def test_a_topic_deleted_elsewhere_costs_no_answer(client, link, topics):
    services.current_taxonomy()  # cached, with "delivery"
    _delete_elsewhere("delivery")
    page = client.post(link, data={"score": "2", "comment": "The delivery was late again"})
    assert page.status_code == 303
    work()
    response = db.session.scalars(select(Response)).one()
    assert response.comment == "The delivery was late again"
    assert topic_keys(response.id) == ["waiting-time"]

    services.current_taxonomy()
    _delete_elsewhere("refund")
    edit = client.post(link, data={"comment": "Still no refund, and so slow"})
    assert edit.status_code == 200
    work()
    assert db.session.get(Response, response.id).comment == "Still no refund, and so slow"
    assert topic_keys(response.id) == ["waiting-time"]


def test_nul_characters_are_dropped_not_a_500(client, link, manager_client, topics):
    assert client.post(link, data={"score": "4", "comment": "fine\x00 thanks"}).status_code == 303
    assert db.session.scalars(select(Response)).one().comment == "fine thanks"
    page = manager_client.submit(
        "/topics", _topic_form(name_en="Par\x00king", keywords_en="a\x00b")
    )
    assert page.status_code == 302
    topic = db.session.scalar(select(Topic).where(Topic.key == "parking"))
    assert (topic.name_en, topic.keywords_en) == ("Parking", "ab")


def test_a_run_that_lost_its_lease_stops(app, topics, surveys):
    answer_all(["Too expensive", "Rude staff"])
    services.bump_taxonomy_version()
    db.session.commit()
    runs = services.retag(stale_only=True, batch_size=1)
    assert services.take_retag_lease("slow-worker") is None
    next(runs)
    db.session.execute(AnalysisState.__table__.update().values(retag_owner="other-worker"))
    assert services.renew_retag_lease("slow-worker") is False
    db.session.rollback()


@pytest.mark.skipif("sqlite" not in os.environ.get("TEST_DATABASE_URL", "sqlite"), reason="SQLite")
def test_downgrading_keeps_the_answered_trigger_on_sqlite(tmp_path):
    from flask_migrate import downgrade, upgrade

    from config import TestingConfig
    from feedback import create_app

    url = f"sqlite:///{tmp_path / 'migrations.db'}"
    app = create_app(TestingConfig, {"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        # up to the last migration that goes back down (see test_rollups.py)
        upgrade(revision="a7e0c3d91b52")
        downgrade(revision="7d65f51c079d")
        with db.engine.connect() as connection:
            triggers = connection.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type = 'trigger'"
            ).scalars()
            assert list(triggers) == ["responses_mark_invitation_answered"]
        db.engine.dispose()


def test_a_comment_taken_back_takes_its_tags_with_it(client, link, topics):
    client.post(link, data={"score": "2", "comment": "The delivery was late"})
    work()
    response = db.session.scalars(select(Response)).one()
    assert topic_keys(response.id) and response.sentiment is not None
    assert client.post(link, data={"comment": ""}).status_code == 200
    assert topic_keys(response.id) == []  # at once, with the comment
    work()
    response = db.session.get(Response, response.id)
    assert response.comment is None and response.sentiment is None
    assert topic_keys(response.id) == []
