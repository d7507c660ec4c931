"""Each scale reads as one scale on a phone: Chromium measures the answer page at 360 and
390 px, in English and Chinese, for NPS (0-10), CES (1-7) and CSAT (1-5)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from feedback.outbox.delivery import deliver_due
from feedback.surveys import invitations
from tests.surveys_helpers import captured, event, html_links

WIDTHS = (360, 390)
#: the touchpoint of each default survey, and how long ago, past its sending delay
TOUCHPOINTS = {"nps": ("purchase", 30), "ces": ("support_call", 3), "csat": ("delivery", 3)}
MIN_TARGET = 44  # px a side: WCAG 2.5.5, Apple's Human Interface Guidelines
SLACK = 1  # px: rounding of fractional layout


def _answer_page(app, api, kind: str) -> str:
    """The answer page of a fresh invitation to the default survey of ``kind``."""
    touchpoint, hours_ago = TOUCHPOINTS[kind]
    assert api("/api/v1/touchpoints", event(f"evt-{kind}", touchpoint, hours_ago)).status_code < 300
    invitations.send_due_invitations()
    deliver_due("test")
    [message] = captured(app)
    return html_links(message)[0].split("?")[0]


def _rows(boxes: list[dict]) -> list[list[dict]]:
    """The targets grouped by the line they sit on, top to bottom."""
    rows: dict[int, list[dict]] = {}
    for box in boxes:
        rows.setdefault(round(box["y"]), []).append(box)
    return [sorted(row, key=lambda b: b["x"]) for _, row in sorted(rows.items())]


def _under(label: dict, target: dict, side: str) -> bool:
    """Below the target's row, flush with the target's outer edge on that side."""
    if label["y"] < target["y"] + target["height"] - SLACK:
        return False
    if side == "low":
        return abs(label["x"] - target["x"]) <= SLACK
    return abs((label["x"] + label["width"]) - (target["x"] + target["width"])) <= SLACK


def _beside(label: dict, target: dict) -> bool:
    """On the target's line, just right of it (a scale standing in one column)."""
    middle = label["y"] + label["height"] / 2
    on_line = target["y"] <= middle <= target["y"] + target["height"]
    return on_line and 0 <= label["x"] - (target["x"] + target["width"]) <= 24


@pytest.mark.parametrize(
    ("kind", "width", "locale"),
    [(k, w, lang) for k in sorted(TOUCHPOINTS) for w in WIDTHS for lang in ("en", "zh")]
    # a tablet or a desktop has room for NPS on one row
    + [("nps", 768, "en")],
)
def test_each_scale_reads_as_one_scale_on_a_phone(
    app, surveys, api, live_server, browser, kind, width, locale, tmp_path
):
    app.config["BASE_URL"] = live_server
    link = _answer_page(app, api, kind)
    page = browser.new_page(
        viewport={"width": width, "height": 800}, is_mobile=True, has_touch=True
    )
    page.set_default_timeout(5000)
    page.goto(f"{link}?lang={locale}")
    shots = Path(os.environ.get("SCREENSHOT_DIR", tmp_path))
    page.screenshot(path=str(shots / f"scale-{kind}-{width}-{locale}.png"), full_page=True)
    targets = page.locator("label.option")
    boxes = [targets.nth(i).bounding_box() for i in range(targets.count())]
    assert len(boxes) == {"nps": 11, "ces": 7, "csat": 5}[kind]

    small = [b for b in boxes if min(b["width"], b["height"]) < MIN_TARGET - 0.01]
    assert small == [], f"targets under {MIN_TARGET} px: {small}"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    rows = _rows(boxes)
    assert len({len(row) for row in rows}) == 1, f"uneven rows: {[len(r) for r in rows]}"
    assert [b for row in rows for b in row] == boxes  # lowest first, in reading order

    low = page.locator(".end-low").bounding_box()
    high = page.locator(".end-high").bounding_box()
    first, last = boxes[0], boxes[-1]
    if len(rows) == 1:
        assert _under(low, first, "low"), (low, first)
        assert _under(high, last, "high"), (high, last)
        # each label keeps to its own half of the scale
        middle = (first["x"] + last["x"] + last["width"]) / 2
        assert low["x"] + low["width"] <= middle + SLACK
        assert high["x"] >= middle - SLACK
    else:
        assert _beside(low, first), (low, first)
        assert _beside(high, last), (high, last)
    page.close()
