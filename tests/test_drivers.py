"""Drivers: odds ratios of the comments' topics in unhappy against happy answers, and the
points each costs, on the Drivers tab, the dashboard and GET /api/v1/drivers. Every
figure is worked by hand in the test."""

from __future__ import annotations

import re

import pytest

from feedback.dashboard.drivers import points
from feedback.extensions import db
from feedback.intervals import odds_ratio
from tests.complaints_helpers import answer


@pytest.fixture
def topics(app):
    from tests.topic_helpers import ensure_default_topics

    ensure_default_topics()
    db.session.commit()


def test_an_odds_ratio_worked_by_hand():
    # a = 20 detractor comments with the topic, b = 30 without; c = 10 promoter comments
    # with it, d = 90 without. OR = (20 * 90) / (30 * 10) = 1800 / 300 = 6.
    # Woolf: SE(ln OR) = sqrt(1/20 + 1/30 + 1/10 + 1/90) = sqrt(0.194444) = 0.440959;
    # ln 6 = 1.791759, 1.96 * 0.440959 = 0.864281:
    # low = exp(0.927478) = 2.52813, high = exp(2.656040) = 14.2398. 1 is outside: flagged.
    ratio = odds_ratio(20, 30, 10, 90)
    assert ratio.value == pytest.approx(6.0)
    assert ratio.low == pytest.approx(2.52813, rel=1e-4)
    assert ratio.high == pytest.approx(14.2398, rel=1e-4)
    assert ratio.excludes_one and not ratio.corrected


def test_an_empty_cell_adds_a_half_to_every_cell():
    # a = 0: Haldane-Anscombe, 0.5 added to all four: 0.5, 10.5, 5.5, 5.5.
    # OR = (0.5 * 5.5) / (10.5 * 5.5) = 0.5 / 10.5 = 0.047619;
    # SE = sqrt(1/0.5 + 1/10.5 + 1/5.5 + 1/5.5) = sqrt(2 + 0.095238 + 0.363636) = 1.568080;
    # ln OR = -3.044522, 1.96 * 1.568080 = 3.073437:
    # low = exp(-6.117959) = 0.0022029, high = exp(0.028915) = 1.02934: 1 is inside.
    ratio = odds_ratio(0, 10, 5, 5)
    assert ratio.corrected
    assert ratio.value == pytest.approx(0.047619, rel=1e-4)
    assert ratio.low == pytest.approx(0.0022029, rel=1e-3)
    assert ratio.high == pytest.approx(1.02934, rel=1e-4)
    assert not ratio.excludes_one


@pytest.mark.parametrize("cells", [(0, 0, 1, 1), (1, 1, 0, 0), (-1, 2, 3, 4)])
def test_an_odds_ratio_needs_both_groups(cells):
    with pytest.raises(ValueError, match="non-empty"):
        odds_ratio(*cells)


def test_the_points_a_topic_costs():
    # 3 of 10 answers are detractors naming the topic: as passives, the NPS would be
    # 100 * 3 / 10 = 30 points higher.
    assert points(3, 10) == pytest.approx(30.0)
    assert points(0, 0) is None


def _nps_answers():
    """Ten NPS answers: 3 detractors naming delivery, 1 naming the app, 1 promoter naming
    delivery, 3 promoters naming the staff, 2 passives without a comment.

    Delivery: a = 3, b = 1, c = 1, d = 3: OR = (3 * 3) / (1 * 1) = 9;
    SE = sqrt(1/3 + 1 + 1 + 1/3) = sqrt(2.666667) = 1.632993, 1.96 * SE = 3.200666,
    ln 9 = 2.197225: low = exp(-1.003441) = 0.37, high = exp(5.397891) = 220.94;
    points = 100 * 3 / 10 = 30.0. The app: a = 1, points 100 * 1 / 10 = 10.0.
    """
    for n in range(3):
        answer("nps", 2, "The delivery was late again", customer=f"d{n}")
    answer("nps", 4, "The app kept crashing", customer="app")
    answer("nps", 10, "The delivery was on time", customer="p-delivery")
    for n in range(3):
        answer("nps", 9, "Friendly staff", customer=f"p{n}")
    for n in range(2):
        answer("nps", 8, customer=f"passive{n}")


def _row(page: str, name: str) -> list[str]:
    """The text of the cells of a topic's row of the drivers table."""
    table = page[page.index('class="stack drivers"') :]
    start = table.index(f">{name}</a>")
    row = table[start : table.index("</tr>", start)]
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", cell)).strip() for cell in cells]


def test_the_drivers_tab_shows_odds_ratios_and_points(manager_client, surveys, topics):
    _nps_answers()
    response = manager_client.get("/loyalty/drivers?kind=nps")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    # shares from fewer than 10 comments are not shown, but their counts are
    assert _row(page, "Delivery") == ["— (3/4)", "— (1/4)", "9.00 [0.37, 220.94]", "30.0"]
    assert _row(page, "App or website")[-1] == "10.0"
    assert page.index(">Delivery</a>") < page.index(">App or website</a>")  # by points
    assert "if the detractors whose comment names the topic had been passives" in page


def test_a_topic_links_to_its_answers_of_the_period(manager_client, surveys, topics):
    _nps_answers()
    answer("csat", 1, "The delivery was late again", customer="csat-1")
    page = manager_client.get("/loyalty/drivers?kind=nps").get_data(as_text=True)
    href = re.search(r'<a href="([^"]+)">Delivery</a>', page).group(1).replace("&amp;", "&")
    assert "kind=nps" in href and "topic=delivery" in href and "start=" in href
    answers = manager_client.get(href)
    assert answers.status_code == 200
    text = answers.get_data(as_text=True)
    # the 4 NPS answers naming delivery, not the CSAT one
    assert "4 answers" in text
    assert text.count("The delivery was late again") == 3


def test_a_flagged_driver(manager_client, surveys, topics):
    # 6 detractors all name delivery, 6 promoters none: a = 6, b = 0, c = 0, d = 6;
    # corrected 6.5, 0.5, 0.5, 6.5: OR = 42.25 / 0.25 = 169; SE = sqrt(2/6.5 + 2/0.5)
    # = 2.075498, 1.96 * SE = 4.067976, ln 169 = 5.129899: low = exp(1.061923) = 2.89.
    for n in range(6):
        answer("nps", 0, "The delivery was late again", customer=f"d{n}")
        answer("nps", 10, "Friendly staff", customer=f"p{n}")
    page = manager_client.get("/loyalty/drivers").get_data(as_text=True)
    cells = _row(page, "Delivery")
    assert cells[2].startswith("169.00 [2.89, ")
    assert "more in unhappy comments" in cells[2]
    # 100 * 6 / 12 = 50 points
    assert cells[3] == "50.0"


def test_csat_compares_dissatisfied_with_satisfied(manager_client, surveys, topics):
    # CSAT: 2 dissatisfied naming delivery, 1 satisfied naming delivery, 1 satisfied
    # naming the staff, 1 neutral; n = 5. Delivery: a = 2, b = 0, c = 1, d = 1;
    # corrected 2.5, 0.5, 1.5, 1.5: OR = 3.75 / 0.75 = 5.00; points = 100 * 2 / 5 = 40.0.
    answer("csat", 1, "The delivery was late again", customer="a")
    answer("csat", 2, "The delivery was late again", customer="b")
    answer("csat", 5, "The delivery was on time", customer="c")
    answer("csat", 4, "Friendly staff", customer="d")
    answer("csat", 3, customer="e")
    page = manager_client.get("/loyalty/drivers?kind=csat").get_data(as_text=True)
    assert "Share of Dissatisfied (1-2)" in page
    cells = _row(page, "Delivery")
    assert cells[0] == "— (2/2)" and cells[1] == "— (1/2)"
    assert cells[2].startswith("5.00 [")
    assert cells[3] == "40.0"
    nps = manager_client.get("/loyalty/drivers?kind=nps").get_data(as_text=True)
    assert "No topic was mentioned in this period." in nps


@pytest.mark.parametrize(
    "query", ["kind=loyalty", "range=custom&start=2026-02-01&end=2026-01-01", "tier=%00x"]
)
def test_bad_filters_are_a_400(manager_client, surveys, query):
    response = manager_client.get(f"/loyalty/drivers?{query}")
    assert response.status_code == 400
    assert "These filters are not valid" in response.get_data(as_text=True)


def test_agents_may_not_see_drivers(agent_client, surveys):
    assert agent_client.get("/loyalty/drivers").status_code == 403


def test_the_dashboard_shows_the_top_drivers_and_links_to_all(manager_client, surveys, topics):
    _nps_answers()
    page = manager_client.get("/dashboard").get_data(as_text=True)
    drivers = page[page.index('id="h-drivers"') :]
    assert _row(drivers, "Delivery") == ["— (3/4)", "— (1/4)", "9.00 [0.37, 220.94]", "30.0"]
    assert "/loyalty/drivers?kind=nps" in drivers
    assert "The delivery was late again" in drivers  # the latest unhappy comments
    assert manager_client.get("/loyalty/drivers?kind=nps&range=30d").status_code == 200


def test_the_api_gives_the_drivers(client, api_key, surveys, topics):
    _nps_answers()
    headers = {"Authorization": f"Bearer {api_key}"}
    response = client.get("/api/v1/drivers?kind=nps", headers=headers)
    assert response.status_code == 200
    body = response.get_json()
    assert (body["kind"], body["answers"]) == ("nps", 10)
    assert (body["detractor_comments"], body["promoter_comments"]) == (4, 4)
    delivery = body["topics"][0]
    assert delivery["key"] == "delivery" and delivery["name"] == "Delivery"
    # 3 of 4 detractor comments, 1 of 4 promoter comments
    assert delivery["detractor_share"] == pytest.approx(0.75)
    assert delivery["promoter_share"] == pytest.approx(0.25)
    assert delivery["odds_ratio"] == pytest.approx(9.0)
    assert delivery["ci_low"] == pytest.approx(0.3666, rel=1e-3)
    assert delivery["ci_high"] == pytest.approx(220.9, rel=1e-3)
    assert delivery["nps_points"] == pytest.approx(30.0)
    assert delivery["significant"] is False
    assert client.get("/api/v1/drivers?kind=x", headers=headers).status_code == 422


def test_the_drivers_are_in_the_openapi_document(client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert "/api/v1/drivers" in document["paths"]
    schemas = document["components"]["schemas"]
    assert {"odds_ratio", "ci_low", "ci_high", "nps_points"} <= set(
        schemas["DriverOut"]["properties"]
    )
