"""Periods of the dashboard and the summary API: what a period is compared with, and dates
at the ends of the calendar refused with a clear 4xx on the page, the API and the export."""

from __future__ import annotations

from datetime import date

import pytest

from feedback.dashboard.periods import resolve
from tests.complaints_helpers import answer

ZONE = "Asia/Shanghai"


@pytest.mark.parametrize(
    ("choice", "today", "previous", "kind"),
    [
        ("year", date(2026, 12, 6), (date(2025, 1, 1), date(2025, 12, 6)), "same_span_last_year"),
        ("year", date(2028, 2, 29), (date(2027, 1, 1), date(2027, 2, 28)), "same_span_last_year"),
        ("year", date(2026, 1, 1), (date(2025, 1, 1), date(2025, 1, 1)), "same_span_last_year"),
        (
            "quarter",
            date(2026, 12, 6),
            (date(2026, 7, 1), date(2026, 9, 6)),
            "same_span_last_quarter",
        ),
        (
            "quarter",
            date(2026, 5, 31),
            (date(2026, 1, 1), date(2026, 2, 28)),
            "same_span_last_quarter",
        ),
        (
            "quarter",
            date(2026, 6, 30),
            (date(2026, 1, 1), date(2026, 3, 31)),
            "same_span_last_quarter",
        ),
        (
            "quarter",
            date(2026, 2, 10),
            (date(2025, 10, 1), date(2025, 11, 10)),
            "same_span_last_quarter",
        ),
        ("7d", date(2026, 12, 6), (date(2026, 11, 23), date(2026, 11, 29)), "previous_period"),
        ("30d", date(2026, 3, 1), (date(2026, 1, 1), date(2026, 1, 30)), "previous_period"),
    ],
)
def test_this_year_and_quarter_compare_with_the_same_days_back(choice, today, previous, kind):
    period = resolve(choice, today, ZONE)
    before = period.previous()
    assert (before.first, before.last) == previous
    assert period.comparison == kind


def test_custom_dates_compare_with_as_many_days_just_before():
    period = resolve("custom", date(2026, 12, 6), ZONE, date(2026, 1, 1), date(2026, 12, 6))
    before = period.previous()
    assert before.days == period.days and before.last == date(2025, 12, 31)
    assert period.comparison == "previous_period"


def test_the_page_says_what_the_period_is_compared_with(manager_client, surveys):
    page = manager_client.get("/dashboard?range=year").get_data(as_text=True)
    assert "compared with the same days last year, Jan 1," in page
    page = manager_client.get("/dashboard?range=quarter").get_data(as_text=True)
    assert "compared with the same days of the quarter before" in page
    page = manager_client.get("/dashboard?range=custom&start=2026-03-01&end=2026-03-10").get_data(
        as_text=True
    )
    assert "compared with as many days just before, Feb 19, 2026 to Feb 28, 2026." in page


def test_the_summary_api_says_which_comparison_it_used(client, api_key, surveys):
    answer("nps", 10, customer="a")
    headers = {"Authorization": f"Bearer {api_key}"}
    body = client.get("/api/v1/summary?range=year", headers=headers).get_json()
    first = date.fromisoformat(body["period"]["first"])
    last = date.fromisoformat(body["period"]["last"])
    assert first == date(last.year, 1, 1)
    comparison = body["comparison"]
    assert comparison["kind"] == "same_span_last_year"
    assert comparison["first"] == f"{last.year - 1}-01-01"
    assert comparison["first"] == body["previous"]["period"]["first"]
    assert comparison["last"] == body["previous"]["period"]["last"]
    assert date.fromisoformat(comparison["last"]).month == last.month
    assert body["nps"]["n"] == 1
    custom = "/api/v1/summary?range=custom&start=2026-03-01&end=2026-03-10"
    comparison = client.get(custom, headers=headers).get_json()["comparison"]
    assert comparison == {"kind": "previous_period", "first": "2026-02-19", "last": "2026-02-28"}


EXTREMES = [
    ("0001-01-01", "0001-01-01"),
    ("0001-01-01", "0001-01-31"),
    ("9999-12-31", "9999-12-31"),
    ("9999-12-01", "9999-12-31"),
    ("2026-03-10", "2026-03-01"),
]


@pytest.mark.parametrize(("start", "end"), EXTREMES)
def test_the_page_refuses_dates_it_cannot_compute_with_a_form_error(
    manager_client, surveys, start, end
):
    response = manager_client.get(f"/dashboard?range=custom&start={start}&end={end}")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "These filters are not valid" in page
    assert 'class="error" id="end-error"' in page
    assert "Choose dates from 1900-01-01 to 9998-12-31." in page or "before the start" in page
    assert 'name="range"' in page  # the form is still there to mend


@pytest.mark.parametrize(("start", "end"), EXTREMES)
def test_the_api_refuses_dates_it_cannot_compute_with_422(client, api_key, surveys, start, end):
    headers = {"Authorization": f"Bearer {api_key}"}
    for path in ("/api/v1/summary", "/api/v1/responses"):
        response = client.get(f"{path}?range=custom&start={start}&end={end}", headers=headers)
        assert response.status_code == 422, path
        error = response.get_json()["error"]
        assert error["code"] == "validation_error"
        assert error["fields"]["range"]
        assert "between 1900-01-01 and 9998-12-31" in error["fields"]["range"][0] or (
            "after the end" in error["fields"]["range"][0]
        )


@pytest.mark.parametrize(("start", "end"), EXTREMES)
def test_the_export_refuses_dates_it_cannot_compute_before_it_streams(
    manager_client, surveys, start, end
):
    answer("csat", 5, customer="a")
    response = manager_client.get(f"/dashboard/export.csv?range=custom&start={start}&end={end}")
    assert response.status_code == 400
    assert response.mimetype == "text/plain"
    assert "These filters are not valid" in response.get_data(as_text=True)


def test_the_earliest_and_latest_days_allowed_still_work(manager_client, client, api_key, surveys):
    for start, end in (("1900-01-01", "1900-01-31"), ("9998-12-01", "9998-12-31")):
        query = f"range=custom&start={start}&end={end}"
        assert manager_client.get(f"/dashboard?{query}&interval=month").status_code == 200
        assert manager_client.get(f"/dashboard?{query}&interval=week").status_code == 200
        export = manager_client.get(f"/dashboard/export.csv?{query}")
        assert export.status_code == 200 and "response_id" in export.get_data(as_text=True)
        headers = {"Authorization": f"Bearer {api_key}"}
        assert client.get(f"/api/v1/summary?{query}", headers=headers).status_code == 200
