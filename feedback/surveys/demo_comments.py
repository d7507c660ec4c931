"""The demo's comments, each written for a score band, so the analysis of the demo shows
what it does: complaints on unhappy scores, praise on happy ones, mixed words between.
Bands are scoring.mood's (promoter, passive, detractor for NPS; high, mid, low for CSAT
and CES)."""

from __future__ import annotations

import random

from feedback.scoring import mood

#: the share of answers left without a comment
NO_COMMENT = 0.2

#: {language: {mood: comments}}: -1 unhappy, 0 neutral, 1 happy
COMMENTS: dict[str, dict[int, tuple[str, ...]]] = {
    "en": {
        -1: (
            "The parcel arrived late and nobody told me.",
            "I waited 40 minutes on the phone before anyone answered.",
            "The app kept logging me out at checkout.",
            "Two weeks on and my refund still hasn't arrived.",
            "The staff were rude when I asked for help.",
            "It stopped working after three days.",
            "I was charged twice and nobody has fixed it.",
            "Far too expensive for what you get.",
        ),
        0: (
            "It was fine, nothing special.",
            "Good product, but a little pricey.",
            "OK overall; the website could be easier to use.",
            "Arrived on the day promised, though the box was dented.",
            "Sorted in the end, but it took two calls.",
        ),
        1: (
            "Fast and friendly, thank you!",
            "Staff were very helpful.",
            "Great quality, exactly as described.",
            "Everything arrived early and well packed.",
            "Easy to order and a fair price.",
            "Sorted out my problem in one call. Thank you!",
        ),
    },
    "zh": {
        -1: (
            "退款太慢了。",
            "等了太久，客服态度也不好。",
            "快递晚了三天，也没人通知我。",
            "东西用了两天就坏了。",
            "网站一直登录不上，没法下单。",
            "被多收了钱，到现在还没处理。",
            "价格太贵了，不值这个价。",
        ),
        0: (
            "还可以，没什么特别的。",
            "东西不错，就是价格有点贵。",
            "按时送到了，但是包装有点破损。",
            "总体还行，网站可以更好用一些。",
            "问题解决了，不过打了两次电话。",
        ),
        1: (
            "送货很快，服务很好！",
            "价格合理，质量不错。",
            "客服很耐心，一次就解决了问题。",
            "包装很好，东西和描述的一样。",
            "下单方便，很满意。",
        ),
    },
}


def demo_comment(rng: random.Random, kind: str, score: int, language: str) -> str:
    """A comment that fits the score's band, in the customer's language ("" for none)."""
    if rng.random() < NO_COMMENT:
        return ""
    pools = COMMENTS.get(language, COMMENTS["en"])
    return rng.choice(pools[mood(kind, score)])
