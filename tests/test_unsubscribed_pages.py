"""A customer who unsubscribed and opens a survey link again is told so."""

from __future__ import annotations

from sqlalchemy import select

from feedback.customers.models import Customer
from feedback.extensions import db
from feedback.surveys.models import Response

NOTICE = (
    "You have unsubscribed, so we will not send you any more surveys."
    " You can still answer this one if you like."
)


def test_the_survey_page_says_the_customer_is_unsubscribed_and_still_takes_the_answer(client, link):
    before = client.get(link).get_data(as_text=True)
    assert NOTICE not in before
    assert f'href="{link}/unsubscribe' in before

    assert client.post(f"{link}/unsubscribe").status_code == 200
    page = client.get(f"{link}?score=4")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert NOTICE in text
    assert "/unsubscribe" not in text  # no second offer to unsubscribe
    assert 'value="4" checked' in text
    assert "/unsubscribe" not in client.get(f"{link}?lang=zh").get_data(as_text=True)

    assert client.post(link, data={"score": "4", "comment": "Fine"}).status_code == 303
    assert db.session.scalar(select(Response.score)) == 4
    assert db.session.scalar(select(Customer.unsubscribed_at)) is not None  # still out


def test_the_unsubscribe_page_says_already_and_asks_nothing(client, link):
    client.post(f"{link}/unsubscribe")
    page = client.get(f"{link}/unsubscribe")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "You are already unsubscribed." in text
    assert "You will not get any more surveys from us." in text
    assert "Stop receiving our surveys?" not in text
    assert "<form" not in text
    # a mail client's one-click POST may come again; it still answers kindly
    again = client.post(f"{link}/unsubscribe")
    assert again.status_code == 200
    assert "You are unsubscribed" in again.get_data(as_text=True)
