"""Opt-outs and consent as people meet them: the unsubscribe link records the change, staff
re-subscribe a customer who asks, the customer page shows the history in the viewer's
time zone, the staff form takes consent, and the API's customer carries it (issue #23)."""

from __future__ import annotations

import threading
import urllib.request
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from feedback.customers.consent import record_consent
from feedback.customers.models import ConsentEvent, Customer
from feedback.extensions import db
from feedback.surveys.models import Invitation, InvitationStatus
from tests.conftest import PASSWORD, Client
from tests.surveys_helpers import event
from tests.test_security_headers import Watched


def _customer(external_id: str = "c-42") -> Customer:
    db.session.expire_all()
    return db.session.scalar(select(Customer).where(Customer.external_id == external_id))


def _changes(external_id: str = "c-42") -> list[tuple]:
    customer = _customer(external_id)
    rows = db.session.scalars(
        select(ConsentEvent)
        .where(ConsentEvent.customer_id == customer.id)
        .order_by(ConsentEvent.at, ConsentEvent.id)
    )
    return [(e.change, e.source, e.detail, e.recorded_by_id) for e in rows]


# --- the unsubscribe link ------------------------------------------------------------------


def test_the_unsubscribe_link_records_the_change_once(client, link):
    assert client.post(f"{link}/unsubscribe").status_code == 200
    assert client.post(f"{link}/unsubscribe").status_code == 200  # one-click, sent again
    assert _changes() == [("unsubscribed", "link", "", None)]
    customer = _customer()
    at = db.session.scalar(select(ConsentEvent.at))
    assert at == customer.unsubscribed_at


def test_two_unsubscribe_posts_at_once_record_one_change(link, live_server):
    """Two mail clients' one-click POSTs at the same moment, on a real server."""
    barrier = threading.Barrier(2)
    statuses = []

    def post():
        request = urllib.request.Request(f"{live_server}{link}/unsubscribe", method="POST")  # noqa: S310
        barrier.wait()
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 - our server
            statuses.append(response.status)

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert statuses == [200, 200]
    assert [c[0] for c in _changes()] == ["unsubscribed"]


# --- re-subscribing ------------------------------------------------------------------------


def _unsubscribed(api) -> Customer:
    body = event("e-1")
    body["consent"] = {"state": "withdrawn", "source": "call centre"}
    assert api("/api/v1/touchpoints", body).status_code == 201
    return _customer()


def test_staff_re_subscribe_a_customer_who_asks_with_a_note(surveys, api, agent_client):
    customer = _unsubscribed(api)
    page = agent_client.get(f"/customers/{customer.id}").get_data(as_text=True)
    assert "Re-subscribe" in page
    response = agent_client.submit(
        f"/customers/{customer.id}/resubscribe", {"note": "Called on 5 Dec, wants surveys."}
    )
    assert response.status_code == 303
    page = agent_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Ann is re-subscribed." in page
    assert "Subscribed: surveys may be sent." in page
    assert _customer().unsubscribed_at is None
    assert _changes()[-1] == (
        "resubscribed",
        "staff",
        "Called on 5 Dec, wants surveys.",
        agent_client.user.id,
    )
    # the next touchpoint invites them again
    response = api("/api/v1/touchpoints", event("e-2"))
    assert response.json["invitations"][0]["status"] == "scheduled"


def test_a_second_click_re_subscribes_nothing_more(surveys, api, agent_client):
    customer = _unsubscribed(api)
    url = f"/customers/{customer.id}/resubscribe"
    agent_client.submit(url, {"note": "Asked by phone."})
    again = agent_client.submit(url, {"note": "Asked by phone."})
    assert again.status_code == 303
    page = agent_client.get(again.headers["Location"]).get_data(as_text=True)
    assert "Ann is subscribed already." in page
    assert [c[0] for c in _changes()] == ["withdrawn", "resubscribed"]


def test_re_subscribing_needs_a_note(surveys, api, agent_client):
    customer = _unsubscribed(api)
    response = agent_client.submit(f"/customers/{customer.id}/resubscribe", {"note": "  "})
    assert response.status_code == 400
    assert "Say why: the customer's request, and how it came." in response.get_data(as_text=True)
    assert _customer().unsubscribed_at is not None
    too_long = agent_client.submit(f"/customers/{customer.id}/resubscribe", {"note": "n" * 201})
    assert too_long.status_code == 400
    assert [c[0] for c in _changes()] == ["withdrawn"]


def test_an_erased_customer_cannot_be_re_subscribed(surveys, api, agent_client):
    customer = _unsubscribed(api)
    customer.erased_at = datetime.now(UTC)
    db.session.commit()
    page = agent_client.get(f"/customers/{customer.id}").get_data(as_text=True)
    assert "Re-subscribe" not in page
    response = agent_client.submit(f"/customers/{customer.id}/resubscribe", {"note": "Asked."})
    assert response.status_code == 409
    assert "This customer was erased: they cannot be re-subscribed." in response.get_data(
        as_text=True
    )
    assert _customer().unsubscribed_at is not None


def test_re_subscribing_an_unknown_customer_is_404(app, agent_client):
    assert agent_client.submit("/customers/999/resubscribe", {"note": "x"}).status_code == 404


def test_re_subscribing_needs_a_signed_in_member_of_staff(surveys, api, client):
    customer = _unsubscribed(api)
    response = client.post(f"/customers/{customer.id}/resubscribe", data={"note": "x"})
    assert response.status_code in (302, 400)
    assert _customer().unsubscribed_at is not None


# --- the customer page ---------------------------------------------------------------------


def test_the_customer_page_shows_the_history_in_the_viewers_time_zone(surveys, api, agent_client):
    customer = _unsubscribed(api)
    record_consent(
        customer, "given", "import", at=datetime(2025, 3, 1, 1, 30, tzinfo=UTC), detail="CRM"
    )
    db.session.commit()
    agent_client.user.timezone = "Asia/Shanghai"
    db.session.commit()
    page = agent_client.get(f"/customers/{customer.id}").get_data(as_text=True)
    assert "Consent and opt-outs" in page
    assert "Consent withdrawn" in page
    assert "with a touchpoint" in page
    assert "call centre" in page
    assert "Consent given" in page
    assert "in an import" in page
    assert "Mar 1, 2025, 9:30:00\u202fAM" in page or "Mar 1, 2025, 9:30:00 AM" in page


def test_a_customer_with_no_history_says_so(surveys, api, agent_client):
    api("/api/v1/touchpoints", event("e-1"))
    page = agent_client.get(f"/customers/{_customer().id}").get_data(as_text=True)
    assert "No consent or opt-out recorded." in page
    assert "Re-subscribe" not in page


def test_the_staff_form_records_consent_with_the_touchpoint(surveys, api, agent_client):
    customer = _unsubscribed(api)
    response = agent_client.submit(
        f"/customers/{customer.id}",
        {"touchpoint": "delivery", "occurred_at": "2026-01-05T10:00", "consent": "given"},
    )
    assert response.status_code == 302
    assert _customer().unsubscribed_at is None
    assert _changes()[-1] == ("given", "staff", "", agent_client.user.id)
    invitations = db.session.scalars(
        select(Invitation.status).where(Invitation.event.has(source="staff"))
    ).all()
    assert invitations == [InvitationStatus.SCHEDULED]


def test_the_staff_form_refuses_a_consent_it_does_not_offer(surveys, api, agent_client):
    customer = _unsubscribed(api)
    response = agent_client.submit(
        f"/customers/{customer.id}",
        {"touchpoint": "delivery", "occurred_at": "2026-01-05T10:00", "consent": "maybe"},
    )
    assert response.status_code == 400
    assert "Not a valid choice" in response.get_data(as_text=True)
    assert [c[0] for c in _changes()] == ["withdrawn"]


def test_the_page_and_re_subscribing_work_in_a_browser_under_the_policy(
    surveys, api, live_server, browser, make_user
):
    customer = _unsubscribed(api)
    user = make_user()
    watched = Watched(browser)
    page = watched.page
    page.goto(f"{live_server}/login")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    watched.visit(f"{live_server}/customers/{customer.id}")
    page.get_by_label("Note (why, and how the customer asked)").fill("Asked at the counter.")
    with page.expect_navigation():
        page.get_by_role("button", name="Re-subscribe").click()
    assert page.get_by_text("Ann is re-subscribed.").is_visible()
    assert watched.messages == []
    watched.context.close()
    assert _customer().unsubscribed_at is None


# --- the API -------------------------------------------------------------------------------


def test_the_api_customer_carries_consent(surveys, api, api_key, client: Client):
    _unsubscribed(api)
    headers = {"Authorization": f"Bearer {api_key}"}
    body = client.get("/api/v1/customers/c-42", headers=headers).json
    assert body["consent"]["subscribed"] is False
    (line,) = body["consent"]["history"]
    assert line["change"] == "withdrawn"
    assert line["source"] == "touchpoint"
    assert line["detail"] == "call centre"
    assert datetime.fromisoformat(line["at"]).utcoffset().total_seconds() == 0


def test_the_api_and_the_page_show_the_newest_hundred_changes(surveys, api, api_key, client):
    customer = _unsubscribed(api)
    start = datetime(2025, 1, 1, tzinfo=UTC)
    for day in range(120):
        change = "given" if day % 2 else "withdrawn"
        record_consent(customer, change, "import", at=start + timedelta(days=day))
    db.session.commit()
    headers = {"Authorization": f"Bearer {api_key}"}
    history = client.get("/api/v1/customers/c-42", headers=headers).json["consent"]["history"]
    assert len(history) == 100
    assert history[0]["source"] == "touchpoint"  # today's withdrawal, the newest
