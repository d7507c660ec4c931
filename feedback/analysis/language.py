"""Which language a comment is in: "en", "zh", "other", or None when it has no letters.

Customers write a few words on a phone ("ok", "thx", "好评", "太慢了") or mix languages
("Service was great, 谢谢"). Scripts settle most of it: Han characters mean Chinese,
kana, hangul, Cyrillic and the like mean a language we do not analyse. Between English
and Chinese, lingua restricted to those two languages decides (it weighs mixed text by
what most of it is). A longer Latin-script text is checked once more against common
European languages, so a Spanish review is "other" rather than a bad English reading;
short ones ("thx", "meh") stay English, where such checks guess wildly.
bench/language_eval.py compares this with langdetect and lingua alone.
"""

from __future__ import annotations

import functools
import re

from feedback.analysis.text import han_count, latin_words

EN, ZH, OTHER = "en", "zh", "other"

# Letters of scripts that are neither Latin nor Han: kana, hangul, Cyrillic, Greek,
# Arabic, Hebrew, Devanagari, Thai ...
_OTHER_SCRIPT = re.compile(
    r"[\u0370-\u03ff\u0400-\u04ff\u0590-\u05ff\u0600-\u06ff\u0900-\u0dff\u0e00-\u0e7f"
    r"\u3040-\u30ff\u31f0-\u31ff\uac00-\ud7af]"
)
_KANA = re.compile(r"[\u3040-\u30ff\u31f0-\u31ff]")
_LATIN_LETTER = re.compile(r"[A-Za-z\u00c0-\u024f]")
#: a Latin text needs this many words before it may be called "other"
MIN_WORDS_FOR_OTHER = 4
MIN_CONFIDENCE_FOR_OTHER = 0.8


@functools.cache
def _en_zh():
    from lingua import Language, LanguageDetectorBuilder

    return LanguageDetectorBuilder.from_languages(Language.ENGLISH, Language.CHINESE).build()


@functools.cache
def _latin():
    from lingua import Language, LanguageDetectorBuilder

    languages = (
        Language.ENGLISH,
        Language.SPANISH,
        Language.FRENCH,
        Language.GERMAN,
        Language.PORTUGUESE,
        Language.ITALIAN,
        Language.DUTCH,
        Language.INDONESIAN,
        Language.VIETNAMESE,
        Language.TURKISH,
    )
    return LanguageDetectorBuilder.from_languages(*languages).with_low_accuracy_mode().build()


def detect(text: str) -> str | None:
    han = han_count(text)
    latin = len(_LATIN_LETTER.findall(text))
    others = len(_OTHER_SCRIPT.findall(text))
    if not (han or latin or others):
        return None
    if others > han + latin or (han and _KANA.search(text)):
        return OTHER  # Han with kana is Japanese
    if han and not latin:
        return ZH
    if han:
        found = _en_zh().detect_language_of(text)
        return ZH if found is not None and found.name == "CHINESE" else EN
    if len(latin_words(text)) >= MIN_WORDS_FOR_OTHER:
        best = _latin().compute_language_confidence_values(text)
        if best and best[0].language.name != "ENGLISH":
            if best[0].value >= MIN_CONFIDENCE_FOR_OTHER:
                return OTHER
    return EN
