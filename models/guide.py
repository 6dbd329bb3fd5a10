"""Self-help guides: troubleshooting articles with ordered steps, searched in full text in
their own language, and counted for whether they helped."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, Column, Computed, ForeignKey, Index, String, Table, Text
from sqlalchemy.dialects.postgresql import JSONB, TSVECTOR
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, created_at, updated_at, uuid_pk

# The text-search configuration follows the guide's language (stemming, stop words).
SEARCH_CONFIG_SQL = (
    "CASE WHEN locale = 'sv' THEN 'swedish'::regconfig ELSE 'english'::regconfig END"
)


class Guide(Base):
    __tablename__ = "guides"
    __table_args__ = (
        CheckConstraint("locale IN ('sv', 'en')", name="locale"),
        CheckConstraint("jsonb_typeof(steps) = 'array'", name="steps_array"),
        CheckConstraint("views >= 0 AND solved >= 0 AND not_solved >= 0", name="counts"),
        Index("ix_guides_search", "search", postgresql_using="gin"),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    external_id: Mapped[str] = mapped_column(String(100), unique=True)
    locale: Mapped[str] = mapped_column(String(2))
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text)
    steps: Mapped[list[Any]] = mapped_column(JSONB)
    search: Mapped[Any] = mapped_column(
        TSVECTOR,
        Computed(
            f"to_tsvector({SEARCH_CONFIG_SQL}, title || ' ' || summary || ' ' || (steps)::text)",
            persisted=True,
        ),
    )
    # How often it was opened, and whether it helped.
    views: Mapped[int] = mapped_column(default=0, server_default="0")
    solved: Mapped[int] = mapped_column(default=0, server_default="0")
    not_solved: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime] = created_at()
    updated_at: Mapped[datetime] = updated_at()


# The device models a guide applies to; none means every model.
guide_models = Table(
    "guide_models",
    Base.metadata,
    Column("guide_id", ForeignKey("guides.id", ondelete="CASCADE"), primary_key=True),
    Column("model_id", ForeignKey("device_models.id", ondelete="CASCADE"), primary_key=True),
)
