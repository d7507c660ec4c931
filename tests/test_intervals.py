"""The 95% intervals against worked values from their papers and by hand, and the two
thresholds of how many answers a figure needs."""

from __future__ import annotations

import pytest

from feedback import intervals, scoring


def approx(value: float, places: int = 4):
    return pytest.approx(value, abs=0.5 * 10**-places)


# --- Wilson's interval of one share --------------------------------------------------------


@pytest.mark.parametrize(
    ("k", "n", "low", "high"),
    [
        # Newcombe (1998), "Two-sided confidence intervals for the single proportion",
        # Statistics in Medicine 17, Table I, method 3 (score, no continuity correction).
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0, 0.1611),
        (1, 29, 0.0061, 0.1718),
    ],
)
def test_wilson_matches_newcombes_table(k, n, low, high):
    assert intervals.wilson(k, n) == (approx(low), approx(high))


def test_a_share_at_0_or_100_percent_is_never_plus_or_minus_0():
    # The old margin was 196 * sqrt(0 * 1 / 1) = 0: "CSAT 0.0% +- 0.0" from one answer.
    one_unhappy = scoring.csat({1: 1})
    assert one_unhappy.percent_interval.low == 0.0
    assert one_unhappy.percent_interval.high == approx(79.3457, 3)
    # 12 of 12: 12 / (12 + 1.96^2) = 75.75% to 100%, not 100 +- 0.
    everyone = scoring.share_interval(12, 12)
    assert (everyone.low, everyone.high) == (approx(75.75, 2), 100.0)
    assert everyone.margin == approx(12.125, 3)  # half the width, as the API's margin


# --- Newcombe's interval of the difference of two shares -----------------------------------


@pytest.mark.parametrize(
    ("shares", "low", "high"),
    [
        # Newcombe (1998), "Interval estimation for the difference between independent
        # proportions", Statistics in Medicine 17, Table II, method 10.
        ((56, 70, 48, 80), 0.0524, 0.3339),
        ((9, 10, 3, 10), 0.1705, 0.8090),
        ((6, 7, 2, 7), 0.0582, 0.8062),
        ((5, 56, 0, 29), -0.0381, 0.1926),
    ],
)
def test_newcombe_matches_his_table(shares, low, high):
    result = intervals.newcombe(*shares)
    # the table's fourth decimal is rounded: within 1 of it
    assert (result.low, result.high) == (approx(low, 3.7), approx(high, 3.7))


def test_a_change_of_a_share_is_significant_when_its_interval_excludes_0():
    # 56/70 against 48/80: 80% against 60%, +20 points, 5.24 to 33.39: significant.
    rise = scoring.share_change(56, 70, 48, 80)
    assert rise.delta == approx(20.0) and rise.significant and rise.direction == "up"
    # 5/56 against 0/29: +8.9 points, -3.81 to 19.26: could be noise.
    noise = scoring.share_change(5, 56, 0, 29)
    assert noise.delta == approx(8.9286) and not noise.significant
    assert noise.margin == approx((19.2562 + 3.8141) / 2, 3)


# --- the adjusted Wald interval of the NPS (Rocks 2016) -----------------------------------


def test_nps_interval_worked_by_hand():
    # 2 detractors (the "NPS -100.0 +- 0.0"): n' = 5, p' = 0.75 / 5 = 0.15,
    # d' = 2.75 / 5 = 0.55, NPS' = -0.4, variance (0.7 - 0.16) / 5 = 0.108,
    # half width 1.96 * 0.328634 = 0.644123: -104.4 cut to -100, to 24.41.
    two_detractors = scoring.nps({0: 2})
    assert two_detractors.score == -100.0
    assert two_detractors.interval.low == -100.0
    assert two_detractors.interval.high == approx(24.4123, 3)
    # 15 promoters, 5 detractors: n' = 23, p' = 15.75 / 23, d' = 5.75 / 23, NPS' = 0.43478,
    # variance (0.934783 - 0.189036) / 23 = 0.0324238, half 0.352929: 8.19 to 78.77.
    result = scoring.nps({10: 15, 0: 5})
    assert (result.interval.low, result.interval.high) == (approx(8.1853, 3), approx(78.7712, 3))


def test_nps_change_uses_the_adjusted_variances():
    # Worked in tests/test_scoring.py: 60 against 30 from 100 answers each: 9.23 to 49.02.
    change = scoring.nps_change(
        scoring.nps({10: 70, 8: 20, 0: 10}), scoring.nps({10: 50, 0: 20, 8: 30})
    )
    assert change.significant
    # 20 answers each, +10 points: 12/3/5 (NPS 35) against 10/3/7 (NPS 15). Adjusted:
    # 12.75/23 - 5.75/23 = 0.304348, variance (0.804348 - 0.092628) / 23 = 0.0309443;
    # 10.75/23 - 7.75/23 = 0.130435, variance (0.804348 - 0.017013) / 23 = 0.0342319;
    # 0.173913 +- 1.96 * sqrt(0.0651762) = 0.173913 +- 0.500378: -32.65 to 67.43.
    noisy = scoring.nps_change(scoring.nps({10: 12, 8: 3, 0: 5}), scoring.nps({10: 10, 8: 3, 0: 7}))
    assert noisy.delta == approx(20.0)
    assert (noisy.interval.low, noisy.interval.high) == (approx(-32.6465, 2), approx(67.4291, 2))
    assert not noisy.significant


def test_an_nps_change_at_the_ends_lies_inside_its_interval():
    # All detractors now, all promoters before: -200 points. The adjusted estimates lean
    # towards 0 (-195.5 to -112.2); the interval shown beside -200 must hold it.
    change = scoring.nps_change(scoring.nps({0: 10}), scoring.nps({10: 10}))
    assert change.delta == approx(-200.0)
    assert change.interval.low <= -200.0 < change.interval.high
    assert change.interval.high == approx(-112.2, 1)
    assert change.significant


# --- Student's t for a mean and Welch's for a difference of means -------------------------


@pytest.mark.parametrize(
    ("df", "t"),
    [
        (1, 12.706),
        (9, 2.262),
        (30, 2.042),
        (30.9, 2.042),
        (40, 2.0211),
        (60, 2.0003),
        (120, 1.9799),
    ],
)
def test_t95_table_and_expansion(df, t):
    assert intervals.t95(df) == approx(t, 3)


def test_a_mean_interval_stays_on_the_scale():
    # Ten answers, nine 5s and a 1: mean 4.6, variance (10 * 226 - 46^2) / 90 = 1.6,
    # half 2.262 * sqrt(0.16) = 0.9048: 3.6952 to 5.5048, cut to the scale's 5.
    result = scoring.csat({5: 9, 1: 1})
    assert result.mean == approx(4.6)
    assert (result.mean_interval.low, result.mean_interval.high) == (approx(3.6952), 5.0)


def test_welch_worked_by_hand():
    # This period twenty answers, ten 5s and ten 4s: mean 4.5, variance 100 / 380 = 0.263158.
    # Before, ten answers {1: 1, 2: 1, 3: 2, 4: 3, 5: 3}: mean 3.6, variance 1.822222.
    # a = 0.263158 / 20 = 0.013158, b = 1.822222 / 10 = 0.182222, se = sqrt(0.195380)
    # = 0.442018; df = 0.195380^2 / (a^2 / 19 + b^2 / 9) = 10.32 -> t 2.228 (df 10);
    # 0.9 +- 0.984816: -0.0848 to 1.8848, so a rise of 0.9 could be noise.
    change = scoring.mean_change(
        scoring.csat({5: 10, 4: 10}), scoring.csat({1: 1, 2: 1, 3: 2, 4: 3, 5: 3})
    )
    assert change.delta == approx(0.9)
    assert (change.interval.low, change.interval.high) == (approx(-0.0848), approx(1.8848))
    assert not change.significant
    # Ten 5s and ten 4s against ten 4s and ten 3s: +1 +- 2.024 * sqrt(2 * 0.263158 / 20)
    # (df 38): 0.6716 to 1.3284, significant.
    steady = scoring.mean_change(scoring.csat({5: 10, 4: 10}), scoring.csat({4: 10, 3: 10}))
    assert (steady.interval.low, steady.interval.high) == (approx(0.6716), approx(1.3284))
    assert steady.significant


def test_identical_answers_in_both_periods_differ_exactly():
    change = scoring.mean_change(scoring.ces({7: 12}), scoring.ces({6: 12}))
    assert change.interval == intervals.Interval(1.0, 1.0) and change.significant


# --- how many answers a figure needs --------------------------------------------------------


def test_the_thresholds_are_defined_once():
    assert (scoring.TOO_FEW, scoring.FEW) == (10, 30)
    assert scoring.readable(55.0, 9) is None and scoring.readable(55.0, 10) == 55.0
    assert [scoring.too_few(n) for n in (0, 9, 10)] == [True, True, False]
    assert [scoring.few(n) for n in (9, 10, 29, 30)] == [False, True, True, False]


@pytest.mark.parametrize("n", [1, 9])
def test_a_change_from_too_few_answers_is_not_compared(n):
    for change in (
        scoring.share_change(n, n, 0, 40),
        scoring.nps_change(scoring.nps({10: n}), scoring.nps({0: 40})),
        scoring.mean_change(scoring.ces({7: 40}), scoring.ces({1: n})),
    ):
        assert change.too_few and change.delta is None and not change.significant
