"""Who to call today: the at-risk reasons, the order by value, the outreach case, the API."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from sqlalchemy import delete, func, select

from feedback.accounts.models import Role
from feedback.complaints import cases as actions
from feedback.complaints.models import (
    CallOutcome,
    Case,
    CaseEvent,
    CasePriority,
    CaseSource,
    CaseStatus,
    ResolutionCode,
)
from feedback.customers.models import Customer
from feedback.dashboard.models import CaseDay
from feedback.extensions import db
from feedback.loyalty.atrisk import at_risk
from feedback.loyalty.models import CustomerRfm
from feedback.surveys.ingest import ingest_events
from feedback.surveys.inputs import CustomerInput, EventInput
from feedback.surveys.models import EventSource, TouchpointEvent, TouchpointType
from tests.complaints_helpers import answer, case_of
from tests.conftest import PASSWORD, sign_in

MONDAY_10 = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai
NOW = MONDAY_10


@pytest.fixture
def clock(app, surveys):
    """Monday 10:00 in the queue's zone, the default surveys, and a refund touchpoint."""
    db.session.add(
        TouchpointType(key="refund", name_en="Refund", name_zh="退款", counts_as_refund=True)
    )
    db.session.commit()
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def days_ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


def purchase(customer: str, when: datetime, value: str | None, touchpoint="purchase") -> None:
    """A purchase (or refund, by its touchpoint) of ``customer`` at ``when``, committed."""
    external_id = f"buy-{customer}-{when.isoformat()}-{touchpoint}"
    data = EventInput(external_id, touchpoint, when, CustomerInput(external_id=customer))
    ingest_events([(0, data)], EventSource.API)
    event = db.session.scalar(select(TouchpointEvent).filter_by(external_id=external_id))
    event.value = Decimal(value) if value is not None else None
    db.session.commit()


def no_cases() -> None:
    """Forget the cases the answers opened: a test of another reason stays about it."""
    db.session.execute(delete(Case))
    db.session.commit()


def listed(**filters) -> dict[str, list[str]]:
    """external id -> reason keys, as the list gives them."""
    return {
        row.external_id: sorted(r.key for r in row.reasons) for row in at_risk(NOW, 200, **filters)
    }


def test_a_detractor_with_no_purchase_since_is_listed(clock):
    answer("nps", 2, customer="quiet", answered_at=days_ago(10))
    answer("nps", 2, customer="bought", answered_at=days_ago(10))
    purchase("bought", days_ago(5), "30")  # bought again after the answer: not at risk
    answer("nps", 7, customer="passive", answered_at=days_ago(10))
    answer("nps", 2, customer="long-ago", answered_at=days_ago(91))  # outside W = 90 days
    answer("csat", 1, customer="csat-only", answered_at=days_ago(10))  # not an NPS detractor
    no_cases()

    assert listed() == {"quiet": ["detractor_no_purchase"]}
    [row] = at_risk(NOW, 10)
    [reason] = row.reasons
    assert reason.score == 2 and reason.at == days_ago(10)


def test_a_purchase_before_the_latest_detractor_answer_does_not_count(clock):
    answer("nps", 3, customer="c-1", answered_at=days_ago(30))
    purchase("c-1", days_ago(20), "10")
    answer("nps", 5, customer="c-1", answered_at=days_ago(10))  # unhappy again, no purchase
    no_cases()
    assert listed() == {"c-1": ["detractor_no_purchase"]}


def test_a_reopened_case_still_in_the_queue_is_listed(clock, make_user):
    agent = make_user(Role.AGENT)
    reopened = case_of(answer("csat", 1, customer="again"))
    settled = case_of(answer("csat", 1, customer="settled"))
    for case in (reopened, settled):
        actions.log_call(case, agent, CallOutcome.REACHED, "")
        actions.resolve(case, agent, ResolutionCode.SOLVED)
    db.session.commit()
    clock.shift(timedelta(hours=1))
    actions.reopen(reopened, agent, "They called back")
    db.session.commit()

    assert listed() == {"again": ["case_reopened"]}
    [reason] = at_risk(NOW + timedelta(hours=1), 10)[0].reasons
    assert reason.case_id == reopened.id and reason.at == NOW + timedelta(hours=1)


def test_a_case_past_its_deadline_is_listed_one_within_it_is_not(clock):
    late = case_of(answer("csat", 1, customer="late", answered_at=days_ago(3)))
    answer("csat", 1, customer="fresh")  # opened now: due at 18:00 today
    assert listed() == {"late": ["case_open"]}
    [reason] = at_risk(NOW, 10)[0].reasons
    assert reason.case_id == late.id and reason.at == late.first_response_due_at


@pytest.mark.parametrize(
    ("kind", "before", "after", "fell"),
    [
        ("nps", 10, 7, True),  # 3 points
        ("nps", 10, 8, False),  # 2 points: a near miss
        ("csat", 5, 3, True),  # 2 steps
        ("csat", 5, 4, False),
        ("ces", 7, 5, True),
        ("ces", 6, 5, False),
        ("nps", 7, 10, False),  # rose
    ],
)
def test_a_score_that_fell_on_the_same_survey(clock, kind, before, after, fell):
    answer(kind, before, customer="c-1", answered_at=days_ago(200))
    answer(kind, after, customer="c-1", answered_at=days_ago(5))
    no_cases()
    assert listed() == ({"c-1": ["score_fell"]} if fell else {})
    if fell:
        [reason] = at_risk(NOW, 10)[0].reasons
        assert (reason.previous, reason.score, reason.note) == (before, after, kind)


def test_a_fall_older_than_the_window_is_not_listed(clock):
    answer("csat", 5, customer="c-1", answered_at=days_ago(200))
    answer("csat", 2, customer="c-1", answered_at=days_ago(100))
    no_cases()
    assert listed() == {}


def test_an_at_risk_rfm_segment_is_listed(clock):
    for external_id, segment in (("risky", "at_risk"), ("dear", "cant_lose"), ("fine", "loyal")):
        customer = Customer(external_id=external_id, name=external_id)
        db.session.add(customer)
        db.session.flush()
        db.session.add(
            CustomerRfm(
                customer_id=customer.id,
                recency_days=200,
                frequency=1,
                monetary=Decimal("50"),
                r=1,
                f=1,
                m=1,
                segment=segment,
                computed_at=days_ago(1),
            )
        )
    db.session.commit()
    assert listed() == {"risky": ["rfm_at_risk"], "dear": ["rfm_at_risk"]}


def test_customers_with_nothing_wrong_are_not_listed(clock):
    answer("nps", 10, customer="happy", answered_at=days_ago(10))
    purchase("happy", days_ago(2), "500")
    purchase("shopper", days_ago(2), "900")
    assert listed() == {}


def test_sorted_by_value_at_risk_then_by_the_most_recent_reason(clock):
    for customer, when in (("a", 10), ("b", 20), ("c", 30), ("d", 5)):
        answer("nps", 1, customer=customer, answered_at=days_ago(when))
    no_cases()
    # a: 100 + 50 - 30 (a refund) = 120; a purchase 400 days ago is outside the 12 months
    purchase("a", days_ago(40), "100")
    purchase("a", days_ago(35), "50")
    purchase("a", days_ago(34), "30", touchpoint="refund")
    purchase("a", days_ago(400), "1000")
    # b: 300; c: 120, as a, but its reason is older; d: nothing bought (0)
    purchase("b", days_ago(50), "300")
    purchase("c", days_ago(60), "120")

    rows = at_risk(NOW, 10)
    assert [(r.external_id, r.value) for r in rows] == [
        ("b", Decimal("300.00")),
        ("a", Decimal("120.00")),
        ("c", Decimal("120.00")),
        ("d", Decimal("0.00")),
    ]
    # pages of one, each after the last one's cursor, give the same order
    seen, after = [], None
    for _ in range(5):
        page = at_risk(NOW, 1, after)
        if not page:
            break
        seen.append(page[0].external_id)
        after = page[0].cursor
    assert seen == ["b", "a", "c", "d"]
    assert [r.external_id for r in at_risk(NOW, 10, reason="case_open")] == []


def test_equal_values_page_right_even_where_sqlite_sums_in_floating_point(clock):
    answer("nps", 1, customer="e", answered_at=days_ago(20))
    answer("nps", 1, customer="f", answered_at=days_ago(10))
    no_cases()
    purchase("e", days_ago(40), "0.10")
    purchase("e", days_ago(39), "0.20")  # 0.30, which floating point makes 0.30000000000000004
    purchase("f", days_ago(40), "0.30")
    first = at_risk(NOW, 1)
    second = at_risk(NOW, 1, first[0].cursor)
    # equal values: the more recent reason first
    assert [(r.external_id, r.value) for r in first + second] == [
        ("f", Decimal("0.30")),
        ("e", Decimal("0.30")),
    ]


# --- the page and the outreach case ---------------------------------------------------


def test_the_page_lists_each_customer_with_why_value_and_tier_in_english_and_chinese(
    clock, agent_client
):
    answer("nps", 2, customer="c-1", name="Ann Lee", tier="gold", answered_at=days_ago(10))
    no_cases()
    purchase("c-1", days_ago(40), "88.50")
    page = agent_client.get("/at-risk")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Who to call today" in text and "Ann Lee" in text and "gold" in text
    # answered 13 Nov 10:00 Shanghai (02:00 UTC): the day in the viewer's zone
    assert "Scored 2 on Nov 13, 2026, no purchase since" in text
    assert "CN¥88.50" in text
    assert "Open outreach case" in text
    agent_client.post("/language/zh", data={"csrf_token": agent_client.csrf_token()})
    text = agent_client.get("/at-risk").get_data(as_text=True)
    assert '<html lang="zh-Hans">' in text and "Ann Lee" in text
    assert '<th scope="col">客户</th>' in text
    assert "2026年11月13日" in text  # the reason's date, said in Chinese


def test_the_page_is_for_staff_and_rejects_bad_filters(clock, client, agent_client):
    assert client.get("/at-risk").status_code == 302  # to the sign-in page
    assert agent_client.get("/at-risk?reason=bogus").status_code == 400
    assert agent_client.get("/at-risk?after=not-a-cursor").status_code == 400
    assert agent_client.get("/at-risk?tier=" + "x" * 41).status_code == 400
    assert "Nobody to call" in agent_client.get("/at-risk").get_data(as_text=True)


def test_an_unsubscribed_customer_is_still_listed_with_their_opt_out(clock, agent_client):
    answer("nps", 2, customer="c-1", answered_at=days_ago(10))
    no_cases()
    db.session.scalar(select(Customer)).unsubscribed_at = days_ago(1)
    db.session.commit()
    assert "Opted out of surveys" in agent_client.get("/at-risk").get_data(as_text=True)


def outreach(client, customer_id: int):
    return client.submit(f"/at-risk/{customer_id}/outreach", {})


def test_the_outreach_button_opens_one_case_with_deadlines_then_goes_to_it(clock, agent_client):
    answer("nps", 2, customer="c-1", answered_at=days_ago(10))
    no_cases()
    customer = db.session.scalar(select(Customer))

    response = outreach(agent_client, customer.id)
    [case] = db.session.scalars(select(Case)).all()
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/cases/{case.id}")
    assert case.source is CaseSource.OUTREACH and case.status is CaseStatus.OPEN
    assert case.owner_id == agent_client.user.id and case.priority is CasePriority.NORMAL
    # normal: 8 business hours to the first response, 40 to resolve, from Monday 10:00
    # Shanghai (9:00-18:00 weekdays): Monday 18:00, and Friday 14:00 (8 + 27 + 5 hours)
    assert case.first_response_due_at == datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
    assert case.resolution_due_at == datetime(2026, 11, 27, 6, 0, tzinfo=UTC)
    [note] = db.session.scalars(select(CaseEvent).filter_by(case_id=case.id, kind="note")).all()
    assert "Scored 2 on Nov 13, 2026, no purchase since" in note.body
    page = agent_client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "(Outreach)" in page and "opened the case (Outreach)" in page
    queue = agent_client.get("/cases?view=open").get_data(as_text=True)
    assert '<span class="muted small">Outreach</span>' in queue
    # the dashboard's daily summary counts it under its source
    day = db.session.scalar(select(CaseDay).where(CaseDay.source == CaseSource.OUTREACH))
    assert day.opened == 1

    again = outreach(agent_client, customer.id)
    assert again.headers["Location"].endswith(f"/cases/{case.id}")
    assert db.session.scalar(select(func.count(Case.id))) == 1
    listed_page = agent_client.get("/at-risk").get_data(as_text=True)
    assert f"Case #{case.id}" in listed_page and "Open outreach case" not in listed_page


def test_a_top_tier_customer_gets_a_more_pressing_outreach_case(clock, agent_client):
    answer("nps", 2, customer="c-1", tier="vip", answered_at=days_ago(10))
    no_cases()
    outreach(agent_client, db.session.scalar(select(Customer.id)))
    case = db.session.scalar(select(Case))
    assert case.priority is CasePriority.HIGH
    assert case.first_response_due_at == datetime(2026, 11, 23, 6, 0, tzinfo=UTC)  # 4 hours


def test_the_outreach_button_goes_to_a_case_already_in_the_queue(clock, agent_client):
    case = case_of(answer("csat", 1, customer="c-1", answered_at=days_ago(3)))
    response = outreach(agent_client, case.customer_id)
    assert response.headers["Location"].endswith(f"/cases/{case.id}")
    assert db.session.scalar(select(func.count(Case.id))) == 1


def test_outreach_needs_the_form_token_and_a_customer(clock, agent_client):
    answer("nps", 2, customer="c-1", answered_at=days_ago(10))
    no_cases()
    customer_id = db.session.scalar(select(Customer.id))
    assert agent_client.post(f"/at-risk/{customer_id}/outreach").status_code == 400
    assert outreach(agent_client, 999_999).status_code == 404
    assert db.session.scalar(select(func.count(Case.id))) == 0


def test_two_agents_clicking_at_once_open_one_case(app, surveys, make_user):
    answer("nps", 2, customer="c-1", answered_at=datetime.now(UTC) - timedelta(days=10))
    no_cases()
    customer_id = db.session.scalar(select(Customer.id))
    clients = []
    for _ in range(4):
        client = app.test_client()
        sign_in(client, make_user(Role.AGENT))
        clients.append(client)
    barrier = threading.Barrier(len(clients))
    locations: list[str] = []

    def click(client):
        barrier.wait(timeout=10)
        response = outreach(client, customer_id)
        locations.append(f"{response.status_code} {response.headers.get('Location')}")

    threads = [threading.Thread(target=click, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    db.session.expire_all()
    [case] = db.session.scalars(select(Case)).all()
    assert locations == [f"303 /cases/{case.id}"] * len(clients)


# --- the API --------------------------------------------------------------------------


def test_the_api_lists_customers_with_reasons_value_and_tier_a_page_at_a_time(
    clock, client, api_key
):
    answer("nps", 2, customer="a", tier="gold", name="Ann", answered_at=days_ago(10))
    answer("nps", 3, customer="b", answered_at=days_ago(20))
    no_cases()
    purchase("a", days_ago(40), "99.90")
    headers = {"Authorization": f"Bearer {api_key}"}

    first = client.get("/api/v1/at-risk?limit=1", headers=headers)
    assert first.status_code == 200
    body = first.get_json()
    assert body["customers"] == [
        {
            "external_id": "a",
            "name": "Ann",
            "tier": "gold",
            "value": "99.90",
            "unsubscribed": False,
            "reasons": [
                {
                    "key": "detractor_no_purchase",
                    "at": days_ago(10).isoformat(),
                    "detail": "Scored 2 on Nov 13, 2026, no purchase since",
                    "score": 2,
                    "previous": None,
                    "case_id": None,
                    "segment": None,
                }
            ],
            "case_id": None,
        }
    ]
    second = client.get(f"/api/v1/at-risk?limit=1&cursor={body['next']}", headers=headers)
    assert [c["external_id"] for c in second.get_json()["customers"]] == ["b"]
    assert second.get_json()["next"] is None
    assert (
        client.get("/api/v1/at-risk?tier=GOLD", headers=headers).get_json()["customers"][0][
            "external_id"
        ]
        == "a"
    )
    for bad in ("limit=0", "limit=201", "cursor=nope", "reason=bogus"):
        assert client.get(f"/api/v1/at-risk?{bad}", headers=headers).status_code == 422, bad
    assert client.get("/api/v1/at-risk").status_code == 401


def test_the_api_is_in_the_openapi_document(client):
    document = client.get("/api/v1/openapi.json").get_json()
    operation = document["paths"]["/api/v1/at-risk"]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {"tier", "reason", "cursor", "limit"}
    assert "AtRiskOut" in str(operation["responses"]["200"])


# --- in a real browser ----------------------------------------------------------------


@pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
def test_an_agent_on_a_phone_opens_an_outreach_case(
    surveys, live_server, browser, make_user, tmp_path, locale
):
    now = datetime.now(UTC)
    for n, value in enumerate(("1280.00", "45.50")):
        answer("nps", 2, customer=f"c-{n}", name=f"Customer {n}", tier="gold", answered_at=now)
        purchase(f"c-{n}", now - timedelta(days=30), value)
    no_cases()
    agent = make_user(Role.AGENT)
    page = browser.new_page(viewport={"width": 375, "height": 800}, locale=locale)
    page.goto(f"{live_server}/login")
    page.locator("input[name=email]").fill(agent.email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.goto(f"{live_server}/at-risk")
    page.screenshot(path=str(tmp_path / f"at-risk-{locale}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    rows = page.locator("tbody tr")
    assert "Customer 0" in rows.nth(0).inner_text()  # the more valuable first
    rows.nth(0).locator("button").click()
    assert "/cases/" in page.url
    case = db.session.scalar(select(Case))
    assert page.url.endswith(f"/cases/{case.id}") and case.source is CaseSource.OUTREACH
    page.close()
