"""Meter readings: one submission per device per day, every meter of its model, never lower
than the last. The database backs what it can state (one live reading per device and day,
counters within range, colour and black within total)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, string_enum, uuid_pk
from models.device import MeterKind

MAX_COUNTER = 2_147_483_647


class MeterReadingSource(StrEnum):
    PORTAL = "PORTAL"
    INTEGRATION = "INTEGRATION"
    STAFF = "STAFF"


# The column of each meter kind.
COLUMNS: dict[MeterKind, str] = {
    MeterKind.TOTAL: "total",
    MeterKind.BLACK: "black",
    MeterKind.COLOR: "color",
    MeterKind.LARGE_FORMAT: "large_format",
    MeterKind.SCAN: "scan",
}


def _in_range(column: str) -> CheckConstraint:
    return CheckConstraint(
        f"{column} IS NULL OR {column} BETWEEN 0 AND {MAX_COUNTER}", name=f"{column}_range"
    )


class MeterReading(Base):
    __tablename__ = "meter_readings"
    __table_args__ = (
        # One reading per device and day (in the account's time zone); a voided one frees the day.
        Index(
            "uq_meter_readings_device_day",
            "device_id",
            "read_on",
            unique=True,
            postgresql_where=text("voided_at IS NULL"),
        ),
        Index(None, "device_id", "submitted_at"),
        *(_in_range(column) for column in COLUMNS.values()),
        CheckConstraint(
            "black IS NULL OR total IS NULL OR black <= total", name="black_within_total"
        ),
        CheckConstraint(
            "color IS NULL OR total IS NULL OR color <= total", name="color_within_total"
        ),
        CheckConstraint("(voided_at IS NULL) = (void_reason IS NULL)", name="void_has_reason"),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    device_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("devices.id", ondelete="CASCADE"))
    read_on: Mapped[date]
    submitted_at: Mapped[datetime] = mapped_column(server_default=text("now()"))
    submitted_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    integration_token_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("integration_tokens.id", ondelete="SET NULL")
    )
    source: Mapped[MeterReadingSource] = mapped_column(
        string_enum(MeterReadingSource, "meter_reading_source")
    )
    total: Mapped[int | None]
    black: Mapped[int | None]
    color: Mapped[int | None]
    large_format: Mapped[int | None]
    scan: Mapped[int | None]
    # Accepted although it implied an unusual volume: for staff to review.
    flagged_for_review: Mapped[bool] = mapped_column(default=False, server_default="false")
    voided_at: Mapped[datetime | None]
    voided_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    void_reason: Mapped[str | None] = mapped_column(Text)

    def value(self, kind: MeterKind) -> int | None:
        value: int | None = getattr(self, COLUMNS[kind])
        return value

    def values(self) -> dict[MeterKind, int]:
        return {kind: value for kind in COLUMNS if (value := self.value(kind)) is not None}
