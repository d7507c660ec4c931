"""The dashboard's SVG charts: well-formed, offline, escaped, labelled, and honest about gaps."""

import re
import xml.etree.ElementTree as ET

import pytest
from markupsafe import Markup

from feedback.dashboard.charts import MOOD_COLOURS, distribution_chart, share_bars, trend_chart

SVG = "{http://www.w3.org/2000/svg}"
#: The only URLs a chart may hold: XML namespace names, which nothing fetches.
NAMESPACES = {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}

MONTHS = ["Jan 2026", "Feb 2026", "Mar 2026", "Apr 2026"]
WEEKS = [f"W{week:02d} 2026" for week in range(1, 25)]


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - our own output, parsed to check it


def shown_text(root: ET.Element) -> str:
    """What a reader sees: the text of <text> elements and their tspans, not the titles."""
    return "\n".join("".join(text.itertext()) for text in root.iter(f"{SVG}text"))


def by_class(root: ET.Element, tag: str, css_class: str) -> list[ET.Element]:
    return [el for el in root.iter(f"{SVG}{tag}") if css_class in el.get("class", "").split()]


def a_trend(**overrides) -> Markup:
    arguments = {
        "title": "NPS by month",
        "labels": MONTHS,
        "series": {"NPS": [31.0, 35.5, None, 42.0], "Store": [20.0, 25.0, 30.0, 28.0]},
        "counts": [1234, 987, 0, 40],
        "y_min": -100,
        "y_max": 100,
    }
    return trend_chart(**arguments | overrides)


def a_distribution(**overrides) -> Markup:
    arguments = {
        "title": "NPS answers",
        "scores": list(range(11)),
        "counts": [3, 1, 0, 4, 10, 25, 60, 150, 420, 800, 1234],
        "moods": [-1] * 7 + [0] * 2 + [1] * 2,
    }
    return distribution_chart(**arguments | overrides)


def some_shares(**overrides) -> Markup:
    arguments = {
        "title": "Sentiment of comments",
        "labels": ["Positive", "Neutral", "Negative"],
        "values": [61.5, 22.0, 16.5],
    }
    return share_bars(**arguments | overrides)


CHARTS = {"trend": a_trend, "distribution": a_distribution, "shares": some_shares}


@pytest.fixture(params=CHARTS)
def make_chart(request):
    return CHARTS[request.param]


def test_chart_is_an_inline_svg_that_scales_and_is_labelled(make_chart):
    name = "Touchpoint: 门店 & <web> \"quoted\" 'too'"
    svg = make_chart(title=name)
    assert isinstance(svg, Markup)
    assert svg.startswith("<svg") and "<?xml" not in svg
    root = parse(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("aria-label") == name
    assert root[0].tag == f"{SVG}title" and root[0].text == name  # the title comes first
    assert name in shown_text(root)  # and it is drawn
    # Fluid: the container sets the width, the viewBox the proportions.
    assert root.get("width") == "100%" and root.get("height") is None
    assert re.fullmatch(r"0 0 \d+ \d+", root.get("viewBox"))


def test_chart_fetches_nothing_runs_no_script_and_has_no_ids(make_chart):
    svg = make_chart()
    urls = set(re.findall(r"""(?:https?:)?//[^\s"'<>()]+""", svg))
    assert urls <= NAMESPACES
    assert "@import" not in svg and "url(" not in svg
    root = parse(svg)
    assert not [el for el in root.iter() if el.tag in {f"{SVG}script", f"{SVG}style"}]
    assert not [el for el in root.iter() if any(name.endswith("href") for name in el.attrib)]
    # Many charts share one page: an id would clash, a style attribute may be refused by CSP.
    assert not [el for el in root.iter() if {"id", "style"} & set(el.attrib)]
    assert "<!--" not in svg


def test_a_label_cannot_inject_markup(make_chart):
    nasty = "<script>alert(1)</script>&\"'"
    if make_chart is a_distribution:
        svg = make_chart(title=nasty)
    elif make_chart is a_trend:
        svg = make_chart(labels=[nasty, *MONTHS[1:]], series={nasty: [1.0] * 4, "Store": [2.0] * 4})
    else:
        svg = make_chart(labels=[nasty, "b", "c"])
    assert "<script" not in svg
    root = parse(svg)
    assert not [el for el in root.iter() if el.tag.endswith("script")]
    assert nasty in shown_text(root)  # shown as text, as typed


def test_trend_shows_every_period_with_its_count():
    root = parse(a_trend())
    text = shown_text(root)
    for label in MONTHS:
        assert label in text
    for count in ("n=1,234", "n=987", "n=0", "n=40"):
        assert count in text
    # Two lines under each point, label then count: SVG text does not break at "\n".
    first = next(el for el in root.iter(f"{SVG}text") if el.text == "Jan 2026")
    assert [tspan.text for tspan in first] == ["n=1,234"]


def test_a_legend_names_the_series_only_when_there_are_several():
    legend = by_class(parse(a_trend()), "g", "chart-legend")
    assert ["".join(item.itertext()) for item in legend] == ["NPS", "Store"]
    assert not by_class(parse(a_trend(series={"NPS": [1.0, 2.0, 3.0, 4.0]})), "g", "chart-legend")


def test_the_y_axis_runs_from_y_min_to_y_max_with_its_unit():
    root = parse(a_trend(y_min=0, y_max=100, unit="%"))
    assert {"0%", "25%", "50%", "75%", "100%"} <= set(shown_text(root).split("\n"))
    root = parse(a_trend(series={"CES": [5.2, 5.5, 6.0, 6.1]}, y_min=1, y_max=7))
    assert {"1", "7"} <= set(shown_text(root).split("\n"))


def test_many_periods_are_thinned_but_every_point_keeps_its_count():
    counts = list(range(1000, 1024))
    root = parse(a_trend(labels=WEEKS, series={"NPS": [10.0] * 24}, counts=counts))
    shown = by_class(root, "text", "chart-x")
    written = sorted(WEEKS.index(label.text) for label in shown)
    assert 3 <= len(written) <= 8  # as many as fit side by side, the latest included
    assert (
        written[-1] == 23 and len({b - a for a, b in zip(written, written[1:], strict=False)}) == 1
    )
    for label in shown:
        assert [tspan.text for tspan in label] == [f"n={counts[WEEKS.index(label.text)]:,}"]
    xs = sorted(float(label.get("x")) for label in shown)
    assert min(b - a for a, b in zip(xs, xs[1:], strict=False)) > 0.6 * 14 * len("W01 2026")
    # Hovering any point tells its period and count, written or not.
    titles = [dot.find(f"{SVG}title").text for dot in by_class(root, "circle", "chart-dot")]
    assert titles == [f"{week} · n={n:,}: 10" for week, n in zip(WEEKS, counts, strict=True)]


def test_chinese_labels_survive():
    svg = a_trend(
        title="满意度趋势",
        labels=["一月", "二月", "三月"],
        series={"门店": [1.0, 2.0, 3.0]},
        counts=[5, 6, 7],
        y_min=0,
        y_max=5,
    )
    text = shown_text(parse(svg))
    for word in ("满意度趋势", "一月", "二月", "三月"):
        assert word in text
    assert "负面" in shown_text(parse(share_bars("情感", ["正面", "中性", "负面"], [50, 30, 20])))


def test_none_values_and_empty_periods_are_gaps():
    root = parse(
        a_trend(
            series={"NPS": [10.0, 20.0, None, 40.0, 45.0, 50.0, 60.0]},
            labels=["a", "b", "c", "d", "e", "f", "g"],
            counts=[5, 5, 5, 5, 5, 0, 5],  # f has no answers, so its 50 is not drawn
        )
    )
    # The line breaks at c and at f: a-b and d-e are drawn, two points each.
    lines = by_class(root, "path", "chart-line")
    assert [line.get("d").count("L") + 1 for line in lines] == [2, 2]
    # g stands alone: no line can show it, so it gets a visible dot.
    lone = by_class(root, "circle", "chart-lone")
    assert [dot.find(f"{SVG}title").text for dot in lone] == ["g · n=5: 60"]
    assert lone[0].get("fill-opacity") is None
    # Every drawn point can be hovered; the gaps cannot.
    titles = [dot.find(f"{SVG}title").text for dot in by_class(root, "circle", "chart-dot")]
    assert titles == ["a · n=5: 10", "b · n=5: 20", "d · n=5: 40", "e · n=5: 45", "g · n=5: 60"]


def test_several_series_name_theirs_in_the_hover_titles():
    root = parse(a_trend())
    titles = [dot.find(f"{SVG}title").text for dot in by_class(root, "circle", "chart-dot")]
    assert "Jan 2026 · n=1,234: 31 (NPS)" in titles
    assert "Apr 2026 · n=40: 28 (Store)" in titles
    assert not [t for t in titles if t.startswith("Mar 2026")]  # no answers that month


@pytest.mark.parametrize(
    "chart",
    [
        lambda: a_trend(series={"NPS": [None] * 4, "Store": [None] * 4}, counts=[0] * 4),
        lambda: a_trend(counts=[0] * 4),
        lambda: a_trend(series={}),
        lambda: a_distribution(counts=[0] * 11),
        lambda: some_shares(values=[None, None, None]),
        lambda: trend_chart("Nothing yet", [], {}, [], y_min=0, y_max=10),
        lambda: distribution_chart("Nothing yet", [], [], []),
        lambda: share_bars("Nothing yet", [], []),
    ],
    ids=[
        "trend-all-none",
        "trend-no-answers",
        "trend-no-series",
        "distribution",
        "shares",
        "no-periods",
        "no-scores",
        "no-shares",
    ],
)
def test_empty_data_says_so(chart):
    root = parse(chart())
    assert [el.text for el in by_class(root, "text", "chart-no-data")] == ["No data"]
    assert not list(root.iter(f"{SVG}circle")) and not list(root.iter(f"{SVG}rect"))


def test_no_data_text_can_be_translated():
    svg = a_distribution(counts=[0] * 11, no_data_text="暂无数据 & <more>")
    assert [el.text for el in by_class(parse(svg), "text", "chart-no-data")] == [
        "暂无数据 & <more>"
    ]


def test_distribution_bars_are_coloured_by_mood_and_labelled_with_counts():
    root = parse(a_distribution())
    bars = by_class(root, "g", "chart-bar")  # a bar's group holds its rect and hover title
    assert [len(bar.findall(f"{SVG}rect")) for bar in bars] == [1] * 11
    colours = [bar.find(f"{SVG}rect").get("fill") for bar in bars]
    assert colours == [MOOD_COLOURS[-1]] * 7 + [MOOD_COLOURS[0]] * 2 + [MOOD_COLOURS[1]] * 2
    values = [el.text for el in by_class(root, "text", "chart-value")]
    assert values == ["3", "1", "0", "4", "10", "25", "60", "150", "420", "800", "1,234"]
    scores = [el.text for el in by_class(root, "text", "chart-x")]
    assert scores == [str(score) for score in range(11)]
    assert bars[10].find(f"{SVG}title").text == "10 · n=1,234: 45.6%"  # of 2,707 answers
    heights = [float(bar.find(f"{SVG}rect").get("height")) for bar in bars]
    assert heights[2] == 0 and heights[10] == max(heights) and heights[9] < heights[10]


def test_share_bars_read_top_down_with_their_values():
    root = parse(some_shares(values=[61.5, None, 16.5]))
    text = shown_text(root)
    assert [el.text for el in by_class(root, "text", "chart-value")] == ["61.5%", "—", "16.5%"]
    assert len(by_class(root, "g", "chart-bar")) == 2  # the None share is a gap, not a zero
    assert "22" not in text and "0.0%" not in text
    positions = {
        el.text: float(el.get("y"))
        for el in root.iter(f"{SVG}text")
        if el.text in {"Positive", "Negative"}
    }
    assert positions["Positive"] < positions["Negative"]
    assert "100%" in text  # a share axis runs to 100
    values = [
        el.text for el in by_class(parse(some_shares(values=[42, 0, 58])), "text", "chart-value")
    ]
    assert values == ["42.0%", "0.0%", "58.0%"]


def test_a_long_share_label_is_cut_but_kept_whole_in_its_title():
    name = "A touchpoint with a name far too long to stand left of its bar " * 2
    root = parse(some_shares(labels=[name, "b", "c"]))
    label = by_class(root, "text", "chart-label")[0]
    assert label.text.endswith("…") and name.startswith(label.text[:-1])
    assert label.find(f"{SVG}title").text == name


def test_lengths_that_do_not_match_are_refused():
    with pytest.raises(ValueError):
        a_trend(counts=[1, 2, 3])
    with pytest.raises(ValueError):
        a_trend(series={"NPS": [1.0, 2.0]})
    with pytest.raises(ValueError):
        a_distribution(moods=[0, 1])
    with pytest.raises(ValueError):
        some_shares(values=[1.0])
