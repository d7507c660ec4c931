"""Polarity of short English customer comments, in [-1, 1].

TextBlob and VADER each miss what customers write most: TextBlob scores "The staff was
not helpful" 0.0, VADER turns "don't waste your money" positive, and neither knows
"unhelpful", "overpriced" or "never arrived". So one pass here reads the comment with
VADER's and TextBlob's lexicons plus a customer-service lexicon (merged by the trainer,
training/english.py, into the model file), handling negation, intensifiers and "but";
a small logistic model then weighs that evidence together with VADER's own score.
TextBlob itself is not run: its score added nothing in cross-validation, and it would
bring nltk into every worker.

Pure: no Flask. The model file loads once per process, on first use; nothing downloads.
"""

from __future__ import annotations

import functools
import gzip
import json
import math
import re
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
MODEL_FILE = DATA / "en_sentiment.json.gz"

# Emoticons first (":)" must not become a clause mark), then words, numbers, clause marks
# (a dash counts only when it is not inside a word: "hassle-free", "5-star" stay phrases), any
# other single symbol, which is how emoji arrive.
_TOKEN = re.compile(
    r"(?P<emo>(?<![^\s])[:;=][-o'^]?[()\[\]dDpP/\\|*3]+(?![^\s.,!?])|<3)"
    r"|(?P<word>[A-Za-z\u00c0-\u024f]+(?:['\u2019][A-Za-z]+)*|\d+(?:[.,]\d+)?)"
    r"|(?P<mark>[.!?;,:\u2026]+|\n|(?<![A-Za-z0-9])[-\u2013\u2014]+|[-\u2013\u2014]+(?![A-Za-z0-9]))"
    r"|(?P<sym>[^\sA-Za-z0-9\-])"
)
# Emoji modifiers carry no sentiment: variation selectors, skin tones, zero-width joiner.
_STRIP = dict.fromkeys([0xFE0E, 0xFE0F, 0x200D, *range(0x1F3FB, 0x1F400)])

# "soooo goooood": letters held down on a phone keyboard.
_ELONGATED = re.compile(r"([a-z])\1{2,}", re.IGNORECASE)

CLAUSE = "|"  # the token a clause mark becomes
NEGATORS = frozenset(
    "not no never none nothing nobody nowhere neither nor without hardly barely scarcely "
    "seldom rarely stopped stop stops quit unable fail fails failed refuse refused "
    "refuses".split()
)
# "cannot", and contractions typed without their apostrophe on a phone keyboard.
_SPLIT = {
    "cannot": ("can", "not"),
    "can't": ("can", "not"),
    "won't": ("will", "not"),
    "shan't": ("shall", "not"),
    "ain't": ("is", "not"),
    **{
        stem + "nt": (stem, "not")
        for stem in "do did does is was were are could would should have has had must need".split()
    },
    "cant": ("can", "not"),
    "wont": ("will", "not"),
    "aint": ("is", "not"),
}
# Before "but" the comment concedes, after it it concludes (VADER's weights).
BUT = frozenset({"but", "however", "nevertheless", "nonetheless", "yet"})
BEFORE_BUT, AFTER_BUT = 0.5, 1.5
# "although ..." up to the next clause mark is a concession.
CONCESSION = frozenset({"although", "though", "despite", "albeit"})
CONCEDED = 0.5
NEGATION_SCOPE = 4
# Up to the next clause mark, what is wished or was expected did not happen: "I thought I
# was getting a good deal", "it should be hot", "if you like loud buzzing".
IRREALIS = frozenset(
    "if unless thought expected expecting expect hoped hoping hope wish wished wishing "
    "supposed should assumed".split()
) | {"could have", "would have", "should have", "might have"}
# "like" is sentiment after these ("I like it", "didn't like"), a preposition elsewhere.
_LIKE_AFTER = frozenset(
    "i we they you he she not really also definitely totally absolutely just did do does "
    "still always".split()
)
FEATURES = ("pos", "neg", "neg_pos", "neg_neg", "hyp_pos", "hyp_neg", "vader")


@dataclass(frozen=True)
class Model:
    """What the trainer writes: lexicons, phrases and the logistic weights."""

    lexicon: dict[str, float]  # word, phrase or emoji -> value in [-1, 1]
    when_negated: dict[str, float]  # "work" says something only in "didn't work"
    boosters: dict[str, float]  # "very" +0.293, "slightly" -0.293
    phrases: dict[str, tuple[tuple[str, ...], ...]]  # first word -> longest first
    weights: dict[str, float]  # feature -> logistic weight; no intercept: no cue, no lean

    @classmethod
    def from_json(cls, data: dict) -> Model:
        phrases: dict[str, list[tuple[str, ...]]] = {}
        for phrase in data["phrases"]:
            words = tuple(phrase.split())
            phrases.setdefault(words[0], []).append(words)
        return cls(
            lexicon=data["lexicon"],
            when_negated=data["when_negated"],
            boosters=data["boosters"],
            phrases={
                k: tuple(sorted(v, key=len, reverse=True)) for k, v in sorted(phrases.items())
            },
            weights=data.get("weights", {}),
        )


@functools.cache
def model() -> Model:
    with gzip.open(MODEL_FILE, "rt", encoding="utf-8") as f:
        return Model.from_json(json.load(f))


def tokens(text: str) -> list[str]:
    """Lower-case words with contractions split ("didn't" -> "did", "not"), emoji and
    emoticons as they are, and every clause mark as CLAUSE."""
    out: list[str] = []
    for m in _TOKEN.finditer(text.translate(_STRIP)):
        kind = m.lastgroup
        if kind == "word":
            word = m.group().lower().replace("\u2019", "'")
            split = _SPLIT.get(word)
            if split:
                out.extend(split)
            elif word.endswith("n't"):
                out.extend((word[:-3], "not"))
            else:
                out.append(word)
        elif kind == "mark":
            if out and out[-1] != CLAUSE:
                out.append(CLAUSE)
        else:
            out.append(m.group())
    return out


def merge_phrases(words: list[str], phrases: dict[str, tuple[tuple[str, ...], ...]]) -> list[str]:
    """Known phrases become one token ("waste of money", "could not be happier")."""
    out: list[str] = []
    i, n = 0, len(words)
    while i < n:
        for phrase in phrases.get(words[i], ()):
            size = len(phrase)
            if tuple(words[i : i + size]) == phrase:
                out.append(" ".join(phrase))
                i += size
                break
        else:
            out.append(words[i])
            i += 1
    return out


@dataclass
class Reading:
    """One comment read against the lexicons."""

    tokens: list[str]
    pos: float = 0.0
    neg: float = 0.0
    neg_pos: float = 0.0  # "not helpful": the positive value that was negated
    neg_neg: float = 0.0  # "not bad"
    hyp_pos: float = 0.0  # "I expected good service"
    hyp_neg: float = 0.0
    cues: int = 0


def read(text: str, m: Model) -> Reading:
    """One left-to-right pass: negation scope, boosters and contrast weights."""
    lexicon, when_negated, boosters = m.lexicon, m.when_negated, m.boosters
    words = tokens(text)
    if _ELONGATED.search(text):
        words = [_shorten(w, m) if _ELONGATED.search(w) and w not in lexicon else w for w in words]
    toks = merge_phrases(words, m.phrases)
    # position, value, negated, hypothetical, weight
    found: list[tuple[int, float, bool, bool, float]] = []
    scope = 0  # tokens still negated
    negated = conceding = hypothetical = False
    last_but = -1
    for i, tok in enumerate(toks):
        if tok == CLAUSE:
            scope, conceding, hypothetical = 0, False, False
            continue
        if tok in BUT:
            scope, last_but, hypothetical = 0, i, False
            continue
        if tok in CONCESSION:
            conceding = True
        if tok in IRREALIS or tok.partition(" ")[0] in IRREALIS:  # "expected better"
            hypothetical = True
        if tok in NEGATORS:
            negated = not negated if scope else True
            scope = NEGATION_SCOPE
            if tok in lexicon:  # "failed", "refused" are also negative themselves
                found.append((i, lexicon[tok], False, hypothetical, CONCEDED if conceding else 1.0))
            continue
        in_scope = scope > 0
        if in_scope:
            scope -= 1
        value = lexicon.get(tok)
        if tok in boosters and i + 1 < len(toks) and _has_value(toks[i + 1], m):
            value = None  # "pretty good": a booster here, not an adjective
        elif tok == "like" and (i == 0 or toks[i - 1] not in _LIKE_AFTER):
            value = None
        flip = in_scope and negated
        if flip and tok in when_negated:
            value, flip = when_negated[tok], False
        if not value:
            continue
        for back, decay in ((1, 1.0), (2, 0.95)):  # "very good", "really very good"
            if i >= back and toks[i - back] in boosters:
                value *= 1 + boosters[toks[i - back]] * decay
        found.append((i, value, flip, hypothetical, CONCEDED if conceding else 1.0))
    reading = Reading(toks, cues=len(found))
    for i, value, flip, hyp, weight in found:
        if last_but >= 0:
            weight *= BEFORE_BUT if i < last_but else AFTER_BUT
        if hyp:
            value = -value if flip else value
            if value > 0:
                reading.hyp_pos += weight * value
            else:
                reading.hyp_neg -= weight * value
        elif flip:
            if value > 0:
                reading.neg_pos += weight * value
            else:
                reading.neg_neg -= weight * value
        elif value > 0:
            reading.pos += weight * value
        else:
            reading.neg -= weight * value
    return reading


def _shorten(tok: str, m: Model) -> str:
    """Letters held down: "goooood" -> "good", "sooo" -> "so", as the lexicons know them."""
    for repeat in (r"\1\1", r"\1"):
        short = _ELONGATED.sub(repeat, tok)
        if _has_value(short, m) or short in NEGATORS:
            return short
    return tok


def _has_value(tok: str, m: Model) -> bool:
    return tok in m.lexicon or tok in m.when_negated or tok in m.boosters


def features(text: str, reading: Reading) -> dict[str, float]:
    return {
        "pos": _damp(reading.pos),
        "neg": _damp(reading.neg),
        "neg_pos": _damp(reading.neg_pos),
        "neg_neg": _damp(reading.neg_neg),
        "hyp_pos": _damp(reading.hyp_pos),
        "hyp_neg": _damp(reading.hyp_neg),
        "vader": vader_polarity(text),
    }


def _damp(x: float) -> float:
    """Two cues are more than one, ten not five times more than two."""
    return math.log1p(x)


def score(text: str, m: Model) -> float | None:
    """The logistic model's log-odds, or None when the comment has no sentiment cue."""
    reading = read(text, m)
    if not reading.cues:
        return None
    weights = m.weights
    return sum(weights.get(name, 0.0) * value for name, value in features(text, reading).items())


def polarity(text: str) -> float:
    """-1 very negative .. 1 very positive; exactly 0.0 when nothing expresses sentiment."""
    z = score(text, model())
    if z is None:
        return 0.0
    return math.tanh(z / 2)  # 2 * sigmoid(z) - 1


def lexicon_polarity(text: str) -> float:
    """The rules alone, without the learned weights: for comparison in benchmarks."""
    reading = read(text, model())
    total = reading.pos - reading.neg - reading.neg_pos + 0.5 * reading.neg_neg
    return math.tanh(total)


@functools.cache
def _vader():
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def vader_polarity(text: str) -> float:
    """VADER's compound score, in [-1, 1]."""
    return _vader().polarity_scores(text)["compound"]
