"""Sentiment accuracy and speed per language, on the held-apart part of the public data.

    python bench/sentiment_eval.py            # every analyzer tried, both languages
    python bench/sentiment_eval.py --product  # just what the product uses

Data: ../shared/data/sentiment (amazon_cells_labelled.txt for English,
ChnSentiCorp_htl_all.csv for Chinese), split by training/data.py with a fixed seed;
the trainers in training/ read only the tune part. A comment counts as positive when its
polarity is above 0. Speed: comments per second on one core (one process), over the test
comments shorter than 200 characters, through the analyzer named; "product" is the whole
entry point (language detection, sentiment and topics), as a web worker runs it.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _server import machine  # noqa: E402

from training import data  # noqa: E402

SHORT = 200


def _product() -> Callable[[str], float]:
    from default_topics import taxonomy as default_taxonomy

    from feedback.analysis import analyze

    taxonomy = default_taxonomy()
    return lambda text: analyze(text, taxonomy).polarity


def _english() -> dict[str, Callable[[str], float]]:
    from textblob import TextBlob
    from textblob.en import sentiment as textblob_lexicon

    from feedback.analysis import english

    def textblob_object(text):
        return TextBlob(text).sentiment.polarity

    def averaged(text):  # textblob_lexicon is what TextBlob(text).sentiment calls
        return (textblob_lexicon(text)[0] + english.vader_polarity(text)) / 2

    return {
        "TextBlob(text).sentiment": textblob_object,
        "VADER compound": english.vader_polarity,
        "TextBlob and VADER averaged": averaged,
        "rules: merged lexicon, negation, intensifiers, but": english.lexicon_polarity,
        "rules + logistic model with VADER's score (english.py)": english.polarity,
    }


def _chinese() -> dict[str, Callable[[str], float]]:
    from feedback.analysis import chinese
    from feedback.analysis.text import simplified

    variants: dict[str, Callable[[str], float]] = {}
    try:
        from snownlp import SnowNLP

        variants["SnowNLP sentiments (shopping reviews)"] = lambda t: SnowNLP(t).sentiments - 0.5
    except ImportError:
        pass
    variants["rules alone: lexicon, negation, intensifiers, contrast"] = chinese.lexicon_polarity
    variants["chinese.py (product)"] = lambda t: chinese.polarity(simplified(t))
    return variants


def evaluate(function, rows, limit: int | None = None) -> tuple[float, float]:
    """(accuracy on all rows, comments per second on the short ones)."""
    rows = rows[:limit] if limit else rows
    right = sum((function(text) > 0) == bool(label) for text, label in rows)
    short = [text for text, _ in rows if len(text) < SHORT]
    started = time.perf_counter()
    for text in short:
        function(text)
    elapsed = time.perf_counter() - started
    return right / len(rows), len(short) / elapsed if elapsed else float("inf")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--product", action="store_true", help="only the product's analyzer")
    parser.add_argument(
        "--slow-limit",
        type=int,
        default=1000,
        help="score slow baselines (SnowNLP) on this many test rows only",
    )
    args = parser.parse_args()
    product = _product()
    product("warm up 预热")
    print(f"Sentiment on {machine()}; seed {data.SEED}, tune share {data.TUNE_SHARE}")
    print("language | analyzer | tune accuracy | test accuracy | comments/s (< 200 chars)")
    for language, variants in (("en", _english), ("zh", _chinese)):
        tune, test = data.tune_and_test(language)
        analyzers = {} if args.product else variants()
        analyzers["product: analyze() entry point"] = product
        for name, function in analyzers.items():
            function("warm up" if language == "en" else "预热")
            limit = args.slow_limit if name.startswith("SnowNLP") else None
            tune_accuracy, _ = evaluate(function, tune, limit)
            test_accuracy, speed = evaluate(function, test, limit)
            note = f" (first {limit} rows)" if limit else ""
            print(
                f"{language} | {name}{note} | {100 * tune_accuracy:.1f}% | "
                f"{100 * test_accuracy:.1f}% | {speed:,.0f}"
            )


if __name__ == "__main__":
    main()
