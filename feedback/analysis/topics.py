"""Topics by keyword, matched on whole words in English and in Chinese.

A taxonomy is compiled once from plain data (the managers edit it in the database; this
module never sees the database). English keywords match words, not letters inside
words: "price" matches "price" and "prices" but not "priceless"; a keyword ending in "*"
matches any word that starts with it ("refund*" matches "refunded"); several words match
those words in a row ("customer service"). Chinese keywords match jieba's words, or a run
of neighbouring words that together spell the keyword (jieba may cut "客服" in two), but
never part of a longer word: "退" does not match inside "退出".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from feedback.analysis.text import has_han, latin_words, simplified, zh_words


def split_keywords(raw: str) -> list[str]:
    """Keywords as a manager types them: one per line or separated by commas."""
    parts = raw.replace("，", ",").replace("、", ",").replace("\n", ",").split(",")
    seen: dict[str, None] = {}
    for part in parts:
        keyword = " ".join(part.split())
        if keyword:
            seen.setdefault(keyword, None)
    return list(seen)


def _stem(word: str) -> str:
    """Singular-ish: prices → price, deliveries → delivery, the shop's → the shop."""
    word = word.lower()
    if word.endswith("'s"):
        word = word[:-2]
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


@dataclass(frozen=True)
class TopicSpec:
    key: str
    keywords_en: tuple[str, ...] = ()
    keywords_zh: tuple[str, ...] = ()


@dataclass
class Taxonomy:
    """Compiled for matching: lookups by first word, so a comment costs one pass."""

    topics: tuple[TopicSpec, ...] = ()
    version: int = 0
    # first stem → [(rest stems, last-is-prefix, prefix, topic key)]
    _en: dict[str, list[tuple[tuple[str, ...], str | None, str]]] = field(default_factory=dict)
    _en_prefixes: list[tuple[str, str]] = field(default_factory=list)
    _zh: dict[str, set[str]] = field(default_factory=dict)

    @classmethod
    def compile(cls, topics: Iterable[TopicSpec], version: int = 0) -> Taxonomy:
        taxonomy = cls(topics=tuple(topics), version=version)
        for topic in taxonomy.topics:
            for keyword in topic.keywords_en:
                taxonomy._add_en(keyword, topic.key)
            for keyword in topic.keywords_zh:
                word = simplified("".join(keyword.split()))
                if word:
                    taxonomy._zh.setdefault(word, set()).add(topic.key)
        return taxonomy

    def _add_en(self, keyword: str, key: str) -> None:
        words = latin_words(keyword)
        if not words:
            return
        prefix = None
        if keyword.rstrip().endswith("*"):
            prefix = words[-1]
            words = words[:-1]
            if not words:
                self._en_prefixes.append((prefix, key))
                return
        stems = tuple(_stem(w) for w in words)
        self._en.setdefault(stems[0], []).append((stems[1:], prefix, key))

    def match(self, text: str) -> list[str]:
        """The keys of the topics a text mentions, in taxonomy order."""
        found: set[str] = set()
        if self._en or self._en_prefixes:
            self._match_en(latin_words(text), found)
        if self._zh and has_han(text):
            self._match_zh(text, found)
        return [t.key for t in self.topics if t.key in found]

    def _match_en(self, words: list[str], found: set[str]) -> None:
        stems = [_stem(w) for w in words]
        for i, stem in enumerate(stems):
            for rest, prefix, key in self._en.get(stem, ()):
                end = i + 1 + len(rest)
                if tuple(stems[i + 1 : end]) != rest:
                    continue
                if prefix is None or (end < len(words) and words[end].startswith(prefix)):
                    found.add(key)
            for prefix, key in self._en_prefixes:
                if words[i].startswith(prefix):
                    found.add(key)

    def _match_zh(self, text: str, found: set[str]) -> None:
        text = simplified(text)
        if not any(keyword in text for keyword in self._zh):
            return  # jieba is the slow part: cut only when some keyword is spelled out
        words = zh_words(text)
        for i in range(len(words)):
            spelled = ""
            for word in words[i : i + _MAX_SPAN]:
                spelled += word
                keys = self._zh.get(spelled)
                if keys:
                    found.update(keys)


#: a Chinese keyword may span at most this many of jieba's words ("客服" may be "客/服")
_MAX_SPAN = 4

EMPTY = Taxonomy()
