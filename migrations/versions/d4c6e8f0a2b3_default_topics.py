"""the default topics, installed with the schema

Revision ID: d4c6e8f0a2b3
Revises: b2a4c6e8d0f1
Create Date: 2026-12-06 10:00:00

The default taxonomy came only with `flask demo`, which refuses in production, so a real
installation had no topics and no drivers. It is installed here, in both languages, and
managers edit it afterwards under Topics. This copy is the only one: the app has none.

Keywords name a subject neutrally or as a problem ("wait", "slow", "等了"), never as praise:
"Fast and friendly, thank you!" used to be tagged Waiting time by "fast". A topic that
exists already (by key) is left alone, except that one still holding the previous
defaults exactly (loaded by an earlier `flask demo`) gets the reviewed keywords. The
taxonomy version goes up, so the worker tags the stored comments again.
"""
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'd4c6e8f0a2b3'
down_revision = 'b2a4c6e8d0f1'
branch_labels = None
depends_on = None

# key, English name, Chinese name, English keywords, Chinese keywords
DEFAULT_TOPICS = [
    (
        "delivery", "Delivery", "配送",
        ("delivery", "deliver*", "shipping", "shipped", "courier", "parcel", "package",
         "arrived", "tracking", "dispatch*"),
        ("快递", "物流", "配送", "送货", "发货", "到货", "包裹", "快递员", "送达"),
    ),
    (
        "waiting-time", "Waiting time", "等待时间",
        ("wait*", "slow", "slowly", "late", "delay*", "overdue", "on hold", "took forever",
         "took ages", "queue"),
        ("等待", "等了", "久等", "排队", "慢", "太慢", "很慢", "慢死", "速度慢", "延迟", "延误",
         "拖延", "迟到", "超时"),
    ),
    (
        "price", "Price", "价格",
        ("price", "pricing", "expensive", "overpriced", "cost*", "value for money",
         "discount", "fee"),
        ("价格", "价钱", "贵", "太贵", "性价比", "优惠", "折扣", "收费"),
    ),
    (
        "staff-attitude", "Staff attitude", "服务态度",
        ("staff", "rude", "impolite", "unfriendly", "unhelpful", "attitude", "agent",
         "customer service", "employee*", "waiter", "waitress"),
        ("服务态度", "态度", "客服", "服务员", "前台", "店员", "不耐烦", "没耐心", "没礼貌",
         "不礼貌"),
    ),
    (
        "product-quality", "Product quality", "产品质量",
        ("quality", "broken", "defective", "faulty", "damaged", "stopped working",
         "poor quality", "cheaply made", "fake"),
        ("质量", "品质", "做工", "坏了", "破损", "瑕疵", "次品", "假货"),
    ),
    (
        "refund", "Refund and returns", "退款退货",
        ("refund*", "return*", "money back", "exchange", "chargeback"),
        ("退款", "退货", "退钱", "换货", "退换", "退回"),
    ),
    (
        "app-website", "App or website", "应用和网站",
        ("app", "website", "site", "login", "log in", "checkout", "online", "page", "crash*",
         "bug"),
        ("网站", "网页", "登录", "下单", "页面", "闪退", "系统", "链接"),
    ),
    (
        "billing", "Billing", "账单",
        ("bill", "billing", "invoice", "charged", "overcharged", "payment", "receipt"),
        ("账单", "发票", "扣款", "付款", "支付", "多收"),
    ),
]

# The keywords `flask demo` stored before this review, where they differ: a topic still
# holding them exactly was never edited, and gets the reviewed ones.
PREVIOUS = {
    "waiting-time": (
        ("wait*", "slow", "late", "delay*", "on hold", "took forever", "quick", "fast",
         "on time", "queue"),
        ("等待", "等了", "排队", "太慢", "很慢", "慢死", "延迟", "拖延", "很快", "及时", "准时",
         "速度"),
    ),
    "price": (
        ("price", "pricing", "expensive", "cheap", "overpriced", "cost*", "value for money",
         "discount", "fee"),
        ("价格", "价钱", "贵", "太贵", "便宜", "性价比", "划算", "优惠", "折扣", "收费"),
    ),
    "staff-attitude": (
        ("staff", "rude", "polite", "friendly", "unfriendly", "helpful", "unhelpful",
         "attitude", "agent", "customer service", "employee*", "waiter", "waitress"),
        ("服务态度", "态度", "客服", "服务员", "前台", "店员", "热情", "礼貌", "耐心", "不耐烦"),
    ),
    "product-quality": (
        ("quality", "broken", "defective", "faulty", "damaged", "works great",
         "stopped working", "poor quality", "durable", "cheaply made"),
        ("质量", "品质", "做工", "坏了", "破损", "瑕疵", "次品", "假货", "正品", "耐用"),
    ),
}


def _lines(keywords):
    """Stored as the topic form stores them: one keyword a line."""
    return "\n".join(keywords)


def install(connection) -> int:
    """Add the default topics that are missing and mend the untouched previous ones; bump
    the taxonomy version when anything changed. Returns how many topics it wrote."""
    now = datetime.now(timezone.utc)
    if connection.dialect.name == "sqlite":
        now = now.replace(tzinfo=None)  # stored as naive UTC there
    insert = sa.text(
        "INSERT INTO topics (key, name_en, name_zh, keywords_en, keywords_zh, active,"
        " created_at, updated_at) SELECT :key, :name_en, :name_zh, :keywords_en,"
        " :keywords_zh, :active, :now, :now"
        " WHERE NOT EXISTS (SELECT 1 FROM topics WHERE key = :existing)"
    ).bindparams(
        sa.bindparam("now", type_=sa.DateTime(timezone=True)),
        sa.bindparam("active", type_=sa.Boolean()),
    )
    mend = sa.text(
        "UPDATE topics SET keywords_en = :keywords_en, keywords_zh = :keywords_zh,"
        " updated_at = :now WHERE key = :key AND keywords_en = :old_en"
        " AND keywords_zh = :old_zh"
    ).bindparams(sa.bindparam("now", type_=sa.DateTime(timezone=True)))
    written = 0
    for key, name_en, name_zh, keywords_en, keywords_zh in DEFAULT_TOPICS:
        values = {
            "key": key,
            "name_en": name_en,
            "name_zh": name_zh,
            "keywords_en": _lines(keywords_en),
            "keywords_zh": _lines(keywords_zh),
            "now": now,
        }
        written += connection.execute(insert, {**values, "existing": key, "active": True}).rowcount
        if key in PREVIOUS:
            old_en, old_zh = PREVIOUS[key]
            old = {"old_en": _lines(old_en), "old_zh": _lines(old_zh)}
            written += connection.execute(
                mend, {k: values[k] for k in ("key", "keywords_en", "keywords_zh", "now")} | old
            ).rowcount
    if written:
        connection.execute(
            sa.text("UPDATE analysis_state SET taxonomy_version = taxonomy_version + 1")
        )
    return written


def upgrade():
    install(op.get_bind())


def downgrade():
    # Only the defaults nobody changed and no routing rule names go (a rule on a deleted
    # topic would go with it); the tags they gave go too, and are made again on upgrade.
    connection = op.get_bind()
    remove = sa.text(
        "DELETE FROM topics WHERE key = :key AND name_en = :name_en AND name_zh = :name_zh"
        " AND keywords_en = :keywords_en AND keywords_zh = :keywords_zh"
        " AND NOT EXISTS (SELECT 1 FROM routing_rules WHERE topic_id = topics.id)"
    )
    removed = 0
    for key, name_en, name_zh, keywords_en, keywords_zh in DEFAULT_TOPICS:
        removed += connection.execute(
            remove,
            {
                "key": key,
                "name_en": name_en,
                "name_zh": name_zh,
                "keywords_en": _lines(keywords_en),
                "keywords_zh": _lines(keywords_zh),
            },
        ).rowcount
    if removed:
        connection.execute(
            sa.text("UPDATE analysis_state SET taxonomy_version = taxonomy_version + 1")
        )
