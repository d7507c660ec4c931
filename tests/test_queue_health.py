"""Queue health on the dashboard: what each agent did in the period, and medians that say
which cases they are taken over."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from feedback.accounts.models import Role
from feedback.complaints import cases as actions
from feedback.complaints.models import CallOutcome, Case, ResolutionCode
from feedback.extensions import db
from feedback.timeutil import utcnow
from tests.complaints_helpers import answer


def _row(page: str, table: str, name: str) -> str:
    """The cells of ``name``'s row in the table captioned ``table``."""
    part = page[page.index(f"<caption>{table}</caption>") :]
    part = part[: part.index("</table>")]
    start = part.index(f">{name}</th>")
    return part[start : part.index("</tr>", start)]


def test_by_agent_shows_first_responses_given_and_cases_resolved(
    app, manager_client, surveys, make_user
):
    """Agent A answers two customers, one in time and one late; agent B resolves one of
    those cases. Each row says what that agent did, not who owned the case at opening."""
    ann = make_user(Role.AGENT, name="Ann Agent")
    bob = make_user(Role.AGENT, name="Bob Agent")
    for customer in ("a", "b", "c"):
        answer("nps", 1, customer=customer)
    first, second, _waiting = db.session.scalars(select(Case).order_by(Case.id)).all()
    second.first_response_due_at = utcnow() - timedelta(minutes=1)  # answered too late
    actions.log_call(first, ann, CallOutcome.REACHED, "Sorted on the phone.")
    actions.log_call(second, ann, CallOutcome.REACHED, "Called back, late.")
    actions.resolve(first, bob, ResolutionCode.SOLVED)
    db.session.commit()

    page = manager_client.get("/dashboard").get_data(as_text=True)

    ann_row = _row(page, "By agent", "Ann Agent")
    assert '<td data-label="First responses given">2</td>' in ann_row
    assert '">50.0%</td>' in ann_row  # one of her two on time
    assert '<td data-label="Cases resolved">0</td>' in ann_row
    assert "n=2</span>" in ann_row  # her median first response is over her two
    bob_row = _row(page, "By agent", "Bob Agent")
    assert '<td data-label="First responses given">0</td>' in bob_row
    assert '<td data-label="Cases resolved">1</td>' in bob_row
    assert "n=1</span>" in bob_row  # his median resolution, of the one he resolved
    # Ann owns the cases she answered (the first responder takes a case); the third
    # waits with nobody.
    assert '<td data-label="Open">1</td>' in ann_row
    nobody = _row(page, "By agent", "nobody")
    assert '<td data-label="Open">1</td>' in nobody
    assert '<td data-label="First responses given">0</td>' in nobody


def test_medians_say_which_cases_they_are_taken_over(app, manager_client, surveys, make_user):
    """Three cases answered, one resolved: the median resolution is over one case and the
    median first response over three, and the page says so."""
    ann = make_user(Role.AGENT, name="Ann Agent")
    for customer in ("a", "b", "c"):
        answer("nps", 1, customer=customer)
    cases = db.session.scalars(select(Case).order_by(Case.id)).all()
    for case in cases:
        actions.log_call(case, ann, CallOutcome.REACHED, "")
    actions.resolve(cases[0], ann, ResolutionCode.SOLVED)
    db.session.commit()

    page = manager_client.get("/dashboard").get_data(as_text=True)
    queue = page[page.index('id="h-queue"') :]
    assert "of 3 answered" in queue
    assert "of 1 resolved" in queue
    assert "Each median is taken over its own cases" in queue
    priority = _row(page, "By priority", "High")
    assert priority.count("n=3</span>") == 1 and priority.count("n=1</span>") == 1


def test_a_manager_reads_the_agent_table_on_a_phone(
    app, live_server, browser, surveys, make_user, tmp_path
):
    """The wider agent table stacks its cells, each with its label, on a phone."""
    from tests.conftest import PASSWORD

    manager = make_user(Role.MANAGER)
    ann = make_user(Role.AGENT, name="Ann Agent")
    answer("nps", 1, customer="a")
    case = db.session.scalars(select(Case)).one()
    actions.log_call(case, ann, CallOutcome.REACHED, "")
    actions.resolve(case, ann, ResolutionCode.SOLVED)
    db.session.commit()

    page = browser.new_page(viewport={"width": 390, "height": 844}, locale="en-US")
    page.goto(f"{live_server}/login")
    page.get_by_label("Email").fill(manager.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server}/")
    page.goto(f"{live_server}/dashboard")
    table = page.locator("table", has=page.locator("caption", has_text="By agent"))
    row = table.locator("tr", has_text="Ann Agent")
    assert row.locator('td[data-label="First responses given"]').inner_text() == "1"
    assert row.locator('td[data-label="Cases resolved"]').inner_text() == "1"
    assert row.locator('td[data-label="Cases resolved"]').is_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=str(tmp_path / "queue-health.png"), full_page=True)
