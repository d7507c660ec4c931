"""The queue and case pages as staff use them: views with counts, filters, claiming (also
two agents at once), replying from a template in the customer's language, refusals with
a message, and who may do what."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
import time_machine
from sqlalchemy import select

from feedback.accounts.models import Role
from feedback.complaints import cases as actions
from feedback.complaints.models import Case, CaseEvent, CasePriority
from feedback.extensions import db
from feedback.outbox.models import OutboxMessage
from tests.complaints_helpers import answer, case_of
from tests.conftest import sign_in

MONDAY_10 = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai


@pytest.fixture
def clock(app, surveys):
    with time_machine.travel(MONDAY_10, tick=False) as traveller:
        yield traveller


def test_queue_views_count_and_filter(clock, agent_client, make_user):
    other = make_user(Role.AGENT)
    mine = case_of(answer("csat", 1, customer="c-1", name="Mina Mine"))
    taken = case_of(answer("csat", 2, customer="c-2", name="Olga Other"))
    free = case_of(answer("nps", 5, customer="c-3", name="Una Free", tier="gold"))
    actions.claim(mine, agent_client.user)
    actions.claim(taken, other)
    db.session.commit()

    page = agent_client.get("/cases")  # the agent's own cases first
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Mina Mine" in html and "Una Free" not in html
    for label, count in [("Mine", 1), ("Unassigned", 1), ("All open", 3), ("Overdue", 0)]:
        assert f'{label} <span class="count">{count}</span>' in html

    html = agent_client.get("/cases?view=unassigned").get_data(as_text=True)
    assert "Una Free" in html and "Mina Mine" not in html and "Olga Other" not in html
    html = agent_client.get("/cases?view=open&priority=high").get_data(as_text=True)
    assert "Mina Mine" in html and "Olga Other" not in html and "Una Free" not in html
    html = agent_client.get("/cases?view=open&tier=GOLD").get_data(as_text=True)
    assert "Una Free" in html and "Mina Mine" not in html
    html = agent_client.get("/cases?view=open&touchpoint=purchase").get_data(as_text=True)
    assert "Una Free" in html and "Mina Mine" not in html
    assert free.id


def test_open_cases_are_sorted_by_due_time(clock, agent_client):
    normal = case_of(answer("csat", 2, customer="c-1", name="Due Later"))  # 8 h
    high = case_of(answer("csat", 1, customer="c-2", name="Due Sooner"))  # 4 h
    html = agent_client.get("/cases?view=open").get_data(as_text=True)
    assert html.index("Due Sooner") < html.index("Due Later")
    assert high.first_response_due_at < normal.first_response_due_at


@pytest.mark.parametrize(
    "query", ["view=everything", "priority=extreme", "page=0", "page=x", "topic=nonsense"]
)
def test_bad_queue_filters_are_a_400_with_a_message(clock, agent_client, query):
    page = agent_client.get(f"/cases?{query}")
    assert page.status_code == 400
    assert "These filters are not valid" in page.get_data(as_text=True)


def test_unknown_case_is_404_and_actions_need_a_csrf_token(clock, agent_client):
    assert agent_client.get("/cases/999999").status_code == 404
    assert agent_client.submit("/cases/999999/note", {"body": "x"}).status_code == 404
    case = case_of(answer("csat", 1))
    assert agent_client.post(f"/cases/{case.id}/note", data={"body": "x"}).status_code == 400
    assert db.session.scalar(select(CaseEvent).where(CaseEvent.kind == "note")) is None


def test_customers_and_signed_out_people_cannot_see_the_queue(clock, client):
    assert client.get("/cases").status_code == 302  # to the sign-in page


def test_only_managers_assign_and_change_priority(clock, agent_client, manager_client):
    case = case_of(answer("csat", 1))
    data = {"priority": "urgent", "reason": "Press"}
    assert agent_client.submit(f"/cases/{case.id}/priority", data).status_code == 403
    assert agent_client.submit(f"/cases/{case.id}/assign", {"owner": "1"}).status_code == 403
    page = agent_client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Change priority" not in page
    response = manager_client.submit(f"/cases/{case.id}/priority", data)
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(Case, case.id).priority is CasePriority.URGENT
    agent = agent_client.user
    response = manager_client.submit(f"/cases/{case.id}/assign", {"owner": str(agent.id)})
    assert response.status_code == 303
    html = agent_client.get("/cases?view=mine").get_data(as_text=True)
    assert f"#{case.id}</a>" in html
    # a priority change without a reason is refused, with the message on the page
    page = manager_client.submit(f"/cases/{case.id}/priority", {"priority": "low", "reason": ""})
    assert page.status_code == 400
    assert "This field is required" in page.get_data(as_text=True)


def test_the_second_agent_to_claim_is_told_who_has_it(clock, app, make_user):
    case = case_of(answer("csat", 1))
    ann, bob = make_user(Role.AGENT, name="Ann Agent"), make_user(Role.AGENT, name="Bob")
    clients = []
    for user in (ann, bob):
        client = app.test_client()
        sign_in(client, user)
        clients.append(client)
    clients[0].submit(f"/cases/{case.id}/claim")
    page = clients[1].submit(f"/cases/{case.id}/claim", follow_redirects=True)
    assert "Ann Agent already has this case." in page.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Case, case.id).owner_id == ann.id


def test_simultaneous_claims_leave_exactly_one_owner(clock, app, make_user):
    """Four agents claim each of five cases at the same instant, each in its own
    transaction and connection (on PostgreSQL: real row locks between sessions)."""
    agents = [make_user(Role.AGENT) for _ in range(4)]
    case_ids = [case_of(answer("csat", 1, customer=f"c-{i}")).id for i in range(5)]
    db.session.commit()
    for case_id in case_ids:
        barrier = threading.Barrier(len(agents))
        wins: list[int] = []

        def claim(agent_id: int, case_id=case_id, barrier=barrier, wins=wins):
            with app.app_context():
                case = db.session.get(Case, case_id)
                agent = db.session.get(type(agents[0]), agent_id)
                barrier.wait(timeout=10)
                if actions.claim(case, agent):
                    wins.append(agent_id)
                db.session.commit()
                db.session.remove()

        threads = [threading.Thread(target=claim, args=(a.id,)) for a in agents]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        db.session.expire_all()
        owner = db.session.get(Case, case_id).owner_id
        assert len(wins) == 1 and owner == wins[0]
        claimed = db.session.scalars(
            select(CaseEvent).where(CaseEvent.case_id == case_id, CaseEvent.kind == "claimed")
        ).all()
        assert len(claimed) == 1


@pytest.mark.parametrize("template", ["²", "١٢", "x", "99999999999", ""])
def test_an_odd_template_in_the_url_shows_the_empty_reply(clock, agent_client, template):
    """A "²" passes str.isdigit() and fails int(): it was a 500."""
    case = case_of(answer("csat", 1))
    response = agent_client.get(f"/cases/{case.id}", query_string={"template": template})
    assert response.status_code == 200
    assert 'name="subject"' in response.get_data(as_text=True)


def test_reply_from_a_template_in_the_customers_language(clock, agent_client):
    case = case_of(answer("csat", 1, locale="zh", name="王芳"))
    page = agent_client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert '<option selected value="zh">中文</option>' in page  # preselected
    page = agent_client.get(f"/cases/{case.id}?template=1&lang=zh").get_data(as_text=True)
    assert "王芳，您好" in page and f"工单 #{case.id}" in page
    response = agent_client.submit(
        f"/cases/{case.id}/reply",
        {"language": "zh", "subject": "关于您的反馈", "body": "王芳，您好：\n\n我们正在处理。"},
    )
    assert response.status_code == 303
    [message] = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == "case_reply")
    ).all()
    assert message.to_address == "ann@example.com"
    assert message.subject == f"关于您的反馈 [工单 #{case.id}]"
    assert "我们正在处理。" in message.body_text
    assert agent_client.user.email in message.body_text  # signed by the agent


def test_a_reply_without_text_and_resolving_without_a_response_are_refused(clock, agent_client):
    case = case_of(answer("csat", 1))
    page = agent_client.submit(f"/cases/{case.id}/reply", {"language": "en", "subject": "Hi"})
    assert page.status_code == 400
    page = agent_client.submit(f"/cases/{case.id}/resolve", {"code": "solved"})
    assert page.status_code == 409
    assert "Reply to the customer or log a call before resolving" in page.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Case, case.id).resolved_at is None
    # nothing went to the customer (the agent was told of the new case: staff_notice)
    sent = select(OutboxMessage.id).where(OutboxMessage.kind != "staff_notice")
    assert db.session.scalar(sent) is None


def test_the_case_page_shows_the_customer_answers_clock_and_timeline(clock, manager_client):
    earlier = answer("nps", 9, "Nice shop", customer="c-1")
    case = case_of(answer("csat", 1, "Box crushed, item broken", customer="c-1"))
    assert case_of(earlier) is None
    page = manager_client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Ann Lee" in page and "ann@example.com" in page
    assert "Box crushed, item broken" in page and "Negative" in page
    assert "Nice shop" in page  # the customer's earlier answer
    assert "Due in 4 hours" in page
    assert "Case opened with priority High" in page
    with time_machine.travel(datetime(2026, 11, 23, 7, 0, tzinfo=UTC), tick=False):
        page = manager_client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Overdue by 1 hour" in page


def test_pages_in_chinese(clock, agent_client):
    case = case_of(answer("csat", 1))
    agent_client.submit("/language/zh", {"next": "/cases"})
    page = agent_client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "工单 #" in page and "时间线" in page
    queue = agent_client.get("/cases?view=open").get_data(as_text=True)
    assert "未分配" in queue
