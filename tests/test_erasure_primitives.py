"""The erasure's primitives, one kind of data each (retention calls them by age): what
they blank, what they keep, and that a second run changes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from feedback.complaints import cases as actions
from feedback.complaints.inbound import receive
from feedback.complaints.inbound_models import InboundAttachment, InboundMessage
from feedback.complaints.models import CaseEvent
from feedback.customers.anonymise import (
    erase_case_texts,
    erase_comments,
    erase_contacts,
    erase_inbound,
    erase_outbox,
)
from feedback.customers.erasure import erase_customer
from feedback.customers.mentions import erase_captured_mail, needle_pattern
from feedback.customers.models import ConsentEvent, Customer
from feedback.extensions import db
from feedback.outbox.delivery import deliver_due
from feedback.outbox.models import OutboxMessage, OutboxStatus
from feedback.outbox.services import queue_email
from feedback.surveys.models import InvitationToken, PropertyKey, Response, TouchpointEvent
from tests.complaints_helpers import answer, case_of
from tests.inbound_helpers import mail
from tests.surveys_helpers import event


def test_erase_comments_keeps_tags_and_counts_once(app, surveys):
    ann = answer("csat", 1, "Terrible courier, Ann Lee waited all day", customer="c-1")
    bob = answer("csat", 5, "Quick and friendly", customer="c-2", email="bob@example.com")
    tags = (ann.language, ann.sentiment, ann.polarity)
    assert tags[1] is not None

    assert erase_comments([ann.id, bob.id + 1000]) == 1
    db.session.commit()
    db.session.expire_all()
    ann, bob = db.session.get(Response, ann.id), db.session.get(Response, bob.id)
    assert ann.comment == "" and ann.comment_erased_at is not None
    assert (ann.language, ann.sentiment, ann.polarity) == tags
    assert bob.comment == "Quick and friendly" and bob.comment_erased_at is None
    assert erase_comments([ann.id]) == 0


def test_erase_case_texts_blanks_what_people_wrote(app, surveys, make_user):
    response = answer("csat", 1, "Broken parcel", customer="c-1")
    case = case_of(response)
    agent = make_user(name="Li Wei")
    actions.add_note(case, agent, "Ann Lee is at +86 138 0013 8000")
    actions.reply(case, agent, "About Ann Lee's parcel", "Dear Ann Lee, sorry.", "en")
    actions.set_pending(case, agent, "Waiting for Ann Lee to send a photo")
    db.session.commit()
    ids = list(db.session.scalars(select(CaseEvent.id).where(CaseEvent.case_id == case.id)))

    assert erase_case_texts(ids) == 3
    db.session.commit()
    db.session.expire_all()
    rows = {e.kind: e for e in db.session.scalars(select(CaseEvent).where(CaseEvent.id.in_(ids)))}
    assert rows["note"].body == ""
    assert rows["reply"].body == "" and rows["reply"].detail == ""
    assert rows["status"].body == "" and rows["status"].after == "pending"
    assert rows["opened"].kind == "opened"  # the case's own history stays
    assert erase_case_texts(ids) == 0


def test_erase_contacts_stops_links_and_clears_personal_properties(app, surveys, api, link):
    db.session.add(PropertyKey(key="address", personal=True))
    db.session.commit()
    body = event("order-7", touchpoint="delivery", customer_id="c-42")
    body["properties"] = {"store": "Shanghai", "address": "1 Nanjing Road"}
    assert api("/api/v1/touchpoints", body).status_code in (200, 201)
    customer = db.session.scalar(select(Customer).where(Customer.external_id == "c-42"))
    other = db.session.scalar(select(Customer).where(Customer.external_id != "c-42"))
    assert app.test_client().get(link).status_code == 200
    # staff type notes on a re-subscribe ("she called from 138 0013 8000")
    db.session.add(
        ConsentEvent(customer_id=customer.id, change="resubscribed", source="staff", detail="Ann")
    )
    db.session.commit()

    assert erase_contacts([customer.id]) == 1
    db.session.commit()
    db.session.expire_all()
    customer = db.session.get(Customer, customer.id)
    assert (customer.email, customer.name, customer.phone) == (None, "", None)
    assert customer.external_id.startswith("erased-") and len(customer.external_id) == 31
    assert customer.erased_at is not None and customer.unsubscribed_at is not None
    events = db.session.scalars(
        select(TouchpointEvent).where(TouchpointEvent.customer_id == customer.id)
    ).all()
    assert all(e.external_id.startswith("erased-") for e in events)
    assert [e.properties for e in events if "store" in e.properties][-1] == {"store": "Shanghai"}
    assert db.session.scalar(select(InvitationToken.id)) is None
    assert db.session.scalars(select(ConsentEvent.detail)).all() == [""]
    assert app.test_client().get(link).status_code in (404, 410)
    assert other is None or other.erased_at is None
    assert erase_contacts([customer.id]) == 0


def test_erase_inbound_removes_message_and_attachments(app, surveys):
    raw = mail(
        "My address is 1 Nanjing Road",
        attachments=[("ann-lee-receipt.pdf", "application/pdf", b"%PDF ann")],
    )
    received = receive(raw)
    db.session.commit()

    assert erase_inbound([received.inbound_message_id]) == 1
    db.session.commit()
    db.session.expire_all()
    row = db.session.get(InboundMessage, received.inbound_message_id)
    assert (row.raw, row.from_address, row.from_name, row.subject) == (b"", "", "", "")
    assert row.body_text == row.trimmed_text == ""
    attachment = db.session.scalar(select(InboundAttachment))
    assert attachment.data is None and attachment.filename == ""
    assert erase_inbound([received.inbound_message_id]) == 0
    # the same message again is still known, not stored anew
    assert receive(raw).outcome == "duplicate"


def test_erase_outbox_cancels_unsent_mail(app):
    sent = queue_email("ann@example.com", "Hello Ann", "Dear Ann")
    db.session.commit()
    deliver_due("test")
    pending = queue_email("ann@example.com", "Again Ann", "Dear Ann", "<p>Dear Ann</p>")
    other = queue_email("bob@example.com", "Hello Bob", "Dear Bob")
    db.session.commit()

    assert erase_outbox([sent.id, pending.id]) == 2
    db.session.commit()
    db.session.expire_all()
    sent, pending = (
        db.session.get(OutboxMessage, sent.id),
        db.session.get(OutboxMessage, pending.id),
    )
    assert sent.status is OutboxStatus.SENT
    assert pending.status is OutboxStatus.CANCELLED
    for row in (sent, pending):
        assert (row.to_address, row.subject, row.body_text, row.body_html) == ("", "", "", None)
    deliver_due("test")
    db.session.expire_all()
    assert db.session.get(OutboxMessage, pending.id).status is OutboxStatus.CANCELLED
    assert db.session.get(OutboxMessage, other.id).status is OutboxStatus.SENT
    assert erase_outbox([sent.id, pending.id]) == 0


def test_erase_captured_mail_deletes_only_mail_that_mentions_them(app):
    queue_email("ann@example.com", "Hello", "Your parcel")
    queue_email("staff@example.com", "Case #3", "Customer: 李雷\nPhone +8613800138000")
    queue_email("staff@example.com", "Case #4", "Customer: Annabel, c-10")
    db.session.commit()
    deliver_due("test")
    folder = Path(app.config["MAIL_CAPTURE_DIR"])
    assert len(list(folder.glob("*.eml"))) == 3

    assert erase_captured_mail(["ANN@example.com", "李雷", "c-1", "Ann"]) == 2
    left = list(folder.glob("*.eml"))
    assert len(left) == 1 and b"Annabel" in left[0].read_bytes()
    assert erase_captured_mail(["ann@example.com"]) == 0


@pytest.mark.parametrize(
    ("text", "found"),
    [("c-1", True), ("c-10", False), ("id c-1.", True), ("Annual", False), ("李雷说", True)],
)
def test_needles_are_found_whole(text, found):
    assert bool(needle_pattern(["c-1", "Ann", "李雷"]).search(text)) is found


def test_json_that_names_a_person_is_rewritten_not_dropped(app):
    from feedback.customers.mentions import scrub_domain_events
    from feedback.events import DomainEvent

    named = DomainEvent(type="x.test", data={"customer_id": 5, "who": ["李雷", "c-10"]})
    other = DomainEvent(type="x.test", data={"customer_id": 6, "who": "Annabel"})
    db.session.add_all([named, other])
    db.session.commit()

    assert scrub_domain_events(["李雷", "Ann", "c-1"]) == 1
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(DomainEvent, named.id).data == {
        "customer_id": 5,
        "who": ["[erased]", "c-10"],
    }
    assert db.session.get(DomainEvent, other.id).data == {"customer_id": 6, "who": "Annabel"}


def test_another_customer_of_the_same_name_keeps_their_mail(app, surveys):
    """王伟 is one of the commonest names in China: erasing one must not blank the mail of
    another. Mail to a customer is found by their address and the links, not by name."""
    one = answer("csat", 1, customer="c-1", email="wang.one@example.cn", name="王伟").customer
    other = answer("csat", 5, customer="c-2", email="wang.two@example.cn", name="王伟").customer
    to_other = queue_email(other.email, "您好", "王伟您好,感谢您的反馈。", kind="case_reply")
    from_other = receive(mail("我是王伟,包裹还没到。", sender="王伟 <wang.two@example.cn>"))
    db.session.commit()

    assert erase_customer(db.session.get(Customer, one.id), reason="request 1")
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(OutboxMessage, to_other.id).body_text == "王伟您好,感谢您的反馈。"
    assert db.session.get(InboundMessage, from_other.inbound_message_id).body_text != ""
    assert db.session.get(Customer, other.id).name == "王伟"
