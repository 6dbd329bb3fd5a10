"""Failed sign-ins, counted per e-mail and address, per e-mail, per address (auth/throttle.py)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Index, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, created_at, uuid_pk


class SignInFailure(Base):
    __tablename__ = "sign_in_failures"
    # The e-mail's counts use the first index (its leading column), the address's the second.
    __table_args__ = (
        Index(None, "email_hash", "address", "failed_at"),
        Index(None, "address", "failed_at"),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    # A hash: the table should not become a list of whatever people typed as e-mails.
    email_hash: Mapped[bytes] = mapped_column(LargeBinary(32))
    address: Mapped[str] = mapped_column(String(64))
    failed_at: Mapped[datetime] = created_at()
