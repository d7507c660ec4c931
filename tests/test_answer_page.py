"""The customer's answer page: validation, one answer per link, the comment window."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from feedback.extensions import db
from feedback.surveys.models import Response
from feedback.timeutil import utcnow


def _responses() -> list[Response]:
    return db.session.scalars(select(Response)).all()


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"score": "9"}, "Please choose a score from 1 to 5."),
        ({"score": "0"}, "Please choose a score from 1 to 5."),
        ({"score": "abc"}, "Please choose a score from 1 to 5."),
        ({"comment": "no score"}, "Please choose a score from 1 to 5."),
        ({"score": "4", "comment": "x" * 2001}, "Please keep the comment under 2000 characters."),
    ],
)
def test_bad_answers_get_a_message_on_the_page(client, link, form, message):
    response = client.post(link, data=form)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page
    assert _responses() == []
    if form.get("comment"):
        assert form["comment"][:50] in page  # what they typed is kept


@pytest.mark.parametrize("score", ["99", "abc", "-1"])
def test_a_wrong_score_in_the_link_is_explained_not_an_error(client, link, score):
    page = client.get(f"{link}?score={score}")
    assert page.status_code == 200
    assert "That link carried a score we do not know" in page.get_data(as_text=True)
    assert "checked" not in page.get_data(as_text=True)


def test_double_click_stores_one_answer_and_keeps_the_first_score(client, link):
    first = client.post(link, data={"score": "2", "comment": "late"})
    second = client.post(link, data={"score": "5", "comment": "changed my mind"})
    assert first.status_code == 303
    assert second.status_code == 409  # the thank-you page says the 2 stands
    (response,) = _responses()
    assert response.score == 2
    assert response.comment == "late"  # a comment written for a 5 stays off the 2


def test_twenty_simultaneous_posts_store_exactly_one_answer(app, link):
    barrier = threading.Barrier(20)
    statuses = []

    def post(score):
        client = app.test_client()
        barrier.wait()
        statuses.append(client.post(link, data={"score": str(score)}).status_code)

    threads = [threading.Thread(target=post, args=(1 + i % 5,)) for i in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(statuses) == 20
    # one stored; the same score again is a (no-op) comment edit, another is refused
    assert sorted(statuses).count(303) == 1 and set(statuses) <= {200, 303, 409}, statuses
    assert db.session.scalar(select(func.count()).select_from(Response)) == 1


def test_comment_can_be_edited_for_24_hours_only(client, link):
    client.post(link, data={"score": "3", "comment": "ok"})
    edited = client.post(link, data={"comment": "Actually the driver was rude."})
    assert edited.status_code == 200
    assert "Your comment is saved." in edited.get_data(as_text=True)
    (response,) = _responses()
    assert (response.score, response.comment) == (3, "Actually the driver was rude.")

    db.session.execute(update(Response).values(answered_at=utcnow() - timedelta(hours=25)))
    db.session.commit()
    late = client.post(link, data={"comment": "too late"})
    assert late.status_code == 409
    assert "too late" not in late.get_data(as_text=True)
    db.session.expire_all()
    assert _responses()[0].comment == "Actually the driver was rude."


def test_page_switches_language_and_keeps_the_score(client, link):
    english = client.get(f"{link}?score=4").get_data(as_text=True)
    assert "How satisfied are you with your delivery?" in english
    assert f'href="{link}?lang=zh&amp;score=4"' in english
    chinese = client.get(f"{link}?lang=zh&score=4").get_data(as_text=True)
    assert "您对本次配送满意吗？" in chinese
    assert 'value="4" checked' in chinese
    assert '<html lang="zh-Hans">' in chinese


def test_answer_page_is_small_and_needs_no_javascript(client, link):
    page = client.get(f"{link}?score=4")
    with client.get("/static/css/survey.css") as css:
        css_size = len(css.data)
    assert "<script" not in page.get_data(as_text=True)
    assert len(page.data) + css_size < 50 * 1024
    assert page.headers["Cache-Control"] == "no-store"


def test_unsubscribe_page_asks_first(client, link):
    page = client.get(f"{link}/unsubscribe")
    assert page.status_code == 200
    assert "Stop receiving our surveys?" in page.get_data(as_text=True)
    done = client.post(f"{link}/unsubscribe")
    assert "You are unsubscribed" in done.get_data(as_text=True)
