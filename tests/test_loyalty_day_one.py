"""Issue #22's first "done when", end to end through the API: history purchases and
imported past answers in; the loyalty figures out, with their intervals worked by hand;
and nothing sent, opened or posted on the way."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from feedback.complaints.models import Case
from feedback.extensions import db
from feedback.notify import webhooks
from feedback.notify.delivery import deliver_due
from feedback.notify.webhook_models import EVENT_TYPES, HookDelivery, HookKind
from feedback.outbox.models import OutboxMessage
from feedback.surveys.models import Invitation
from tests.complaints_helpers import work
from tests.hooks_helpers import serve


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


@pytest.fixture
def day_one(surveys, api):
    """Eight promoters (9 and 10) and eight detractors (0-6) answered 200 days ago; six
    promoters and two detractors bought again 30 days later; all sent as history."""
    answered = datetime.now(UTC) - timedelta(days=200)
    answers = [
        {
            "external_id": f"past-{group}-{n}",
            "customer_external_id": f"{group}-{n}",
            "survey": "NPS after purchase",
            "score": (9 + n % 2) if group == "pro" else n % 7,
            "answered_at": _iso(answered),
        }
        for group in ("pro", "det")
        for n in range(8)
    ]
    returned = [f"pro-{n}" for n in range(6)] + ["det-0", "det-1"]
    purchases = [
        {
            "external_id": f"order-{who}",
            "touchpoint": "purchase",
            "occurred_at": _iso(answered + timedelta(days=30)),
            "customer": {"external_id": who},
            "value": "100.00",
            "currency": "CNY",
            "history": True,
        }
        for who in returned
    ]
    imported = api("/api/v1/responses/import", {"responses": answers}).get_json()
    stored = api("/api/v1/touchpoints/batch", {"events": purchases}).get_json()
    assert imported["created"] == 16 and stored["created"] == 8
    return answered


@pytest.fixture
def receiver(app):
    """A real HTTP receiver on 127.0.0.1, and a hook to it subscribed to every event."""
    for box in serve(app):
        webhooks.create_hook(HookKind.WEBHOOK, box.url, list(EVENT_TYPES))
        db.session.commit()
        yield box


def test_promoters_return_6_of_8_and_detractors_2_of_8_with_nothing_sent(
    client, api_key, receiver, day_one
):
    work()  # the worker tags, computes RFM, and would queue any hook delivery
    deliver_due("test")
    start = (day_one - timedelta(days=1)).date().isoformat()
    end = (day_one + timedelta(days=1)).date().isoformat()
    body = client.get(
        f"/api/v1/loyalty?range=custom&start={start}&end={end}&window=90",
        headers={"Authorization": f"Bearer {api_key}"},
    ).get_json()

    promoters, detractors = body["return"]["promoters"], body["return"]["detractors"]
    assert (promoters["customers"], promoters["returned"]) == (8, 6)
    assert (detractors["customers"], detractors["returned"]) == (8, 2)
    assert body["too_early"] == 0
    # Wilson, z = 1.96, z^2 = 3.8416, n = 8:
    #   centre = (k + z^2/2) / (n + z^2) = (k + 1.9208) / 11.8416
    #   half   = z * sqrt(k(n-k)/n + z^2/4) / (n + z^2) = 1.96 * sqrt(k(8-k)/8 + 0.9604) / 11.8416
    #   k = 6: centre 0.66892, half 1.96 * sqrt(1.5 + 0.9604) / 11.8416 = 0.25960
    #          -> 0.40932 to 0.92852
    #   k = 2: by symmetry 1 - 0.92852 = 0.07148 to 1 - 0.40932 = 0.59068
    assert promoters["rate"] == pytest.approx(0.75)
    assert (promoters["low"], promoters["high"]) == pytest.approx((0.4093, 0.9285), abs=1e-3)
    assert detractors["rate"] == pytest.approx(0.25)
    assert (detractors["low"], detractors["high"]) == pytest.approx((0.0715, 0.5907), abs=1e-3)
    # Newcombe: d = 0.5; low = d - sqrt((0.75-0.40932)^2 + (0.59068-0.25)^2) = 0.5 - 0.48180
    # high = d + sqrt((0.92852-0.75)^2 + (0.25-0.07148)^2) = 0.5 + 0.25246
    difference = body["difference"]
    assert difference["value"] == pytest.approx(0.5)
    assert (difference["low"], difference["high"]) == pytest.approx((0.0182, 0.7525), abs=1e-3)
    assert difference["significant"] is True
    assert promoters["value_after"] == pytest.approx(600.0)

    def count(query):
        return db.session.scalar(select(func.count()).select_from(query))

    assert count(Case) == 0
    assert count(OutboxMessage) == 0
    assert count(select(Invitation).where(Invitation.sent_at.is_not(None)).subquery()) == 0
    assert count(HookDelivery) == 0 and receiver.received == []
