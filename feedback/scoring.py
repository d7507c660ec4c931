"""Score arithmetic for the managers' dashboard: NPS, CSAT, CES, response rate and change.

Pure functions over score distributions (score -> number of answers), as the dashboard
reads them from summary tables. Only answered questions count: a skipped question is in
no denominator, and a group with no answers has no score (None), never 0.

Sums are kept in integers and turned into a float once, so that exact cases stay exact
(all passives give an NPS of exactly 0.0, not 1e-15).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from feedback import intervals
from feedback.intervals import Interval

#: Lowest and highest score of each kind's scale.
SCALES: dict[str, tuple[int, int]] = {"nps": (0, 10), "csat": (1, 5), "ces": (1, 7)}
#: Highest unhappy score and lowest happy score of each kind; between them is neutral.
MOOD_BOUNDS: dict[str, tuple[int, int]] = {"nps": (6, 9), "csat": (2, 4), "ces": (3, 5)}


def _is_whole(value: object) -> bool:
    # bool is an int subclass, but True is not a score nor a count.
    return isinstance(value, int) and not isinstance(value, bool)


def _check_kind(kind: str) -> tuple[int, int]:
    try:
        return SCALES[kind]
    except KeyError:
        raise ValueError(f"unknown score kind {kind!r}; expected one of {sorted(SCALES)}") from None


def _check_score(kind: str, score: object) -> int:
    low, high = _check_kind(kind)
    if not _is_whole(score):
        raise ValueError(f"{kind} score must be a whole number from {low} to {high}, got {score!r}")
    if not low <= score <= high:
        raise ValueError(f"{kind} score {score} is outside the scale {low}-{high}")
    return score


def _checked_counts(kind: str, counts: Mapping[int, int]) -> dict[int, int]:
    low, high = _check_kind(kind)
    checked = dict(counts)
    for score, count in checked.items():
        # plain ints in range pass at once (a dashboard page checks some 40 distributions)
        if type(score) is int and type(count) is int and low <= score <= high and count >= 0:
            continue
        _check_score(kind, score)
        if not _is_whole(count) or count < 0:
            raise ValueError(
                f"{kind} count for score {score} must be a whole number >= 0, got {count!r}"
            )
    return checked


def score_counts(scores: Iterable[int | None]) -> dict[int, int]:
    """A distribution from single scores; skipped questions (None) are left out."""
    counts: dict[int, int] = {}
    for score in scores:
        if score is None:
            continue
        if not _is_whole(score):
            raise ValueError(f"a score must be a whole number or None, got {score!r}")
        counts[score] = counts.get(score, 0) + 1
    return counts


def mood(kind: str, score: int) -> int:
    """-1 unhappy, 0 neutral, 1 happy, for a score of kind "nps", "csat" or "ces".

    nps: 0-6 -1, 7-8 0, 9-10 1; csat: 1-2 -1, 3 0, 4-5 1; ces: 1-3 -1, 4 0, 5-7 1.
    """
    _check_score(kind, score)
    return _mood(kind, score)


def mood_sql(row: str) -> str:
    """mood() in SQL, for the answer ``row`` (a table or trigger row with ``kind`` and
    ``score`` columns): the dashboard's summaries are counted with it."""
    kinds = " ".join(
        f"WHEN {row}.kind = '{kind}' THEN CASE WHEN {row}.score <= {unhappy_max} THEN -1"
        f" WHEN {row}.score >= {happy_min} THEN 1 ELSE 0 END"
        for kind, (unhappy_max, happy_min) in MOOD_BOUNDS.items()
    )
    return f"CASE {kinds} END"


def _mood(kind: str, score: int) -> int:
    """mood of a score already checked."""
    unhappy_max, happy_min = MOOD_BOUNDS[kind]
    if score <= unhappy_max:
        return -1
    if score >= happy_min:
        return 1
    return 0


def _percent(k: int, n: int) -> float | None:
    return 100 * k / n if n else None


def _check_share(k: object, n: object) -> None:
    if not (_is_whole(k) and _is_whole(n)) or not 0 <= k <= n:
        raise ValueError(f"need whole numbers 0 <= k <= n, got k={k!r}, n={n!r}")


# --- how many answers a figure needs ---------------------------------------------------

#: Fewer answers than this: no figure at all, "too few answers to say" (page, API, charts).
TOO_FEW = 10
#: Fewer than this (and at least TOO_FEW): the figure shows, flagged "few answers".
FEW = 30


def too_few(n: int) -> bool:
    """True when n answers are too few to show any figure (n < TOO_FEW)."""
    return n < TOO_FEW


def few(n: int) -> bool:
    """True when a figure from n answers shows, flagged "few answers" (TOO_FEW <= n < FEW)."""
    return TOO_FEW <= n < FEW


def readable(value: float | None, n: int) -> float | None:
    """value, or None when it comes from too few answers to show."""
    return None if too_few(n) else value


def share_interval(k: int, n: int) -> Interval | None:
    """Wilson's 95% interval of the share k/n, in percent; None when n is 0."""
    _check_share(k, n)
    if n == 0:
        return None
    low, high = intervals.wilson(k, n)
    return Interval(100 * low, 100 * high)


def nps_interval(promoters: int, detractors: int, n: int) -> Interval | None:
    """The adjusted Wald 95% interval of an NPS (Rocks 2016), in points -100..100; None
    when n is 0."""
    if n == 0:
        return None
    fraction = intervals.nps_interval(promoters, detractors, n)
    return Interval(100 * fraction.low, 100 * fraction.high)


def mean_interval(
    n: int, mean: float | None, variance: float | None, scale: tuple[int, int]
) -> Interval | None:
    """Student's t 95% interval of a mean of n scores, inside the scale; None when n < 2."""
    if n < 2 or mean is None or variance is None:
        return None
    interval = intervals.t_interval(n, mean, variance)
    return intervals.clamped(interval.low, interval.high, *scale)


def _mean_and_variance(counts: Mapping[int, int]) -> tuple[int, float | None, float | None]:
    """Answer count, mean and sample variance (None when n < 2)."""
    n = sum(counts.values())
    if n == 0:
        return 0, None, None
    total = sum(score * count for score, count in counts.items())
    if n < 2:
        return n, total / n, None
    squares = sum(score * score * count for score, count in counts.items())
    # (n * sum x^2 - (sum x)^2) / (n (n - 1)): the numerator is an exact integer, so no
    # cancellation error and never below 0.
    return n, total / n, (n * squares - total * total) / (n * (n - 1))


class _Sample:
    """What the size of a group says about its figures (see TOO_FEW and FEW)."""

    n: int

    @property
    def too_few(self) -> bool:
        """True when fewer than TOO_FEW answers: no figure is shown."""
        return too_few(self.n)

    @property
    def few(self) -> bool:
        """True when TOO_FEW to FEW - 1 answers: the figure shows, flagged."""
        return few(self.n)


def _margin(interval: Interval | None) -> float | None:
    return None if interval is None else interval.margin


@dataclass(frozen=True)
class Nps(_Sample):
    """Net Promoter Score of a group: counts, score -100..100 and its 95% interval."""

    n: int
    promoters: int
    passives: int
    detractors: int
    score: float | None  #: %promoters - %detractors, -100..100; None when n == 0
    interval: Interval | None  #: 95% interval in NPS points (nps_interval); None when n == 0

    @property
    def margin(self) -> float | None:
        """Half the width of the 95% interval, in NPS points."""
        return _margin(self.interval)

    @property
    def promoter_share(self) -> float | None:
        """Percent of answers that are 9-10; None when there are none."""
        return _percent(self.promoters, self.n)

    @property
    def passive_share(self) -> float | None:
        """Percent of answers that are 7-8; None when there are none."""
        return _percent(self.passives, self.n)

    @property
    def detractor_share(self) -> float | None:
        """Percent of answers that are 0-6; None when there are none."""
        return _percent(self.detractors, self.n)


def nps(counts: Mapping[int, int]) -> Nps:
    """NPS of a distribution of 0-10 scores, with its 95% interval."""
    counts = _checked_counts("nps", counts)
    tally = {-1: 0, 0: 0, 1: 0}
    for score, count in counts.items():
        tally[_mood("nps", score)] += count
    promoters, passives, detractors = tally[1], tally[0], tally[-1]
    n = promoters + passives + detractors
    return Nps(
        n=n,
        promoters=promoters,
        passives=passives,
        detractors=detractors,
        score=100 * (promoters - detractors) / n if n else None,
        interval=nps_interval(promoters, detractors, n),
    )


@dataclass(frozen=True)
class Csat(_Sample):
    """Customer satisfaction of a group: share of 4-5 and mean of 1-5, with 95% intervals."""

    n: int
    satisfied: int  #: answers of 4 or 5
    percent: float | None  #: share of 4-5 in percent; None when n == 0
    percent_interval: Interval | None  #: Wilson's, in percent
    mean: float | None  #: mean score 1..5; None when n == 0
    mean_interval: Interval | None  #: Student's t, inside 1..5; None when n < 2
    variance: float | None  #: sample variance of the scores; None when n < 2

    @property
    def percent_margin(self) -> float | None:
        """Half the width of the share's interval, in points."""
        return _margin(self.percent_interval)

    @property
    def mean_margin(self) -> float | None:
        """Half the width of the mean's interval."""
        return _margin(self.mean_interval)


def csat(counts: Mapping[int, int]) -> Csat:
    """CSAT of a distribution of 1-5 scores: share of 4-5 and the mean, with intervals."""
    counts = _checked_counts("csat", counts)
    n, mean, variance = _mean_and_variance(counts)
    satisfied = sum(count for score, count in counts.items() if _mood("csat", score) == 1)
    return Csat(
        n=n,
        satisfied=satisfied,
        percent=_percent(satisfied, n),
        percent_interval=share_interval(satisfied, n),
        mean=mean,
        mean_interval=mean_interval(n, mean, variance, SCALES["csat"]),
        variance=variance,
    )


@dataclass(frozen=True)
class Ces(_Sample):
    """Customer effort (CES 2.0) of a group: mean of 1-7 and share of 5-7, with intervals."""

    n: int
    easy: int  #: answers of 5, 6 or 7
    mean: float | None  #: mean score 1..7; None when n == 0
    mean_interval: Interval | None  #: Student's t, inside 1..7; None when n < 2
    variance: float | None  #: sample variance of the scores; None when n < 2
    easy_share: float | None  #: share of 5-7 in percent; None when n == 0
    easy_interval: Interval | None  #: Wilson's, in percent

    @property
    def mean_margin(self) -> float | None:
        """Half the width of the mean's interval."""
        return _margin(self.mean_interval)

    @property
    def easy_margin(self) -> float | None:
        """Half the width of the easy share's interval, in points."""
        return _margin(self.easy_interval)


def ces(counts: Mapping[int, int]) -> Ces:
    """CES of a distribution of 1-7 scores: the mean and the share of 5-7, with intervals."""
    counts = _checked_counts("ces", counts)
    n, mean, variance = _mean_and_variance(counts)
    easy = sum(count for score, count in counts.items() if _mood("ces", score) == 1)
    return Ces(
        n=n,
        easy=easy,
        mean=mean,
        mean_interval=mean_interval(n, mean, variance, SCALES["ces"]),
        variance=variance,
        easy_share=_percent(easy, n),
        easy_interval=share_interval(easy, n),
    )


def response_rate(answered: int, delivered: int) -> float | None:
    """Percent of delivered invitations that were answered; None when nothing was delivered.

    More answers than deliveries means the two counts were taken over different
    invitations, so it raises rather than show a rate above 100%.
    """
    if not (_is_whole(answered) and _is_whole(delivered)) or not 0 <= answered <= delivered:
        raise ValueError(
            f"need whole numbers 0 <= answered <= delivered, "
            f"got answered={answered!r}, delivered={delivered!r}"
        )
    return _percent(answered, delivered)


# --- change between two periods ---------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """Change of a figure between two periods, with the 95% interval of the difference."""

    delta: float | None  #: current - previous; None when either cannot be shown
    interval: Interval | None  #: 95% interval of the difference
    #: both periods have answers, but one has fewer than TOO_FEW: nothing to compare
    too_few: bool = False

    @property
    def margin(self) -> float | None:
        """Half the width of the difference's interval."""
        return _margin(self.interval)

    @property
    def significant(self) -> bool:
        """True when the interval of the difference excludes 0."""
        return self.interval is not None and self.interval.excludes_zero

    @property
    def direction(self) -> str:
        """Which way the figure moved: "up", "down" or "flat" (flat when delta is None or 0)."""
        if not self.delta:
            return "flat"
        return "up" if self.delta > 0 else "down"


def _not_comparable(n_now: int, n_before: int) -> Change | None:
    """The change to show when the two groups cannot be compared, else None."""
    if n_before == 0:
        return Change(None, None)
    if too_few(n_now) or too_few(n_before):
        return Change(None, None, too_few=True)
    return None


def share_change(k_now: int, n_now: int, k_before: int, n_before: int) -> Change:
    """Change of a share (k of n) between two periods, in percentage points, with
    Newcombe's interval of the difference (intervals.newcombe)."""
    _check_share(k_now, n_now)
    _check_share(k_before, n_before)
    if (unknown := _not_comparable(n_now, n_before)) is not None:
        return unknown
    fraction = intervals.newcombe(k_now, n_now, k_before, n_before)
    delta = 100 * k_now / n_now - 100 * k_before / n_before
    return Change(delta, Interval(100 * fraction.low, 100 * fraction.high))


def nps_change(now: Nps, before: Nps) -> Change:
    """Change of the NPS between two periods, in points, with the interval of the
    difference of the adjusted estimates (intervals.nps_difference)."""
    if (unknown := _not_comparable(now.n, before.n)) is not None:
        return unknown
    fraction = intervals.nps_difference(
        (now.promoters, now.detractors, now.n), (before.promoters, before.detractors, before.n)
    )
    delta = now.score - before.score
    # The adjusted estimates lean towards 0, so at the ends (all detractors now, all
    # promoters before: -200) their interval can leave out the change it stands beside.
    # Widen it to hold the change; whether it excludes 0 does not move.
    low, high = min(100 * fraction.low, delta), max(100 * fraction.high, delta)
    return Change(delta, Interval(low, high))


def mean_change(now: Csat | Ces, before: Csat | Ces) -> Change:
    """Change of the mean score between two periods, with Welch's interval of the
    difference (intervals.welch)."""
    if (unknown := _not_comparable(now.n, before.n)) is not None:
        return unknown
    interval = intervals.welch(
        (now.n, now.mean, now.variance), (before.n, before.mean, before.variance)
    )
    return Change(now.mean - before.mean, interval)


def histogram_median(counts: Sequence[int], bounds: Sequence[float]) -> float | None:
    """The median of values counted in buckets: bucket i holds values from bounds[i-1]
    (0 for the first) up to bounds[i]; the last bucket, one more than ``bounds``, is
    open-ended. Interpolated linearly inside the bucket that holds the middle value;
    None with no values. A median in the open-ended bucket is its lower bound."""
    if len(counts) != len(bounds) + 1:
        raise ValueError("a histogram needs one count more than it has bounds")
    total = sum(counts)
    if total == 0:
        return None
    middle = total / 2
    seen = 0
    for i, n in enumerate(counts):
        if n and seen + n >= middle:
            low = bounds[i - 1] if i else 0.0
            if i == len(bounds):
                return float(low)
            return low + (bounds[i] - low) * (middle - seen) / n
        seen += n
    raise AssertionError("unreachable")
