"""The topic taxonomy, the topics of each response, and the taxonomy's version."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from feedback.extensions import db
from feedback.timeutil import UTCDateTime, utcnow


class Topic(db.Model):
    """What customers talk about (delivery, price ...), with keywords in both languages.
    Keywords are stored as the manager typed them: one per line or comma-separated."""

    __tablename__ = "topics"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(40), unique=True)
    name_en: Mapped[str] = mapped_column(String(80))
    name_zh: Mapped[str] = mapped_column(String(80))
    keywords_en: Mapped[str] = mapped_column(Text, default="")
    keywords_zh: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    def name(self, locale: str | None) -> str:
        return self.name_zh if (locale or "").startswith("zh") else self.name_en


class ResponseTopic(db.Model):
    __tablename__ = "response_topics"
    __table_args__ = (Index("ix_response_topics_topic_id", "topic_id", "response_id"),)

    response_id: Mapped[int] = mapped_column(
        ForeignKey("responses.id", ondelete="CASCADE"), primary_key=True
    )
    topic_id: Mapped[int] = mapped_column(
        ForeignKey("topics.id", ondelete="CASCADE"), primary_key=True
    )


class AnalysisState(db.Model):
    """One row. taxonomy_version goes up with every change of the topics, in the same
    transaction; a response tagged with a lower version is tagged again by the worker."""

    __tablename__ = "analysis_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    taxonomy_version: Mapped[int] = mapped_column(Integer, default=1)
    #: one re-tagging run at a time (the worker's job or `flask analysis retag`)
    retag_owner: Mapped[str | None] = mapped_column(String(120))
    retag_lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
