"""Score arithmetic: hand-worked examples, a brute-force oracle and a sampling simulation."""

from __future__ import annotations

import ast
import math
import random
import statistics
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import feedback.scoring as scoring_module
from feedback.scoring import (
    MIN_GROUP,
    Z95,
    Ces,
    Csat,
    Nps,
    ces,
    change,
    csat,
    mood,
    nps,
    proportion_margin,
    response_rate,
    score_counts,
)

# --- score_counts ---------------------------------------------------------------------


def test_score_counts_leaves_out_skipped_questions():
    assert score_counts([10, None, 0, None, 8, 10]) == {10: 2, 0: 1, 8: 1}


@pytest.mark.parametrize("scores", [[], [None, None]])
def test_score_counts_of_nothing_answered_is_empty(scores):
    assert score_counts(scores) == {}


@pytest.mark.parametrize("bad", [9.5, "9", True])
def test_score_counts_rejects_what_is_not_a_score(bad):
    with pytest.raises(ValueError, match="whole number"):
        score_counts([9, bad])


# --- mood -----------------------------------------------------------------------------

MOODS = (
    [("nps", s, -1) for s in range(0, 7)]
    + [("nps", 7, 0), ("nps", 8, 0), ("nps", 9, 1), ("nps", 10, 1)]
    + [("csat", 1, -1), ("csat", 2, -1), ("csat", 3, 0), ("csat", 4, 1), ("csat", 5, 1)]
    + [("ces", 1, -1), ("ces", 2, -1), ("ces", 3, -1), ("ces", 4, 0)]
    + [("ces", 5, 1), ("ces", 6, 1), ("ces", 7, 1)]
)


@pytest.mark.parametrize(("kind", "score", "expected"), MOODS)
def test_mood(kind, score, expected):
    assert mood(kind, score) == expected


def test_mood_table_covers_every_score_of_every_scale():
    covered = {(kind, score) for kind, score, _ in MOODS}
    every = {(k, s) for k, (lo, hi) in scoring_module.SCALES.items() for s in range(lo, hi + 1)}
    assert covered == every


@pytest.mark.parametrize(
    ("kind", "score", "message"),
    [
        ("nps", 11, "outside the scale 0-10"),
        ("nps", -1, "outside the scale 0-10"),
        ("csat", 0, "outside the scale 1-5"),
        ("csat", 6, "outside the scale 1-5"),
        ("ces", 8, "outside the scale 1-7"),
        ("ces", 0, "outside the scale 1-7"),
        ("nps", 9.0, "whole number"),
        ("stars", 3, "unknown score kind 'stars'"),
    ],
)
def test_mood_rejects_scores_off_the_scale(kind, score, message):
    with pytest.raises(ValueError, match=message):
        mood(kind, score)


# --- no answers: no score, never 0 ----------------------------------------------------


@pytest.mark.parametrize("counts", [{}, {10: 0, 7: 0, 0: 0}])
def test_nps_of_no_answers_is_no_score(counts):
    result = nps(counts)
    assert result == Nps(n=0, promoters=0, passives=0, detractors=0, score=None, margin=None)
    assert result.promoter_share is None
    assert result.passive_share is None
    assert result.detractor_share is None
    assert result.too_small


def test_csat_of_no_answers_is_no_score():
    assert csat({}) == Csat(
        n=0, satisfied=0, percent=None, percent_margin=None, mean=None, mean_margin=None
    )


def test_ces_of_no_answers_is_no_score():
    assert ces({}) == Ces(
        n=0, easy=0, mean=None, mean_margin=None, easy_share=None, easy_margin=None
    )


def test_only_skipped_questions_is_no_score():
    assert nps(score_counts([None, None])).score is None
    assert csat(score_counts([None])).percent is None
    assert ces(score_counts([None])).mean is None


# --- NPS ------------------------------------------------------------------------------


def test_nps_all_passives_is_exactly_zero():
    # 8 passives: p = d = 0, so NPS = 0 - 0 = 0 and margin = 196 * sqrt((0 + 0 - 0) / 8) = 0.
    result = nps({7: 5, 8: 3})
    assert (result.n, result.promoters, result.passives, result.detractors) == (8, 0, 8, 0)
    assert result.score == 0.0
    assert result.margin == 0.0
    assert result.passive_share == 100.0


@pytest.mark.parametrize(
    ("score", "expected_nps", "promoters", "detractors"),
    [(10, 100.0, 1, 0), (9, 100.0, 1, 0), (6, -100.0, 0, 1), (0, -100.0, 0, 1)],
)
def test_nps_of_one_respondent(score, expected_nps, promoters, detractors):
    # n = 1: p or d is 1, so the share is +-100% and (p + d - (p - d)^2) = 1 - 1 = 0.
    result = nps({score: 1})
    assert result.n == 1
    assert (result.promoters, result.detractors) == (promoters, detractors)
    assert result.score == expected_nps
    assert result.margin == 0.0
    assert result.too_small


def test_nps_skipped_questions_are_in_no_denominator():
    # [10, None, 0, None, 8]: 3 answers (1 promoter, 1 passive, 1 detractor), not 5.
    # NPS = 100 * (1 - 1) / 3 = 0.0.
    # margin = 196 * sqrt((1/3 + 1/3 - 0) / 3) = 196 * sqrt(2/9) = 196 * 0.471405 = 92.40.
    result = nps(score_counts([10, None, 0, None, 8]))
    assert (result.n, result.promoters, result.passives, result.detractors) == (3, 1, 1, 1)
    assert result.score == 0.0
    assert result.margin == pytest.approx(92.40, abs=0.005)
    assert result.promoter_share == pytest.approx(100 / 3)


def test_nps_worked_example():
    # 50 promoters (30 tens, 20 nines), 30 passives, 20 detractors; n = 100.
    # NPS = 50% - 20% = 30.
    # margin = 1.96 * 100 * sqrt((0.5 + 0.2 - 0.3^2) / 100) = 196 * sqrt(0.61 / 100)
    #        = 196 * 0.078102 = 15.31.
    result = nps({10: 30, 9: 20, 8: 20, 7: 10, 6: 5, 3: 10, 0: 5})
    assert (result.n, result.promoters, result.passives, result.detractors) == (100, 50, 30, 20)
    assert result.score == pytest.approx(30.0)
    assert result.margin == pytest.approx(15.31, abs=0.005)
    assert (result.promoter_share, result.passive_share, result.detractor_share) == (
        pytest.approx(50.0),
        pytest.approx(30.0),
        pytest.approx(20.0),
    )
    assert not result.too_small


def test_nps_too_small_below_min_group():
    assert nps({10: MIN_GROUP - 1}).too_small
    assert not nps({10: MIN_GROUP}).too_small


def test_nps_counts_of_zero_are_fine():
    # {10: 0, 9: 2, 0: 1}: 2 promoters, 1 detractor of 3 -> NPS = 100 * (2 - 1) / 3 = 33.33.
    assert nps({10: 0, 9: 2, 0: 1, 7: 0}).score == pytest.approx(100 / 3)


# --- CSAT -----------------------------------------------------------------------------


def test_csat_skipped_questions_are_in_no_denominator():
    # [5, None, 1]: 2 answers, 1 of them 4-5 -> 50%; mean (5 + 1) / 2 = 3.
    # Sample sd: deviations +-2, sum of squares 8, variance 8 / (2 - 1) = 8, s = 2.8284;
    # mean margin = 1.96 * 2.8284 / sqrt(2) = 1.96 * 2 = 3.92.
    # percent margin = 196 * sqrt(0.5 * 0.5 / 2) = 196 * 0.353553 = 69.30.
    result = csat(score_counts([5, None, 1]))
    assert (result.n, result.satisfied) == (2, 1)
    assert result.percent == pytest.approx(50.0)
    assert result.mean == pytest.approx(3.0)
    assert result.mean_margin == pytest.approx(3.92)
    assert result.percent_margin == pytest.approx(69.30, abs=0.005)


def test_csat_worked_example():
    # {1: 1, 2: 1, 3: 2, 4: 3, 5: 3}: n = 10, satisfied = 3 + 3 = 6 -> 60%.
    # mean = (1 + 2 + 6 + 12 + 15) / 10 = 36 / 10 = 3.6.
    # sum of squares = 1 + 4 + 18 + 48 + 75 = 146; 146 - 10 * 3.6^2 = 146 - 129.6 = 16.4;
    # variance = 16.4 / 9 = 1.8222, s = 1.3499; mean margin = 1.96 * 1.3499 / sqrt(10) = 0.84.
    # percent margin = 196 * sqrt(0.6 * 0.4 / 10) = 196 * sqrt(0.024) = 196 * 0.154919 = 30.36.
    result = csat({1: 1, 2: 1, 3: 2, 4: 3, 5: 3})
    assert (result.n, result.satisfied) == (10, 6)
    assert result.percent == pytest.approx(60.0)
    assert result.mean == pytest.approx(3.6)
    assert result.mean_margin == pytest.approx(0.84, abs=0.005)
    assert result.percent_margin == pytest.approx(30.36, abs=0.005)
    assert result.too_small


def test_csat_of_one_answer_has_a_mean_but_no_mean_margin():
    # One 4: 100% satisfied, margin 196 * sqrt(1 * 0 / 1) = 0; mean 4, sd undefined.
    result = csat({4: 1})
    assert (result.n, result.satisfied, result.percent, result.mean) == (1, 1, 100.0, 4.0)
    assert result.percent_margin == 0.0
    assert result.mean_margin is None


def test_csat_identical_answers_have_zero_spread():
    # Five 3s: 0% satisfied, mean 3, sd 0 -> both margins exactly 0.
    result = csat({3: 5})
    assert (result.percent, result.mean) == (0.0, 3.0)
    assert result.percent_margin == 0.0
    assert result.mean_margin == 0.0


# --- CES ------------------------------------------------------------------------------


def test_ces_worked_example():
    # {2: 1, 4: 2, 5: 3, 6: 2, 7: 2}: n = 10, easy (5-7) = 3 + 2 + 2 = 7 -> 70%.
    # mean = (2 + 8 + 15 + 12 + 14) / 10 = 51 / 10 = 5.1.
    # sum of squares = 4 + 32 + 75 + 72 + 98 = 281; 281 - 10 * 5.1^2 = 281 - 260.1 = 20.9;
    # variance = 20.9 / 9 = 2.3222, s = 1.5239; mean margin = 1.96 * 1.5239 / sqrt(10) = 0.94.
    # easy margin = 196 * sqrt(0.7 * 0.3 / 10) = 196 * sqrt(0.021) = 196 * 0.144914 = 28.40.
    result = ces({2: 1, 4: 2, 5: 3, 6: 2, 7: 2})
    assert (result.n, result.easy) == (10, 7)
    assert result.mean == pytest.approx(5.1)
    assert result.mean_margin == pytest.approx(0.94, abs=0.005)
    assert result.easy_share == pytest.approx(70.0)
    assert result.easy_margin == pytest.approx(28.40, abs=0.005)


def test_ces_skipped_questions_are_in_no_denominator():
    # [7, None, 4, None]: 2 answers, 1 easy -> 50%; mean (7 + 4) / 2 = 5.5.
    result = ces(score_counts([7, None, 4, None]))
    assert (result.n, result.easy, result.easy_share, result.mean) == (2, 1, 50.0, 5.5)


def test_ces_of_one_answer_has_a_mean_but_no_mean_margin():
    result = ces({1: 1})
    assert (result.n, result.easy, result.easy_share, result.mean) == (1, 0, 0.0, 1.0)
    assert result.easy_margin == 0.0
    assert result.mean_margin is None


# --- what the calculators refuse ------------------------------------------------------


@pytest.mark.parametrize(
    ("calculate", "counts", "message"),
    [
        (nps, {11: 1}, "nps score 11 is outside the scale 0-10"),
        (nps, {-1: 1}, "nps score -1 is outside the scale 0-10"),
        (csat, {0: 1}, "csat score 0 is outside the scale 1-5"),
        (csat, {6: 1}, "csat score 6 is outside the scale 1-5"),
        (ces, {0: 1}, "ces score 0 is outside the scale 1-7"),
        (ces, {8: 1}, "ces score 8 is outside the scale 1-7"),
        # A scale's bad score is refused even when nobody gave it.
        (nps, {11: 0}, "outside the scale"),
        (nps, {5: -1}, "count for score 5 must be a whole number >= 0"),
        (csat, {4: -2, 5: 3}, "count for score 4 must be a whole number >= 0"),
        (ces, {5: 1.5}, "count for score 5 must be a whole number >= 0"),
        (nps, {9.5: 1}, "whole number"),
        (csat, {None: 1}, "whole number"),
    ],
)
def test_calculators_reject_bad_distributions(calculate, counts, message):
    with pytest.raises(ValueError, match=message):
        calculate(counts)


# --- proportion_margin and response_rate ----------------------------------------------


@pytest.mark.parametrize(
    ("k", "n", "expected"),
    [
        (0, 0, None),
        (0, 10, 0.0),
        (10, 10, 0.0),
        # 196 * sqrt(0.5 * 0.5 / 100) = 196 * 0.05 = 9.8
        (50, 100, 9.8),
        # 196 * sqrt(0.2 * 0.8 / 400) = 196 * 0.02 = 3.92
        (80, 400, 3.92),
    ],
)
def test_proportion_margin(k, n, expected):
    assert proportion_margin(k, n) == pytest.approx(expected)


@pytest.mark.parametrize(("k", "n"), [(11, 10), (-1, 10), (1, -1), (0.5, 10)])
def test_proportion_margin_rejects_impossible_shares(k, n):
    with pytest.raises(ValueError, match="0 <= k <= n"):
        proportion_margin(k, n)


@pytest.mark.parametrize(
    ("answered", "delivered", "expected"),
    [(0, 0, None), (0, 10, 0.0), (30, 120, 25.0), (10, 10, 100.0), (1, 3, 100 / 3)],
)
def test_response_rate(answered, delivered, expected):
    assert response_rate(answered, delivered) == pytest.approx(expected)


@pytest.mark.parametrize(("answered", "delivered"), [(11, 10), (1, 0), (-1, 10), (0, -1)])
def test_response_rate_rejects_impossible_counts(answered, delivered):
    with pytest.raises(ValueError, match="answered <= delivered"):
        response_rate(answered, delivered)


# --- change ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "delta", "margin", "significant", "direction"),
    [
        # 30 - 20 = 10; margin sqrt(5^2 + 5^2) = 7.07 < 10: significant.
        ((30.0, 5.0, 20.0, 5.0), 10.0, math.sqrt(50), True, "up"),
        # 30 - 25 = 5; margin sqrt(8^2 + 6^2) = 10 > 5: within the noise.
        ((30.0, 8.0, 25.0, 6.0), 5.0, 10.0, False, "up"),
        # 20 - 30 = -10; margin sqrt(3^2 + 4^2) = 5 < 10: a significant fall.
        ((20.0, 3.0, 30.0, 4.0), -10.0, 5.0, True, "down"),
        # 35 - 30 = 5 = margin sqrt(3^2 + 4^2): exactly on the edge is not significant.
        ((35.0, 3.0, 30.0, 4.0), 5.0, 5.0, False, "up"),
        # Same score: no change.
        ((20.0, 5.0, 20.0, 5.0), 0.0, math.sqrt(50), False, "flat"),
        # Exact scores either side (all passives then all promoters): any move counts.
        ((100.0, 0.0, 0.0, 0.0), 100.0, 0.0, True, "up"),
    ],
)
def test_change(args, delta, margin, significant, direction):
    result = change(*args)
    assert result.delta == pytest.approx(delta)
    assert result.margin == pytest.approx(margin)
    assert result.significant is significant
    assert result.direction == direction


@pytest.mark.parametrize(
    ("args", "delta", "margin", "direction"),
    [
        # No score this period (no answers): no delta, nothing to call significant.
        ((None, None, 20.0, 5.0), None, None, "flat"),
        # No score last period.
        ((20.0, 5.0, None, None), None, None, "flat"),
        ((None, None, None, None), None, None, "flat"),
        # Scores known but a margin unknown: the delta shows, its significance cannot.
        ((30.0, None, 20.0, 5.0), 10.0, None, "up"),
        ((20.0, 5.0, 30.0, None), -10.0, None, "down"),
    ],
)
def test_change_with_unknowns(args, delta, margin, direction):
    result = change(*args)
    assert result.delta == delta
    assert result.margin == margin
    assert result.significant is False
    assert result.direction == direction


def test_change_reads_the_calculators_results():
    # Last period: 50/30/20 of 100, NPS 30 +- 15.31. This period: 70/20/10 of 100, NPS 60,
    # margin 196 * sqrt((0.7 + 0.1 - 0.6^2) / 100) = 196 * sqrt(0.0044) = 13.00.
    # delta 30 > sqrt(15.31^2 + 13.00^2) = 20.08: significant.
    before = nps({10: 50, 8: 30, 0: 20})
    now = nps({10: 70, 8: 20, 0: 10})
    result = change(now.score, now.margin, before.score, before.margin)
    assert now.margin == pytest.approx(13.00, abs=0.005)
    assert result.delta == pytest.approx(30.0)
    assert result.margin == pytest.approx(20.08, abs=0.005)
    assert result.significant
    # No answers this period: no change to show.
    empty = nps({})
    assert change(empty.score, empty.margin, before.score, before.margin).delta is None


# --- against a brute-force oracle over single answers ---------------------------------


def distributions(low: int, high: int):
    return st.dictionaries(st.integers(low, high), st.integers(0, 40), max_size=high - low + 1)


def expand(counts: dict[int, int]) -> list[int]:
    return [score for score, count in counts.items() for _ in range(count)]


@settings(max_examples=150, deadline=None)
@given(distributions(0, 10))
def test_nps_matches_answer_by_answer_count(counts):
    answers = expand(counts)
    result = nps(counts)
    assert result.n == len(answers)
    if not answers:
        assert result.score is None and result.margin is None
        return
    p = sum(a >= 9 for a in answers) / len(answers)
    d = sum(a <= 6 for a in answers) / len(answers)
    assert result.score == pytest.approx(100 * (p - d), abs=1e-9)
    assert result.margin == pytest.approx(
        Z95 * 100 * math.sqrt(max(0.0, p + d - (p - d) ** 2) / len(answers)), abs=1e-9
    )
    assert -100 <= result.score <= 100
    assert result.promoter_share + result.passive_share + result.detractor_share == (
        pytest.approx(100.0)
    )


@settings(max_examples=150, deadline=None)
@given(distributions(1, 5))
def test_csat_matches_statistics_module(counts):
    answers = expand(counts)
    result = csat(counts)
    assert result.n == len(answers)
    if not answers:
        assert result.mean is None and result.percent is None
        return
    assert result.mean == pytest.approx(statistics.fmean(answers))
    assert result.percent == pytest.approx(100 * sum(a >= 4 for a in answers) / len(answers))
    if len(answers) < 2:
        assert result.mean_margin is None
    else:
        expected = Z95 * statistics.stdev(answers) / math.sqrt(len(answers))
        assert result.mean_margin == pytest.approx(expected, abs=1e-9)


@settings(max_examples=150, deadline=None)
@given(distributions(1, 7))
def test_ces_matches_statistics_module(counts):
    answers = expand(counts)
    result = ces(counts)
    assert result.n == len(answers)
    if not answers:
        assert result.mean is None and result.easy_share is None
        return
    assert 1 <= result.mean <= 7
    assert result.mean == pytest.approx(statistics.fmean(answers))
    assert result.easy_share == pytest.approx(100 * sum(a >= 5 for a in answers) / len(answers))
    if len(answers) >= 2:
        expected = Z95 * statistics.stdev(answers) / math.sqrt(len(answers))
        assert result.mean_margin == pytest.approx(expected, abs=1e-9)


# --- the NPS margin against a simulation ----------------------------------------------


def test_nps_margin_covers_the_true_score_95_percent_of_the_time():
    # A population of 45% promoters, 30% passives, 25% detractors: true NPS = 45 - 25 = 20.
    # Draw 2000 surveys of 200 answers; score +- margin should hold 20 in about 95% of them.
    # Over 100 seeds the coverage averaged 94.8% with an sd of 0.6 points, so 93-97% is
    # about three sds either side; a margin 20% too narrow or too wide falls outside.
    rng = random.Random(20260101)  # noqa: S311 -- a repeatable simulation, not a secret
    true_nps, samples, size = 20.0, 2000, 200
    covered = 0
    scores, margins = [], []
    for _ in range(samples):
        answers = rng.choices((10, 8, 0), weights=(45, 30, 25), k=size)
        result = nps({score: answers.count(score) for score in (10, 8, 0)})
        covered += abs(result.score - true_nps) <= result.margin
        scores.append(result.score)
        margins.append(result.margin)
    assert 0.93 <= covered / samples <= 0.97
    # And the margin is the right width: 1.96 times the spread of the simulated scores.
    assert statistics.fmean(margins) == pytest.approx(Z95 * statistics.stdev(scores), rel=0.05)


# --- the module stays pure ------------------------------------------------------------


def test_scoring_imports_only_the_standard_library():
    tree = ast.parse(Path(scoring_module.__file__).read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            imported.add((node.module or "").split(".")[0])
    assert imported <= {"__future__", "math", "dataclasses", "collections"}
