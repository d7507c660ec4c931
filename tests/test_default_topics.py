"""The default topics: installed with the schema, in both languages, editable after, and
free of praise keywords (a happy comment may have a topic, but praise is not a problem)."""

from __future__ import annotations

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import select

from config import TestingConfig
from feedback import create_app
from feedback.extensions import db
from feedback.tagging import services
from feedback.tagging.models import ResponseTopic, Topic
from tests.complaints_helpers import answer
from tests.topic_helpers import default_topics_migration, ensure_default_topics

KEYS = {
    "delivery",
    "waiting-time",
    "price",
    "staff-attitude",
    "product-quality",
    "refund",
    "app-website",
    "billing",
}


def _topics() -> dict[str, Topic]:
    db.session.expire_all()
    return {t.key: t for t in db.session.scalars(select(Topic))}


def test_a_fresh_upgrade_installs_the_default_topics(tmp_path):
    """A new installation (`flask db upgrade`, no `flask demo`) has the topics."""
    app = create_app(TestingConfig, {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'f.db'}"})
    with app.app_context():
        upgrade()
        topics = _topics()
        assert set(topics) == KEYS
        waiting = topics["waiting-time"]
        assert (waiting.name_en, waiting.name_zh) == ("Waiting time", "等待时间")
        assert "wait*" in waiting.keywords_en.splitlines()
        assert "等了" in waiting.keywords_zh.splitlines()
        assert all(t.active and t.keywords_en and t.keywords_zh for t in topics.values())
        assert services.taxonomy_version() == 2  # the worker tags older comments again
        db.session.remove()
        db.engine.dispose()


def test_upgrading_again_keeps_a_managers_edit(app, manager_client):
    """Down and up again on this database (SQLite or PostgreSQL): the topics come back,
    once each, and one a manager edited stays as they left it."""
    downgrade(revision="b2a4c6e8d0f1")
    assert _topics() == {}
    upgrade()
    waiting = _topics()["waiting-time"]
    form = {
        "key": "waiting-time",
        "name_en": "Waiting",
        "name_zh": "等候",
        "keywords_en": "wait*, queue",
        "keywords_zh": "等了",
        "active": "y",
    }
    assert manager_client.submit(f"/topics/{waiting.id}", form).status_code == 302
    downgrade(revision="b2a4c6e8d0f1")  # the edited topic is not a default any more
    upgrade()
    topics = _topics()
    assert set(topics) == KEYS
    assert topics["waiting-time"].keywords_en == "wait*\nqueue"
    assert topics["waiting-time"].name_en == "Waiting"


def test_the_previous_demo_defaults_are_mended_and_edits_kept(app):
    """A topic still holding the keywords an earlier `flask demo` loaded gets the reviewed
    ones; an edited one is left alone."""
    migration = default_topics_migration()
    old_en, old_zh = migration.PREVIOUS["waiting-time"]
    db.session.add(
        Topic(
            key="waiting-time",
            name_en="Waiting time",
            name_zh="等待时间",
            keywords_en="\n".join(old_en),
            keywords_zh="\n".join(old_zh),
        )
    )
    db.session.add(Topic(key="price", name_en="Price", name_zh="价格", keywords_en="cheap"))
    db.session.commit()
    ensure_default_topics()
    db.session.commit()
    topics = _topics()
    assert "fast" not in topics["waiting-time"].keywords_en.splitlines()
    assert "很快" not in topics["waiting-time"].keywords_zh.splitlines()
    assert topics["price"].keywords_en == "cheap"  # a manager's choice
    assert ensure_default_topics() == 0  # nothing left to do


def _tagged(comment: str, score: int, locale: str, customer: str) -> set[str]:
    response = answer("nps", score, comment, customer=customer, locale=locale)
    return set(
        db.session.scalars(
            select(Topic.key).join(ResponseTopic).where(ResponseTopic.response_id == response.id)
        )
    )


@pytest.fixture
def default_topics(app):
    ensure_default_topics()
    db.session.commit()


@pytest.mark.parametrize(
    ("comment", "locale"),
    [
        ("Fast and friendly, thank you!", "en"),
        ("Quick, polite and on time. Helpful staff, durable product, works great.", "en"),
        ("送货很快，服务很好", "zh"),
        ("准时送达，速度很快，客服很热情，很有耐心，正品，耐用", "zh"),
    ],
)
def test_praise_is_not_tagged_as_a_problem(surveys, default_topics, comment, locale):
    """No praise word is a keyword: "fast" is not Waiting time, "friendly" not Staff
    attitude. A topic that names the subject ("送货", "staff") may stay."""
    topics = _tagged(comment, 10, locale, "happy")
    assert "waiting-time" not in topics
    assert topics <= {"delivery", "staff-attitude", "product-quality"}
    assert _tagged("Fast and friendly, thank you!", 9, "en", "happy-2") == set()


@pytest.mark.parametrize(
    ("comment", "locale"),
    [
        ("Waited 40 minutes", "en"),
        ("The parcel was late and support was slow.", "en"),
        ("等了很久", "zh"),
        ("速度慢，还迟到了", "zh"),
    ],
)
def test_waiting_is_tagged_waiting_time(surveys, default_topics, comment, locale):
    assert "waiting-time" in _tagged(comment, 2, locale, "unhappy")
