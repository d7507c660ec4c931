"""Erasing a customer from their page: admins and managers only, with a reason and a
confirmation; bad input is a 400 that erases nothing; afterwards the page says the
customer was erased, and when, in the viewer's time zone; a second click changes nothing."""

from __future__ import annotations

import threading
from zoneinfo import ZoneInfo

import pytest
import requests
from babel.dates import format_datetime
from sqlalchemy import func, select

from feedback.accounts.models import Role
from feedback.customers.models import AuditEntry, Customer
from feedback.extensions import db
from tests.complaints_helpers import answer
from tests.conftest import CSRF_RE, PASSWORD, sign_in

pytestmark = pytest.mark.usefixtures("surveys")

REASON = "Asked by email on 3 May to be forgotten"
CONFIRM = "I understand: their name, email address, phone number, external ids, comments"


def _customer() -> Customer:
    response = answer("csat", 2, "The courier was rude", customer="crm-77", name="Wang Wei")
    return db.session.get(Customer, response.customer_id)


def _erase(client, customer_id: int, **fields):
    data = {"erase-reason": REASON, "erase-confirm": "y", **fields}
    return client.submit(f"/customers/{customer_id}/erase", {k: v for k, v in data.items() if v})


def _reload(customer_id: int) -> Customer:
    db.session.expire_all()
    return db.session.get(Customer, customer_id)


def _erasures() -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == "customer.erase")))


@pytest.mark.parametrize("role", [Role.MANAGER, Role.ADMIN])
def test_a_manager_or_admin_erases_a_customer_and_the_page_says_so(app, make_user, role):
    customer = _customer()
    client = app.test_client()
    staff = make_user(role, timezone="Asia/Shanghai")
    sign_in(client, staff)
    page = client.get(f"/customers/{customer.id}").get_data(as_text=True)
    assert "Erase this customer" in page and CONFIRM in page

    done = _erase(client, customer.id)
    assert done.status_code == 302
    assert done.headers["Location"].endswith(f"/customers/{customer.id}")
    erased = _reload(customer.id)
    assert erased.erased_at is not None
    assert (erased.email, erased.name) == (None, "")
    assert erased.external_id.startswith("erased-")
    (entry,) = _erasures()
    assert (entry.detail, entry.user_id, entry.customer_id) == (REASON, staff.id, customer.id)

    page = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "The customer was erased. Their scores stay in every figure." in page
    shown = format_datetime(
        erased.erased_at, "medium", tzinfo=ZoneInfo("Asia/Shanghai"), locale="en"
    )
    assert f"This customer was erased on {shown}" in page
    assert "Erase this customer" not in page  # no form for someone erased
    assert "Wang Wei" not in page and "crm-77" not in page


def test_a_second_click_changes_nothing(manager_client):
    customer = _customer()
    assert _erase(manager_client, customer.id).status_code == 302
    first = _reload(customer.id).external_id
    again = _erase(manager_client, customer.id)
    assert again.status_code == 302
    page = manager_client.get(again.headers["Location"]).get_data(as_text=True)
    assert "This customer was erased before: nothing changed." in page
    assert _reload(customer.id).external_id == first
    assert len(_erasures()) == 1


def test_an_agent_sees_no_form_and_is_refused(agent_client):
    customer = _customer()
    page = agent_client.get(f"/customers/{customer.id}").get_data(as_text=True)
    assert "Erase this customer" not in page
    assert _erase(agent_client, customer.id).status_code == 403
    assert _reload(customer.id).erased_at is None and _erasures() == []


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"erase-reason": ""}, "Say why, for the audit log."),
        ({"erase-reason": "   "}, "Say why, for the audit log."),
        ({"erase-reason": "x" * 501}, "Field cannot be longer than 500 characters."),
        ({"erase-confirm": ""}, "Tick the box to confirm the erasure."),
    ],
)
def test_without_a_reason_or_the_confirmation_nothing_is_erased(manager_client, fields, message):
    customer = _customer()
    refused = _erase(manager_client, customer.id, **fields)
    assert refused.status_code == 400
    page = refused.get_data(as_text=True)
    assert message in page
    assert '<details class="card erase" open>' in page  # the form is open at its error
    assert "Wang Wei" in page  # the page, with nothing lost
    assert _reload(customer.id).erased_at is None and _erasures() == []


def test_without_the_csrf_token_or_for_nobody_nothing_is_erased(manager_client):
    customer = _customer()
    forged = manager_client.post(
        f"/customers/{customer.id}/erase", data={"erase-reason": REASON, "erase-confirm": "y"}
    )
    assert forged.status_code == 400
    assert _erase(manager_client, 999_999).status_code == 404
    assert _reload(customer.id).erased_at is None
    assert _erasures() == []


def test_two_clicks_at_once_erase_once(app, make_user, live_server):
    """Two requests racing (a double click, two managers): one erasure, one audit entry,
    one tombstone, one customer.erased event; neither request fails."""
    from feedback import events
    from feedback.customers.models import Tombstone

    url = f"{live_server}/customers/{_customer().id}/erase"
    manager = make_user(Role.MANAGER)
    sessions = []
    for _ in range(2):
        session = requests.Session()
        token = CSRF_RE.search(session.get(f"{live_server}/login", timeout=30).text).group(1)
        form = {"email": manager.email, "password": PASSWORD, "csrf_token": token}
        assert session.post(f"{live_server}/login", data=form, timeout=30).ok
        sessions.append((session, token))
    start = threading.Barrier(2, timeout=30)
    statuses: list[int] = []

    def click(session, token) -> None:
        data = {"erase-reason": REASON, "erase-confirm": "y", "csrf_token": token}
        start.wait()
        statuses.append(session.post(url, data=data, allow_redirects=False, timeout=60).status_code)

    threads = [threading.Thread(target=click, args=pair) for pair in sessions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert statuses == [302, 302]
    db.session.expire_all()
    assert len(_erasures()) == 1
    assert db.session.scalar(select(func.count()).select_from(Tombstone)) == 1
    published = select(func.count()).where(events.DomainEvent.type == "customer.erased")
    assert db.session.scalar(published) == 1
