"""Review of the thank-you page's promise: China's time is "Beijing time" / "北京时间", as
the issue words it and as Chinese readers say it, not "Shanghai time" / "上海时间"."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from feedback.promise import zone_place
from tests.test_thanks_promise import _thanks

pytestmark = pytest.mark.usefixtures("surveys")


def test_the_english_promise_says_beijing_time(client, link):
    text = _thanks(client, link, 1)
    assert "will contact you by Monday 2:00\u202fPM, Beijing time" in text
    assert "Shanghai time" not in text


def test_the_chinese_promise_says_beijing_time(client, link):
    text = _thanks(client, link, 2, "zh")
    assert "北京时间" in text and "星期一 18:00" in text
    assert "上海时间" not in text


def test_other_zones_keep_their_city():
    assert zone_place(ZoneInfo("Asia/Tokyo"), "en") == "Tokyo"
    assert zone_place(ZoneInfo("Asia/Tokyo"), "zh") == "东京"
