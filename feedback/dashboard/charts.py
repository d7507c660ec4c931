"""Server-side SVG charts for the managers' dashboard, written by hand as strings.

Each function returns an inline ``<svg>`` as Markup for a Jinja page. A chart holds no
script, no style element, no id and no URL but the SVG namespace: it works offline, and
any number of charts can share a page. Every text is escaped, so names typed by staff
cannot inject markup. The root scales to its container (``width="100%"`` and a viewBox,
no pixel size) and is labelled for screen readers; each dot and bar has a ``<title>``,
shown on hover. Classes (``chart-*``) only name parts for tests. A chart takes a fraction
of a millisecond, so nothing is cached. Pure: markupsafe only, no Flask or SQLAlchemy.
"""

import math
import unicodedata

from markupsafe import Markup, escape

__all__ = ["MOOD_COLOURS", "distribution_chart", "share_bars", "trend_chart"]

#: Bar colours of a distribution by mood: -1 unhappy, 0 neutral, 1 happy.
MOOD_COLOURS = {-1: "#c2410c", 0: "#9ca3af", 1: "#15803d"}

_SERIES_COLOURS = ("#2563eb", "#d97706", "#7c3aed", "#0891b2", "#db2777", "#059669")
_INK, _MUTED, _GRID, _AXIS = "#1f2937", "#4b5563", "#e5e7eb", "#9ca3af"
#: The app's own font stack (static/css/app.css), Chinese faces included.
_FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'PingFang SC', 'Microsoft YaHei', "
_FONT += "'WenQuanYi Micro Hei', 'Noto Sans CJK SC', sans-serif"
# The viewBox is _W units wide and drawn at its column's width, on the dashboard 330 px
# (three columns on a laptop) to 360 px (a phone): 14-unit text shows at 10.5 to 11.5 px.
# _TOP is where drawing starts under the title; _PLOT_H the height of a trend's plot.
_W, _PX, _SMALL, _TITLE_PX, _TOP, _PLOT_H = 440, 14, 13, 16, 32, 190
_HOVER = '" r="7" fill-opacity="0"'  # the rest of an invisible dot, a target to hover
#: Rough widths of characters, in em; 0.7 for other capitals, 0.6 for the rest, 1 for CJK.
_EM = dict.fromkeys("ijlI.,:;'|! ", 0.3) | dict.fromkeys("frt()[]-", 0.4)
_EM |= dict.fromkeys("0123456789=", 0.64) | dict.fromkeys("mwMW%@—…", 0.95)
#: The same for ASCII, in twentieths of an em, as a table for bytes.translate.
_ASCII = bytes(round(20 * _EM.get(chr(c), 0.7 if chr(c).isupper() else 0.6)) for c in range(256))


def trend_chart(
    title: str,
    labels: list[str],
    series: dict[str, list[float | None]],
    counts: list[int],
    *,
    y_min: float,
    y_max: float,
    unit: str = "",
    no_data_text: str = "No data",
) -> Markup:
    """A line chart of one or more series over periods (weeks or months).

    counts[i], the number of answers behind point i, is written under its period label
    ("n=1,234"). None values are gaps, and so is any point whose count is zero; a point
    alone between gaps gets a dot. When labels would collide only every k-th is written
    (always the last), but every point's label and n are in its hover title. Values
    outside y_min..y_max are drawn at the edge. A legend names the series when there are
    several. Raises ValueError when counts or a series is not as long as labels.
    """
    if len(counts) != len(labels) or any(len(v) != len(labels) for v in series.values()):
        raise ValueError("counts and every series must have one value per label")
    lines = {  # a point with no answers behind it is a gap, whatever its value
        name: [
            None if v is None or n == 0 else float(v) for v, n in zip(values, counts, strict=True)
        ]
        for name, values in series.items()
    }
    if not any(v is not None for values in lines.values() for v in values):
        return _no_data(title, no_data_text, _TOP + _PLOT_H + _PX * 2.4 + 12)
    body, top = [], _TOP
    if len(lines) > 1:  # a legend: a short line and a name per series, in rows
        x, top = 0.0, top + 4
        for index, name in enumerate(lines):
            width = _width(name) + 40
            if x and x + width > _W:
                x, top = 0.0, top + _PX * 1.6
            body.append(
                f'<g class="chart-legend"><path d="M{x:.1f},{top:.1f}h16" stroke-width="3" '
                f'stroke="{_colour(index)}"/><text x="{x + 22:.1f}" y="{top + 5:.1f}">'
                f"{escape(name)}</text></g>"
            )
            x += width
        top += 18
    y_min, y_max = float(y_min), max(float(y_max), y_min + 1)
    ticks = _ticks(y_min, y_max, unit)
    left, bottom = max(_width(text) for _, text in ticks) + 10, top + _PLOT_H
    # The top grid line stands a little below the top, for its label.
    scale = (_PLOT_H - 8) / (y_max - y_min)
    base = bottom + y_min * scale  # y = base - value * scale
    for tick, text in ticks:
        y = base - tick * scale
        body.append(
            f'<path d="M{left:.1f},{y:.1f}H{_W}" stroke="{_GRID}"/><text x="{left - 6:.1f}" '
            f'y="{y + 4.5:.1f}" text-anchor="end" fill="{_MUTED}">{escape(text)}</text>'
        )
    body.append(f'<path d="M{left:.1f},{top:.1f}V{bottom:.1f}H{_W}" fill="none" stroke="{_AXIS}"/>')
    size, n_texts = len(labels), [f"n={n:,}" for n in counts]
    # Room right of the last point, should its label be wider than its slot.
    last = max(_width(labels[-1]), _width(n_texts[-1], _SMALL))
    slot = (_W - left - max(0.0, (last * size - _W + left) / (2 * size - 1))) / size
    xs = [f"{left + (i + 0.5) * slot:.1f}" for i in range(size)]
    # Plain str, not Markup: Markup is slower to format, and these go into every dot.
    hovers = [str(escape(f"{label} · {n}: ")) for label, n in zip(labels, n_texts, strict=True)]
    unit_text = str(escape(unit))
    for index, (name, values) in enumerate(lines.items()):
        colour = _colour(index)
        lone = f' chart-lone" r="4" fill="{colour}"'
        end = f"{unit_text} ({escape(name)})" if len(lines) > 1 else unit_text
        ys = [  # values outside y_min..y_max are drawn at the edge
            None
            if v is None
            else f"{base - (v if y_min < v < y_max else y_max if v > y_min else y_min) * scale:.1f}"
            for v in values
        ]
        joined = "L".join(f"{x},{y}" if y else "|" for x, y in zip(xs, ys, strict=True))
        for run in joined.split("|"):  # the lines between gaps
            if "L" in run.strip("L"):
                body.append(
                    f'<path class="chart-line" d="M{run.strip("L")}" fill="none" '
                    f'stroke="{colour}" stroke-width="2" stroke-linejoin="round"/>'
                )
        # A point alone between gaps shows as a dot; any other has an invisible one, so that
        # hovering near it shows its title.
        edged = [None, *ys, None]
        body += [
            f'<circle cx="{xs[i]}" cy="{y}" class="chart-dot'
            f"{lone if edged[i] is None and edged[i + 2] is None else _HOVER}><title>{hovers[i]}"
            f"{f'{v:,.0f}' if v.is_integer() else f'{v:,.1f}'}{end}</title></circle>"
            for i, (y, v) in enumerate(zip(ys, values, strict=True))
            if y
        ]
    # Write every k-th period's label and count, back from the last, so none collide.
    widest = max(_width(max(n_texts, key=len), _SMALL), *map(_width, labels))
    for i in range(len(labels) - 1, -1, -max(1, math.ceil((widest + 6) / slot))):
        half = max(_width(labels[i]), _width(n_texts[i], _SMALL)) / 2
        x = min(max(float(xs[i]), half), _W - half)  # the labels at either end stay whole
        body.append(
            f'<text class="chart-x" x="{x:.1f}" y="{bottom + _PX + 6}" text-anchor="middle">'
            f'{escape(labels[i])}<tspan x="{x:.1f}" dy="1.2em" font-size="{_SMALL}" '
            f'fill="{_MUTED}">{n_texts[i]}</tspan></text>'
        )
    return _svg(title, bottom + _PX * 2.4 + 12, body)


def distribution_chart(
    title: str,
    scores: list[int],
    counts: list[int],
    moods: list[int],
    *,
    no_data_text: str = "No data",
) -> Markup:
    """A bar chart of how many answers gave each score, each bar labelled with its count.

    Bars are coloured by mood (MOOD_COLOURS): -1 unhappy, 0 neutral, 1 happy. The counts
    over the bars say what a value axis would, so there is none; a bar's hover title adds
    its share of all answers. Raises ValueError when the three lists differ in length.
    """
    if not len(scores) == len(counts) == len(moods):
        raise ValueError("scores, counts and moods must be as long as each other")
    total = sum(counts)
    if not total:
        return _no_data(title, no_data_text, _TOP + _SMALL + 156 + _PX + 12)
    texts = [f"{count:,}" for count in counts]
    slot = _W / len(scores)
    # Shrink the counts over the bars, should they be too wide to stand side by side.
    size = min(_SMALL, slot * 0.95 / max(_width(t, 1) for t in texts))
    top, bottom = _TOP + size + 6, _TOP + size + 156
    body = [f'<path d="M0,{bottom}H{_W}" stroke="{_AXIS}"/>']
    most = max(counts)
    for i, (score, count, mood, text) in enumerate(zip(scores, counts, moods, texts, strict=True)):
        x = (i + 0.5) * slot
        height = count / most * (bottom - top)
        label = escape(str(score))
        body.append(
            f'<g class="chart-bar"><title>{label} · n={text}: {100 * count / total:.1f}%'
            f'</title><rect x="{x - slot * 0.36:.1f}" y="{bottom - height:.1f}" '
            f'width="{slot * 0.72:.1f}" height="{height:.1f}" '
            f'fill="{MOOD_COLOURS.get(mood, MOOD_COLOURS[0])}"/></g>'
            f'<text class="chart-value" x="{x:.1f}" y="{bottom - height - 5:.1f}" '
            f'text-anchor="middle" font-size="{size:.1f}">{text}</text>'
            f'<text class="chart-x" x="{x:.1f}" y="{bottom + _PX + 4}" '
            f'text-anchor="middle" fill="{_MUTED}">{label}</text>'
        )
    return _svg(title, bottom + _PX + 12, body)


def share_bars(
    title: str,
    labels: list[str],
    values: list[float | None],
    *,
    unit: str = "%",
    no_data_text: str = "No data",
) -> Markup:
    """Horizontal bars, e.g. the sentiment distribution (positive/neutral/negative shares).

    The first label is the top bar; each bar ends with its value ("42.0%"). A None value
    draws no bar and shows "—". With the unit "%" the axis runs from 0 to 100, so bars of
    different charts compare. Raises ValueError when labels and values differ in length.
    """
    if len(labels) != len(values):
        raise ValueError("labels and values must be as long as each other")
    known = [float(v) for v in values if v is not None]
    bottom = _TOP + 30 * len(labels)
    if not known:
        return _no_data(title, no_data_text, bottom + _PX + 12)
    high = 100.0 if unit == "%" else max(*known, 0.0) or 1.0
    room = min(max(map(_width, labels)), _W * 0.4)  # for the labels, left of the bars
    start = room + 10
    length = _W - start - _width(f"{high:,.1f}{unit}") - 8  # of a full bar, its value after
    body = []
    for tick, text in _ticks(0.0, high, unit):
        x = start + tick / high * length
        body.append(
            f'<path d="M{x:.1f},{_TOP}V{bottom}" stroke="{_GRID if tick else _AXIS}"/><text '
            f'x="{x:.1f}" y="{bottom + _PX + 4}" text-anchor="middle" fill="{_MUTED}">'
            f"{escape(text)}</text>"
        )
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        y, shown = _TOP + 30 * i, _clip(label, room)
        whole = f"<title>{escape(label)}</title>" if shown != label else ""
        body.append(f'<text class="chart-label" x="0" y="{y + 20}">{escape(shown)}{whole}</text>')
        width, text = 0.0, "—"
        if value is not None:
            width, text = min(max(value, 0.0), high) / high * length, f"{value:,.1f}{unit}"
            body.append(
                f'<g class="chart-bar"><title>{escape(label)}: {escape(text)}</title><rect '
                f'x="{start:.1f}" y="{y + 6}" width="{width:.1f}" height="18" '
                f'fill="{_SERIES_COLOURS[0]}"/></g>'
            )
        body.append(
            f'<text class="chart-value" x="{start + width + 6:.1f}" y="{y + 20}">'
            f"{escape(text)}</text>"
        )
    return _svg(title, bottom + _PX + 12, body)


def _svg(title, height, body):
    """The root element around body: labelled, titled, fluid, in the app's font."""
    name, squeeze = escape(title), ""
    if _width(title, _TITLE_PX * 1.05) > _W:  # a long title is squeezed to fit
        squeeze = f' textLength="{_W}" lengthAdjust="spacingAndGlyphs"'
    return Markup(  # noqa: S704 - every text in body was escaped
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_W} {round(height)}" width="100%" '
        f'role="img" aria-label="{name}" font-family="{_FONT}" font-size="{_PX}" '
        f'fill="{_INK}"><title>{name}</title><text class="chart-title" x="0" y="{_TITLE_PX}" '
        f'font-size="{_TITLE_PX}" font-weight="600"{squeeze}>{name}</text>{"".join(body)}</svg>'
    )


def _no_data(title, text, height):
    y = (height + _TITLE_PX) / 2 + 5
    note = f'x="{_W / 2:g}" y="{y:.0f}" text-anchor="middle" fill="{_MUTED}">{escape(text)}'
    return _svg(title, height, [f'<text class="chart-no-data" {note}</text>'])


def _colour(index):
    return _SERIES_COLOURS[index % len(_SERIES_COLOURS)]


def _ticks(low, high, unit):
    """(value, text) of grid lines from low to high, 4, 5, 3 or 6 round steps apart."""
    span = high - low
    for steps in (4, 5, 3, 6, 4):  # none round: the last, 4
        lead = span / steps / 10 ** math.floor(math.log10(span / steps))
        if any(math.isclose(lead, nice) for nice in (1, 2, 2.5, 5, 10)):
            break
    ticks = [low + i * span / steps for i in range(steps + 1)]
    return [(tick, f"{tick + 0.0:,.2f}".rstrip("0").rstrip(".") + unit) for tick in ticks]


def _width(text, size=_PX):
    """Rough width of text in user units."""
    if text.isascii():
        return sum(text.encode().translate(_ASCII)) * size / 20
    em = 0.0
    for char in text:
        wide = char > "\u2e7f" and unicodedata.east_asian_width(char) in "WF"
        em += 1.0 if wide else _EM.get(char, 0.7 if char.isupper() else 0.6)
    return em * size


def _clip(text, room):
    """Text cut to fit room, ending in "…" when cut."""
    if _width(text) <= room:
        return text
    while text and _width(text + "…") > room:
        text = text[:-1]
    return text.rstrip() + "…"
