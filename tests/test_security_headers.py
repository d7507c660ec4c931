"""Security headers on every response, and every page still working under the policy in
a real browser (Debian's Chromium through Playwright)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from feedback.accounts.models import Role, User
from feedback.complaints.models import Case, ReplyTemplate, RoutingRule
from feedback.customers.models import Customer
from feedback.extensions import db
from feedback.security import CONTENT_SECURITY_POLICY
from feedback.surveys.models import Response, Survey, TouchpointType
from feedback.tagging.models import Topic
from tests.complaints_helpers import answer
from tests.conftest import PASSWORD, Client
from tests.topic_helpers import ensure_default_topics

# --- the headers, with the Flask client ------------------------------------------------


def _policy(response) -> dict[str, str]:
    directives = response.headers["Content-Security-Policy"].split(";")
    return {d.split()[0]: d.strip()[len(d.split()[0]) :].strip() for d in directives}


def test_pages_send_a_policy_that_allows_no_inline_script_and_no_framing(client):
    response = client.get("/login")
    policy = _policy(response)
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["form-action"] == "'self'"
    assert policy["base-uri"] == "'none'"
    assert policy["object-src"] == "'none'"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/healthz", 200),
        ("/static/css/app.css", 200),
        ("/api/v1/responses", 401),
        ("/api/v1/openapi.json", 200),
        ("/s/no-such-token", 404),
        ("/no-such-page", 404),
    ],
)
def test_json_static_and_error_responses_get_the_headers_too(client, url, status):
    with client.get(url) as response:  # a static file stays open until closed
        assert response.status_code == status
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY


def test_no_hsts_while_base_url_is_http(client):
    assert "Strict-Transport-Security" not in client.get("/login").headers


def test_hsts_when_base_url_is_https(app, client):
    app.config["BASE_URL"] = "https://fb.example.com"
    response = client.get("/healthz")
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_the_email_preview_alone_may_use_inline_styles_and_only_inside_our_pages(
    surveys, manager_client
):
    survey = db.session.scalar(select(Survey).where(Survey.name == "NPS after purchase"))
    response = manager_client.get(f"/surveys/{survey.id}/preview/email?lang=zh")
    assert response.status_code == 200
    assert "您有多大可能向朋友或同事推荐 Acme？" in response.get_data(as_text=True)
    policy = _policy(response)
    assert policy["style-src"] == "'unsafe-inline'"
    assert policy["default-src"] == "'none'"
    assert policy["frame-ancestors"] == "'self'"
    assert "sandbox" in policy


def test_the_email_preview_is_for_managers(surveys, agent_client):
    survey = db.session.scalar(select(Survey))
    assert agent_client.get(f"/surveys/{survey.id}/preview/email").status_code == 403


# --- every page in Chromium, under the policy ------------------------------------------

#: Collects what Chromium says about the page (CSP violations are logged as errors too),
#: and each securitypolicyviolation event as an error, in every frame.
VIOLATIONS = """
document.addEventListener("securitypolicyviolation", function (e) {
  console.error("securitypolicyviolation: " + e.violatedDirective + " " + e.blockedURI);
});
"""


class Watched:
    """A browser context whose console messages and page errors are kept."""

    def __init__(self, browser, **options):
        self.context = browser.new_context(locale="en-US", **options)
        self.messages: list[str] = []
        self.context.add_init_script(VIOLATIONS)
        self.context.on("console", self._console)
        self.context.on("weberror", lambda e: self.messages.append(f"error: {e.error}"))
        self.page = self.context.new_page()

    def _console(self, message) -> None:
        # "verbose" is Chromium's lint of forms (a password field without a username
        # field on the account page), not something a user or the policy meets.
        if message.type != "verbose":
            self.messages.append(f"{message.type}: {message.text}")

    def visit(self, url: str) -> None:
        """Open url and wait for its files; fails on an error status or another policy."""
        response = self.page.goto(url)
        assert response.status == 200, (url, response.status)
        assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
        self.page.wait_for_load_state("load")


def _sign_in(watched: Watched, live_server: str, user: User) -> None:
    page = watched.page
    page.goto(f"{live_server}/login")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    assert page.get_by_text("Sign out").is_visible()


@pytest.fixture
def staff_world(app, surveys, make_user, manager_client: Client):
    """A case and its customer, the queue's and tagging's defaults, and one user a role."""
    ensure_default_topics()
    db.session.commit()
    manager_client.get("/queue/rules")  # stores the queue's defaults, as a first visit does
    answer("csat", 1, "The parcel was late.", customer="c-1", tier="bronze", name="Bo Brown")
    answer("csat", 5, "Quick and friendly.", customer="c-2", tier="gold", name="Gil Gold")
    return {role: make_user(role) for role in Role}


def _staff_pages(role: Role) -> list[str]:
    """Every staff page the role may open, with an item of each kind."""
    first = {
        model: db.session.scalar(select(model.id).order_by(model.id))
        for model in (Case, Customer, Survey, TouchpointType, Topic, RoutingRule, ReplyTemplate)
    }
    pages = [
        "/",
        "/cases",
        f"/cases/{first[Case]}",
        "/mail/unmatched",
        "/customers",
        f"/customers/{first[Customer]}",
        "/account",
        "/account/sessions",
        "/at-risk",
    ]
    if role in (Role.MANAGER, Role.ADMIN):
        pages += [
            "/dashboard",
            "/dashboard/properties",
            "/loyalty",
            "/answers",
            "/loyalty/drivers",
            "/loyalty/heatmap",
            "/loyalty/complaints",
            "/surveys",
            "/surveys/new",
            f"/surveys/{first[Survey]}",
            f"/surveys/{first[Survey]}/preview?lang=en",
            f"/surveys/{first[Survey]}/preview?lang=zh",
            "/surveys/touchpoints",
            f"/surveys/touchpoints/{first[TouchpointType]}",
            "/topics",
            f"/topics/{first[Topic]}",
            "/queue/rules",
            f"/queue/rules/{first[RoutingRule]}",
            "/queue/settings",
            "/queue/templates",
            f"/queue/templates/{first[ReplyTemplate]}",
            "/admin/webhooks",
            "/loyalty/customers?type=none",
            "/loyalty/rfm",
        ]
    if role is Role.ADMIN:
        user_id = db.session.scalar(select(User.id).order_by(User.id))
        pages += ["/admin/users", f"/admin/users/{user_id}", "/admin/api-keys", "/admin/outbox"]
        pages += ["/admin/brand"]
        pages += ["/admin/audit"]
        pages += ["/admin/retention"]
    return pages


@pytest.mark.parametrize("role", list(Role))
def test_every_staff_page_works_under_the_policy(staff_world, live_server, browser, role):
    watched = Watched(browser)
    _sign_in(watched, live_server, staff_world[role])
    for path in _staff_pages(role):
        watched.visit(live_server + path)
        assert watched.messages == [], path
    watched.context.close()


def test_the_survey_preview_shows_the_styled_email_in_its_frame(staff_world, live_server, browser):
    watched = Watched(browser)
    _sign_in(watched, live_server, staff_world[Role.MANAGER])
    survey_id = db.session.scalar(select(Survey.id).where(Survey.name == "NPS after purchase"))
    watched.visit(f"{live_server}/surveys/{survey_id}/preview?lang=en")
    email = watched.page.frame_locator("iframe[title=Email]")
    button = email.get_by_role("link", name="10", exact=True)
    assert button.is_visible()
    # the inline styles of the email apply: white on the brand's blue
    assert button.evaluate("a => getComputedStyle(a).color") == "rgb(255, 255, 255)"
    assert watched.messages == []
    watched.context.close()


def test_the_sortable_table_sorts_on_a_click_under_the_policy(staff_world, live_server, browser):
    watched = Watched(browser)
    _sign_in(watched, live_server, staff_world[Role.MANAGER])
    watched.visit(f"{live_server}/dashboard")
    table = watched.page.get_by_role("table", name="By customer tier")

    def groups() -> list[str]:
        return [t.strip() for t in table.locator("tbody th").all_inner_texts()]

    table.get_by_role("button", name="Group").click()
    assert groups() == ["gold", "bronze"]
    table.get_by_role("button", name="Group").click()
    assert groups() == ["bronze", "gold"]
    assert watched.messages == []
    watched.context.close()


def test_deleting_a_topic_asks_first_under_the_policy(staff_world, live_server, browser):
    watched = Watched(browser)
    _sign_in(watched, live_server, staff_world[Role.MANAGER])
    topic_id = db.session.scalar(select(Topic.id).order_by(Topic.id))
    watched.visit(f"{live_server}/topics/{topic_id}")
    asked = []

    def answer_dialog(dialog):
        asked.append(dialog.message)
        if len(asked) == 1:
            dialog.dismiss()
        else:
            dialog.accept()

    watched.page.on("dialog", answer_dialog)
    watched.page.get_by_role("button", name="Delete").click()
    assert asked == ["Delete this topic and remove it from every answer?"]
    db.session.expire_all()
    assert db.session.get(Topic, topic_id) is not None  # Cancel kept it

    with watched.page.expect_navigation():
        watched.page.get_by_role("button", name="Delete").click()
    assert len(asked) == 2
    db.session.expire_all()
    assert db.session.get(Topic, topic_id) is None
    assert watched.messages == []
    watched.context.close()


def test_a_customer_answers_and_unsubscribes_under_the_policy(
    app, surveys, api, live_server, browser
):
    from feedback.outbox.delivery import deliver_due
    from feedback.surveys import invitations
    from tests.surveys_helpers import captured, event, html_links

    app.config["BASE_URL"] = live_server
    api("/api/v1/touchpoints", event(name="Cai Customer"))
    invitations.send_due_invitations()
    deliver_due("test")
    links = html_links(captured(app)[0])  # scores 1 to 5, then unsubscribe
    watched = Watched(browser, viewport={"width": 390, "height": 844}, has_touch=True)
    page = watched.page

    watched.visit(links[1])
    assert page.get_by_role("radio", name="2").is_checked()
    page.get_by_label("What could we have done better?").fill("Late again.")
    with page.expect_navigation():
        page.get_by_role("button", name="Send").click()
    assert page.get_by_role("heading", name="Thank you!").is_visible()
    response = db.session.scalar(select(Response))
    assert (response.score, response.comment) == (2, "Late again.")

    watched.visit(links[-1])
    assert page.get_by_role("heading", name="Stop receiving our surveys?").is_visible()
    with page.expect_navigation():
        page.get_by_role("button", name="Unsubscribe").click()
    db.session.expire_all()
    assert db.session.scalar(select(Customer.unsubscribed_at)) is not None
    assert watched.messages == []
    watched.context.close()
