"""Managers say which touchpoint types are purchases and which are refunds (issue #22)."""

from __future__ import annotations

import re

from sqlalchemy import select

from feedback.events import DomainEvent
from feedback.extensions import db
from feedback.surveys.models import TouchpointType
from tests.surveys_helpers import event


def _type(key: str) -> TouchpointType:
    db.session.expire_all()
    return db.session.scalar(select(TouchpointType).filter_by(key=key))


def test_a_manager_adds_a_refund_type_and_its_events_are_announced_for_loyalty(
    surveys, manager_client, api
):
    saved = manager_client.submit(
        "/surveys/touchpoints",
        {"key": "refund", "name_en": "Refund", "name_zh": "退款", "counts_as_refund": "y"},
    )

    assert saved.status_code == 302
    refund = _type("refund")
    assert (refund.counts_as_purchase, refund.counts_as_refund) == (False, True)
    page = manager_client.get("/surveys/touchpoints").get_data(as_text=True)
    row = page[page.index("<code>refund</code>") :].split("</tr>")[0]
    assert "a refund" in row
    purchase_row = page[page.index("<code>purchase</code>") :].split("</tr>")[0]
    assert "a purchase" in purchase_row
    response = api("/api/v1/touchpoints", event("r-1", touchpoint="refund") | {"value": "9.90"})
    announced = db.session.scalars(select(DomainEvent).filter_by(type="purchase.recorded"))
    assert [e.data["touchpoint_event_id"] for e in announced] == [response.get_json()["id"]]


def test_a_manager_unticks_purchase_and_ticks_it_again(surveys, manager_client):
    purchase = _type("purchase")
    form = manager_client.get(f"/surveys/touchpoints/{purchase.id}").get_data(as_text=True)
    assert re.search(r'<input checked[^>]* name="counts_as_purchase"', form)
    assert not re.search(r'<input checked[^>]* name="counts_as_refund"', form)

    fields = {"key": "purchase", "name_en": "Purchase", "name_zh": "购买"}
    manager_client.submit(f"/surveys/touchpoints/{purchase.id}", fields)
    assert _type("purchase").counts_as_purchase is False
    manager_client.submit(
        f"/surveys/touchpoints/{purchase.id}", fields | {"counts_as_purchase": "y"}
    )
    assert _type("purchase").counts_as_purchase is True


def test_both_purchase_and_refund_is_a_clear_form_error_and_changes_nothing(
    surveys, manager_client
):
    delivery = _type("delivery")
    response = manager_client.submit(
        f"/surveys/touchpoints/{delivery.id}",
        {
            "key": "delivery",
            "name_en": "Delivery",
            "name_zh": "配送",
            "counts_as_purchase": "y",
            "counts_as_refund": "y",
        },
    )

    assert response.status_code == 400
    assert "counts as a purchase or as a refund, not both" in response.get_data(as_text=True)
    delivery = _type("delivery")
    assert (delivery.counts_as_purchase, delivery.counts_as_refund) == (False, False)
