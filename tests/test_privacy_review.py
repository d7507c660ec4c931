"""Issue #23 reviewed as its users meet it: odd input on the privacy pages and API is a
4xx, never a 500, and a re-subscribe racing an erasure never puts the erased person
back on the survey list."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from sqlalchemy import select

from feedback.accounts.models import Role
from feedback.customers.consent import resubscribe
from feedback.customers.erasure import erase_customer
from feedback.customers.models import ConsentEvent, Customer
from feedback.extensions import db
from tests.complaints_helpers import answer

pytestmark = pytest.mark.usefixtures("surveys")


@pytest.mark.parametrize("value", ["²", "١٢٣", "9" * 40, "\x00", "x" * 120])
def test_an_odd_customer_filter_on_the_audit_log_is_never_a_500(admin_client, value):
    answer("csat", 4, "Fine", customer="c-1")
    page = admin_client.get("/admin/audit?customer=" + quote(value, safe=""))
    assert page.status_code in (200, 400)
    if page.status_code == 400:
        assert "No customer has that number or external id." in page.get_data(as_text=True)


def test_a_re_subscribe_racing_an_erasure_leaves_the_person_opted_out(app, make_user):
    customer_id = answer("csat", 4, "Fine", customer="c-1").customer_id
    staff = make_user(Role.AGENT)
    customer = db.session.get(Customer, customer_id)
    customer.unsubscribed_at = customer.created_at
    db.session.commit()
    # the staff member's request read the customer before a manager's erasure committed
    seen = db.session.get(Customer, customer_id)
    with app.app_context():  # another request, its own session
        assert erase_customer(db.session.get(Customer, customer_id), reason="ticket 7")
        db.session.commit()

    assert resubscribe(seen, "the caller's name and number", staff) is None
    db.session.commit()
    db.session.expire_all()
    erased = db.session.get(Customer, customer_id)
    assert erased.erased_at is not None and erased.unsubscribed_at is not None
    changes = db.session.scalars(
        select(ConsentEvent.change).where(ConsentEvent.customer_id == customer_id)
    )
    assert "resubscribed" not in list(changes)
