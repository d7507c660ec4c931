"""The default topic taxonomy, loaded by `flask demo` and a sensible start for anyone."""

from __future__ import annotations

from sqlalchemy import select

from feedback.extensions import db
from feedback.tagging.models import Topic
from feedback.tagging.services import save_topic

# key, English name, Chinese name, English keywords, Chinese keywords
DEFAULT_TOPICS = [
    (
        "delivery",
        "Delivery",
        "配送",
        "delivery, deliver*, shipping, shipped, courier, parcel, package, arrived, "
        "tracking, dispatch*",
        "快递, 物流, 配送, 送货, 发货, 到货, 包裹, 快递员, 送达",
    ),
    (
        "waiting-time",
        "Waiting time",
        "等待时间",
        "wait*, slow, late, delay*, on hold, took forever, quick, fast, on time, queue",
        "等待, 等了, 排队, 太慢, 很慢, 慢死, 延迟, 拖延, 很快, 及时, 准时, 速度",
    ),
    (
        "price",
        "Price",
        "价格",
        "price, pricing, expensive, cheap, overpriced, cost*, value for money, discount, fee",
        "价格, 价钱, 贵, 太贵, 便宜, 性价比, 划算, 优惠, 折扣, 收费",
    ),
    (
        "staff-attitude",
        "Staff attitude",
        "服务态度",
        "staff, rude, polite, friendly, unfriendly, helpful, unhelpful, attitude, agent, "
        "customer service, employee*, waiter, waitress",
        "服务态度, 态度, 客服, 服务员, 前台, 店员, 热情, 礼貌, 耐心, 不耐烦",
    ),
    (
        "product-quality",
        "Product quality",
        "产品质量",
        "quality, broken, defective, faulty, damaged, works great, stopped working, "
        "poor quality, durable, cheaply made",
        "质量, 品质, 做工, 坏了, 破损, 瑕疵, 次品, 假货, 正品, 耐用",
    ),
    (
        "refund",
        "Refund and returns",
        "退款退货",
        "refund*, return*, money back, exchange, chargeback",
        "退款, 退货, 退钱, 换货, 退换, 退回",
    ),
    (
        "app-website",
        "App or website",
        "应用和网站",
        "app, website, site, login, log in, checkout, online, page, crash*, bug",
        "网站, 网页, 登录, 下单, 页面, 闪退, 系统, 链接",
    ),
    (
        "billing",
        "Billing",
        "账单",
        "bill, billing, invoice, charged, overcharged, payment, receipt",
        "账单, 发票, 扣款, 付款, 支付, 多收",
    ),
]


def ensure_default_topics() -> list[str]:
    """Add the default topics that are missing (by key); change none a manager edited."""
    existing = set(db.session.scalars(select(Topic.key)))
    created = []
    for key, name_en, name_zh, keywords_en, keywords_zh in DEFAULT_TOPICS:
        if key in existing:
            continue
        save_topic(
            None,
            {
                "key": key,
                "name_en": name_en,
                "name_zh": name_zh,
                "keywords_en": keywords_en,
                "keywords_zh": keywords_zh,
                "active": True,
            },
        )
        created.append(f"topic {key}")
    return created
