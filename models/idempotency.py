"""Idempotency keys: a retried create with the same key and input returns the first result."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Index, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, created_at, uuid_pk

KEY_MAX_LENGTH = 255


class IdempotencyKey(Base):
    __tablename__ = "idempotency_keys"
    __table_args__ = (
        # Per viewer: two clients may well choose the same key.
        UniqueConstraint("viewer", "key"),
        Index(None, "created_at"),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    viewer: Mapped[str] = mapped_column(String(64))
    key: Mapped[str] = mapped_column(String(KEY_MAX_LENGTH))
    mutation: Mapped[str] = mapped_column(String(64))
    input_hash: Mapped[bytes] = mapped_column(LargeBinary(32))
    # What the first call created (None when it creates nothing addressable, e.g. invitations).
    result_id: Mapped[uuid.UUID | None]
    created_at: Mapped[datetime] = created_at()
