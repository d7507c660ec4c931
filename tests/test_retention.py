"""Retention: the worker anonymises what is older than the admin's settings, with the clock
moved by time-machine, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from feedback.accounts.models import Role
from feedback.complaints.models import CaseEvent
from feedback.customers import retention
from feedback.customers.models import AuditEntry, Customer
from feedback.customers.retention import apply_retention, preview, save_settings
from feedback.extensions import db
from feedback.outbox.models import OutboxMessage, OutboxStatus
from feedback.surveys.answers import update_comment
from feedback.surveys.models import Response
from tests.complaints_helpers import answer
from tests.retention_helpers import LATELY, LONG_AGO, MONTHS, NOW, changed, figures, snapshot, world


@pytest.fixture
def clock(app, surveys):
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def people(clock, make_user):
    world(clock, make_user(Role.AGENT))
    return clock


def policy(months: int | None = MONTHS, **kinds) -> None:
    """Save a setting for every kind (or as ``kinds`` say), committed."""
    save_settings({kind: kinds.get(kind, months) for kind in retention.KINDS}, None)
    db.session.commit()


def customer(external_id_or_id) -> Customer:
    db.session.expire_all()
    return db.session.scalar(select(Customer).where(Customer.external_id == external_id_or_id))


def test_nothing_happens_while_the_policy_is_off(people):
    before, numbers = snapshot(), figures()
    assert apply_retention("w") == 0  # never saved
    policy(None)  # saved with every field empty
    assert apply_retention("w") == 0
    assert preview() == []
    assert snapshot() == before and figures() == numbers


def read_api(client, api_key) -> list:
    """The API's scores and loyalty figures over the whole time of the world."""
    auth = {"Authorization": f"Bearer {api_key}"}
    period = "range=custom&start=2024-01-01&end=2026-11-23"
    return [
        client.get(f"/api/v1/{path}?{period}", headers=auth).get_json()
        for path in ("summary", "loyalty")
    ]


def test_what_is_older_than_the_settings_is_anonymised_and_the_rest_untouched(
    people, client, api_key
):
    old_1, old_2, new_1 = customer("old-1").id, customer("old-2").id, customer("new-1").id
    policy()
    before, numbers, read = snapshot(), figures(), read_api(client, api_key)
    assert (read[0]["csat"]["n"], read[0]["nps"]["n"]) == (2, 1)  # it reads the world

    done = apply_retention("w")

    after = snapshot()
    diff = changed(before, after)
    assert done == sum(len(ids) for table, ids in diff.items() if table != "attachments")
    # the comments of the answers long ago, not the one of lately
    comments = {r.customer_id: r for r in db.session.scalars(select(Response))}
    assert comments[old_1].comment == "" and comments[old_1].comment_erased_at == NOW
    assert comments[old_2].comment == "" and comments[old_2].comment_erased_at == NOW
    assert comments[new_1].comment == "Nina waited two days"
    assert comments[new_1].comment_erased_at is None
    # the conversation long ago: reply, note, the customer's email; lately's stays
    texts = " ".join(str(row) for row in after["case_events"].values())
    assert "Olga" not in texts and "Nina Newman sounded upset" in texts
    # contacts: old-1 did nothing for 30 months; old-2 bought lately; new-1 is new
    assert customer("old-1") is None
    gone = db.session.get(Customer, old_1)
    assert (gone.name, gone.email, gone.erased_at) == ("", None, NOW)
    assert gone.external_id.startswith("erased-")
    assert customer("old-2").email == "old-2@example.com"
    assert customer("new-1").name == "Nina Newman"
    # inbound mail and sent mail of long ago, not lately's; never the waiting one
    [old_mail, new_mail] = [row for _, row in sorted(after["inbound"].items())]
    assert old_mail == (b"", "", "") and new_mail[1] == "new-1@example.com"
    assert [row[0] for _, row in sorted(after["attachments"].items())] == ["", "receipt.txt"]
    outbox = list(db.session.scalars(select(OutboxMessage)))
    sent_long_ago = [m for m in outbox if m.sent_at and m.sent_at < NOW - timedelta(days=730)]
    assert sent_long_ago and all(
        (m.to_address, m.body_text, m.status) == ("", "", OutboxStatus.SENT) for m in sent_long_ago
    )
    addresses = {m.to_address for m in outbox}
    assert "new-1@example.com" in addresses and "old-1@example.com" not in addresses
    [waiting] = [m for m in outbox if m.status is OutboxStatus.PENDING]
    assert (waiting.to_address, waiting.body_text) == ("late@example.com", "Still waiting")
    # every count the dashboard and the Loyalty page read is as it was
    assert figures() == numbers
    assert read_api(client, api_key) == read
    # not staff access to anyone's data: nothing in the audit log
    assert db.session.scalar(select(func.count(AuditEntry.id))) == 0


def test_the_preview_counts_what_the_next_run_does(people, monkeypatch):
    policy()
    due = {row.key: row for row in preview()}
    assert set(due) == {"comments", "case_texts", "contacts", "inbound", "outbox"}
    assert all(row.cutoff == datetime(2024, 11, 23, 2, 0, tzinfo=UTC) for row in due.values())
    assert due["comments"].oldest == LONG_AGO
    # the longest-quiet customer was last seen when their email came, LONG_AGO
    assert LONG_AGO <= due["contacts"].oldest < LONG_AGO + timedelta(hours=1)
    before = snapshot()
    monkeypatch.setattr(retention, "BATCH", 2)  # several batches, each committed

    done = apply_retention("w")

    diff = changed(before, snapshot())
    assert {key: row.count for key, row in due.items()} == {
        "comments": len(diff["responses"]),
        "case_texts": len(diff["case_events"]),
        "contacts": len(diff["customers"]),
        "inbound": len(diff["inbound"]),
        "outbox": len(diff["outbox"]),
    }
    assert due["comments"].count == 2 and due["contacts"].count == 1
    assert done == sum(row.count for row in due.values())
    assert all(row.count == 0 and row.oldest is None for row in preview())


def test_a_second_run_touches_nothing(people, caplog):
    policy()
    with caplog.at_level("INFO", logger="feedback.retention"):
        assert apply_retention("w") > 0
    assert "retention.applied comments=2 case_texts=4 contacts=1" in caplog.text
    after, numbers = snapshot(), figures()
    # within the hour another worker's run finds the run claimed
    assert apply_retention("other") == 0
    people.shift(timedelta(hours=1))
    assert apply_retention("w") == 0
    assert snapshot() == after and figures() == numbers
    assert db.session.get(retention.RetentionSettings, 1).last_run_count == 0


def test_each_kind_only_when_it_has_a_setting(people):
    policy(None, comments=MONTHS)
    before = snapshot()
    apply_retention("w")
    diff = changed(before, snapshot())
    assert diff["responses"] and diff["case_events"]
    assert not diff["customers"] and not diff["inbound"] and not diff["outbox"]
    # the copy of the customer's email on the case is a conversation text: it went
    replies = db.session.scalars(select(CaseEvent).where(CaseEvent.kind == "customer_reply"))
    assert {e.at: e.body for e in replies} == {LONG_AGO: "", LATELY: "Thanks, this is Nina Newman."}


def test_two_workers_at_once_do_the_work_once(people, app):
    policy()
    expected = sum(row.count for row in preview())
    db.session.commit()
    barrier, results = threading.Barrier(2), []

    def run(name: str) -> None:
        with app.app_context():
            barrier.wait()
            results.append(apply_retention(name))
            db.session.remove()

    threads = [threading.Thread(target=run, args=(f"w{n}",)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [0, expected]


def test_a_run_asked_to_stop_leaves_the_rest_to_the_next(people):
    policy()
    before = snapshot()
    stop = threading.Event()
    stop.set()
    assert apply_retention("w", stop) == 0
    assert snapshot() == before
    # not claimed for an hour: the next worker runs it at once
    assert apply_retention("w") > 0


def test_a_comment_counts_from_when_it_was_last_written(clock):
    cutoff = datetime(2024, 11, 23, 2, 0, tzinfo=UTC)
    clock.move_to(cutoff - timedelta(hours=2))
    kept = answer("nps", 9, "First thoughts", customer="edited")
    gone = answer("nps", 9, "Never changed", customer="unchanged")
    clock.move_to(cutoff + timedelta(hours=1))  # changed within the edit window
    update_comment(kept, "Second thoughts, later")
    db.session.commit()
    clock.move_to(NOW)
    policy(None, comments=MONTHS)
    assert apply_retention("w") == 1
    db.session.expire_all()
    assert (kept.comment, gone.comment) == ("Second thoughts, later", "")
