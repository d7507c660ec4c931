"""Language detection: the product's detector against lingua alone and langdetect.

    python bench/language_eval.py

Labelled texts: the English and Chinese comment files of ../shared/data/sentiment (whole
sentences; a slice of the Chinese reviews also in traditional characters), short phone
comments in both languages, mixed comments labelled by their main language, and short
reviews in other languages (expected "other"). Reports accuracy per group and texts per
second on one core. langdetect (`pip install langdetect`) is optional.
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _server import machine  # noqa: E402

from training import data  # noqa: E402

SHORT_EN = (
    "ok, thx, good, great, meh, love it, not bad, too slow, fast delivery, rude staff, "
    "thanks!, perfect, bad, awful service, nice, 5 stars, never again, well done, "
    "all good, late again, cheap, broken, no reply, super, A+, so-so, fine, cool, yes, lol"
).split(", ")
SHORT_ZH = (
    "好评,差评,太慢了,不错,很好,满意,很满意,一般,还行,垃圾,服务好,态度差,快递快,谢谢,"
    "推荐,失望,太贵了,挺好,好,差,棒,赞,无语,退款,慢死了,物流快,客服差,很棒,可以,还可以"
).split(",")
MIXED = [
    ("Service was great, 谢谢", "en"),
    ("Delivery was late again, 太慢了", "en"),
    ("The courier was very polite 👍 谢谢", "en"),
    ("快递很快 good", "zh"),
    ("好评！东西很好用，ok", "zh"),
    ("客服态度太差了，bad", "zh"),
    ("这个app太难用了", "zh"),
    ("iPhone 充电很快，满意", "zh"),
    ("Great value for money 性价比高", "en"),
    ("物流很快，包装也很好，five stars", "zh"),
]
OTHER = [
    "Muy bueno, llegó rápido y en perfecto estado",
    "El servicio al cliente fue muy malo",
    "Très bon produit, livraison rapide",
    "Le service client ne répond jamais",
    "Das Essen war kalt und der Kellner unfreundlich",
    "Lieferung kam zu spät, sehr enttäuschend",
    "Produto ótimo, chegou antes do prazo",
    "Il servizio è stato pessimo e lento",
    "Het pakket kwam veel te laat aan",
    "Ürün çok güzel, hızlı kargo",
    "とても良い商品です",
    "配達が遅すぎます",
    "배송이 빨라요",
    "서비스가 너무 별로예요",
    "Очень хорошо, спасибо",
    "Доставка опоздала на неделю",
    "Sản phẩm rất tốt, giao hàng nhanh",
    "Pelayanan sangat buruk dan lambat",
]


def groups() -> dict[str, list[tuple[str, str]]]:
    import zhconv

    english = [text for text, _ in data.english()]
    chinese = [text for text, _ in data.chinese()]
    rng = random.Random(data.SEED)
    sample = rng.sample(chinese, 1000)
    return {
        "short en": [(t, "en") for t in SHORT_EN],
        "short zh": [(t, "zh") for t in SHORT_ZH],
        "sentences en": [(t, "en") for t in english],
        "reviews zh": [(t, "zh") for t in sample],
        "traditional zh": [(zhconv.convert(t, "zh-tw"), "zh") for t in sample[:200]],
        "mixed": MIXED,
        "other": [(t, "other") for t in OTHER],
    }


def _product():
    from feedback.analysis.language import detect

    return detect


def _lingua_en_zh():
    from lingua import Language, LanguageDetectorBuilder

    detector = LanguageDetectorBuilder.from_languages(Language.ENGLISH, Language.CHINESE).build()
    names = {Language.ENGLISH: "en", Language.CHINESE: "zh"}

    def detect(text):
        return names.get(detector.detect_language_of(text))

    return detect


def _langdetect():
    from langdetect import DetectorFactory, LangDetectException
    from langdetect import detect as guess

    DetectorFactory.seed = 0

    def detect(text):
        try:
            code = guess(text)
        except LangDetectException:
            return None
        return "zh" if code.startswith("zh") else "en" if code == "en" else "other"

    return detect


def _scripts_only():
    from feedback.analysis.language import _OTHER_SCRIPT
    from feedback.analysis.text import han_count, latin_words

    def detect(text):
        han, latin = han_count(text), sum(len(w) for w in latin_words(text))
        if _OTHER_SCRIPT.search(text):
            return "other"
        if han * 3 >= latin and han:
            return "zh"
        return "en" if latin else None

    return detect


DETECTORS = {
    "product (scripts + lingua en/zh + lingua Latin check)": _product,
    "lingua restricted to en, zh": _lingua_en_zh,
    "langdetect (55 languages)": _langdetect,
    "Unicode scripts only": _scripts_only,
}


def main() -> None:
    sets = groups()
    print(f"Language detection on {machine()}")
    header = ["detector", *sets, "all", "texts/s"]
    print(" | ".join(header))
    for name, make in DETECTORS.items():
        try:
            detect = make()
        except ImportError as exc:
            print(f"{name}: skipped ({exc})")
            continue
        detect("warm up")
        cells, right, total = [], 0, 0
        started = time.perf_counter()
        for rows in sets.values():
            ok = sum(detect(text) == expected for text, expected in rows)
            cells.append(f"{100 * ok / len(rows):.1f}%")
            right, total = right + ok, total + len(rows)
        elapsed = time.perf_counter() - started
        print(" | ".join([name, *cells, f"{100 * right / total:.1f}%", f"{total / elapsed:,.0f}"]))


if __name__ == "__main__":
    main()
