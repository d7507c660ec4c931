"""English polarity: what customers type on a phone, in the domains the product serves.

Labels follow the caller's rule: polarity >= 0.15 positive, <= -0.15 negative, else
neutral. Most comments here are restaurants, deliveries, shops, hotels and support calls,
not the phone reviews the model was fitted on, so they test that it generalises.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from feedback.analysis import english

ROOT = Path(__file__).resolve().parent.parent
POSITIVE, NEUTRAL, NEGATIVE = "positive", "neutral", "negative"


def label(text: str) -> str:
    p = english.polarity(text)
    assert -1.0 <= p <= 1.0
    return POSITIVE if p >= 0.15 else NEGATIVE if p <= -0.15 else NEUTRAL


def check(cases: list[tuple[str, str]]) -> None:
    """All cases at once, so that one failure shows every wrong label."""
    wrong = [(text, want, label(text)) for text, want in cases if label(text) != want]
    assert not wrong, "\n".join(f"{t!r}: want {w}, got {g}" for t, w, g in wrong)


NEGATION = [
    ("The staff was not helpful", NEGATIVE),
    ("not bad at all", POSITIVE),
    ("never again", NEGATIVE),
    ("didn't work", NEGATIVE),
    ("didnt work", NEGATIVE),
    ("It does not work.", NEGATIVE),
    ("Not good.", NEGATIVE),
    ("not very good", NEGATIVE),
    ("The room wasn't clean", NEGATIVE),
    ("No problems at all", POSITIVE),
    ("no complaints", POSITIVE),
    ("Never had a bad meal here", POSITIVE),
    ("I wouldn't recommend this hotel", NEGATIVE),
    ("Couldn't be happier with my order!", POSITIVE),
    ("can't complain", POSITIVE),
    ("Don't waste your money", NEGATIVE),
    ("do not buy", NEGATIVE),
    ("My parcel never arrived", NEGATIVE),
    ("nobody answered the phone", NEGATIVE),
    ("The driver didn't even knock", NEGATIVE),
    ("Not worth the price.", NEGATIVE),
    ("Nothing special", NEGATIVE),
    ("The agent couldn't fix my problem", NEGATIVE),
    ("Can't wait to come back!", POSITIVE),
    ("We didn't have to wait at all", POSITIVE),
]

INTENSITY = [
    ("very good", POSITIVE),
    ("good", POSITIVE),
    ("extremely slow", NEGATIVE),
    ("slow", NEGATIVE),
]

CONTRAST = [
    ("good food but terrible service", NEGATIVE),
    ("terrible service but the food was good", POSITIVE),
    ("The room was small but very clean and the staff were lovely", POSITIVE),
    ("Delivery was fast, but the box was crushed and two items were missing", NEGATIVE),
    ("Although the wait was long, the food was excellent", POSITIVE),
    ("I expected better from a five star hotel", NEGATIVE),
]

EMOJI = [
    ("👍", POSITIVE),
    ("😡", NEGATIVE),
    ("thx 👍", POSITIVE),
    ("❤️❤️", POSITIVE),
    ("👎", NEGATIVE),
    ("delivery late again 😡", NEGATIVE),
    ("great service :)", POSITIVE),
    ("waited 2 hours :(", NEGATIVE),
]

RESTAURANTS = [
    ("The food was delicious and the waiter was very friendly", POSITIVE),
    ("Pasta was cold and bland", NEGATIVE),
    ("Best pizza in town!", POSITIVE),
    ("We waited 45 minutes for our food", NEGATIVE),
    ("Overpriced and the portions were tiny", NEGATIVE),
    ("Lovely atmosphere, will definitely come back", POSITIVE),
    ("The waitress was rude and ignored us", NEGATIVE),
    ("Fresh ingredients, tasty dishes, reasonable prices", POSITIVE),
    ("Found a hair in my soup. Disgusting.", NEGATIVE),
    ("Meh. Nothing to write home about.", NEGATIVE),
]

DELIVERIES = [
    ("Arrived a day early, well packed", POSITIVE),
    ("The courier left my package in the rain", NEGATIVE),
    ("Still waiting for my order after two weeks", NEGATIVE),
    ("Fast delivery, thanks!", POSITIVE),
    ("The driver was polite and on time", POSITIVE),
    ("Package was damaged and the driver was unfriendly", NEGATIVE),
    ("Wrong item delivered", NEGATIVE),
]

SHOPPING = [
    ("Exactly as described, great quality", POSITIVE),
    ("Cheap material, fell apart after one wash", NEGATIVE),
    ("Refund took forever", NEGATIVE),
    ("Easy checkout and the shoes fit perfectly", POSITIVE),
    ("It stopped working after a week", NEGATIVE),
    ("Total waste of money", NEGATIVE),
    ("Love it, would buy again", POSITIVE),
    ("The size chart is useless", NEGATIVE),
]

HOTELS = [
    ("Spotless room and a comfortable bed", POSITIVE),
    ("The room smelled of smoke and the AC was broken", NEGATIVE),
    ("Friendly reception staff, great location", POSITIVE),
    ("Noisy at night, could not sleep", NEGATIVE),
    ("Breakfast was amazing", POSITIVE),
    ("Dirty towels and a filthy bathroom", NEGATIVE),
    ("Check-in was quick and easy", POSITIVE),
]

SUPPORT = [
    ("The agent was very patient and solved my issue quickly", POSITIVE),
    ("I was on hold for an hour and then they hung up on me", NEGATIVE),
    ("Nobody called me back", NEGATIVE),
    ("Super helpful, thank you so much!", POSITIVE),
    ("They kept transferring me and nothing got resolved", NEGATIVE),
    ("Very professional and knowledgeable support", POSITIVE),
    ("Useless customer service", NEGATIVE),
]

NEUTRAL_TEXT = [
    ("ok the parcel came tuesday", NEUTRAL),
    ("I ordered the large one", NEUTRAL),
    ("Room 214, two nights", NEUTRAL),
    ("Please call me back tomorrow", NEUTRAL),
    ("The restaurant is on Main Street", NEUTRAL),
]


@pytest.mark.parametrize(
    "cases",
    [
        NEGATION,
        INTENSITY,
        CONTRAST,
        EMOJI,
        RESTAURANTS,
        DELIVERIES,
        SHOPPING,
        HOTELS,
        SUPPORT,
        NEUTRAL_TEXT,
    ],
    ids=[
        "negation",
        "intensity",
        "contrast",
        "emoji",
        "restaurants",
        "deliveries",
        "shopping",
        "hotels",
        "support",
        "neutral",
    ],
)
def test_labels(cases):
    check(cases)


@pytest.mark.parametrize(
    "text", ["", " ", "...", "!!!", "???", "-", "12345", "ok the parcel came tuesday", "\n\t"]
)
def test_no_cue_is_exactly_zero(text):
    assert english.polarity(text) == 0.0


def test_intensifiers_make_it_stronger():
    assert english.polarity("very good") > english.polarity("good") > 0
    assert english.polarity("extremely slow") < english.polarity("slow") < 0
    assert english.polarity("absolutely amazing!") > english.polarity("nice")


def test_negation_flips_the_sign():
    for word in ("helpful", "good", "friendly", "clean", "worth it"):
        assert english.polarity(f"it was {word}") > 0 > english.polarity(f"it was not {word}")


def test_the_clause_after_but_dominates():
    assert english.polarity("good food but terrible service") < 0
    assert english.polarity("terrible service but good food") > 0


def test_typed_on_a_phone():
    check(
        [
            ("DONT ORDER FROM HERE", NEGATIVE),
            ("it doesnt work", NEGATIVE),
            ("AMAZING!!!", POSITIVE),
            ("sooo goood", POSITIVE),
            ("wayyy too slow", NEGATIVE),
            ("5-star service", POSITIVE),
            ("10/10 would recommend", POSITIVE),
            ("hassle-free return", POSITIVE),
        ]
    )


def test_long_comments_stay_in_range():
    text = " ".join(["great"] * 300 + ["awful"] * 10)
    assert 0 < english.polarity(text) <= 1.0
    assert -1.0 <= english.polarity("terrible " * 500) < 0


def test_comparison_helpers():
    """The benchmark compares the final analyzer with the library it builds on."""
    assert english.vader_polarity("good") > 0 > english.vader_polarity("terrible")
    assert english.lexicon_polarity("not helpful") < 0 < english.lexicon_polarity("helpful")


def test_model_file_is_small_and_loaded_once():
    assert english.MODEL_FILE.name.startswith("en_")
    assert english.MODEL_FILE.stat().st_size < 1_000_000
    assert english.model() is english.model()
    assert set(english.model().weights) == set(english.FEATURES)


def test_polarity_needs_neither_nltk_nor_numpy(tmp_path):
    """The servers cannot download NLTK corpora, nor do they install numpy or scipy
    (blocked here). TextBlob's lexicon is merged into the model file at training time;
    at run time neither TextBlob nor its nltk is imported (+20 MB a worker)."""
    nltk_data, home = tmp_path / "nltk_data", tmp_path / "home"
    nltk_data.mkdir()
    home.mkdir()
    script = textwrap.dedent(
        """
        import json, sys
        for name in ("numpy", "scipy", "sklearn", "pandas"):
            sys.modules[name] = None  # import fails, as on a server without them
        from feedback.analysis import english
        print(json.dumps([english.polarity("The food was great"),
                          english.polarity("The staff was not helpful"),
                          sorted(m for m in ("nltk", "textblob") if m in sys.modules)]))
        """
    )
    env = {**os.environ, "NLTK_DATA": str(nltk_data), "HOME": str(home)}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    praise, complaint, imported = json.loads(done.stdout.strip().splitlines()[-1])
    assert praise > 0 > complaint
    assert imported == []
    assert not any(nltk_data.iterdir()) and not any(home.iterdir())
