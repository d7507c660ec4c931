"""Polarity of short Chinese customer comments, in [-1, 1].

Four views of the comment, weighed by a stacker (scripts/train_sentiment_zh.py):

- the review view, a logistic model over the comment's character 1-3-grams within clauses,
  each with a learned weight, and a hand-written lexicon's positive and negative evidence.
  Characters rather than jieba's words: jieba alone runs at about 5,000 80-character
  comments a second, and on the review data words were no more accurate. "不满意", "太慢",
  "不错" are n-grams, so much of negation comes for free. The lexicon is read left to right
  with negation ("不太满意"), intensifiers ("非常好") and contrast ("还行但是客服太差了":
  after 但是 counts more); it carries the short comments and the vocabulary the review data
  lacks (deliveries, restaurants, support calls);
- the sentence view, the same kind of model trained on single sentences, scoring each
  sentence of the comment on its own (mean, weakest, strongest, first, last): a review that
  lists two complaints and ends "总体很满意" is mostly praise;
- the binary view, a plain logistic model over the n-grams present (no NB scaling, no
  lexicon): another view of the same evidence, whose errors are not the review view's;
- the neural view, a small character CNN (filters 1-4 characters wide, each filter's
  maximum over the comment): not linear in the n-grams, so its errors differ more. It
  costs ~0.1 ms a comment in pure Python, so it is asked only about reviews on which the
  other three leave the verdict close (score()), about one hotel review in twelve.

The n-gram sums are divided by sqrt(sum of squares + kappa), so that a long review's many
weak n-grams count as one vote while a four-character comment is left to the lexicon. The
stacker, a logistic regression over the views' scores and a few counts, speaks in
proportion to the n-gram evidence (say()): a short comment stays with the review view.
No intercept anywhere: a comment with neither a lexicon word nor a strongly polar n-gram
("我昨天收到了") is exactly 0.0, not the training data's share of praise.

Pure: no Flask, no jieba, no numpy (the CNN is additions and maxima on packed ints). The
model file loads once per process, on first use; nothing downloads. Input is
NFKC-normalised, simplified Chinese (sentiment.py does both).
"""

from __future__ import annotations

import base64
import functools
import gzip
import json
import math
import operator
import re
import sys
from array import array
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
class Grams:
    """A logistic model over character n-grams and the lexicon's evidence (no intercept)."""

    # n-gram -> weight + 1j * its share of the normaliser (its squared NB ratio): one dict
    # lookup and a C-level sum() give both, which is a third of the time of a comment
    grams: dict[str, complex]
    cues: frozenset[str]  # n-grams strong enough to count as a sentiment cue on their own
    kappa: float
    weights: dict[str, float]  # "pos", "neg": the lexicon's evidence, after tanh

    @classmethod
    def from_json(cls, data: dict, keys: dict[str, str] | None = None) -> Grams:
        keys = {} if keys is None else keys  # one string object per n-gram for all views
        return cls(
            grams={
                keys.setdefault(g, g): complex(w, share) for g, (w, share) in data["grams"].items()
            },
            cues=frozenset(keys.setdefault(g, g) for g in data["cues"]),
            kappa=data["kappa"],
            weights=data["weights"],
        )


#: A position's sum in the neural view is one Python int holding every filter in a lane of
#: LANE bits (SWAR: "SIMD within a register"), so that adding four characters' contributions
#: is four big-int additions and the running maximum a few bitwise operations, in C.
LANE = 16
LANE_OFFSET = 1 << 10  # added to every lane of every table (8-bit values), so lanes stay >= 0
WIDTH = 4  # filters are 1 to WIDTH characters wide
_ORDER = sys.byteorder  # of array("H"): packing and unpacking lanes


@dataclass(frozen=True)
class Neural:
    """The neural view: a character CNN (embeddings, filters 1-4 characters wide, max over
    the comment, ReLU, a linear output), trained by scripts/_zh_neural.py.

    A filter's value at a position is the sum, over its width, of each character's
    embedding times the filter's weights at that offset; the trainer multiplies those out,
    so each character brings one table per offset (quantised to 8 bits with a scale per
    filter, packed into lanes of an int). Nothing here knows embeddings or matrices: it
    adds and takes the maximum. The trainer averages several networks: here they are one
    network with all their filters."""

    chars: dict[str, tuple[int, int, int, int]]  # character -> packed table per offset
    unknown: tuple[int, int, int, int]  # a character the training data did not have
    pad: tuple[int, int, int, int]  # past the end of the comment: zero in every lane
    filters: int  # lanes, ordered by width: offset k reaches the last filters - k * block
    scale: tuple[float, ...]  # per filter: lane units per unit of its value
    bias: tuple[float, ...]  # per filter, added after the maximum
    out: tuple[float, ...]  # per filter, after ReLU
    out_bias: float
    maxlen: int  # characters read: the first maxlen, as in training
    top: int  # the top bit of every lane

    @classmethod
    def from_json(cls, data: dict) -> Neural:
        filters = data["filters"]
        per_block = filters // WIDTH
        raw = array("b", base64.b64decode(data["tables"]))
        chars = data["chars"]
        per_char = sum(filters - k * per_block for k in range(WIDTH))
        if len(raw) != per_char * (len(chars) + 1):
            raise ValueError("the neural view's tables do not match its characters")

        def pack(lanes) -> int:
            return int.from_bytes(array("H", [LANE_OFFSET + q for q in lanes]).tobytes(), _ORDER)

        rows = []
        at = 0
        for _ in range(len(chars) + 1):  # the unknown character first
            row = []
            for k in range(WIDTH):
                n = filters - k * per_block  # offset k reaches the filters k+1 wide or more
                row.append(pack([0] * (k * per_block) + list(raw[at : at + n])))
                at += n
            rows.append(tuple(row))
        zero = pack([0] * filters)
        return cls(
            chars=dict(zip(chars, rows[1:], strict=True)),
            unknown=rows[0],
            pad=(zero,) * WIDTH,
            filters=filters,
            scale=tuple(data["scale"]),
            bias=tuple(data["bias"]),
            out=tuple(data["out"]),
            out_bias=data["out_bias"],
            maxlen=data["maxlen"],
            top=sum(1 << (LANE * j + LANE - 1) for j in range(filters)),
        )


@dataclass(frozen=True)
class Model:
    """What the trainer writes: the lexicon, three views of the n-grams and the stacker
    that weighs them.

    - review: the review's n-grams and lexicon evidence (the whole model before stacking);
    - sentence: the same kind of model trained on sentences, each with its review's label,
      scoring each sentence on its own (first, last, weakest, strongest, mean):
      "早餐一般。房间很干净，服务热情。总体满意" is mostly praise;
    - binary: a plain logistic model over the n-grams present, divided by the square root
      of their summed squared idf (no NB scaling, no lexicon): another view of the same
      evidence, whose errors are not the first's.

    The stacker is a logistic regression over those scores and a few counts (sentences,
    length, 但是; FEATURES), trained on out-of-fold scores. Without a stacker (the
    trainer's first stage) score() is the review view's log-odds."""

    lexicon: Lexicon
    review: Grams
    sentence: Grams | None = None
    binary: dict[str, complex] | None = None  # n-gram -> weight * idf + 1j * idf ** 2
    stacker: tuple[float, ...] | None = None  # a weight per feature; no intercept
    stack_kappa: float = 0.0  # see say()
    neural: Neural | None = None
    #: the stacker with the neural view's score as one more feature, the margin of the
    #: three views' verdict within which it is asked, and the least say() of the stacker
    #: for it to be asked: short comments stay with the three views (neural_stacked())
    neural_stacker: tuple[float, ...] | None = None
    neural_gate: float = 0.0
    neural_min_say: float = 1.0

    # the review view's fields, as before
    @property
    def grams(self) -> dict[str, complex]:
        return self.review.grams

    @property
    def cues(self) -> frozenset[str]:
        return self.review.cues

    @property
    def kappa(self) -> float:
        return self.review.kappa

    @property
    def weights(self) -> dict[str, float]:
        return self.review.weights

    @classmethod
    def from_json(cls, data: dict) -> Model:
        keys: dict[str, str] = {}
        review = Grams.from_json(data, keys)
        sentence = binary = stacker = None
        stack_kappa = 0.0
        if "sentence" in data:
            sentence = Grams.from_json({**data["sentence"], "kappa": data["kappa"]}, keys)
            binary = {
                keys.setdefault(g, g): complex(w, share) for g, (w, share) in data["binary"].items()
            }
        if "stacker" in data:
            stacker = tuple(data["stacker"])
            stack_kappa = data["stack_kappa"]
        neural = Neural.from_json(data["neural"]) if "neural" in data else None
        return cls(
            lexicon=Lexicon.from_json(data["lexicon"]),
            review=review,
            sentence=sentence,
            binary=binary,
            stacker=stacker,
            stack_kappa=stack_kappa,
            neural=neural,
            neural_stacker=tuple(data["neural_stacker"]) if "neural_stacker" in data else None,
            neural_gate=data.get("neural_gate", 0.0),
            neural_min_say=data.get("neural_min_say", 1.0),
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


Mark = tuple[int, int, int, int]  # sentence, clause, start and end of a 但是


def evidence(
    parts: list[list[str]], m: Model, per_sentence: list[tuple[float, float, int]] | None = None
) -> tuple[float, float, int, list[Mark]]:
    """(positive, negative, cues, contrast marks): the lexicon's values after negation,
    intensifiers and contrast. Negative is <= 0. Each sentence's own (positive, negative,
    cues) are appended to per_sentence when given."""
    lex = m.lexicon
    pos = neg = 0.0
    cues = 0
    marks: list[Mark] = []
    for si, clauses in enumerate(parts):
        s_pos = s_neg = 0.0  # this sentence: 但是 rescales what came before it
        weight = 1.0
        before = cues
        for ci, clause in enumerate(clauses):
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
                    marks.append((si, ci, start, end))
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
        if per_sentence is not None:
            per_sentence.append((s_pos, s_neg, cues - before))
    return pos, neg, cues, marks


def weighted_groups(
    parts: list[list[str]], marks: list[Mark], lex: Lexicon
) -> dict[float, set[str]]:
    """grams() by weight: before the last 但是 of a sentence before_contrast, after it
    after_contrast, elsewhere 1; an n-gram found under several weights is in the group of
    the highest only."""
    last = {mark[0]: mark for mark in marks}
    found: dict[float, set[str]] = {}
    for si, clauses in enumerate(parts):
        mark = last.get(si)
        for ci, clause in enumerate(clauses):
            if mark is None:
                pieces = [(clause, 1.0)]
            elif ci < mark[1]:
                pieces = [(clause, lex.before_contrast)]
            elif ci > mark[1]:
                pieces = [(clause, lex.after_contrast)]
            else:
                pieces = [
                    (clause[: mark[2]], lex.before_contrast),
                    (clause[mark[3] :], lex.after_contrast),
                ]
            for piece, weight in pieces:
                found.setdefault(weight, set()).update(grams([[piece]]))
    out: dict[float, set[str]] = {}
    seen: set[str] = set()
    for weight in sorted(found, reverse=True):
        group = found[weight] - seen
        if group:
            out[weight] = group
            seen |= group
    return out


def weighted_grams(parts: list[list[str]], marks: list[Mark], lex: Lexicon) -> dict[str, float]:
    """grams() with a weight each, as weighted_groups() gives them."""
    out: dict[str, float] = {}
    for weight, group in weighted_groups(parts, marks, lex).items():
        out.update(dict.fromkeys(group, weight))
    return out


def gram_values(parts: list[list[str]], marks: list[Mark], lex: Lexicon) -> dict[str, float]:
    """The n-grams the model weighs, with their values (1, or the contrast weights).

    A one-sentence comment with 但是 gets the contrast weights on its n-grams too, so that
    "东西还行但是客服太差了" ends on the complaint. Not a longer one: in the reviews, "房间
    不错，但是早餐一般。" followed by more sentences is mostly praise, and weighting their
    n-grams cost a point of accuracy."""
    if contrasted(parts, marks):
        return weighted_grams(parts, marks, lex)
    return dict.fromkeys(grams(parts), 1.0)


def contrasted(parts: list[list[str]], marks: list[Mark]) -> bool:
    return bool(marks) and len(parts) == 1


def linear(
    parts: list[list[str]],
    pos: float,
    neg: float,
    cues: int,
    marks: list[Mark],
    v: Grams,
    lex: Lexicon,
    found: set[str] | dict[float, set[str]] | None = None,
) -> tuple[float, float] | None:
    """(log-odds, normaliser) of one n-gram view for these sentences, their lexicon
    evidence and their n-grams (grams(parts), or weighted_groups() when contrasted();
    computed when not given); None when they hold no sentiment cue."""
    get = v.grams.get
    if contrasted(parts, marks):  # as gram_values(), which the trainer uses
        groups = found if isinstance(found, dict) else weighted_groups(parts, marks, lex)
        if not cues and all(v.cues.isdisjoint(group) for group in groups.values()):
            return None
        total = norm = 0.0
        for weight, group in groups.items():
            z = sum(filter(None, map(get, group)), 0j)
            total += z.real * weight
            norm += z.imag * weight * weight
    else:  # the common case: one map() over a set, summed in C
        if found is None:
            found = grams(parts)
        if not cues and v.cues.isdisjoint(found):
            return None
        z = sum(filter(None, map(get, found)), 0j)
        total, norm = z.real, z.imag
    ngrams = total / math.sqrt(norm + v.kappa)
    return ngrams + v.weights["pos"] * damp(pos) + v.weights["neg"] * damp(neg), norm


def features(text: str, m: Model) -> list[float] | None:
    """What the stacker weighs (FEATURES), or None when the comment has no sentiment cue."""
    parts = sentences(text)
    if not parts:
        return None
    per: list[tuple[float, float, int]] = []
    pos, neg, cues, marks = evidence(parts, m, per)
    each = [grams([sentence]) for sentence in parts]
    found = each[0] if len(each) == 1 else set().union(*each)
    groups = weighted_groups(parts, marks, m.lexicon) if contrasted(parts, marks) else None
    review = linear(parts, pos, neg, cues, marks, m.review, m.lexicon, groups or found)
    if review is None:
        return None
    z, norm = review
    # the sentence view: each sentence on its own, 0.0 when it holds no cue
    lex, view = m.lexicon, m.sentence
    get, view_cues, kappa = view.grams.get, view.cues, view.kappa
    w_pos, w_neg = view.weights["pos"], view.weights["neg"]
    contrast = {k for k, _, _, _ in marks}
    scores = []
    for si, sentence in enumerate(parts):
        s_pos, s_neg, s_cues = per[si]
        if si in contrast:  # linear() with its 但是, as the trainer saw it
            own = [(0, ci, a, b) for k, ci, a, b in marks if k == si]
            # one sentence: the review's groups; a longer comment's 但是 sentence: its own
            one = linear([sentence], s_pos, s_neg, s_cues, own, view, lex, groups)
            scores.append(0.0 if one is None else one[0])
            continue
        found_s = each[si]  # linear() inlined: the loop runs for every sentence
        if not s_cues and view_cues.isdisjoint(found_s):
            scores.append(0.0)
            continue
        zs = sum(filter(None, map(get, found_s)), 0j)
        ngrams = zs.real / math.sqrt(zs.imag + kappa)
        scores.append(ngrams + w_pos * damp(s_pos) + w_neg * damp(s_neg))
    # the binary view
    b = sum(filter(None, map(m.binary.get, found)), 0j)
    n = len(scores)
    return [
        z,
        damp(pos),
        damp(neg),
        math.log1p(norm),
        n,
        math.log(len(text)),
        len(marks),
        sum(scores) / n,
        min(scores),
        max(scores),
        scores[0],
        scores[-1],
        b.real / math.sqrt(b.imag) if b.imag else 0.0,
    ]


def say(x: list[float], kappa: float) -> float:
    """How far the stacker is listened to: norm / (norm + kappa) of the review's n-gram
    evidence (Model.stack_kappa). A short comment has too few n-grams for the views to
    disagree on and stays with the review view, whose lexicon carries it ("不太满意",
    "一点都不贵"); a review is the stacker's."""
    norm = math.expm1(x[3])
    return norm / (norm + kappa)


#: the stacker's inputs, in order
FEATURES = (
    "review log-odds",
    "lexicon positive",
    "lexicon negative",
    "log(1 + n-gram evidence)",
    "sentences",
    "log(characters)",
    "contrast marks",
    "sentence mean",
    "sentence min",
    "sentence max",
    "first sentence",
    "last sentence",
    "binary view",
)


def neural_score(text: str, net: Neural) -> float:
    """The neural view's log-odds for a comment (lower-cased, the first maxlen characters)."""
    get, unknown = net.chars.get, net.unknown
    rows = [get(ch, unknown) for ch in text.lower()[: net.maxlen]]
    if not rows:
        return net.out_bias
    rows += [net.pad] * (WIDTH - 1)
    top = net.top
    full = (1 << LANE) - 1
    a, b, c, d = rows[:WIDTH]
    best = a[0] + b[1] + c[2] + d[3]  # every filter at the first position, one lane each
    for a, b, c, d in zip(rows[1:], rows[2:], rows[3:], rows[4:], strict=False):
        x = a[0] + b[1] + c[2] + d[3]
        # lane by lane, x >= best keeps the lane's top bit of (x | top) - best: no lane
        # borrows from the next, since every lane is below 2 ** (LANE - 1)
        keep = (((x | top) - best) & top) >> (LANE - 1)
        best ^= (x ^ best) & (keep * full)
    lanes = array("H")
    lanes.frombytes(best.to_bytes(2 * net.filters, _ORDER))
    shift = WIDTH * LANE_OFFSET
    total = net.out_bias
    for q, s, b, w in zip(lanes, net.scale, net.bias, net.out, strict=True):
        h = (q - shift) / s + b
        if h > 0:
            total += w * h
    return total


def score(text: str, m: Model) -> float | None:
    """The log-odds of praise, or None when the comment has no sentiment cue."""
    if m.stacker is None:  # the first stage alone (the trainer's)
        parts = sentences(text)
        if not parts:
            return None
        pos, neg, cues, marks = evidence(parts, m)
        review = linear(parts, pos, neg, cues, marks, m.review, m.lexicon)
        return None if review is None else review[0]
    x = features(text, m)
    if x is None:
        return None
    share = say(x, m.stack_kappa)
    z = stack_log_odds(x, share, m.stacker)
    if m.neural_stacker is not None and abs(z) < m.neural_gate and share >= m.neural_min_say:
        z = neural_stacked(text, x, share, m)
    return z


def neural_stacked(text: str, x: list[float], share: float, m: Model) -> float:
    """The stack with the neural view as one more feature. Asked only when the three views'
    verdict is within neural_gate of 0 (the CNN costs ~0.1 ms a comment, and a clear
    verdict is one it would not turn around) and the stacker has at least neural_min_say
    of the say: a short comment is the lexicon's (the CNN learned from reviews)."""
    return stack_log_odds([*x, neural_score(text, m.neural)], share, m.neural_stacker)


def stack_log_odds(x: list[float], share: float, weights: tuple[float, ...]) -> float:
    """The review view's log-odds x[0], and the stacker's weighted features in proportion
    to its say (share, from say())."""
    return (1.0 - share) * x[0] + share * sum(map(operator.mul, weights, x))


def damp(x: float) -> float:
    """Two cues say more than one; a long list of complaints not ten times more."""
    return math.tanh(x)


def polarity(text: str) -> float:
    """-1 very negative .. 1 very positive; exactly 0.0 when nothing expresses sentiment."""
    z = score(text, model())
    if z is None:
        return 0.0
    return math.tanh(z / 2)  # 2 * sigmoid(z) - 1


def lexicon_polarity(text: str) -> float:
    """The rules alone, without the learned weights: for comparison in benchmarks."""
    pos, neg, _, _ = evidence(sentences(text), model())
    return math.tanh(pos + neg)


#: what bench/sentiment_eval.py compares polarity() with
COMPARISONS = {"rules alone: lexicon, negation, intensifiers, contrast": lexicon_polarity}
