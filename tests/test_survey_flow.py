"""The whole path: an event through the API, the worker's email, the answer page."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select, update

from feedback.extensions import db
from feedback.surveys.models import Invitation, InvitationStatus, Response
from feedback.timeutil import utcnow
from tests.surveys_helpers import captured, event, html_links, local


def _responses() -> int:
    return db.session.scalar(select(func.count()).select_from(Response))


def _send(runner) -> None:
    result = runner.invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output


def test_event_to_email_to_answer(app, surveys, api, client, runner):
    created = api("/api/v1/touchpoints", event())
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    (invitation,) = body["invitations"]
    assert invitation["survey"]["name"] == "CSAT after delivery"
    assert invitation["status"] == "scheduled"

    _send(runner)
    (email,) = captured(app)
    assert email["To"] == "ann@example.com"
    assert email["Subject"] == "How was your delivery?"
    text = email.get_body(("plain",)).get_content()
    assert "How satisfied are you with your delivery?" in text
    links = [link for link in html_links(email) if "score=" in link]
    assert [link.rsplit("=", 1)[1] for link in links] == ["1", "2", "3", "4", "5"]

    page = client.get(local(links[3]))
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "How satisfied are you with your delivery?" in html
    assert 'value="4" checked' in html
    assert _responses() == 0  # the GET recorded nothing

    answer_path = local(links[3]).split("?")[0]
    posted = client.post(answer_path, data={"score": "4", "comment": "快递很快，谢谢！"})
    assert posted.status_code == 303
    response = db.session.scalar(select(Response))
    assert (response.score, response.comment, response.kind.value) == (
        4,
        "快递很快，谢谢！",
        "csat",
    )
    assert response.invitation.status is InvitationStatus.ANSWERED
    thanks = client.get(posted.headers["Location"]).get_data(as_text=True)
    assert "Thank you!" in thanks


def test_opening_every_link_with_get_and_head_records_nothing(app, surveys, api, client, runner):
    api("/api/v1/touchpoints", event())
    _send(runner)
    (email,) = captured(app)
    links = html_links(email)
    assert any(link.endswith("/unsubscribe") for link in links)
    for link in links:
        assert client.get(local(link)).status_code == 200
        assert client.head(local(link)).status_code == 200
    assert _responses() == 0
    invitation = db.session.scalar(select(Invitation))
    assert invitation.status is InvitationStatus.SENT
    assert invitation.customer.unsubscribed_at is None


def test_email_has_rfc8058_unsubscribe_headers_that_work(app, surveys, api, client, runner):
    api("/api/v1/touchpoints", event())
    _send(runner)
    (email,) = captured(app)
    assert email["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = email["List-Unsubscribe"].strip("<>")
    # A mail client's one-click POST carries no cookie and no CSRF token.
    response = client.post(local(url), data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert "You are unsubscribed" in response.get_data(as_text=True)
    invitation = db.session.scalar(select(Invitation))
    assert invitation.customer.unsubscribed_at is not None


def test_email_in_the_customers_language(app, surveys, api, runner):
    api("/api/v1/touchpoints", event(locale="zh-CN", name="王伟"))
    _send(runner)
    (email,) = captured(app)
    assert email["Subject"] == "您的配送体验如何？"
    text = email.get_body(("plain",)).get_content()
    assert "您对本次配送满意吗？" in text
    assert "王伟" in text


def test_link_tokens_are_long_random_and_stored_only_hashed(app, surveys, api, runner):
    from feedback.surveys.models import InvitationToken

    api("/api/v1/touchpoints", event())
    _send(runner)
    (email,) = captured(app)
    token = local(html_links(email)[0]).split("/")[2].split("?")[0]
    assert len(token) >= 22  # 128 bits in URL-safe base64
    stored = db.session.scalar(select(InvitationToken.token_hash))
    assert token not in stored and len(stored) == 64
    raw = email.as_string()
    assert raw.count(token) >= 6
    # Once delivered, the outbox keeps no copy of the link.
    from feedback.outbox.delivery import REDACTED
    from feedback.outbox.models import OutboxMessage

    kept = db.session.scalar(select(OutboxMessage))
    assert (kept.body_text, kept.body_html, kept.headers) == (REDACTED, None, {})
    assert token not in repr(db.session.execute(select(OutboxMessage.__table__)).all())


def test_expired_link_is_410_and_takes_no_answer(app, surveys, api, client, runner):
    api("/api/v1/touchpoints", event())
    _send(runner)
    link = local(html_links(captured(app)[0])[0]).split("?")[0]
    db.session.execute(update(Invitation).values(expires_at=utcnow() - timedelta(minutes=1)))
    db.session.commit()
    page = client.get(link)
    assert page.status_code == 410
    assert "This survey has closed" in page.get_data(as_text=True)
    assert client.post(link, data={"score": "5"}).status_code == 410
    assert _responses() == 0


def test_unknown_link_is_a_friendly_404(client):
    page = client.get("/s/this-token-does-not-exist-at-all-123")
    assert page.status_code == 404
    assert "We cannot find this survey" in page.get_data(as_text=True)
