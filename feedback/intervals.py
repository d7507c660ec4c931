"""95% intervals that stay honest with few answers, and intervals of differences.

Pure (standard library only), as feedback.scoring, which applies them to NPS, CSAT, CES
and the response rate. A figure's interval is (low, high); its ``margin`` is half the
width, which is all one can say of an interval that is not symmetric around the figure
(Wilson's near 0% or 100%): read low and high there. A difference is significant when its
interval excludes 0.

Closed forms of a few lines each, written here rather than taken from statsmodels (which
has Wilson's and Newcombe's intervals): that would bring scipy, numpy and pandas into
every web worker for some forty lines of arithmetic. Each has a worked value from its
paper in tests/test_intervals.py.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

Z95 = 1.96

#: Two-sided 95% points (the 97.5% quantiles) of Student's t for 1 to 30 degrees of freedom.
_T975 = (
    *(12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228),
    *(2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086),
    *(2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042),
)


def t95(df: float) -> float:
    """The t value of a two-sided 95% interval with df degrees of freedom (df >= 1).

    A table up to 30 (a fractional df, as Welch's, rounds down: the interval errs wide);
    beyond, the expansion of Abramowitz & Stegun 26.7.5, within 0.001 of the exact value.
    """
    if not df >= 1:
        raise ValueError(f"need at least 1 degree of freedom, got {df!r}")
    if df < len(_T975) + 1:
        return _T975[int(df) - 1]
    z = Z95
    return z + (z**3 + z) / (4 * df) + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * df * df)


@dataclass(frozen=True)
class Interval:
    """A 95% interval, in the unit of its figure."""

    low: float
    high: float

    @property
    def margin(self) -> float:
        """Half the width of the interval."""
        return (self.high - self.low) / 2

    @property
    def excludes_zero(self) -> bool:
        """True when 0 lies outside the interval: a difference that is not noise."""
        return self.low > 0 or self.high < 0


def clamped(low: float, high: float, bottom: float, top: float) -> Interval:
    """The interval low..high cut to the scale bottom..top."""
    return Interval(float(max(bottom, low)), float(min(top, high)))


def wilson(k: int, n: int) -> tuple[float, float]:
    """Wilson's score interval of the share k/n, as fractions 0..1 (needs 0 <= k <= n, n > 0).

    Unlike the normal approximation it stays inside 0..1 and is never 0 wide: 0 of 10
    gives 0 to 0.278, not 0 ± 0.
    """
    if not 0 <= k <= n or n <= 0:
        raise ValueError(f"need 0 <= k <= n and n > 0, got k={k!r}, n={n!r}")
    z2 = Z95 * Z95
    centre, spread = 2 * k + z2, Z95 * math.sqrt(z2 + 4 * k * (n - k) / n)
    # At k = 0 or n the bound is 0 or 1 exactly; the formula would miss it by a rounding.
    low = 0.0 if k == 0 else (centre - spread) / (2 * (n + z2))
    high = 1.0 if k == n else (centre + spread) / (2 * (n + z2))
    return low, high


def newcombe(k1: int, n1: int, k2: int, n2: int) -> Interval:
    """95% interval of the difference of two shares k1/n1 - k2/n2, as fractions.

    Newcombe's hybrid score interval (method 10 of Newcombe 1998, "Interval estimation for
    the difference between independent proportions"), built from the two Wilson intervals.
    """
    p1, p2 = k1 / n1, k2 / n2
    (l1, u1), (l2, u2) = wilson(k1, n1), wilson(k2, n2)
    return Interval(p1 - p2 - math.hypot(p1 - l1, u2 - p2), p1 - p2 + math.hypot(u1 - p1, p2 - l2))


def adjusted_nps(promoters: int, detractors: int, n: int) -> tuple[float, float]:
    """The adjusted NPS (-1..1) and its variance, after Rocks (2016): 3/4 of an answer
    added to the promoters and to the detractors and 3 to n (so 3/2 to the passives)."""
    total = n + 3
    p, d = (promoters + 0.75) / total, (detractors + 0.75) / total
    return p - d, (p + d - (p - d) ** 2) / total


def nps_interval(promoters: int, detractors: int, n: int) -> Interval:
    """95% interval of the NPS as a fraction -1..1: the adjusted Wald interval of Rocks
    (2016), "Interval estimation for the 'Net Promoter Score'", The American Statistician
    70(4), the best of those compared there. Its pseudo-answers keep the interval from
    being 0 wide at -1, 0 or 1 with few answers."""
    score, variance = adjusted_nps(promoters, detractors, n)
    half = Z95 * math.sqrt(variance)
    return clamped(score - half, score + half, -1.0, 1.0)


def nps_difference(now: tuple[int, int, int], before: tuple[int, int, int]) -> Interval:
    """95% interval of the difference of two NPS, each (promoters, detractors, n), as a
    fraction -2..2: the adjusted estimates' difference with the sum of their variances."""
    score1, variance1 = adjusted_nps(*now)
    score2, variance2 = adjusted_nps(*before)
    half = Z95 * math.sqrt(variance1 + variance2)
    return clamped(score1 - score2 - half, score1 - score2 + half, -2.0, 2.0)


def t_interval(n: int, mean: float, variance: float) -> Interval:
    """Student's t 95% interval of the mean of n >= 2 values with that sample variance."""
    half = t95(n - 1) * math.sqrt(variance / n)
    return Interval(mean - half, mean + half)


def welch(now: tuple[int, float, float], before: tuple[int, float, float]) -> Interval:
    """95% interval of the difference of two means, each (n >= 2, mean, sample variance):
    Welch's, which does not assume the two spreads are equal."""
    (n1, mean1, variance1), (n2, mean2, variance2) = now, before
    delta = mean1 - mean2
    a, b = variance1 / n1, variance2 / n2
    if a + b == 0:  # every answer the same in both groups: the difference is exact
        return Interval(delta, delta)
    df = (a + b) ** 2 / (a * a / (n1 - 1) + b * b / (n2 - 1))  # Welch-Satterthwaite
    half = t95(df) * math.sqrt(a + b)
    return Interval(delta - half, delta + half)


@dataclass(frozen=True)
class OddsRatio:
    """An odds ratio with its 95% interval; ``corrected`` when a cell was empty and 0.5 was
    added to every cell (Haldane-Anscombe)."""

    value: float
    low: float
    high: float
    corrected: bool

    @property
    def excludes_one(self) -> bool:
        """True when 1 lies outside the interval: the odds differ, not by noise."""
        return self.low > 1 or self.high < 1


def odds_ratio(a: int, b: int, c: int, d: int) -> OddsRatio:
    """The odds ratio (a/b) / (c/d) of a 2x2 table with Woolf's (log) 95% interval,
    exp(ln OR +- 1.96 sqrt(1/a + 1/b + 1/c + 1/d)).

    a, b: the first group with and without the trait; c, d: the second group. When any
    cell is 0, 0.5 is added to every cell (the Haldane-Anscombe correction), so the ratio
    and its interval stay finite. Each group needs at least one member.
    """
    if min(a, b, c, d) < 0 or a + b == 0 or c + d == 0:
        raise ValueError(f"need counts >= 0 and both groups non-empty, got {(a, b, c, d)!r}")
    corrected = 0 in (a, b, c, d)
    cells = [x + 0.5 for x in (a, b, c, d)] if corrected else [float(x) for x in (a, b, c, d)]
    a_, b_, c_, d_ = cells
    log_ratio = math.log(a_ * d_ / (b_ * c_))
    half = Z95 * math.sqrt(sum(1 / x for x in cells))
    return OddsRatio(
        math.exp(log_ratio), math.exp(log_ratio - half), math.exp(log_ratio + half), corrected
    )
