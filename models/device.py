"""Devices at customers' sites, their models, the supplies that fit, and who a device is for."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    CheckConstraint,
    Column,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    String,
    Table,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, created_at, string_enum, updated_at, uuid_pk


class MeterKind(StrEnum):
    TOTAL = "TOTAL"
    BLACK = "BLACK"
    COLOR = "COLOR"
    LARGE_FORMAT = "LARGE_FORMAT"
    SCAN = "SCAN"


class DeviceStatus(StrEnum):
    ACTIVE = "ACTIVE"
    MOVE_REQUESTED = "MOVE_REQUESTED"
    REMOVAL_REQUESTED = "REMOVAL_REQUESTED"
    REMOVED = "REMOVED"


class SupplyKind(StrEnum):
    TONER = "TONER"
    DRUM = "DRUM"
    WASTE_TONER = "WASTE_TONER"
    STAPLES = "STAPLES"
    OTHER = "OTHER"


_METER_KINDS_SQL = ", ".join(f"'{kind.value}'" for kind in MeterKind)


class DeviceModel(Base):
    __tablename__ = "device_models"
    __table_args__ = (
        CheckConstraint(
            f"meter_kinds <@ ARRAY[{_METER_KINDS_SQL}]::varchar[]", name="meter_kinds_known"
        ),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    meter_kinds: Mapped[list[str]] = mapped_column(ARRAY(String(16)))


class SupplyItem(Base):
    __tablename__ = "supply_items"

    id: Mapped[uuid.UUID] = uuid_pk()
    sku: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[SupplyKind] = mapped_column(string_enum(SupplyKind, "supply_kind"))
    colour: Mapped[str | None] = mapped_column(String(32))


# Which supplies fit which models: set by upsertDeviceModel(supplySkus).
model_supplies = Table(
    "model_supplies",
    Base.metadata,
    Column("model_id", ForeignKey("device_models.id", ondelete="CASCADE"), primary_key=True),
    Column("supply_item_id", ForeignKey("supply_items.id", ondelete="CASCADE"), primary_key=True),
)


class Device(Base):
    __tablename__ = "devices"
    __table_args__ = (
        # Lets assignments reference (account, device) so a device is only ever assigned
        # to members of its own account.
        UniqueConstraint("account_id", "id"),
        CheckConstraint("response_hours BETWEEN 1 AND 720", name="response_hours_range"),
        CheckConstraint("location_country ~ '^[A-Z]{2}$'", name="location_country_iso"),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    external_id: Mapped[str] = mapped_column(String(100), unique=True)
    account_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    serial_number: Mapped[str] = mapped_column(String(64), unique=True)
    model_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("device_models.id"), index=True)
    status: Mapped[DeviceStatus] = mapped_column(
        string_enum(DeviceStatus, "device_status"), default=DeviceStatus.ACTIVE
    )
    location_street: Mapped[str] = mapped_column(String(200))
    location_postal_code: Mapped[str] = mapped_column(String(16))
    location_city: Mapped[str] = mapped_column(String(100))
    location_country: Mapped[str] = mapped_column(String(2))
    location_building: Mapped[str | None] = mapped_column(String(200))
    location_floor: Mapped[str | None] = mapped_column(String(200))
    location_room: Mapped[str | None] = mapped_column(String(200))
    location_note: Mapped[str | None] = mapped_column(String(500))
    response_hours: Mapped[int]
    # When its users were last reminded to read its meters (at most once per interval).
    meter_reminded_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = created_at()
    updated_at: Mapped[datetime] = updated_at()


class DeviceAssignment(Base):
    """A CUSTOMER member sees the devices assigned to them (admins see all of the account's)."""

    __tablename__ = "device_assignments"
    __table_args__ = (
        ForeignKeyConstraint(
            ["account_id", "user_id"],
            ["memberships.account_id", "memberships.user_id"],
            ondelete="CASCADE",
        ),
        ForeignKeyConstraint(
            ["account_id", "device_id"], ["devices.account_id", "devices.id"], ondelete="CASCADE"
        ),
        Index(None, "user_id"),
    )

    device_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    account_id: Mapped[uuid.UUID]
