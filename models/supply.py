"""Consumables orders (toner, drums, ...) for a device, and the supply levels devices report."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, created_at, string_enum, updated_at, uuid_pk

MAX_LINES = 10
MAX_QUANTITY = 10


class SupplyOrderStatus(StrEnum):
    SUBMITTED = "SUBMITTED"
    CONFIRMED = "CONFIRMED"
    SHIPPED = "SHIPPED"
    DELIVERED = "DELIVERED"
    CANCELLED = "CANCELLED"


class SupplyOrderSource(StrEnum):
    PORTAL = "PORTAL"
    STAFF = "STAFF"
    AUTOMATIC = "AUTOMATIC"  # raised by a low level reported by fleet monitoring


class SupplyOrder(Base):
    __tablename__ = "supply_orders"
    __table_args__ = (
        Index(None, "account_id", "created_at"),
        Index(None, "device_id", "created_at"),
        CheckConstraint("shipping_country ~ '^[A-Z]{2}$'", name="shipping_country_iso"),
    )
    __mapper_args__ = {"eager_defaults": True}

    id: Mapped[uuid.UUID] = uuid_pk()
    # SO-<year>-<6 digits> from a sequence (migration 0006): unique, allocated without races.
    number: Mapped[str] = mapped_column(
        String(20), unique=True, server_default=text("next_supply_order_number()")
    )
    account_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    device_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("devices.id", ondelete="CASCADE"))
    status: Mapped[SupplyOrderStatus] = mapped_column(
        string_enum(SupplyOrderStatus, "supply_order_status"), default=SupplyOrderStatus.SUBMITTED
    )
    source: Mapped[SupplyOrderSource] = mapped_column(
        string_enum(SupplyOrderSource, "supply_order_source")
    )
    ordered_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    shipping_street: Mapped[str] = mapped_column(String(200))
    shipping_postal_code: Mapped[str] = mapped_column(String(16))
    shipping_city: Mapped[str] = mapped_column(String(100))
    shipping_country: Mapped[str] = mapped_column(String(2))
    note: Mapped[str | None] = mapped_column(Text)
    tracking_reference: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = created_at()
    updated_at: Mapped[datetime] = updated_at()


class SupplyOrderLine(Base):
    __tablename__ = "supply_order_lines"
    __table_args__ = (
        CheckConstraint(f"quantity BETWEEN 1 AND {MAX_QUANTITY}", name="quantity_range"),
    )

    # One line per item: a duplicate line cannot be stored.
    order_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("supply_orders.id", ondelete="CASCADE"), primary_key=True
    )
    supply_item_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("supply_items.id"), primary_key=True, index=True
    )
    quantity: Mapped[int]
    position: Mapped[int] = mapped_column(default=0, server_default="0")


class SupplyLevel(Base):
    """The latest level a device reported for a supply (fleet monitoring)."""

    __tablename__ = "supply_levels"
    __table_args__ = (
        CheckConstraint("level_percent BETWEEN 0 AND 100", name="level_percent_range"),
    )

    device_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("devices.id", ondelete="CASCADE"), primary_key=True
    )
    supply_item_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("supply_items.id", ondelete="CASCADE"), primary_key=True
    )
    level_percent: Mapped[int]
    reported_at: Mapped[datetime] = created_at()
