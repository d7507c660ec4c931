"""The heat map (/loyalty/heatmap): a score by touchpoint x tier or x an event property,
each cell with n and margin, greyed under 30 answers, a link to its answers; in English
and Chinese, on a phone without sideways scrolling (Chromium)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import select

from feedback.extensions import db
from tests.conftest import PASSWORD
from tests.heatmap_helpers import answer

SHOTS = Path("/tmp/shots")  # noqa: S108 - screenshots a person looks at
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}


def _answers() -> None:
    """gold: 18 promoters, 6 passives, 6 detractors; silver: 12 detractors; no tier: 3
    promoters. All on purchases; CSAT on deliveries: 10 answers of 4 (silver)."""
    for score, times in ((10, 18), (8, 6), (3, 6)):
        for _ in range(times):
            answer("nps", score, "gold", channel="web")
    for _ in range(12):
        answer("nps", 0, "silver", channel="store")
    for _ in range(3):
        answer("nps", 9)
    for _ in range(10):
        answer("csat", 4, "silver")


def _cell(page: str, column: int) -> str:
    """The text of a cell of the first row (0 is the first column after the row's name)."""
    row = page[page.index("<tbody>", page.index('class="heatmap"')) :]
    row = row[: row.index("</tr>")]
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", cells[column])).strip()


def _classes(page: str) -> list[str]:
    row = page[page.index("<tbody>", page.index('class="heatmap"')) :]
    return re.findall(r'<td class="([^"]+)"', row[: row.index("</tr>")])


def test_cells_by_touchpoint_and_tier(manager_client, surveys):
    _answers()
    response = manager_client.get("/loyalty/heatmap")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    head = page[page.index("<thead>") : page.index("</thead>")]
    assert re.findall(r"<th scope=\"col\">([^<]+)</th>", head) == [
        "Touchpoint",
        "gold",
        "silver",
        "no tier",
    ]
    # gold: NPS (18 - 6) / 30 = +40. Margin after Rocks (2016): p = 18.75 / 33 = 0.568182,
    # d = 6.75 / 33 = 0.204545, var = (0.772727 - 0.363636^2) / 33 = 0.019409,
    # 1.96 * sqrt(0.019409) = 0.2731: ±27 points. Colour step: (40 + 100) / 200 * 7 = 4.9.
    assert _cell(page, 0) == "+40 n=30 ±27"
    # silver: 12 answers, all 0: -100, shown (10 or more) but greyed as too few. Margin:
    # p = 0.75 / 15 = 0.05, d = 12.75 / 15 = 0.85, adjusted -0.8, var = (0.9 - 0.64) / 15
    # = 0.017333, 1.96 * sqrt(var) = 0.258: -1.058 to -0.542, cut at -1: half of 0.458, 23.
    assert _cell(page, 1) == "-100 n=12 ±23 too few"
    # no tier: 3 answers: no figure
    assert _cell(page, 2) == "— n=3 too few"
    assert _classes(page) == ["heat heat-4", "heat heat-few", "heat heat-few"]
    assert "Purchase" in page and "Delivery" not in page[page.index('class="heatmap"') :]


def test_a_cell_links_to_its_answers(manager_client, surveys):
    _answers()
    page = manager_client.get("/loyalty/heatmap").get_data(as_text=True)
    table = page[page.index("<tbody>", page.index('class="heatmap"')) :]
    href = re.search(r'<a href="([^"]+)"', table).group(1).replace("&amp;", "&")
    assert "/answers?" in href
    for part in ("kind=nps", "touchpoint=purchase", "tier=gold", "start=", "end="):
        assert part in href
    answers = manager_client.get(href)
    assert answers.status_code == 200
    assert "30 answers" in answers.get_data(as_text=True)


def test_csat_and_ces(manager_client, surveys):
    _answers()
    page = manager_client.get("/loyalty/heatmap?kind=csat").get_data(as_text=True)
    # 10 answers of 4: CSAT 100%, greyed (fewer than 30)
    assert _cell(page, 0).startswith("100% n=10 ±")
    assert "Delivery" in page[page.index('class="heatmap"') :]
    empty = manager_client.get("/loyalty/heatmap?kind=ces").get_data(as_text=True)
    assert "No answers in this period." in empty


def test_by_an_event_property(manager_client, surveys):
    _answers()
    page = manager_client.get("/loyalty/heatmap?by=channel").get_data(as_text=True)
    head = page[page.index("<thead>") : page.index("</thead>")]
    # the most answered first: web 30, store 12, not set 3
    assert re.findall(r"<th scope=\"col\">([^<]+)</th>", head)[1:] == ["web", "store", "not set"]
    assert _cell(page, 0) == "+40 n=30 ±27"
    table = page[page.index("<tbody>", page.index('class="heatmap"')) :]
    links = [h.replace("&amp;", "&") for h in re.findall(r'<a href="([^"]+)"', table)]
    assert "prop=channel" in links[1] and "value=store" in links[1]
    assert "12 answers" in manager_client.get(links[1]).get_data(as_text=True)
    # not set: the 3 answers whose event has no channel
    assert "3 answers" in manager_client.get(links[2]).get_data(as_text=True)


@pytest.mark.parametrize(
    "query", ["kind=loyalty", "by=nosuchkey", "range=custom&start=2026-02-01&end=2026-01-01"]
)
def test_bad_filters_are_a_400(manager_client, surveys, query):
    response = manager_client.get(f"/loyalty/heatmap?{query}")
    assert response.status_code == 400
    assert "These filters are not valid" in response.get_data(as_text=True)


def test_agents_may_not_see_the_heat_map(agent_client, surveys):
    assert agent_client.get("/loyalty/heatmap").status_code == 403


def test_the_heat_map_in_chinese(manager_client, surveys):
    from feedback.accounts.models import Role, User

    _answers()
    manager = db.session.scalar(select(User).where(User.role == Role.MANAGER))
    manager.locale = "zh"
    db.session.commit()
    page = manager_client.get("/loyalty/heatmap").get_data(as_text=True)
    assert '<html lang="zh' in page
    assert "最近 30 天" in page  # the filters, in Chinese
    assert _cell(page, 0).startswith("+40 n=30 ±27")


def test_the_heat_map_on_a_phone_and_a_desktop(live_server, browser, make_user, surveys):
    from feedback.accounts.models import Role

    _answers()
    for n in range(8):  # more columns than a phone is wide
        answer("nps", 9, "gold", channel=f"partner-shop-{n}")
    manager = make_user(Role.MANAGER, name="Mei")
    SHOTS.mkdir(exist_ok=True)
    for locale in ("en", "zh"):
        manager.locale = locale
        db.session.commit()
        for name, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
            page = browser.new_page(viewport=viewport)
            page.goto(f"{live_server}/login")
            page.locator("input[name=email]").fill(manager.email)
            page.locator("input[name=password]").fill(PASSWORD)
            page.locator("form button[type=submit]").last.click()
            page.wait_for_load_state()
            page.goto(f"{live_server}/loyalty/heatmap?by=channel")
            assert page.locator("table.heatmap").is_visible()
            # the page never scrolls sideways; the table scrolls inside its own box
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
            if name == "phone":
                wrap = page.locator(".heat-wrap")
                assert wrap.evaluate("box => box.scrollWidth > box.clientWidth")
            page.screenshot(path=str(SHOTS / f"heatmap-{name}-{locale}.png"), full_page=True)
            page.goto(f"{live_server}/loyalty/drivers")
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
            page.screenshot(path=str(SHOTS / f"drivers-{name}-{locale}.png"), full_page=True)
            page.close()
