"""A real browser (Debian's Chromium through Playwright) on a phone-sized screen."""

from __future__ import annotations

from tests.conftest import PASSWORD

PHONE = {"width": 390, "height": 844}


def _no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_admin_signs_in_on_a_phone_and_switches_to_chinese(
    live_server, browser, make_user, tmp_path
):
    from feedback.accounts.models import Role

    admin = make_user(Role.ADMIN, name="Ada")
    page = browser.new_page(viewport=PHONE, locale="en-US")
    page.goto(f"{live_server}/admin/users")
    assert page.url.startswith(f"{live_server}/login")
    assert page.get_by_text("Please sign in to open that page.").is_visible()
    page.get_by_label("Email").fill(admin.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.wait_for_url(f"{live_server}/admin/users")
    assert page.get_by_role("heading", name="Users", exact=True).is_visible()
    assert _no_sideways_scroll(page)
    page.screenshot(path=str(tmp_path / "users-en.png"), full_page=True)

    page.get_by_role("button", name="中文").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="用户", exact=True).is_visible()
    assert page.get_by_role("button", name="退出登录").is_visible()
    assert _no_sideways_scroll(page)
    page.screenshot(path=str(tmp_path / "users-zh.png"), full_page=True)


def test_keyboard_alone_can_sign_in(live_server, browser, make_user):
    user = make_user(name="Kim")
    page = browser.new_page(viewport=PHONE, locale="en-US")
    page.goto(f"{live_server}/login")
    skip = page.get_by_role("link", name="Skip to content")
    skip.focus()
    box = skip.bounding_box()
    assert box and box["x"] >= 0  # moved on screen when focused
    page.get_by_label("Email").focus()
    page.keyboard.type(user.email)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server}/")
    assert page.get_by_text("Hello, Kim").is_visible()


def test_customer_answers_on_a_phone_in_chinese(app, surveys, api, live_server, browser, tmp_path):
    from axe_playwright_python.sync_playwright import Axe
    from sqlalchemy import select

    from feedback.extensions import db
    from feedback.outbox.delivery import deliver_due
    from feedback.surveys import invitations
    from feedback.surveys.models import Response
    from tests.surveys_helpers import captured, event, html_links

    app.config["BASE_URL"] = live_server
    api("/api/v1/touchpoints", event(locale="zh", name="王伟"))
    invitations.send_due_invitations()
    deliver_due("test")
    link = html_links(captured(app)[0])[0]  # the link of score 1

    page = browser.new_page(viewport=PHONE, locale="zh-CN", has_touch=True, is_mobile=True)
    page.goto(link)
    assert page.get_by_role("heading", name="您对本次配送满意吗？").is_visible()
    assert page.get_by_role("radio", name="1").is_checked()
    assert _no_sideways_scroll(page)

    results = Axe().run(page)
    serious = [
        v["id"] for v in results.response["violations"] if v["impact"] in ("serious", "critical")
    ]
    assert serious == [], results.generate_report()

    page.get_by_role("radio", name="4").tap()
    assert page.get_by_role("radio", name="4").is_checked()
    page.get_by_label("我们还有哪些地方可以做得更好？").fill("司机很有礼貌，但是晚到了半小时。")
    page.screenshot(path=str(tmp_path / "answer-zh.png"), full_page=True)
    with page.expect_navigation():
        page.get_by_role("button", name="提交").tap()
    assert page.get_by_role("heading", name="谢谢您！").is_visible()
    page.screenshot(path=str(tmp_path / "thanks-zh.png"), full_page=True)

    response = db.session.scalar(select(Response))
    assert (response.score, response.comment) == (4, "司机很有礼貌，但是晚到了半小时。")
    assert response.locale == "zh"


def test_answer_page_works_with_javascript_off(app, surveys, api, live_server, browser):
    from sqlalchemy import select

    from feedback.extensions import db
    from feedback.outbox.delivery import deliver_due
    from feedback.surveys import invitations
    from feedback.surveys.models import Response
    from tests.surveys_helpers import captured, event, html_links

    app.config["BASE_URL"] = live_server
    api("/api/v1/touchpoints", event())
    invitations.send_due_invitations()
    deliver_due("test")
    link = html_links(captured(app)[0])[4]  # score 5
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    page = context.new_page()
    page.goto(link)
    # Keyboard only: Tab reaches the radio group (after the language link), the arrows
    # move the choice, Enter sends the form.
    for _ in range(5):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.name") == "score":
            break
    assert page.evaluate("document.activeElement.value") == "5"
    page.keyboard.press("ArrowLeft")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_role("heading", name="Thank you!").is_visible()
    assert db.session.scalar(select(Response.score)) == 4
    context.close()


def test_agent_claims_and_answers_a_detractor_on_time(
    app, surveys, api, live_server, browser, make_user, tmp_path
):
    """A detractor answers on their phone; an agent signs in, finds the case in
    Unassigned, claims it, replies from a template; the case shows as responded on time
    and the reply waits in the outbox."""
    from axe_playwright_python.sync_playwright import Axe
    from sqlalchemy import select

    from feedback.accounts.models import Role
    from feedback.complaints.models import Case
    from feedback.extensions import db
    from feedback.outbox.delivery import deliver_due
    from feedback.outbox.models import OutboxMessage
    from feedback.surveys import invitations
    from tests.surveys_helpers import captured, event, html_links

    app.config["BASE_URL"] = live_server
    api("/api/v1/touchpoints", event(name="Dana Detractor"))
    invitations.send_due_invitations()
    deliver_due("test")
    customer = browser.new_page(viewport=PHONE, locale="en-US", has_touch=True, is_mobile=True)
    customer.goto(html_links(captured(app)[0])[0])  # score 1 of 5
    customer.get_by_label("What could we have done better?").fill(
        "The parcel arrived two days late and the box was crushed."
    )
    with customer.expect_navigation():
        customer.get_by_role("button", name="Send").tap()

    agent = make_user(Role.AGENT, name="Ann Agent")
    page = browser.new_page(viewport=PHONE, locale="en-US")
    page.goto(f"{live_server}/cases")
    page.get_by_label("Email").fill(agent.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server}/cases")
    tabs = page.get_by_role("navigation", name="Views")
    assert tabs.get_by_role("link", name="Unassigned 1").get_attribute("aria-current") == "page"
    assert page.get_by_text("Dana Detractor").is_visible()
    assert _no_sideways_scroll(page)
    page.screenshot(path=str(tmp_path / "queue.png"), full_page=True)

    page.get_by_role("link", name="#1").click()
    assert page.get_by_text("The parcel arrived two days late").is_visible()
    page.get_by_role("button", name="Claim").click()
    assert page.get_by_text("Case #1 is yours.").is_visible()
    page.get_by_label("Template", exact=True).select_option(label="Apology, we are looking into it")
    page.get_by_role("button", name="Fill in").click()
    assert "Dear Dana Detractor" in page.get_by_label("Message").input_value()
    page.get_by_role("button", name="Send reply").click()
    assert page.get_by_text("Reply sent to the customer").is_visible()
    assert page.get_by_text("Responded on time").is_visible()
    assert _no_sideways_scroll(page)
    results = Axe().run(page)
    serious = [
        v["id"] for v in results.response["violations"] if v["impact"] in ("serious", "critical")
    ]
    assert serious == [], results.generate_report()
    page.screenshot(path=str(tmp_path / "case.png"), full_page=True)

    db.session.expire_all()
    case = db.session.scalar(select(Case))
    assert case.owner_id == agent.id and case.responded_on_time
    reply = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "case_reply"))
    assert reply.to_address == "ann@example.com"
    assert reply.subject == "About your feedback (case #1)"
    assert "Dear Dana Detractor" in reply.body_text
