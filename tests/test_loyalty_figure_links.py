"""A figure's link opens the answers the figure counts: the heat map's "no tier" column
and the follow-up survey (which the figures leave out) on the Answers list."""

from __future__ import annotations

import re

from feedback.accounts.models import Role
from feedback.complaints import cases as actions
from feedback.complaints.models import CallOutcome, ResolutionCode
from feedback.extensions import db
from feedback.surveys.answers import Link, record_answer
from tests import heatmap_helpers
from tests.complaints_helpers import answer, case_of, work
from tests.topic_helpers import ensure_default_topics


def _links(page: str) -> list[str]:
    table = page[page.index("<tbody>", page.index('class="heatmap"')) :]
    return [h.replace("&amp;", "&") for h in re.findall(r'<a href="([^"]+)"', table)]


def _count(client, href: str) -> str:
    return re.search(r">(\d+ answers?)<", client.get(href).get_data(as_text=True)).group(1)


def test_the_no_tier_cell_opens_only_the_answers_without_a_tier(manager_client, surveys):
    for _ in range(2):
        heatmap_helpers.answer("nps", 9, "gold")
    for _ in range(3):
        heatmap_helpers.answer("nps", 3, None)
    page = manager_client.get("/loyalty/heatmap").get_data(as_text=True)
    assert "n=2" in page and "n=3" in page
    gold, no_tier = _links(page)
    assert _count(manager_client, gold) == "2 answers"
    # the cell says n=3: its link opens those 3, not the 5 of every tier
    assert _count(manager_client, no_tier) == "3 answers"


def test_a_csat_driver_leaves_out_the_follow_up_as_the_figure_does(
    manager_client, surveys, make_user
):
    ensure_default_topics()
    db.session.commit()
    unhappy = answer("csat", 1, "The delivery was late again", customer="fol")
    case = case_of(unhappy)
    agent = make_user(Role.AGENT)
    actions.log_call(case, agent, CallOutcome.REACHED, "")
    actions.resolve(case, agent, ResolutionCode.SOLVED)
    db.session.commit()
    followup = Link.of(case.followup_invitation, "en")
    record_answer(followup, 5, "The delivery was late but you fixed it", "en", None)
    db.session.commit()
    work()
    page = manager_client.get("/loyalty/drivers?kind=csat").get_data(as_text=True)
    # the figure: one unhappy comment names delivery, no happy one (the follow-up's
    # answer is reported apart, as on the dashboard)
    assert "(1/1)" in page and "(0/0)" in page
    href = re.search(r'<a href="(/answers\?[^"]+)"', page).group(1).replace("&amp;", "&")
    assert _count(manager_client, href) == "1 answer"


def test_a_cell_keeps_the_language_the_answers_were_given_in(manager_client, surveys):
    answer("nps", 9, customer="en-1", locale="en")
    answer("nps", 9, customer="zh-1", locale="zh")
    answer("nps", 9, customer="zh-2", locale="zh")
    page = manager_client.get("/loyalty/heatmap?language=zh").get_data(as_text=True)
    assert "n=2" in page
    (only,) = _links(page)
    # the cell counts the 2 answers given in Chinese; its link opens those, not all 3
    assert _count(manager_client, only) == "2 answers"


def test_the_end_date_is_not_called_the_recipient_in_chinese(manager_client, surveys):
    manager_client.user.locale = "zh"
    db.session.commit()
    # "To" is also the outbox's recipient column (收件人): the period's end date needs a
    # word of its own
    for path in ("/loyalty", "/loyalty/heatmap", "/loyalty/drivers", "/dashboard"):
        page = manager_client.get(path).get_data(as_text=True)
        assert 'lang="zh' in page
        assert "收件人" not in page, path


def test_a_cell_of_a_number_property_opens_its_answers(manager_client, surveys):
    heatmap_helpers.answer("nps", 9, "gold", visits=3)
    heatmap_helpers.answer("nps", 3, "gold", visits=3)
    heatmap_helpers.answer("nps", 3, "gold", visits=4)
    page = manager_client.get("/loyalty/heatmap?by=visits").get_data(as_text=True)
    assert "n=2" in page
    three = next(h for h in _links(page) if "value=3" in h)
    assert _count(manager_client, three) == "2 answers"
