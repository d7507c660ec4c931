"""The Loyalty page's complaint analysis (/loyalty/complaints): cases by topic x
resolution code x touchpoint, month by month; the median time to resolution by topic;
repeat complainers. Every figure here is worked out by hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from feedback.accounts.models import Role
from feedback.complaints.models import ResolutionCode
from feedback.extensions import db
from tests.complaint_analysis_helpers import resolve, table
from tests.complaints_helpers import answer

#: a custom range of the first half of 2026, in the query string
HALF = "range=custom&start=2026-01-01&end=2026-06-30"
DAY = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


@pytest.fixture
def topics(app):
    from tests.topic_helpers import ensure_default_topics

    ensure_default_topics()
    db.session.commit()


@pytest.fixture
def agent(make_user):
    return make_user(Role.AGENT, name="Ann Agent")


def _page(client, query: str = HALF) -> str:
    response = client.get(f"/loyalty/complaints?{query}")
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    return response.get_data(as_text=True)


def test_cases_by_topic_resolution_code_and_touchpoint(manager_client, surveys, topics, agent):
    """Five cases: a and b on price (NPS, purchase), c on staff (CSAT, delivery), d with no
    comment (CSAT, delivery), e on price and staff (CES, support call). A case counts once
    for each of its topics, those of the answer that opened it; the last row counts every
    case once."""
    a = answer("nps", 1, "Too expensive", customer="a", answered_at=DAY)
    answer("nps", 2, "The price is too high", customer="b", answered_at=DAY)
    # b's later answer joins b's case in the queue: the case keeps the opening answer's topic
    answer("nps", 0, "The staff were rude", customer="b", answered_at=DAY + timedelta(hours=1))
    c = answer("csat", 1, "The staff were rude", customer="c", answered_at=DAY)
    answer("csat", 1, None, customer="d", answered_at=DAY, tier="vip")
    e = answer("ces", 1, "Rude staff and expensive fees", customer="e", answered_at=DAY)
    answer("nps", 1, "Too expensive", customer="f", answered_at=DAY - timedelta(days=90))
    resolve(a, agent, ResolutionCode.REFUND, timedelta(hours=2))
    resolve(c, agent, ResolutionCode.SOLVED, timedelta(hours=2))
    resolve(e, agent, ResolutionCode.EXPLAINED, timedelta(hours=2))

    page = _page(manager_client)

    codes = table(page, "Cases by topic and resolution code")
    # price: a refund, b not resolved, e explained = 3; staff: c solved, e explained = 2;
    # no topic: d not resolved. Every case once: 5 (f opened before the period).
    assert codes["Price"] == {
        "Problem solved": "0",
        "Refund given": "1",
        "Replacement sent": "0",
        "Explained, no fault found": "1",
        "No action possible": "0",
        "Customer unreachable": "0",
        "Not resolved": "1",
        "All": "3",
    }
    assert codes["Staff attitude"]["Problem solved"] == "1"
    assert codes["Staff attitude"]["Explained, no fault found"] == "1"
    assert codes["Staff attitude"]["All"] == "2"
    assert codes["No topic"]["Not resolved"] == "1" and codes["No topic"]["All"] == "1"
    assert list(codes) == ["Price", "Staff attitude", "No topic", "Every case once"]
    every = codes["Every case once"]
    assert (every["Refund given"], every["Problem solved"], every["Not resolved"]) == (
        "1",
        "1",
        "2",
    )
    assert every["All"] == "5"
    assert "Cases opened from" in page and ": 5." in page

    touchpoints = table(page, "Cases by topic and touchpoint")
    # price: a, b on purchase, e on support call; staff: c on delivery, e on support call
    assert touchpoints["Price"] == {
        "Purchase": "2",
        "Support call closed": "1",
        "Delivery": "0",
        "All": "3",
    }
    assert touchpoints["Staff attitude"] == {
        "Purchase": "0",
        "Support call closed": "1",
        "Delivery": "1",
        "All": "2",
    }
    assert touchpoints["No topic"]["Delivery"] == "1"


def test_the_touchpoint_and_tier_filters_narrow_the_cases(manager_client, surveys, topics):
    answer("nps", 1, "Too expensive", customer="a", answered_at=DAY)
    answer("csat", 1, "The staff were rude", customer="c", answered_at=DAY, tier="vip")

    purchase = table(
        _page(manager_client, HALF + "&touchpoint=purchase"), "Cases by topic and resolution"
    )
    assert list(purchase) == ["Price", "Every case once"]
    assert purchase["Price"]["All"] == "1"
    vip = table(_page(manager_client, HALF + "&tier=vip"), "Cases by topic and resolution")
    assert list(vip) == ["Staff attitude", "Every case once"]


def test_the_monthly_trend_counts_cases_in_the_viewers_months(manager_client, surveys, topics):
    """In Shanghai (UTC+8), 31 March 17:00 UTC is already 1 April: that case is April's."""
    manager_client.user.timezone = "Asia/Shanghai"
    db.session.commit()
    march_end = datetime(2026, 3, 31, 15, 0, tzinfo=UTC)  # 23:00 in Shanghai: March
    answer("nps", 1, "Too expensive", customer="a", answered_at=march_end)
    answer("nps", 1, "Too expensive", customer="b", answered_at=march_end + timedelta(hours=2))
    answer(
        "nps", 1, "The staff were rude", customer="c", answered_at=march_end + timedelta(days=40)
    )
    answer("nps", 1, None, customer="d", answered_at=march_end + timedelta(days=40))

    page = _page(manager_client, "range=custom&start=2026-03-01&end=2026-05-31")

    trend = table(page, "Cases opened each month")
    # the trend ends with the period's month and shows twelve: June 2025 to May 2026
    assert list(trend)[0] == "Jun 2025" and list(trend)[-1] == "May 2026" and len(trend) == 12
    assert trend["Mar 2026"] == {
        "Price": "1",
        "Staff attitude": "0",
        "No topic": "0",
        "All cases": "1",
    }
    assert trend["Apr 2026"] == {
        "Price": "1",
        "Staff attitude": "0",
        "No topic": "0",
        "All cases": "1",
    }
    assert trend["May 2026"] == {
        "Price": "0",
        "Staff attitude": "1",
        "No topic": "1",
        "All cases": "2",
    }
    assert trend["Feb 2026"]["All cases"] == "0"
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in page
    assert "Cases by topic, month by month" in page


def test_the_trend_draws_the_five_most_frequent_topics_and_the_others(
    manager_client, surveys, topics
):
    """Six topics: price 3 cases, delivery, staff, quality, billing 2 each, the app 1. The
    app is not among the top five: its case is in "Other topics"."""
    comments = {
        "Too expensive": 3,
        "Where is my parcel": 2,
        "The staff were rude": 2,
        "Poor quality": 2,
        "Wrong invoice": 2,
        "The website is down": 1,
    }
    n = 0
    for comment, times in comments.items():
        for _ in range(times):
            n += 1
            answer("nps", 1, comment, customer=f"c{n}", answered_at=DAY)

    trend = table(_page(manager_client), "Cases opened each month")
    march = trend["Mar 2026"]
    assert march["Price"] == "3"
    assert march["Other topics"] == "1"
    assert march["All cases"] == "12"
    assert "App or website" not in march
    assert len(march) == 7  # five topics, the others, all cases


def test_median_time_to_resolution_by_topic(manager_client, surveys, topics, agent):
    """Price: 11 cases resolved, 5 in 1 h 15 min, 1 in 3 h 30 min, 5 in 10 h: the middle
    (6th) is 3 h 30 min. The dashboard's buckets hold 3 h to 4 h for it, and the
    interpolated median is 3 h + 1 h x (5.5 - 5) / 1 = 3.5 h. Eleven cases are few (under
    30): flagged. Staff: 3 resolved and 1 not: too few for a median, n = 3."""
    durations = [timedelta(hours=1, minutes=15)] * 5 + [timedelta(hours=3, minutes=30)]
    durations += [timedelta(hours=10)] * 5
    for n, took in enumerate(durations):
        found = answer("nps", 1, "Too expensive", customer=f"p{n}", answered_at=DAY)
        resolve(found, agent, ResolutionCode.SOLVED, took)
    for n in range(4):
        found = answer("nps", 1, "The staff were rude", customer=f"s{n}", answered_at=DAY)
        if n < 3:
            resolve(found, agent, ResolutionCode.SOLVED, timedelta(days=2))

    page = _page(manager_client)

    medians = table(page, "Of the cases opened in the period and resolved so far")
    assert medians["Price"] == {
        "Median time to resolution": "3.5 h few cases",
        "Resolved cases": "11",
    }
    assert medians["Staff attitude"] == {
        "Median time to resolution": "too few cases to say",
        "Resolved cases": "3",
    }
    assert "Wall-clock time from the answer that opened the case" in page


def _repeaters(client, query: str) -> dict[str, dict[str, str]]:
    return table(_page(client, query), "Repeat complainers")


#: the period of the repeat complainer tests: August and September 2026
AUTUMN = "range=custom&start=2026-08-01&end=2026-09-30"
JUNE = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def test_repeat_complainers_gave_two_unhappy_answers_within_90_days(manager_client, surveys):
    # 89 days apart, the second in the period: a repeat complainer
    answer("nps", 1, customer="near", name="Near Ng", answered_at=JUNE, tier="gold")
    answer("csat", 1, customer="near", name="Near Ng", answered_at=JUNE + timedelta(days=89))
    # 91 days apart: not
    answer("nps", 1, customer="far", name="Far Fu", answered_at=JUNE)
    answer("nps", 2, customer="far", name="Far Fu", answered_at=JUNE + timedelta(days=91))
    # a happy answer does not count; a neutral one neither
    answer("nps", 1, customer="happy", name="Hap Py", answered_at=JUNE + timedelta(days=70))
    answer("nps", 10, customer="happy", name="Hap Py", answered_at=JUNE + timedelta(days=75))
    answer("nps", 8, customer="happy", name="Hap Py", answered_at=JUNE + timedelta(days=76))
    # both before the period: not
    answer("nps", 1, customer="old", name="Old Oz", answered_at=JUNE)
    answer("nps", 1, customer="old", name="Old Oz", answered_at=JUNE + timedelta(days=10))
    # three within 90 days (62 to 140: 78 days): first
    for day in (62, 100, 140):
        answer("ces", 1, customer="three", name="Tri Tan", answered_at=JUNE + timedelta(days=day))

    rows = _repeaters(manager_client, AUTUMN)

    assert list(rows) == ["Tri Tan", "Near Ng"]
    assert rows["Tri Tan"]["Unhappy answers in 90 days"] == "3"
    near = rows["Near Ng"]
    assert near["Tier"] == "gold"
    assert near["Unhappy answers in 90 days"] == "2"
    assert near["Latest unhappy answer"] == "Aug 29, 2026"
    assert near["Open cases"] == "1"  # the second answer joined the first's case


def test_the_count_is_the_most_unhappy_answers_in_any_90_days(manager_client, surveys):
    """Zed: days 10, 95 and 120 (85 and 110 days from the first): three unhappy answers, two
    of them in the period, but never more than two in any 90 days. Yan: days 0 and 62,
    the second in the period, and 150 (after it), 88 days after the second. Both count 2;
    Yan's latest (day 150, 29 October) is later than Zed's (day 120), so Yan first."""
    for day in (10, 95, 120):
        answer("nps", 1, customer="zed", name="Zed Zu", answered_at=JUNE + timedelta(days=day))
    for day in (0, 62, 150):
        answer("nps", 1, customer="yan", name="Yan Yu", answered_at=JUNE + timedelta(days=day))

    rows = _repeaters(manager_client, AUTUMN)

    assert list(rows) == ["Yan Yu", "Zed Zu"]
    assert rows["Zed Zu"]["Unhappy answers in 90 days"] == "2"
    assert rows["Yan Yu"]["Unhappy answers in 90 days"] == "2"
    assert rows["Yan Yu"]["Latest unhappy answer"] == "Oct 29, 2026"
    assert rows["Zed Zu"]["Latest unhappy answer"] == "Sep 29, 2026"


def test_repeat_complainers_follow_the_filters(manager_client, surveys):
    # one NPS (purchase) and one CSAT (delivery) answer: with the delivery filter, only one
    answer("nps", 1, customer="mixed", name="Mix Ma", answered_at=JUNE + timedelta(days=70))
    answer("csat", 1, customer="mixed", name="Mix Ma", answered_at=JUNE + timedelta(days=71))

    assert list(_repeaters(manager_client, AUTUMN)) == ["Mix Ma"]
    assert list(_repeaters(manager_client, AUTUMN + "&touchpoint=delivery")) == [
        "No repeat complainer in this period."
    ]


def test_repeat_complainers_are_paged(manager_client, surveys, monkeypatch):
    from feedback.loyalty import complaints

    monkeypatch.setattr(complaints, "REPEAT_PAGE", 1)
    for customer, days in (("a", (62, 63, 64)), ("b", (70, 71))):
        for day in days:
            answer(
                "nps",
                1,
                customer=customer,
                name=customer.upper() * 3,
                answered_at=JUNE + timedelta(days=day),
            )

    page = _page(manager_client, AUTUMN)
    assert list(table(page, "Repeat complainers")) == ["AAA"]
    assert "More repeat complainers" in page
    second = _page(manager_client, AUTUMN + "&page=2")
    assert list(table(second, "Repeat complainers")) == ["BBB"]
    assert "More repeat complainers" not in second
    # a page that is not a number is the first, not an error
    assert manager_client.get(f"/loyalty/complaints?{AUTUMN}&page=x").status_code == 200


def test_bad_filters_are_a_400_and_agents_are_refused(manager_client, agent_client):
    response = manager_client.get(
        "/loyalty/complaints?range=custom&start=2026-05-01&end=2026-01-01"
    )
    assert response.status_code == 400
    assert "These filters are not valid" in response.get_data(as_text=True)
    assert manager_client.get("/loyalty/complaints?tier=nonsense").status_code == 400
    assert agent_client.get("/loyalty/complaints").status_code == 403


def test_the_page_in_chinese(manager_client, surveys, topics):
    manager_client.user.locale = "zh"
    db.session.commit()
    answer("nps", 1, "太贵了", customer="a", answered_at=DAY, locale="zh")

    page = _page(manager_client)

    assert 'lang="zh' in page
    assert "价格" in page  # the topic's Chinese name
    assert "3月 2026" in page  # the trend's month, as Babel writes it in Chinese


@pytest.mark.parametrize(("locale", "width"), [("en", 375), ("zh", 375), ("en", 1280)])
def test_a_manager_reads_the_analysis_on_a_phone(
    app, live_server, browser, surveys, topics, make_user, locale, width, tmp_path
):
    """At 375 px the wide tables stack their cells, each with its label, and nothing
    scrolls sideways; the chart scales to the width. (1280 px: a laptop, for the
    screenshots.)"""
    from tests.conftest import PASSWORD

    manager = make_user(Role.MANAGER, locale=locale)
    ann = make_user(Role.AGENT, name="Ann Agent")
    found = answer("nps", 1, "Too expensive and the staff were rude", customer="a", answered_at=DAY)
    resolve(found, ann, ResolutionCode.REFUND, timedelta(hours=5))
    answer("csat", 1, "Where is my parcel", customer="a", answered_at=DAY + timedelta(days=20))
    answer("ces", 1, None, customer="b", name="Bo Bai", answered_at=DAY + timedelta(days=5))

    page = browser.new_page(viewport={"width": width, "height": 812})
    page.goto(f"{live_server}/login")
    page.locator("input[name=email]").fill(manager.email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("button.primary[type=submit]").click()
    page.wait_for_url(f"{live_server}/")
    page.goto(f"{live_server}/loyalty/complaints?{HALF}")

    assert page.locator("svg").first.is_visible()
    assert page.locator("td[data-label]").first.is_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=str(tmp_path / f"complaints-{locale}-{width}.png"), full_page=True)
    for n, section in enumerate(page.locator("main section").all()):
        section.screenshot(path=str(tmp_path / f"complaints-{locale}-{width}-{n}.png"))
    page.close()
