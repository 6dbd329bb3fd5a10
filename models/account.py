"""Customer accounts, the people in them (memberships) and staff-only payment history."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, created_at, string_enum, updated_at, uuid_pk

TEXT_MAX_LENGTH = 200


class AccountRole(StrEnum):
    ADMIN = "ADMIN"
    CUSTOMER = "CUSTOMER"


class Account(Base):
    __tablename__ = "accounts"
    __table_args__ = (
        CheckConstraint("billing_country ~ '^[A-Z]{2}$'", name="billing_country_iso"),
        CheckConstraint("jsonb_typeof(delivery_addresses) = 'array'", name="delivery_addresses"),
        CheckConstraint(
            "meter_reading_interval_days BETWEEN 1 AND 366", name="meter_reading_interval"
        ),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    # The back-office system's key: the same key always names the same account.
    external_id: Mapped[str] = mapped_column(String(100), unique=True)
    customer_number: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(TEXT_MAX_LENGTH))
    timezone: Mapped[str] = mapped_column(String(64))
    billing_street: Mapped[str] = mapped_column(String(TEXT_MAX_LENGTH))
    billing_postal_code: Mapped[str] = mapped_column(String(16))
    billing_city: Mapped[str] = mapped_column(String(100))
    billing_country: Mapped[str] = mapped_column(String(2))
    credit_rating: Mapped[str | None] = mapped_column(String(16))
    # Contact details the account's admins keep up to date themselves.
    main_contact: Mapped[str | None] = mapped_column(String(TEXT_MAX_LENGTH))
    phone: Mapped[str | None] = mapped_column(String(40))
    invoice_email: Mapped[str | None] = mapped_column(String(254))
    delivery_addresses: Mapped[list[dict[str, Any]]] = mapped_column(
        JSONB, default=list, server_default="[]"
    )
    # How often meters are to be read; a device older than this gets a reminder.
    meter_reading_interval_days: Mapped[int] = mapped_column(default=30, server_default="30")
    # The contract includes consumables: low levels reported by devices order by themselves.
    consumables_included: Mapped[bool] = mapped_column(default=False, server_default="false")
    created_at: Mapped[datetime] = created_at()
    updated_at: Mapped[datetime] = updated_at()


class Membership(Base):
    __tablename__ = "memberships"
    __table_args__ = (Index(None, "user_id"),)

    account_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[AccountRole] = mapped_column(string_enum(AccountRole, "account_role"))
    created_at: Mapped[datetime] = created_at()


class Payment(Base):
    __tablename__ = "payments"
    __table_args__ = (
        Index(None, "account_id", "due_on"),
        CheckConstraint("currency ~ '^[A-Z]{3}$'", name="currency_iso"),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    account_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    invoice_number: Mapped[str] = mapped_column(String(32), unique=True)
    amount_cents: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3))
    due_on: Mapped[date]
    paid_on: Mapped[date | None]
