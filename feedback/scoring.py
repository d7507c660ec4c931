"""Score arithmetic for the managers' dashboard: NPS, CSAT, CES, response rate and change.

Pure functions over score distributions (score -> number of answers), as the dashboard
reads them from summary tables. Only answered questions count: a skipped question is in
no denominator, and a group with no answers has no score (None), never 0.

Sums are kept in integers and turned into a float once, so that exact cases stay exact
(all passives give an NPS of 0.0 with a margin of 0.0, not 1e-15).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

MIN_GROUP = 30  # groups with fewer answers are flagged as too small to read
Z95 = 1.96

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


def proportion_margin(k: int, n: int) -> float | None:
    """95% margin, in percentage points, of the share k/n (normal approximation).

    None when n is 0. The approximation gives 0 when k is 0 or n, and is rough for small
    n: that is what MIN_GROUP flags.
    """
    if not (_is_whole(k) and _is_whole(n)) or not 0 <= k <= n:
        raise ValueError(f"need whole numbers 0 <= k <= n, got k={k!r}, n={n!r}")
    if n == 0:
        return None
    # 100 * sqrt(p(1-p)/n) with p = k/n, as sqrt(k(n-k)) / n^1.5 to keep the sum exact.
    return Z95 * 100 * math.sqrt(k * (n - k)) / (n * math.sqrt(n))


def _mean_and_margin(counts: Mapping[int, int]) -> tuple[int, float | None, float | None]:
    """Answer count, mean and 95% margin of the mean (sample sd; None when n < 2)."""
    n = sum(counts.values())
    if n == 0:
        return 0, None, None
    total = sum(score * count for score, count in counts.items())
    mean = total / n
    if n < 2:
        return n, mean, None
    squares = sum(score * score * count for score, count in counts.items())
    # Sample variance (n * sum x^2 - (sum x)^2) / (n (n - 1)): the numerator is an exact
    # integer, so no cancellation error and never below 0.
    variance = (n * squares - total * total) / (n * (n - 1))
    return n, mean, Z95 * math.sqrt(variance) / math.sqrt(n)


@dataclass(frozen=True)
class Nps:
    """Net Promoter Score of a group: counts, score -100..100 and its 95% margin."""

    n: int
    promoters: int
    passives: int
    detractors: int
    score: float | None  #: %promoters - %detractors, -100..100; None when n == 0
    margin: float | None  #: 95% margin in NPS points; None when n == 0

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

    @property
    def too_small(self) -> bool:
        """True when fewer than MIN_GROUP answers: the score is too noisy to read."""
        return self.n < MIN_GROUP


def nps(counts: Mapping[int, int]) -> Nps:
    """NPS of a distribution of 0-10 scores, with its 95% margin of error."""
    counts = _checked_counts("nps", counts)
    tally = {-1: 0, 0: 0, 1: 0}
    for score, count in counts.items():
        tally[_mood("nps", score)] += count
    promoters, passives, detractors = tally[1], tally[0], tally[-1]
    n = promoters + passives + detractors
    if n == 0:
        return Nps(0, 0, 0, 0, None, None)
    # 1.96 * 100 * sqrt((p + d - (p - d)^2) / n), with p = P/n and d = D/n, rewritten as
    # sqrt(n(P + D) - (P - D)^2) / n^1.5: an exact integer under the root, never < 0.
    spread = n * (promoters + detractors) - (promoters - detractors) ** 2
    return Nps(
        n=n,
        promoters=promoters,
        passives=passives,
        detractors=detractors,
        score=100 * (promoters - detractors) / n,
        margin=Z95 * 100 * math.sqrt(spread) / (n * math.sqrt(n)),
    )


@dataclass(frozen=True)
class Csat:
    """Customer satisfaction of a group: share of 4-5 and mean of 1-5, with 95% margins."""

    n: int
    satisfied: int  #: answers of 4 or 5
    percent: float | None  #: share of 4-5 in percent; None when n == 0
    percent_margin: float | None  #: 95% margin of percent, in points
    mean: float | None  #: mean score 1..5; None when n == 0
    mean_margin: float | None  #: 95% margin of the mean; None when n < 2

    @property
    def too_small(self) -> bool:
        """True when fewer than MIN_GROUP answers: the score is too noisy to read."""
        return self.n < MIN_GROUP


def csat(counts: Mapping[int, int]) -> Csat:
    """CSAT of a distribution of 1-5 scores: share of 4-5 and the mean, with margins."""
    counts = _checked_counts("csat", counts)
    n, mean, mean_margin = _mean_and_margin(counts)
    satisfied = sum(count for score, count in counts.items() if _mood("csat", score) == 1)
    return Csat(
        n=n,
        satisfied=satisfied,
        percent=_percent(satisfied, n),
        percent_margin=proportion_margin(satisfied, n),
        mean=mean,
        mean_margin=mean_margin,
    )


@dataclass(frozen=True)
class Ces:
    """Customer effort (CES 2.0) of a group: mean of 1-7 and share of 5-7, with margins."""

    n: int
    easy: int  #: answers of 5, 6 or 7
    mean: float | None  #: mean score 1..7; None when n == 0
    mean_margin: float | None  #: 95% margin of the mean; None when n < 2
    easy_share: float | None  #: share of 5-7 in percent; None when n == 0
    easy_margin: float | None  #: 95% margin of easy_share, in points

    @property
    def too_small(self) -> bool:
        """True when fewer than MIN_GROUP answers: the score is too noisy to read."""
        return self.n < MIN_GROUP


def ces(counts: Mapping[int, int]) -> Ces:
    """CES of a distribution of 1-7 scores: the mean and the share of 5-7, with margins."""
    counts = _checked_counts("ces", counts)
    n, mean, mean_margin = _mean_and_margin(counts)
    easy = sum(count for score, count in counts.items() if _mood("ces", score) == 1)
    return Ces(
        n=n,
        easy=easy,
        mean=mean,
        mean_margin=mean_margin,
        easy_share=_percent(easy, n),
        easy_margin=proportion_margin(easy, n),
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


@dataclass(frozen=True)
class Change:
    """Change of a score between two periods, and whether it stands out of the noise."""

    delta: float | None  #: current - previous; None when either is None
    margin: float | None  #: 95% margin of delta; None when either margin is None
    significant: bool  #: abs(delta) > margin; False when either is None

    @property
    def direction(self) -> str:
        """Which way the score moved: "up", "down" or "flat" (flat when delta is None or 0)."""
        if not self.delta:
            return "flat"
        return "up" if self.delta > 0 else "down"


def change(
    current: float | None,
    current_margin: float | None,
    previous: float | None,
    previous_margin: float | None,
) -> Change:
    """Change from previous to current, with the 95% margin of the difference.

    The periods are independent samples, so the margin is sqrt(m1^2 + m2^2). With the
    normal approximation a tiny group can have a margin of 0 (one promoter): read
    `significant` together with MIN_GROUP.
    """
    delta = None if current is None or previous is None else current - previous
    margin = (
        None
        if current_margin is None or previous_margin is None
        else math.hypot(current_margin, previous_margin)
    )
    significant = delta is not None and margin is not None and abs(delta) > margin
    return Change(delta=delta, margin=margin, significant=significant)


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
