"""Polarity of short Chinese customer comments, in [-1, 1].

One logistic model (trained by training/chinese.py with scikit-learn) over two kinds of
evidence:

- the comment's character 1-3-grams within clauses, each scaled by its naive Bayes
  log-count ratio (Wang and Manning 2012) and with a learned weight. Characters rather
  than jieba's words: as accurate on the review data, and no tokenizer on every comment.
  "不满意", "太慢", "不错" are n-grams, so much of negation comes for free;
- a hand-written lexicon (training/lexicon_zh.py) read left to right with negation
  ("不太满意"), intensifiers ("非常好") and contrast ("还行但是客服太差了": after 但是
  counts more). It carries the short comments and the vocabulary that hotel and shopping
  reviews lack (deliveries, restaurants, support calls).

The n-gram sum is divided by sqrt(sum of squared ratios + kappa), so that a long review's
many weak n-grams count as one vote while a four-character comment is left to the
lexicon. No intercept: a comment with neither a lexicon word nor a strongly polar n-gram
("我昨天收到了") is exactly 0.0, not the training data's share of praise.

Pure: no Flask, no jieba, no numpy. The model file loads once per process, on first use;
nothing downloads. Input is NFKC-normalised, simplified Chinese (sentiment.py does both).
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
MODEL_FILE = DATA / "zh_sentiment.json.gz"

# Sentence ends bound the reach of 但是; clause marks bound negation and the n-grams.
_SENTENCE = re.compile(r"[。！？!?.;；\n…]+")
_CLAUSE = re.compile(r"[\s,，、:：~～\"'“”‘’()（）\[\]【】《》<>「」『』·\-—_/\\|*#@+=]+")


@dataclass(frozen=True)
class Lexicon:
    """Token -> what it does. Longest match first; a token has one role."""

    # role, value. Roles: "s" sentiment, "b" sentiment or intensifier ("好"), "w" said
    # only when negated ("没发货", "不能充电"), "i" intensifier, "n" negator, "c" contrast
    # (但是), "v" concession (虽然), "x" neutral ("快递" is not "快")
    tokens: dict[str, tuple[str, float]]
    boosts: dict[str, float]  # intensifier -> factor
    lengths: dict[str, tuple[int, ...]]  # first character -> token lengths, longest first
    negation_reach: int  # characters a negator reaches over: "没有想象中好", not "没人处理我的投诉"
    negated_positive: float  # "不满意": a positive value turns into this times itself
    negated_negative: float  # "没有问题": a negative value turns into this times -itself
    before_contrast: float  # what was said in the sentence before 但是 ...
    after_contrast: float  # ... and after it
    conceded: float  # the clause of 虽然

    @classmethod
    def from_json(cls, data: dict) -> Lexicon:
        tokens: dict[str, tuple[str, float]] = {}
        for word in data["neutral"]:
            tokens[word] = ("x", 0.0)
        for word, factor in data["intensifiers"].items():
            tokens[word] = ("i", factor)
        for word in data["negators"]:
            tokens[word] = ("n", 0.0)
        for word in data["contrast"]:
            tokens[word] = ("c", 0.0)
        for word in data["concession"]:
            tokens[word] = ("v", 0.0)
        for word, value in data["when_negated"].items():
            tokens[word] = ("w", value)
        for word, value in data["words"].items():
            # "好" is an intensifier before a sentiment word ("好贵"), a word elsewhere
            tokens[word] = ("b", value) if word in data["intensifiers"] else ("s", value)
        lengths: dict[str, set[int]] = {}
        for word in tokens:
            lengths.setdefault(word[0], set()).add(len(word))
        rules = data["rules"]
        return cls(
            tokens=tokens,
            boosts=data["intensifiers"],
            lengths={ch: tuple(sorted(n, reverse=True)) for ch, n in lengths.items()},
            negation_reach=rules["negation_reach"],
            negated_positive=rules["negated_positive"],
            negated_negative=rules["negated_negative"],
            before_contrast=rules["before_contrast"],
            after_contrast=rules["after_contrast"],
            conceded=rules["conceded"],
        )


@dataclass(frozen=True)
class Model:
    """What the trainer writes: the lexicon and the logistic model's weights."""

    lexicon: Lexicon
    #: n-gram -> (weight times its NB ratio, the squared ratio: its share of the normaliser)
    grams: dict[str, tuple[float, float]]
    cues: frozenset[str]  # n-grams polar enough, and seen often enough, to be a cue alone
    kappa: float
    weights: dict[str, float]  # "pos", "neg": of the lexicon's evidence, after tanh

    @classmethod
    def from_json(cls, data: dict) -> Model:
        return cls(
            lexicon=Lexicon.from_json(data["lexicon"]),
            grams={g: (w, share) for g, (w, share) in data["grams"].items()},
            cues=frozenset(data["cues"]),
            kappa=data["kappa"],
            weights=data["weights"],
        )


@functools.cache
def model() -> Model:
    with gzip.open(MODEL_FILE, "rt", encoding="utf-8") as f:
        return Model.from_json(json.load(f))


def sentences(text: str) -> list[list[str]]:
    """Lower-cased sentences, each a list of non-empty clauses."""
    out = []
    for sentence in _SENTENCE.split(text.lower()):
        clauses = [c for c in _CLAUSE.split(sentence) if c]
        if clauses:
            out.append(clauses)
    return out


def grams(parts: list[list[str]]) -> set[str]:
    """Character 1-, 2- and 3-grams, within clauses."""
    out: set[str] = set()
    for clauses in parts:
        for c in clauses:
            out.update(c)
            out.update([c[i : i + 2] for i in range(len(c) - 1)])
            out.update([c[i : i + 3] for i in range(len(c) - 2)])
    return out


def scan(clause: str, lex: Lexicon) -> list[tuple[int, int, str, float]]:
    """(start, end, role, value) of the lexicon's tokens, longest match first."""
    tokens, lengths = lex.tokens, lex.lengths
    out = []
    i, n = 0, len(clause)
    while i < n:
        for size in lengths.get(clause[i], ()):
            token = tokens.get(clause[i : i + size])
            if token is not None:
                out.append((i, i + size, token[0], token[1]))
                i += size
                break
        else:
            i += 1
    return out


def evidence(parts: list[list[str]], lex: Lexicon) -> tuple[float, float, int]:
    """(positive, negative, cues): the lexicon's values after negation, intensifiers and
    contrast. Negative is <= 0."""
    pos = neg = 0.0
    cues = 0
    for clauses in parts:
        s_pos = s_neg = 0.0  # this sentence: 但是 rescales what came before it
        weight = 1.0
        for clause in clauses:
            found = scan(clause, lex)
            boost, conceded = 1.0, 1.0
            negated_until = -1  # a negator's reach ends at this position
            for k, (start, end, role, value) in enumerate(found):
                if role == "b":  # "好贵": an intensifier when a sentiment word follows
                    nxt = found[k + 1] if k + 1 < len(found) else None
                    if nxt is not None and nxt[0] == end and nxt[2] in ("s", "b"):
                        boost *= lex.boosts[clause[start:end]]
                        continue
                    role = "s"
                if role == "s":
                    v = value * boost
                    if start <= negated_until:
                        v = v * lex.negated_positive if v > 0 else -v * lex.negated_negative
                elif role == "w" and start <= negated_until:
                    v = value
                elif role == "i":
                    boost *= value
                    continue
                elif role == "n":  # "不是不好": a second negator cancels the first
                    negated_until = -1 if start <= negated_until else end + lex.negation_reach
                    continue
                elif role == "c":
                    s_pos *= lex.before_contrast
                    s_neg *= lex.before_contrast
                    weight = lex.after_contrast
                    boost, negated_until = 1.0, -1
                    continue
                elif role == "v":
                    conceded = lex.conceded
                    continue
                else:
                    continue
                v *= weight * conceded
                if v > 0:
                    s_pos += v
                else:
                    s_neg += v
                cues += 1
                boost, negated_until = 1.0, -1
        pos += s_pos
        neg += s_neg
    return pos, neg, cues


def lexicon_features(parts: list[list[str]], lex: Lexicon) -> tuple[float, float, int]:
    """The lexicon's evidence as the model weighs it: (tanh(positive), tanh(negative), cues).
    tanh: two cues say more than one, a long list of complaints not ten times more."""
    pos, neg, cues = evidence(parts, lex)
    return math.tanh(pos), math.tanh(neg), cues


def score(text: str, m: Model) -> float | None:
    """The log-odds of praise, or None when the comment has no sentiment cue."""
    parts = sentences(text)
    if not parts:
        return None
    pos, neg, cues = lexicon_features(parts, m.lexicon)
    found = grams(parts)
    if not cues and m.cues.isdisjoint(found):
        return None
    total = norm = 0.0
    get = m.grams.get
    for gram in found:
        entry = get(gram)
        if entry is not None:
            total += entry[0]
            norm += entry[1]
    ngrams = total / math.sqrt(norm + m.kappa)
    return ngrams + m.weights["pos"] * pos + m.weights["neg"] * neg


def polarity(text: str) -> float:
    """-1 very negative .. 1 very positive; exactly 0.0 when nothing expresses sentiment."""
    z = score(text, model())
    if z is None:
        return 0.0
    return math.tanh(z / 2)  # 2 * sigmoid(z) - 1


def lexicon_polarity(text: str) -> float:
    """The rules alone, without the learned weights: for comparison in benchmarks."""
    pos, neg, _ = evidence(sentences(text), model().lexicon)
    return math.tanh(pos + neg)
