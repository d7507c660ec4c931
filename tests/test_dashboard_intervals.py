"""What a manager reads of the 95% intervals and of small groups: on the dashboard, in
Chinese, and from the summary API (the arithmetic is in tests/test_intervals.py)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from feedback.accounts.models import Role, User
from feedback.extensions import db
from feedback.timeutil import utcnow
from tests.complaints_helpers import answer


def _answers(kind: str, scores, prefix: str, **kwargs) -> None:
    for number, score in enumerate(scores):
        answer(kind, score, customer=f"{prefix}{number}", worker=False, **kwargs)


def _tile(page: str, heading: str) -> str:
    start = page.index(f"<h3>{heading}</h3>")
    return page[start : page.index("</div>", start)]


def _get(client, api_key, path):
    return client.get(path, headers={"Authorization": f"Bearer {api_key}"})


# --- the page ----------------------------------------------------------------------------


def test_two_detractors_are_too_few_to_say_rather_than_minus_100_plus_or_minus_0(
    manager_client, surveys
):
    _answers("nps", (0, 3), "d")
    page = manager_client.get("/dashboard").get_data(as_text=True)
    tile = _tile(page, "NPS")
    assert "too few answers to say" in tile
    assert "-100.0" not in tile and "± 0.0" not in page
    assert "2 answers" in tile
    assert "Promoters" not in tile  # no shares either
    # nor a dot on the trend: a point from too few answers is a gap
    assert "chart-lone" not in page and "chart-line" not in page


def test_twelve_satisfied_answers_show_wilsons_interval_and_few_answers(manager_client, surveys):
    _answers("csat", (5,) * 12, "c")
    page = manager_client.get("/dashboard").get_data(as_text=True)
    tile = _tile(page, "CSAT")
    # 12 of 12: Wilson's 75.7% (12 / 15.84) to 100%; the normal approximation said 100 +- 0
    assert '<p class="tile-value">100.0%' in tile
    assert "75.7 to 100.0" in tile
    assert "few answers" in tile
    by_tier = page[page.index("By customer tier") :]
    row = by_tier[: by_tier.index("</tr>", by_tier.index("<tbody>"))]
    assert "100.0" in row and "75.7 to 100.0" in row and "n=12" in row


def test_a_breakdown_group_of_too_few_answers_shows_no_number(manager_client, surveys):
    _answers("csat", (5,) * 10, "gold", tier="gold")
    _answers("csat", (1, 2), "silver", tier="silver")
    page = manager_client.get("/dashboard").get_data(as_text=True)
    by_tier = page[page.index("By customer tier") :]
    silver = by_tier[by_tier.index(">silver<") : by_tier.index("</tr>", by_tier.index(">silver<"))]
    assert "too few answers to say" in silver and "n=2" in silver
    assert "0.0" not in silver
    gold = by_tier[by_tier.index(">gold<") : by_tier.index("</tr>", by_tier.index(">gold<"))]
    assert "100.0" in gold and "n=10" in gold


def test_a_change_is_real_only_when_its_interval_excludes_0(manager_client, surveys):
    before = utcnow() - timedelta(days=40)
    _answers("csat", (1,) * 10, "b", answered_at=before)
    _answers("csat", (5,) * 10, "a")
    page = manager_client.get("/dashboard?range=30d").get_data(as_text=True)
    # 10 of 10 against 0 of 10: +100 points, Newcombe's 60.7 to 100.0
    tile = _tile(page, "CSAT")
    assert "+100.0" in tile and "change-real" in tile
    assert "a real change (95% interval 60.7 to 100.0)" in tile
    # the previous period's 10 answers against none now: nothing to compare
    assert "too few answers to compare" not in tile


def test_a_change_from_too_few_answers_is_not_compared(manager_client, surveys):
    _answers("csat", (1,) * 3, "b", answered_at=utcnow() - timedelta(days=40))
    _answers("csat", (5,) * 10, "a")
    tile = _tile(manager_client.get("/dashboard?range=30d").get_data(as_text=True), "CSAT")
    assert "too few answers to compare" in tile and "change-real" not in tile


def test_the_chinese_page_shows_no_number_for_too_few(manager_client, surveys):
    manager = db.session.scalar(select(User).where(User.role == Role.MANAGER))
    manager.locale = "zh"
    db.session.commit()
    _answers("nps", (0, 0), "d")
    response = manager_client.get("/dashboard")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and '<html lang="zh' in page
    tile = _tile(page, "NPS")
    assert re.search(r'<p class="tile-value too-few">[^<0-9]+</p>', tile)
    assert "-100.0" not in tile


# --- the API -----------------------------------------------------------------------------


def test_the_api_gives_null_with_the_count_and_a_flag_below_10(client, api_key, surveys):
    _answers("nps", (0, 0), "d")
    body = _get(client, api_key, "/api/v1/summary?range=7d").get_json()
    nps = body["nps"]
    assert nps["n"] == 2 and nps["detractors"] == 2 and nps["too_few"] and not nps["few"]
    assert nps["score"] is None
    assert nps["margin"] is None and nps["low"] is None and nps["high"] is None
    assert body["change"]["nps"]["significant"] is False


def test_the_api_keeps_margin_and_adds_low_and_high(client, api_key, surveys):
    _answers("csat", (5,) * 12, "c")
    csat = _get(client, api_key, "/api/v1/summary?range=7d").get_json()["csat"]
    assert csat["percent"] == 100.0 and csat["n"] == 12 and csat["few"] and not csat["too_few"]
    assert csat["low"] == pytest.approx(75.75, abs=0.005) and csat["high"] == 100.0
    assert csat["margin"] == pytest.approx((100.0 - csat["low"]) / 2)
    # the mean: twelve 5s, a t interval 0 wide, inside the scale
    assert (csat["mean"], csat["mean_low"], csat["mean_high"]) == (5.0, 5.0, 5.0)


def test_the_api_says_whether_a_change_is_significant(client, api_key, surveys):
    _answers("csat", (1,) * 10, "b", answered_at=utcnow() - timedelta(days=10))
    _answers("csat", (5,) * 10, "a")
    body = _get(client, api_key, "/api/v1/summary?range=7d").get_json()
    assert body["previous"]["csat"]["percent"] == 0.0
    change = body["change"]["csat"]
    assert change["delta"] == 100.0 and change["significant"]
    assert change["low"] == pytest.approx(60.75, abs=0.01) and change["high"] == 100.0
    assert body["change"]["nps"] == {
        "delta": None,
        "margin": None,
        "low": None,
        "high": None,
        "significant": False,
        "too_few": False,
    }
    schema = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    assert {"low", "high", "margin", "too_few", "few"} <= set(schema["CsatOut"]["properties"])
