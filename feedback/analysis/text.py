"""Text helpers shared by the analyzers: scripts, Chinese words, English words.

Pure: no Flask. Everything heavy (jieba's dictionary, the traditional-to-simplified
table) loads once per process, on first use.
"""

from __future__ import annotations

import functools
import logging
import re
import unicodedata
from pathlib import Path

# CJK Unified Ideographs, extension A, compatibility ideographs.
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
LATIN_WORD = re.compile(r"[A-Za-z\u00c0-\u024f]+(?:['\u2019][A-Za-z]+)*")


def normalize(text: str) -> str:
    """NFKC: full-width letters and digits become ASCII, compatibility forms unify; text
    that is not valid Unicode (lone surrogates) gets "?" in their place."""
    text = (text or "").encode("utf-8", "replace").decode("utf-8")  # lone surrogates
    return unicodedata.normalize("NFKC", text).strip()


def han_count(text: str) -> int:
    return len(_HAN.findall(text))


def has_han(text: str) -> bool:
    return _HAN.search(text) is not None


def han_runs(text: str) -> list[str]:
    return HAN_RUN.findall(text)


def latin_words(text: str) -> list[str]:
    """Lower-cased Latin words; apostrophes stay inside ("don't")."""
    return [w.lower().replace("\u2019", "'") for w in LATIN_WORD.findall(text)]


@functools.cache
def _tokenizer():
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    return tokenizer


def zh_words(text: str) -> list[str]:
    """jieba's words of a (simplified) Chinese text, without blanks."""
    return [w for w in _tokenizer().cut(text, HMM=False) if w.strip()]


@functools.cache
def _to_simplified():
    import zhconv

    # By its path: zhconv's own default loader leaves the file open.
    zhconv.loaddict(str(Path(zhconv.__file__).with_name("zhcdict.json")))
    return functools.partial(zhconv.convert, locale="zh-cn")


def simplified(text: str) -> str:
    """Traditional characters become simplified ones; other text is left as it is."""
    return _to_simplified()(text) if has_han(text) else text
