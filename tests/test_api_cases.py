"""GET /api/v1/cases (filters, cursor pages) and GET /api/v1/cases/<id> (thread and
timeline), on both databases."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest

from feedback.complaints import cases as case_actions
from feedback.complaints.models import CallOutcome, Case, CasePriority, CaseStatus
from feedback.customers.models import Customer
from feedback.extensions import db
from tests.complaints_helpers import answer, case_of

_customers = itertools.count(1)
T0 = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)


def make_case(
    opened_at: datetime = T0,
    status: CaseStatus = CaseStatus.NEW,
    priority: CasePriority = CasePriority.NORMAL,
    owner=None,
) -> Case:
    """A case of a customer of its own, committed (one customer has one case in the queue)."""
    customer = Customer(external_id=f"cust-{next(_customers)}", name="Ann")
    case = Case(
        customer=customer,
        status=status,
        priority=priority,
        owner=owner,
        opened_at=opened_at,
        report_day=opened_at.date(),
        first_response_due_at=opened_at + timedelta(hours=4),
        first_response_warn_at=opened_at + timedelta(hours=3),
    )
    db.session.add(case)
    db.session.commit()
    return case


@pytest.fixture
def get(client, api_key):
    def get(path: str, **query):
        response = client.get(
            path, query_string=query, headers={"Authorization": f"Bearer {api_key}"}
        )
        return response

    return get


def _ids(get, **query) -> list[int]:
    response = get("/api/v1/cases", **query)
    assert response.status_code == 200, response.get_json()
    return [item["id"] for item in response.get_json()["items"]]


def test_a_case_from_an_answer_in_full(surveys, get):
    response = answer("csat", 1, "Late and broken", customer="shop-7", tier="gold")
    case = case_of(response)
    (item,) = get("/api/v1/cases").get_json()["items"]
    assert item["id"] == case.id
    assert (item["status"], item["priority"], item["source"]) == (
        "new",
        case.priority.value,
        "survey",
    )
    assert item["tier"] == "gold"
    assert item["customer"] == {"external_id": "shop-7"}
    assert item["touchpoint"] == "delivery"
    assert item["owner"] is None
    assert item["response_ids"] == [response.id]
    assert item["url"].endswith(f"/cases/{case.id}")
    assert item["opened_at"] == case.opened_at.isoformat()
    assert item["opened_at"].endswith("+00:00")
    assert item["first_response_due_at"] == case.first_response_due_at.isoformat()
    assert item["first_responded_at"] is None
    assert (item["first_response_breached"], item["resolution_breached"]) == (False, False)


def test_filters_status_priority_owner_and_opened_range(app, get, make_user):
    agent = make_user()
    new = make_case(T0)
    urgent = make_case(T0 + timedelta(days=1), CaseStatus.OPEN, CasePriority.URGENT, agent)
    pending = make_case(T0 + timedelta(days=2), CaseStatus.PENDING, owner=agent)
    resolved = make_case(T0 + timedelta(days=3, hours=15), CaseStatus.RESOLVED)
    assert _ids(get) == [new.id, urgent.id, pending.id, resolved.id]
    assert _ids(get, status="open,pending") == [urgent.id, pending.id]
    assert _ids(get, status="resolved") == [resolved.id]
    assert _ids(get, priority="urgent") == [urgent.id]
    assert _ids(get, priority="low,normal", status="new") == [new.id]
    assert _ids(get, owner=str(agent.id)) == [urgent.id, pending.id]
    assert _ids(get, owner="none") == [new.id, resolved.id]
    # a date is its whole day in UTC, at either end
    assert _ids(get, opened_from="2026-11-03", opened_to="2026-11-05") == [
        urgent.id,
        pending.id,
        resolved.id,
    ]
    assert _ids(get, opened_to="2026-11-04") == [new.id, urgent.id, pending.id]
    # a time with an offset is the moment: 16:00 in Shanghai is 08:00 UTC
    assert _ids(get, opened_from="2026-11-03T16:00:00+08:00") == [
        urgent.id,
        pending.id,
        resolved.id,
    ]
    assert _ids(get, opened_from="2026-11-03T08:00:01Z") == [pending.id, resolved.id]
    assert _ids(get, opened_from="20261105") == [resolved.id]  # ISO 8601's basic format


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"status": "lost"}, "status"),
        ({"priority": "urgent,meh"}, "priority"),
        ({"owner": "ann@example.com"}, "owner"),
        ({"owner": "none\n"}, "owner"),
        ({"owner": "99999999999"}, "owner"),
        ({"opened_from": "2026-11-03T08:00:00"}, "opened_from"),  # no offset
        ({"opened_from": "yesterday"}, "opened_from"),
        ({"opened_to": "0001-01-01T00:30:00+05:00"}, "opened_to"),  # before year 1 in UTC
        ({"cursor": "not-a-cursor"}, "cursor"),
        ({"cursor": "MjAyNi0xMS0wMlQwODowMDowMHwx"}, "cursor"),  # no offset inside
        ({"cursor": "MDAwMS0wMS0wMVQwMDozMDowMCswNTowMHwx"}, "cursor"),  # before year 1 in UTC
        ({"limit": "0"}, "limit"),
        ({"limit": "201"}, "limit"),
    ],
)
def test_bad_arguments_get_422_with_the_field(app, get, query, field):
    make_case()
    response = get("/api/v1/cases", **query)
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["error"]["fields"]


def test_cursor_pages_hold_every_case_once_while_new_cases_open(app, get):
    now = datetime.now(UTC).replace(microsecond=0)
    # two opened in the same instant: the id breaks the tie
    first = [make_case(now - timedelta(minutes=10 - i // 2)).id for i in range(7)]
    seen, pages, cursor, opened = [], 0, None, []
    while True:
        query = {"limit": 3} | ({"cursor": cursor} if cursor else {})
        body = get("/api/v1/cases", **query).get_json()
        seen += [item["id"] for item in body["items"]]
        pages += 1
        cursor = body["next_cursor"]
        if pages <= 2:
            opened.append(make_case(datetime.now(UTC)).id)
        if cursor is None:
            break
    assert seen == first + opened
    assert len(seen) == len(set(seen)) == 9
    assert pages == 3


def test_the_last_full_page_has_no_next_cursor(app, get):
    for _ in range(2):
        make_case()
    body = get("/api/v1/cases", limit=2).get_json()
    assert len(body["items"]) == 2 and body["next_cursor"] is None


def test_a_case_with_its_thread_and_timeline(surveys, get, make_user):
    agent = make_user(name="Bo Chen")
    case = case_of(answer("nps", 2, "Terrible"))
    case_actions.claim(case, agent)
    case_actions.add_note(case, agent, "Gold customer, be quick.")
    case_actions.reply(case, agent, "Sorry", "We are on it. When can we call you?", "en")
    case_actions.record(case, "customer_reply", body="Tomorrow at ten.", detail="Re: Sorry")
    case_actions.log_call(case, agent, CallOutcome.REACHED, "Agreed a refund.")
    db.session.commit()

    response = get(f"/api/v1/cases/{case.id}")
    assert response.status_code == 200
    body = response.get_json()
    assert body["id"] == case.id and body["status"] == "open"
    assert body["owner"] == {"id": agent.id, "name": "Bo Chen"}
    assert body["first_responded_at"] is not None
    thread = [(e["kind"], e["internal"], e["body"]) for e in body["thread"]]
    assert thread == [
        ("note", True, "Gold customer, be quick."),
        ("reply", False, "We are on it. When can we call you?"),
        ("customer_reply", False, "Tomorrow at ten."),
        ("call", False, "Agreed a refund."),
    ]
    by_kind = {e["kind"]: e for e in body["thread"]}
    assert by_kind["customer_reply"]["author"] is None
    assert by_kind["customer_reply"]["detail"] == "Re: Sorry"
    assert by_kind["reply"]["author"] == {"id": agent.id, "name": "Bo Chen"}
    assert by_kind["call"]["detail"] == "reached"
    kinds = [e["kind"] for e in body["timeline"]]
    assert kinds[0] == "opened"
    assert {"claimed", "note", "reply", "customer_reply", "call"} <= set(kinds)
    claimed = next(e for e in body["timeline"] if e["kind"] == "claimed")
    assert claimed["actor"] == {"id": agent.id, "name": "Bo Chen"}
    assert [e["at"] for e in body["timeline"]] == sorted(e["at"] for e in body["timeline"])


@pytest.mark.parametrize("path", ["/api/v1/cases/999", "/api/v1/cases/0", "/api/v1/cases/x"])
def test_an_unknown_case_is_404_in_the_error_shape(app, get, path):
    response = get(path)
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"
