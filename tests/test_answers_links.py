"""The Answers list opened from a figure (a heat-map cell, a driver): kind, touchpoint,
tier, dates and an event property's value narrow it; bad values are a 400."""

from __future__ import annotations

import pytest

from tests.heatmap_helpers import answer


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ('prop=a"b&value=x', "0 answers"),
        ("prop=a'b&value=x", "0 answers"),
        ("prop=channel&value=web", "1 answer"),
        # no value: the answers whose event does not have the property
        ("prop=$.x[0]&value=", "1 answer"),
        ("prop=%E2%80%9C&value=%00", "1 answer"),
        ("prop=channel&value=", "0 answers"),
    ],
)
def test_odd_property_keys_never_fail(manager_client, surveys, query, found):
    answer("nps", 9, "gold", channel="web")
    response = manager_client.get(f"/answers?{query}")
    assert response.status_code == 200
    assert f">{found}<" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "query",
    [
        "kind=loyalty",
        "start=2026-13-01",
        "start=2026-02-01&end=2026-01-01",
        "touchpoint=nope",
        "start=0001-01-01",
        "tier=" + "x" * 41,
    ],
)
def test_bad_narrowing_is_a_400(manager_client, surveys, query):
    response = manager_client.get(f"/answers?{query}")
    assert response.status_code == 400


def test_the_dates_are_the_viewers_days(manager_client, surveys):
    answer("nps", 9, "gold", channel="web")
    from feedback.timeutil import utcnow

    today = utcnow().date()
    page = manager_client.get(f"/answers?start={today}&end={today}&kind=nps&tier=gold")
    assert ">1 answer<" in page.get_data(as_text=True)
    page = manager_client.get("/answers?start=2000-01-01&end=2000-01-02")
    assert ">0 answers<" in page.get_data(as_text=True)
