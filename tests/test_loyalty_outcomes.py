"""Return by score group, the difference and service recovery, with hand-worked numbers."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import delete

from feedback.complaints.enums import CaseStatus
from feedback.complaints.models import Case
from feedback.dashboard.answers import Filters
from feedback.dashboard.periods import Period
from feedback.extensions import db
from feedback.loyalty.outcomes import default_quarter, recovery, return_by_group
from feedback.timeutil import utcnow
from tests.complaints_helpers import answer, case_of
from tests.loyalty_outcomes_helpers import custom, purchase

ASKED = utcnow().replace(microsecond=0) - timedelta(days=200)
PERIOD = Period(ASKED.date() - timedelta(days=10), ASKED.date() + timedelta(days=10), "UTC")


def _group(score: int, customers: int, returned: int, prefix: str) -> None:
    """``customers`` answers of ``score`` on the day ASKED, ``returned`` of them buying
    30 days later for 10.00."""
    for i in range(customers):
        customer = f"{prefix}-{i}"
        answer("nps", score, customer=customer, answered_at=ASKED)
        if i < returned:
            purchase(customer, ASKED + timedelta(days=30), "10.00")


def test_six_of_eight_promoters_and_two_of_eight_detractors_return(surveys):
    _group(10, 8, 6, "pro")
    _group(3, 8, 2, "det")

    found = return_by_group(PERIOD, Filters(), "nps", 90, utcnow())

    promoters, detractors = found.groups["promoters"], found.groups["detractors"]
    assert (promoters.customers, promoters.returned, promoters.rate) == (8, 6, 0.75)
    assert (detractors.customers, detractors.returned, detractors.rate) == (8, 2, 0.25)
    assert found.groups["passives"].customers == 0
    # Wilson, z = 1.96, z^2 = 3.8416, n + z^2 = 11.8416:
    # spread = 1.96 * sqrt(3.8416 + 4*6*2/8) = 1.96 * sqrt(9.8416) = 6.14878 (same for 2/8)
    # 6/8: (12 + 3.8416 -+ 6.14878) / 23.6832 = 0.40927 .. 0.92852
    # 2/8: (4 + 3.8416 -+ 6.14878) / 23.6832 = 0.07148 .. 0.59073
    assert promoters.interval.low == pytest.approx(0.40927, abs=1e-4)
    assert promoters.interval.high == pytest.approx(0.92852, abs=1e-4)
    assert detractors.interval.low == pytest.approx(0.07148, abs=1e-4)
    assert detractors.interval.high == pytest.approx(0.59073, abs=1e-4)
    # churn is the complement: 2/8 and its interval turned around
    assert promoters.churn == 0.25
    assert promoters.churn_interval.low == pytest.approx(1 - 0.92852, abs=1e-4)
    # Newcombe: 0.75 - 0.25 = 0.5
    # low  = 0.5 - sqrt((0.75 - 0.40927)^2 + (0.59073 - 0.25)^2) = 0.5 - 0.48187 = 0.01813
    # high = 0.5 + sqrt((0.92852 - 0.75)^2 + (0.25 - 0.07148)^2) = 0.5 + 0.25246 = 0.75246
    assert found.difference.value == 0.5
    assert found.difference.interval.low == pytest.approx(0.01813, abs=1e-4)
    assert found.difference.interval.high == pytest.approx(0.75246, abs=1e-4)
    assert found.difference.significant
    # 6 purchases of 10.00, 60.00 among 8 customers
    assert promoters.value_after == Decimal("60.00")
    assert promoters.value_mean == Decimal("7.5")
    assert found.too_early == 0


def test_too_early_answers_are_counted_apart_and_a_customer_once_by_the_latest(surveys):
    now = utcnow()
    period = Period(now.date() - timedelta(days=300), now.date(), "UTC")
    # c-1 was a detractor, then a promoter: counted once, as a promoter, who returned
    answer("nps", 2, customer="c-1", answered_at=now - timedelta(days=250))
    answer("nps", 9, customer="c-1", answered_at=now - timedelta(days=200))
    purchase("c-1", now - timedelta(days=150), "25.50")
    # c-2 answered 20 days ago: too early to tell, not churned
    answer("nps", 10, customer="c-2", answered_at=now - timedelta(days=20))
    # c-3 bought after W (91 days): churned
    answer("nps", 9, customer="c-3", answered_at=now - timedelta(days=200))
    purchase("c-3", now - timedelta(days=109), "99")

    found = return_by_group(period, Filters(), "nps", 90, now)

    promoters = found.groups["promoters"]
    assert (promoters.customers, promoters.returned) == (2, 1)
    assert promoters.value_after == Decimal("25.50")
    assert found.groups["detractors"].customers == 0
    assert found.too_early == 1
    assert found.difference is None  # no detractors to compare with


def test_csat_groups_and_their_difference(surveys):
    now = utcnow()
    period = Period(now.date() - timedelta(days=300), now.date(), "UTC")
    for i, (score, bought) in enumerate([(5, True), (4, False), (3, True), (1, False)]):
        answer("csat", score, customer=f"s-{i}", answered_at=now - timedelta(days=120))
        if bought:
            purchase(f"s-{i}", now - timedelta(days=100))

    found = return_by_group(period, Filters(), "csat", 90, now)

    assert list(found.groups) == ["satisfied", "neutral", "dissatisfied"]
    assert (found.groups["satisfied"].customers, found.groups["satisfied"].returned) == (2, 1)
    assert (found.groups["neutral"].customers, found.groups["neutral"].returned) == (1, 1)
    assert found.difference.value == 0.5  # 1/2 - 0/1
    assert not found.difference.significant


def _resolve(response, *, on_time: bool) -> None:
    case = case_of(response)
    case.first_responded_at = case.first_response_due_at + timedelta(minutes=-5 if on_time else 5)
    case.status, case.resolved_at = CaseStatus.RESOLVED, case.first_responded_at
    db.session.commit()


def test_service_recovery_splits_detractors_by_what_became_of_their_case(surveys):
    now = utcnow()
    asked = now - timedelta(days=150)
    period = Period(asked.date() - timedelta(days=1), asked.date() + timedelta(days=1), "UTC")
    on_time = [answer("nps", 2, customer=f"ok-{i}", answered_at=asked) for i in range(3)]
    late = [answer("nps", 4, customer=f"late-{i}", answered_at=asked) for i in range(2)]
    answer("nps", 5, customer="open-0", answered_at=asked)
    for response in on_time:
        _resolve(response, on_time=True)
    for response in late:
        _resolve(response, on_time=False)
    # an answer from before the routing rules: no case
    none = answer("nps", 6, customer="none-0", answered_at=asked)
    db.session.execute(delete(Case).where(Case.id == case_of(none).id))
    db.session.commit()
    answer("nps", 9, customer="promoter", answered_at=asked)  # not a detractor
    for customer in ("ok-0", "ok-1", "late-0", "none-0"):
        purchase(customer, asked + timedelta(days=10))

    found = recovery(period, Filters(), 90, now)

    counts = {name: (r.customers, r.returned) for name, r in found.items()}
    assert counts == {
        "on_time": (3, 2),
        "late": (2, 1),
        "not_resolved": (1, 0),
        "no_case": (1, 1),
    }
    # Wilson of 2/3: (4 + 3.8416 -+ 1.96 * sqrt(3.8416 + 8/3)) / (2 * 6.8416)
    # = (7.8416 -+ 5.00034) / 13.6832 = 0.20766 .. 0.93852
    assert found["on_time"].interval.low == pytest.approx(0.20766, abs=1e-4)
    assert found["on_time"].interval.high == pytest.approx(0.93852, abs=1e-4)


@pytest.mark.parametrize(
    ("today", "window", "first", "last"),
    [
        # Q1 ends 31 March; + 90 days is 30 June: on 30 June it has had its days
        (date(2026, 6, 30), 90, date(2026, 1, 1), date(2026, 3, 31)),
        (date(2026, 6, 29), 90, date(2025, 10, 1), date(2025, 12, 31)),
        # early in a year: the quarter before last of the year before
        (date(2026, 2, 1), 30, date(2025, 10, 1), date(2025, 12, 31)),
        (date(2026, 1, 30), 30, date(2025, 7, 1), date(2025, 9, 30)),
        (date(2026, 12, 6), 365, date(2025, 7, 1), date(2025, 9, 30)),
    ],
)
def test_the_default_period_is_the_last_quarter_whose_answers_had_their_days(
    today, window, first, last
):
    period = default_quarter(today, window, "Asia/Shanghai")
    assert (period.first, period.last) == (first, last)


# --- the page ---------------------------------------------------------------------------


def _period_args() -> str:
    return custom(PERIOD.first, PERIOD.last)


def test_the_page_shows_return_by_group_and_the_difference(surveys, manager_client):
    _group(10, 12, 9, "pro")
    _group(2, 12, 3, "det")

    page = manager_client.get(f"/loyalty?{_period_args()}")

    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Return by NPS group" in text
    # 9 of 12 = 75%, 3 of 12 = 25%: +50 points
    assert 'value="0.75"' in text and "75%" in text and "25%" in text
    assert "Promoters minus Detractors: +50 points" in text
    assert "Significant: not noise." in text
    assert "Service recovery" in text
    assert "90.00 CNY" in text  # 9 purchases of 10.00
    assert 'aria-current="page">Outcomes' in text


def test_the_page_in_chinese(surveys, manager_client):
    _group(10, 3, 2, "pro")
    page = manager_client.get(f"/loyalty?{_period_args()}", headers={"Accept-Language": "zh"})
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    # the page's own words come from /work/zh/outcomes.py at merge; these are already there
    assert "分组" in text and "回答太少，无法判断" in text
    assert "too few answers to say" not in text


def test_a_few_customers_show_no_rate(surveys, manager_client):
    _group(10, 3, 2, "pro")
    text = manager_client.get(f"/loyalty?{_period_args()}").get_data(as_text=True)
    assert "too few answers to say" in text
    assert "2 of 3 returned" in text
    assert "<meter" not in text


def test_the_page_opens_on_the_last_quarter_whose_answers_had_their_days(manager_client):
    today = utcnow().date()
    quarter = default_quarter(today, 90, "UTC")
    text = manager_client.get("/loyalty").get_data(as_text=True)
    assert "the last full quarter whose answers have all had their 90 days" in text
    assert f'value="{quarter.first.isoformat()}"' in text
    assert f'value="{quarter.last.isoformat()}"' in text
    # a window of 365 days goes further back
    longer = default_quarter(today, 365, "UTC")
    text = manager_client.get("/loyalty?window=365").get_data(as_text=True)
    assert f'value="{longer.first.isoformat()}"' in text


@pytest.mark.parametrize(
    "query",
    [
        "window=0",
        "window=731",
        "window=abc",
        "range=custom&start=2026-02-01&end=2026-01-01",
        "range=nope",
        "tier=nobody-has-it",
    ],
)
def test_bad_filters_are_a_400_with_the_form_message(manager_client, query):
    page = manager_client.get(f"/loyalty?{query}")
    assert page.status_code == 400
    assert "These filters are not valid" in page.get_data(as_text=True)


def test_only_managers_see_it(agent_client, manager_client):
    assert agent_client.get("/loyalty").status_code == 403
    assert "/loyalty" in manager_client.get("/dashboard").get_data(as_text=True)


# --- the API ------------------------------------------------------------------------------


def _get(client, api_key, query: str):
    return client.get(f"/api/v1/loyalty?{query}", headers={"Authorization": f"Bearer {api_key}"})


def test_the_api_gives_the_hand_worked_figures(surveys, client, api_key):
    _group(10, 8, 6, "pro")
    _group(3, 8, 2, "det")

    body = _get(client, api_key, _period_args()).get_json()

    assert (body["kind"], body["window"]) == ("nps", 90)
    assert body["period"]["start"] == PERIOD.first.isoformat()
    promoters, detractors = body["return"]["promoters"], body["return"]["detractors"]
    assert (promoters["customers"], promoters["returned"], promoters["rate"]) == (8, 6, 0.75)
    assert promoters["low"] == pytest.approx(0.40927, abs=1e-4)  # worked out above
    assert detractors["high"] == pytest.approx(0.59073, abs=1e-4)
    assert promoters["value_after"] == 60.0 and promoters["value_after_mean"] == 7.5
    assert promoters["too_few"] is True  # 8 < 10: the pages grey it out
    assert body["difference"]["value"] == 0.5
    assert body["difference"]["low"] == pytest.approx(0.01813, abs=1e-4)
    assert body["difference"]["significant"] is True
    assert body["too_early"] == 0
    # the 8 detractors' answers opened cases, none resolved
    assert body["recovery"]["not_resolved"]["customers"] == 8
    assert set(body["recovery"]) == {"on_time", "late", "not_resolved", "no_case"}


def test_the_api_by_csat_and_its_default_period(surveys, client, api_key):
    body = _get(client, api_key, "kind=csat&window=30").get_json()
    assert set(body["return"]) == {"satisfied", "neutral", "dissatisfied"}
    quarter = default_quarter(utcnow().date(), 30, "UTC")
    assert body["period"]["start"] == quarter.first.isoformat()
    assert body["window"] == 30


@pytest.mark.parametrize(
    "query",
    [
        "kind=nope",
        "window=0",
        "window=731",
        "range=custom&start=2026-02-01&end=2026-01-01",
        "timezone=Nowhere/Else",
        "touchpoint=unknown",
    ],
)
def test_the_api_says_what_is_wrong(client, api_key, query):
    found = _get(client, api_key, query)
    assert found.status_code == 422
    assert found.get_json()["error"]["message"]


def test_the_api_is_in_the_openapi_document(client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert "/api/v1/loyalty" in document["paths"]


def test_a_manager_reads_it_on_a_phone_and_changes_the_window(
    surveys, live_server, browser, make_user
):
    from feedback.accounts.models import Role
    from tests.conftest import PASSWORD

    _group(10, 12, 9, "pro")
    _group(2, 12, 3, "det")
    manager = make_user(Role.MANAGER)
    page = browser.new_page(viewport={"width": 375, "height": 812}, locale="en-US")
    page.goto(f"{live_server}/login")
    page.get_by_label("Email").fill(manager.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server}/")
    page.get_by_role("link", name="Loyalty", exact=True).click()
    page.wait_for_url(f"{live_server}/loyalty")
    assert page.get_by_role("heading", name="Return by NPS group").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    page.goto(f"{live_server}/loyalty?{_period_args()}")
    page.get_by_label("Days to return").fill("30")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**window=30**")
    assert page.get_by_text("Promoters minus Detractors: +50 points").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.close()
