"""Review of the brand form: values that would break every email are refused with the
form's message, and the mail keeps going out."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from feedback.extensions import db
from feedback.outbox.delivery import deliver_due
from feedback.outbox.models import OutboxMessage, OutboxStatus
from feedback.outbox.services import queue_email
from tests.test_brand import _row, _save


@pytest.mark.parametrize(
    "fields",
    [
        {"sender_name": "Acme\r\nBcc: everyone@example.com"},
        {"sender_name": "Acme\nCare"},
        {"company_name": "Acme\r\nShoes"},
    ],
)
def test_a_line_break_in_a_name_is_refused_and_mail_still_goes(
    app, admin_client, smtp_server, fields
):
    _save(admin_client)
    page = _save(admin_client, **fields)
    assert page.status_code == 400
    assert "one line" in page.get_data(as_text=True)
    assert _row().sender_name == "Acme Care" and _row().company_name == "Acme Shoes"
    queue_email("ann@example.com", "Hello", "Body")
    db.session.commit()
    deliver_due("test")
    db.session.expire_all()
    assert db.session.scalar(select(OutboxMessage.status)) is OutboxStatus.SENT
    assert len(smtp_server.handler_obj.raw) == 1
