"""The analysis entry point: language detection, topics by whole words, mixed comments.

The English and Chinese sentiment tables are in test_analysis_english.py and
test_analysis_chinese.py.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

from feedback.analysis import Taxonomy, TopicSpec, analyze, chinese, sentiment
from feedback.analysis.text import simplified
from feedback.analysis.topics import split_keywords

ROOT = Path(__file__).resolve().parent.parent

TAXONOMY = Taxonomy.compile(
    [
        TopicSpec("delivery", ("delivery", "deliver*", "courier"), ("快递", "物流", "送货")),
        TopicSpec("price", ("price", "expensive", "value for money"), ("价格", "贵", "性价比")),
        TopicSpec("refund", ("refund*", "money back"), ("退款", "退")),
        TopicSpec("staff", ("staff", "customer service"), ("客服", "态度")),
        TopicSpec("waiting", ("wait*", "slow"), ("太慢", "等了")),
    ]
)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("ok", "en"),
        ("thx", "en"),
        ("meh", "en"),
        ("Good", "en"),
        ("The staff was not helpful", "en"),
        ("好评", "zh"),
        ("太慢了", "zh"),
        ("差", "zh"),
        ("服務態度很差", "zh"),  # traditional characters
        ("Service was great, 谢谢", "en"),  # mostly English
        ("快递很快 good", "zh"),  # mostly Chinese
        ("ＯＫ", "en"),  # full-width letters from a Chinese keyboard
        ("Muy bueno, llegó rápido y en perfecto estado", "other"),
        ("Das Essen war kalt und der Kellner unfreundlich", "other"),
        ("とても良い商品です", "other"),  # Japanese: kana with Han
        ("배송이 빨라요", "other"),
        ("Очень хорошо", "other"),
        ("👍", None),
        ("!!!", None),
        ("", None),
    ],
)
def test_language_of_short_and_mixed_comments(text, language):
    assert analyze(text).language == language


@pytest.mark.parametrize(
    ("text", "topics"),
    [
        ("The prices are too high", ["price"]),
        ("Priceless, thank you", []),  # "price" inside a longer word
        ("It was expensive", ["price"]),
        ("I want my money back; refunded late", ["refund"]),
        ("Delivered on Monday", ["delivery"]),  # deliver* matches a word's start
        ("Rediscovered the joy", []),  # ... but not the middle of a word
        ("Customer service was rude", ["staff"]),
        ("The customer was rude", []),  # a phrase needs all its words in a row
        ("Waiting for ages, slow courier", ["delivery", "waiting"]),
        ("客服态度很差", ["staff"]),
        ("我要退款", ["refund"]),
        ("退出登录不了", []),  # 退 inside the word 退出
        ("快递太慢了", ["delivery", "waiting"]),
        ("性价比很高", ["price"]),
        ("价格贵", ["price"]),
        ("物流很快，送貨上門", ["delivery"]),  # traditional 送貨 matches 送货
        ("Great value for money, 客服很好", ["price", "staff"]),
        ("", []),
    ],
)
def test_topics_match_whole_words_in_both_languages(text, topics):
    assert list(analyze(text, TAXONOMY).topics) == topics


def test_keywords_are_split_the_way_managers_type_them():
    assert split_keywords("price,  cost\nvalue  for money ,,price") == [
        "price",
        "cost",
        "value for money",
    ]
    assert split_keywords("快递，物流、送货") == ["快递", "物流", "送货"]


@pytest.mark.parametrize("text", ["", "   ", "...", "？！。", "-_-", "\n\t", "12345"])
def test_empty_and_punctuation_only_comments_are_neutral(text):
    found = analyze(text, TAXONOMY)
    assert (found.polarity, found.label, found.topics) == (0.0, "neutral", ())


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("Service was great, 谢谢", "positive"),
        ("Terrible delivery, 太差了", "negative"),
        ("东西很好 but the courier was rude and late", "negative"),
        ("好评👍", "positive"),
        ("😡😡", "negative"),
        ("服務態度很差", "negative"),
        ("Loved it ❤️", "positive"),
        # a run of emoji is one word against the Chinese, whatever its length or skin tone
        ("前台态度很差😂😂😂", "negative"),
        ("😂😂😂😂 太差了", "negative"),
        ("前台态度很差👍🏻👍🏻", "negative"),
        ("😭😭😭😭 终于到了，很喜欢", "positive"),
    ],
)
def test_mixed_emoji_and_traditional_comments(text, label):
    assert analyze(text).label == label


@pytest.mark.parametrize(
    "text",
    ["在ctrip订的,房间不大,早餐一般.但是位置很好,服务热情", "房间不错,在Booking上订的,下次还住"],
)
def test_a_latin_name_leaves_a_chinese_comment_to_the_chinese_analyzer(text):
    """ "ctrip", "Booking" say nothing in English: the Chinese analyzer reads the whole
    comment, as it read its training reviews, rather than an average with a silent part."""
    assert analyze(text).polarity == round(chinese.polarity(simplified(text)), 4)


def test_chinese_internet_slang_in_latin_letters_counts():
    assert analyze("这家店yyds").label == "positive"
    assert analyze("还行ok").label == "positive"


def test_mixed_comments_keep_their_ascii_punctuation_for_the_chinese_analyzer():
    """With English that does say something, the Chinese part keeps the commas and full
    stops that bound its clauses and sentences; only the Latin words are blanked."""
    assert sentiment._zh_part("房间很大,很干净.但是wifi太慢") == "房间很大,很干净.但是 太慢"


def test_punctuation_does_not_count_as_english_words():
    """Two complaints outweigh a two-word aside, however the comment is spaced."""
    assert analyze("太慢了 , , , 包装也破了 ! ! ! great price though").polarity < 0


def test_an_unanalysed_language_is_neutral_not_guessed():
    found = analyze("Das Essen war kalt und der Kellner unfreundlich")
    assert (found.language, found.label) == ("other", "neutral")


def test_polarity_is_bounded_and_rounded():
    for text in ("very very very good!!!", "太差了太差了太差了", "worst ever 😡😡😡"):
        assert -1.0 <= analyze(text).polarity <= 1.0


def test_the_analysis_package_imports_no_flask():
    """Pure: it must run in a script, a worker or a notebook alike."""
    for path in (ROOT / "feedback" / "analysis").glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                assert not name.startswith(("flask", "sqlalchemy")), (path.name, name)
                if name.startswith("feedback"):
                    assert name.startswith("feedback.analysis"), (path.name, name)


def test_models_load_once_per_process_and_need_no_network(tmp_path):
    """In a fresh interpreter with no NLTK data, no home directory and no network:
    warm_up() loads every model (flask worker does at start), and later
    analyses load none again."""
    script = """
import functools, socket
def no_network(*args, **kwargs):
    raise OSError("network used")
socket.socket.connect = no_network
socket.create_connection = no_network
from feedback.analysis import Taxonomy, TopicSpec, analyze, warm_up
from feedback.analysis import chinese, english, language, text
loaders = [text._tokenizer, text._to_simplified, language._en_zh, language._latin,
           english.model, english._vader, chinese.model]
modules = [text, language, english, chinese]
cached = [f for m in modules for f in vars(m).values() if hasattr(f, "cache_info")]
assert set(cached) == set(loaders), cached
warm_up()
first = [f.cache_info().misses for f in loaders]
taxonomy = Taxonomy.compile([TopicSpec("delivery", ("delivery",), ("快递",))])
for comment in ["Great service 服务很好, 快递很快", "The courier was late and rude again",
                "服務態度很差", "Muy bueno, llegó rápido y en perfecto estado", "👍"] * 10:
    analyze(comment, taxonomy)
print(first == [f.cache_info().misses for f in loaders] == [1] * len(loaders))
"""
    env = {
        **os.environ,
        "NLTK_DATA": str(tmp_path / "nltk"),
        "HOME": str(tmp_path),
        "PYTHONPATH": str(ROOT),
    }
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"
    assert not (tmp_path / "nltk").exists()
