"""An answer page open in two tabs: the stored score keeps its own comment."""

from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import select, update

from feedback.events import DomainEvent
from feedback.extensions import db
from feedback.surveys.models import Response, SentimentLabel
from feedback.timeutil import utcnow
from tests.complaints_helpers import case_of, cases, work

CRUSHED = {"score": "1", "comment": "Box was crushed"}
GREAT = {"score": "5", "comment": "Actually great!"}


def _stored() -> Response:
    db.session.expire_all()
    return db.session.scalars(select(Response)).one()


def _comment_changes() -> int:
    query = select(DomainEvent).where(DomainEvent.type == "answer.comment_changed")
    return len(db.session.scalars(query).all())


def test_a_tab_opened_earlier_cannot_put_its_comment_on_the_stored_score(client, link):
    """Tab A posts 1 "Box was crushed"; tab B, opened before, posts 5 "Actually great!"."""
    assert client.post(link, data=CRUSHED).status_code == 303
    work()
    before = _stored()
    case = case_of(before)
    assert case is not None and before.sentiment is SentimentLabel.NEGATIVE

    page = client.post(link, data=GREAT)

    assert page.status_code == 409
    text = page.get_data(as_text=True)
    assert "Your answer is saved: 1." in text
    assert "Your score of 1 was already saved, so this answer was not." in text
    assert "You can still change your comment below." in text
    assert "Box was crushed" in text  # the stored comment, ready to edit
    assert "Actually great!" not in text
    work()
    after = _stored()
    assert (after.score, after.comment, after.comment_updated_at) == (1, "Box was crushed", None)
    assert after.sentiment is SentimentLabel.NEGATIVE
    assert _comment_changes() == 0
    assert [c.id for c in cases()] == [case.id]
    assert case_of(after).priority is case.priority


def test_a_tab_sent_without_a_score_cannot_change_the_stored_comment(client, link):
    """Tab B's answer page, with a comment typed but no score chosen."""
    client.post(link, data=CRUSHED)
    page = client.post(link, data={"page": "answer", "comment": "Actually great!"})
    assert page.status_code == 409
    assert "Your score of 1 was already saved" in page.get_data(as_text=True)
    assert _stored().comment == "Box was crushed"
    assert _comment_changes() == 0


def test_the_answer_page_marks_its_form_and_the_thank_you_page_does_not(client, link):
    assert 'name="page" value="answer"' in client.get(link).get_data(as_text=True)
    client.post(link, data=CRUSHED)
    assert 'name="page"' not in client.get(link).get_data(as_text=True)


def test_the_same_score_still_edits_the_comment_for_24_hours(client, link):
    client.post(link, data=CRUSHED)
    page = client.post(link, data={"score": "1", "comment": "Box was crushed, food spilt"})
    assert page.status_code == 200
    assert "Your comment is saved." in page.get_data(as_text=True)
    assert _stored().comment == "Box was crushed, food spilt"
    # the thank-you page's own form carries no score and edits as before
    page = client.post(link, data={"comment": "Box was crushed again"})
    assert page.status_code == 200
    assert _stored().comment == "Box was crushed again"
    # posting the same again changes nothing and asks for no new tagging
    changes = _comment_changes()
    assert (
        client.post(link, data={"score": "1", "comment": "Box was crushed again"}).status_code
        == 200
    )
    assert _comment_changes() == changes


def test_after_the_edit_window_the_page_says_the_comment_is_final(client, link):
    client.post(link, data=CRUSHED)
    db.session.execute(update(Response).values(answered_at=utcnow() - timedelta(hours=25)))
    db.session.commit()
    page = client.post(link, data=GREAT)
    assert page.status_code == 409
    text = page.get_data(as_text=True)
    assert "Your score of 1 was already saved, so this answer was not." in text
    assert "The comment can no longer be changed." in text
    assert "Actually great!" not in text
    assert _stored().comment == "Box was crushed"


def test_the_refusal_is_in_the_customers_language(client, link):
    client.post(f"{link}?lang=zh", data=CRUSHED)
    page = client.post(f"{link}?lang=zh", data=GREAT)
    assert page.status_code == 409
    text = page.get_data(as_text=True)
    assert '<html lang="zh-Hans">' in text and "谢谢您！" in text
    assert "Actually great!" not in text


def test_two_tabs_posting_at_once_keep_each_comment_with_its_own_score(app, link):
    """Whichever post wins, the stored comment is the one written for the stored score."""
    barrier = threading.Barrier(2)
    statuses = {}

    def post(data):
        client = app.test_client()
        barrier.wait()
        statuses[data["score"]] = client.post(link, data=data).status_code

    threads = [threading.Thread(target=post, args=(data,)) for data in (CRUSHED, GREAT)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    stored = _stored()
    winner, loser = (CRUSHED, GREAT) if stored.score == 1 else (GREAT, CRUSHED)
    assert stored.comment == winner["comment"]
    assert statuses == {winner["score"]: 303, loser["score"]: 409}
