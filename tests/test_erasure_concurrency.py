"""Erasures racing: two erasures of one customer at once erase once (both databases);
a customer erased while the worker tags their comment ends erased, whichever of the two
takes the answer's row first, and keeps the comment's tags (PostgreSQL's row locks:
SQLite has one writer, so there the two cannot overlap)."""

from __future__ import annotations

import os
import threading

import pytest
from sqlalchemy import select

from feedback import events
from feedback.customers.erasure import erase_customer
from feedback.customers.models import Customer
from feedback.events import DomainEvent
from feedback.extensions import db
from feedback.surveys.models import Response
from feedback.tagging.services import tag_comment
from tests.complaints_helpers import answer

postgresql_only = pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL"), reason="row locks: PostgreSQL only"
)

COMMENT = "Slow delivery and a rude courier, Ann Lee"


@pytest.fixture
def topics(app):
    from tests.topic_helpers import ensure_default_topics

    ensure_default_topics()
    db.session.commit()


def _answer_waiting_for_the_worker() -> tuple[int, int, events.Event]:
    response = answer("nps", 2, COMMENT, customer="crm-ann", name="Ann Lee", worker=False)
    row = db.session.scalar(select(DomainEvent).where(DomainEvent.type == "answer.recorded"))
    return response.id, response.customer_id, events.TYPES[row.type].from_data(row.data)


def _in_thread(app, work, errors: list) -> threading.Thread:
    def run():
        with app.app_context():
            try:
                work()
                db.session.commit()
            except Exception as error:  # noqa: BLE001 - reported by the test
                errors.append(error)
                db.session.rollback()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def _erase(customer_id: int):
    def work():
        erase_customer(db.session.get(Customer, customer_id), reason="ticket 7")

    return work


@postgresql_only
def test_the_worker_tagging_first_then_the_erasure(app, surveys, topics):
    response_id, customer_id, event = _answer_waiting_for_the_worker()
    locked, go_on, errors = threading.Event(), threading.Event(), []

    def worker():
        # the worker holds the answer's row, as tag_comment does, for a while
        db.session.scalar(select(Response).where(Response.id == response_id).with_for_update())
        locked.set()
        go_on.wait(10)
        tag_comment(event)

    tagging = _in_thread(app, worker, errors)
    assert locked.wait(10)
    erasing = _in_thread(app, _erase(customer_id), errors)
    erasing.join(0.5)
    assert erasing.is_alive()  # waiting for the worker's lock on the answer
    go_on.set()
    tagging.join(10)
    erasing.join(10)
    assert errors == []
    db.session.expire_all()
    response = db.session.get(Response, response_id)
    assert response.comment == "" and response.comment_erased_at is not None
    assert response.sentiment is not None  # tagged by the worker, kept by the erasure


@postgresql_only
def test_the_erasure_first_then_the_worker(app, surveys, topics):
    response_id, customer_id, event = _answer_waiting_for_the_worker()
    erased, go_on, errors = threading.Event(), threading.Event(), []

    def erase_and_wait():
        _erase(customer_id)()
        erased.set()
        go_on.wait(10)  # the erasure's transaction still open, its rows locked

    erasing = _in_thread(app, erase_and_wait, errors)
    assert erased.wait(10)
    tagging = _in_thread(app, lambda: tag_comment(event), errors)
    tagging.join(0.5)
    assert tagging.is_alive()  # waiting for the erasure's lock on the answer
    go_on.set()
    erasing.join(10)
    tagging.join(10)
    assert errors == []
    db.session.expire_all()
    response = db.session.get(Response, response_id)
    assert response.comment == "" and response.comment_erased_at is not None
    assert response.tagged_at is None  # the worker saw the erased comment and left it
    assert db.session.get(Customer, customer_id).erased_at is not None


def test_two_erasures_at_once_erase_once(app, surveys):
    from feedback.customers.models import AuditEntry, Tombstone

    _response_id, customer_id, _event = _answer_waiting_for_the_worker()
    erased, go_on, errors, outcomes = threading.Event(), threading.Event(), [], []

    def first():
        outcomes.append(erase_customer(db.session.get(Customer, customer_id), reason="a"))
        erased.set()
        go_on.wait(10)  # its transaction still open

    def second():
        outcomes.append(erase_customer(db.session.get(Customer, customer_id), reason="b"))

    one = _in_thread(app, first, errors)
    assert erased.wait(10)
    two = _in_thread(app, second, errors)
    two.join(0.5)
    assert two.is_alive()  # waiting for the first erasure's lock
    go_on.set()
    one.join(10)
    two.join(10)
    assert errors == [] and outcomes == [True, False]
    db.session.expire_all()
    assert db.session.query(Tombstone).count() == 1
    assert db.session.query(AuditEntry).count() == 1
