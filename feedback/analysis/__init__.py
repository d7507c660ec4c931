"""Comment analysis: language, sentiment and topics. Pure: no Flask, no database.

    analyze("快递太慢了，客服态度也不好", taxonomy)
    → Analysis(language="zh", polarity=-0.9, label="negative", topics=("delivery", "staff"))

Models load once per process, on first use (see text.py, english.py, chinese.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from feedback.analysis import language as _language
from feedback.analysis import sentiment as _sentiment
from feedback.analysis.text import normalize
from feedback.analysis.topics import EMPTY, Taxonomy, TopicSpec

__all__ = ["Analysis", "Taxonomy", "TopicSpec", "analyze", "warm_up"]


@dataclass(frozen=True)
class Analysis:
    language: str | None  # "en", "zh", "other"; None for text without letters
    polarity: float  # -1 .. 1
    label: str  # "positive", "neutral", "negative"
    topics: tuple[str, ...]  # keys of the matching topics


def analyze(text: str | None, taxonomy: Taxonomy = EMPTY) -> Analysis:
    """The one entry point. Empty, punctuation-only and unknown-language comments come
    back neutral, never as an error."""
    text = normalize(text or "")
    if not text:
        return Analysis(None, 0.0, _sentiment.NEUTRAL, ())
    language = _language.detect(text)
    polarity = 0.0 if language == _language.OTHER else _sentiment.polarity(text)
    polarity = round(max(-1.0, min(1.0, polarity)), 4)
    return Analysis(language, polarity, _sentiment.label(polarity), tuple(taxonomy.match(text)))


def warm_up() -> None:
    """Load every model now (`flask worker` does at start, not while it tags the first
    comment)."""
    words = Taxonomy.compile([TopicSpec("warm-up", ("delivery",), ("快递",))])
    analyze("Service was great, but delivery was slow. 服务很好，但是快递太慢了。", words)
    analyze("The staff was not helpful at all", words)  # Latin-only: lingua's other models
