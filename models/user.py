"""People who sign in: customers (through account memberships) and the provider's staff."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, created_at, string_enum, updated_at, uuid_pk

LOCALES = ("sv", "en")
EMAIL_MAX_LENGTH = 254
NAME_MAX_LENGTH = 200
PHONE_MAX_LENGTH = 40


class UserKind(StrEnum):
    CUSTOMER = "CUSTOMER"
    STAFF = "STAFF"


class User(Base):
    __tablename__ = "users"
    __table_args__ = (
        # E-mails are unique regardless of case: stored lower-cased, and the database insists.
        CheckConstraint("email = lower(email)", name="email_lowercase"),
        CheckConstraint("locale IN ('sv', 'en')", name="locale"),
        CheckConstraint("length(name) > 0", name="name_not_empty"),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    email: Mapped[str] = mapped_column(String(EMAIL_MAX_LENGTH), unique=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX_LENGTH))
    phone: Mapped[str | None] = mapped_column(String(PHONE_MAX_LENGTH))
    locale: Mapped[str] = mapped_column(String(2), default="en", server_default="en")
    kind: Mapped[UserKind] = mapped_column(string_enum(UserKind, "user_kind"))
    # None until the person sets a password (an invitation not yet accepted).
    password_hash: Mapped[str | None] = mapped_column(String(255))
    notify_ticket_updates: Mapped[bool] = mapped_column(default=True, server_default="true")
    notify_supply_order_updates: Mapped[bool] = mapped_column(default=True, server_default="true")
    notify_meter_reading_reminders: Mapped[bool] = mapped_column(
        default=True, server_default="true"
    )
    # Admins may follow every case of their accounts, not only their own: off unless chosen.
    notify_account_ticket_updates: Mapped[bool] = mapped_column(
        default=False, server_default="false"
    )
    # None until the person proves the address (self-registration); set at once otherwise.
    email_verified_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = created_at()
    updated_at: Mapped[datetime] = updated_at()


def normalize_email(email: str) -> str:
    return email.strip().lower()
