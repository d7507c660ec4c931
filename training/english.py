"""Rebuild feedback/analysis/data/en_sentiment.json.gz, the English polarity model.

    make train-en                        # or, in .venv-train:
    python -m training.english [--cv]

Two steps. The lexicon is VADER's and TextBlob's word lists, averaged, corrected by the
customer-service words and phrases of training/lexicon_en.py. Then a logistic regression
without intercept (scikit-learn) weighs what english.py's lexicon pass finds (positive,
negated, hypothetical ...) together with VADER's own score: english.FEATURES, one weight
each. No weight per word or n-gram: on the 600 tune reviews they gain nothing in
cross-validation and learn "the", "if" and "headset". Nor TextBlob's score: 91.8% with
it or without.

Only the tune split of training/data.py is read. --cv: 5 interleaved folds of it; C was
chosen that way, never on the test split. Deterministic: the same inputs give the same
file, byte for byte.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

from feedback.analysis import english
from training import data, lexicon_en

C = 10.0  # inverse L2 strength; 5-fold CV on tune: 91.2% at 3, 91.8% at 10, 91.7% at 30
FOLDS = 5


def canonical(phrase: str) -> str:
    return " ".join(t for t in english.tokens(phrase) if t != english.CLAUSE)


def build_lexicon() -> dict:
    """VADER's and TextBlob's lexicons, averaged where both know a word, then corrected."""
    from textblob.en import sentiment as textblob_lexicon
    from vaderSentiment import vaderSentiment as vader

    textblob_lexicon("load")  # the pattern lexicon loads on first use
    lexicon: dict[str, list[float]] = {}
    for word, value in vader.SentimentIntensityAnalyzer().lexicon.items():
        toks = english.tokens(word)  # keeps the words and the emoticons english.py can see
        if len(toks) == 1 and toks[0] in (word, word.lower()):
            lexicon.setdefault(toks[0], []).append(max(-1.0, min(1.0, value / 4)))
    for word, by_pos in dict.items(textblob_lexicon):
        value = by_pos.get(None, next(iter(by_pos.values())))[0]
        if value and word.isalpha() and word == word.lower():
            lexicon.setdefault(word, []).append(value)
    merged = {w: round(sum(v) / len(v), 4) for w, v in lexicon.items()}
    phrases: dict[str, float] = {}
    for idiom, value in {**vader.SENTIMENT_LADEN_IDIOMS, **vader.SPECIAL_CASES}.items():
        phrases[canonical(idiom)] = round(value / 4, 4)
    for phrase, value in lexicon_en.PHRASES.items():
        phrases[canonical(phrase)] = value
    boosters = {
        canonical(w): v
        for w, v in vader.BOOSTER_DICT.items()
        if canonical(w) not in lexicon_en.NOT_BOOSTERS
    }
    boosters.update({canonical(w): v for w, v in lexicon_en.EXTRA_BOOSTERS.items()})
    for word in boosters:
        if " " in word:
            phrases.setdefault(word, 0.0)
    merged.update(lexicon_en.CUSTOM_WORDS)
    merged.update(phrases)  # a phrase of one word ("lifesaver") is simply a word
    merged = {w: v for w, v in merged.items() if v}
    multi = sorted(p for p in set(phrases) | {w for w in merged if " " in w} if " " in p)
    return {
        "lexicon": dict(sorted(merged.items())),
        "when_negated": dict(sorted(lexicon_en.WHEN_NEGATED.items())),
        "boosters": dict(sorted(boosters.items())),
        "phrases": multi,
    }


def feature_rows(model: english.Model, rows: list[tuple[str, int]]) -> list[list[float] | None]:
    """english.FEATURES per comment; None for a comment without any cue (polarity()
    answers 0.0 for those whatever the weights)."""
    out: list[list[float] | None] = []
    for text, _label in rows:
        reading = english.read(text, model)
        found = english.features(text, reading) if reading.cues else None
        out.append(None if found is None else [found[name] for name in english.FEATURES])
    return out


def fit(xs: list[list[float] | None], ys: list[int]) -> np.ndarray:
    """Weights of english.FEATURES, fitted on the comments that have a cue."""
    rows = [i for i, x in enumerate(xs) if x is not None]
    regression = LogisticRegression(C=C, fit_intercept=False, tol=1e-8, max_iter=1000)
    regression.fit(np.array([xs[i] for i in rows]), np.array([ys[i] for i in rows]))
    return regression.coef_.ravel()


def cross_validate(xs: list[list[float] | None], ys: list[int]) -> float:
    """Accuracy (positive iff the log-odds are above 0; no cue counts as negative) over
    FOLDS interleaved folds."""
    correct = 0
    for k in range(FOLDS):
        weights = fit(
            [x for i, x in enumerate(xs) if i % FOLDS != k],
            [y for i, y in enumerate(ys) if i % FOLDS != k],
        )
        for x, y in zip(xs[k::FOLDS], ys[k::FOLDS], strict=True):
            z = 0.0 if x is None else float(np.dot(weights, x))
            correct += (z > 0) == (y == 1)
    return correct / len(xs)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=english.MODEL_FILE)
    parser.add_argument("--cv", action="store_true", help="print cross-validated accuracy")
    args = parser.parse_args(argv)
    model = build_lexicon()
    tune, _test = data.tune_and_test("en")  # the test split is for bench/ only
    xs = feature_rows(english.Model.from_json(model), tune)
    ys = [label for _, label in tune]
    if args.cv:
        print(f"{FOLDS}-fold CV on {len(tune)} tune comments: {cross_validate(xs, ys):.1%}")
    weights = fit(xs, ys)
    model["weights"] = {
        name: round(float(w), 6) for name, w in zip(english.FEATURES, weights, strict=True)
    }
    data.write_model(model, args.out)
    print(f"weights: {json.dumps(model['weights'])}")
    print(f"wrote {args.out}: {len(model['lexicon'])} lexicon entries")


if __name__ == "__main__":
    main()
