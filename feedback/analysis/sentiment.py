"""Polarity of a comment in English, Chinese or both, and its label.

Each language has its own analyzer (english.py, chinese.py). A mixed comment
("Service was great, 谢谢") is split: its Latin words and emoji go to the English analyzer,
the rest to the Chinese one, and the two polarities are averaged, weighted by how much of
the comment each part is (Han characters against Latin words and runs of emoji; not
punctuation). When the English part says nothing ("在ctrip订的", "这家店yyds"), the whole
comment is the Chinese analyzer's.
"""

from __future__ import annotations

import re

from feedback.analysis import chinese, english
from feedback.analysis.text import HAN_RUN, LATIN_WORD, han_runs, simplified

POSITIVE, NEUTRAL, NEGATIVE = "positive", "neutral", "negative"
LABELS = (POSITIVE, NEUTRAL, NEGATIVE)
#: polarities closer to 0 than this are neutral: too weak a cue to route a case on
NEUTRAL_BAND = 0.15

# Chinese punctuation: alone, it is no sign of English in a Chinese comment
_ZH_PUNCT = re.compile(r"[\u3000-\u303f\uff01-\uff0f\uff1a-\uff20]")
_EMOJI = r"[\U0001F300-\U0001FAFF\u2600-\u27BF]"
_SIGNAL = re.compile(r"[^\W\d_]|" + _EMOJI)
# What the English analyzer reads in a mixed comment: Latin words, and runs of emoji (with
# their skin tones, joiners and variation selectors), a run counting as one word: "😂😂😂"
# must not outweigh "前台态度很差"
_EN_TOKEN = re.compile(LATIN_WORD.pattern + "|(?:" + _EMOJI + "[\ufe0e\ufe0f\u200d]?)+")


def label(polarity: float) -> str:
    if polarity >= NEUTRAL_BAND:
        return POSITIVE
    if polarity <= -NEUTRAL_BAND:
        return NEGATIVE
    return NEUTRAL


def polarity(text: str) -> float:
    """From -1 (negative) to 1 (positive); 0.0 when nothing in the text carries a cue."""
    if not _SIGNAL.search(text):
        return 0.0
    runs = han_runs(text)
    if not runs:
        return english.polarity(text)
    rest = HAN_RUN.sub(" ", text)
    if not _has_latin_signal(rest) or (en := english.polarity(rest)) == 0.0:
        # Latin words that say nothing in English ("wifi", "ctrip", "yyds") stay for the
        # Chinese analyzer, which learnt them in its reviews: in CV, blanking them cost 0.1
        # points on hotel and shopping reviews alike
        return chinese.polarity(simplified(text))
    zh = chinese.polarity(simplified(_zh_part(text)))
    if zh == 0.0:
        return en
    zh_weight = sum(len(run) for run in runs) / 1.5  # about a word every 1.5 characters
    en_weight = max(len(_EN_TOKEN.findall(rest)), 1)
    return (zh * zh_weight + en * en_weight) / (zh_weight + en_weight)


def _has_latin_signal(rest: str) -> bool:
    return _SIGNAL.search(_ZH_PUNCT.sub("", rest)) is not None


def _zh_part(text: str) -> str:
    """The comment without what the English analyzer reads (Latin words, emoji). Punctuation
    and digits stay: many Chinese comments are typed with ASCII commas and full stops, and
    they bound the Chinese analyzer's clauses and sentences. A word becomes a blank, which
    is a clause mark too."""
    return _EN_TOKEN.sub(" ", text)
