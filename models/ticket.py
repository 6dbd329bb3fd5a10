"""Cases (tickets): raised on a device or an account, routed to a department, moved through a
workflow by staff, discussed in messages, with every status change kept."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, created_at, string_enum, updated_at, uuid_pk

SUBJECT_MAX_LENGTH = 200
BODY_MAX_LENGTH = 10_000


class TicketCategory(StrEnum):
    FAULT = "FAULT"
    MOVE_REQUEST = "MOVE_REQUEST"
    REMOVAL_REQUEST = "REMOVAL_REQUEST"
    ACCOUNT_QUESTION = "ACCOUNT_QUESTION"
    SUPPLIES = "SUPPLIES"
    METER_READING = "METER_READING"
    OTHER = "OTHER"


class TicketStatus(StrEnum):
    NEW = "NEW"
    OPEN = "OPEN"
    IN_PROGRESS = "IN_PROGRESS"
    WAITING_ON_CUSTOMER = "WAITING_ON_CUSTOMER"
    RESOLVED = "RESOLVED"
    CLOSED = "CLOSED"
    CANCELLED = "CANCELLED"


class TicketPriority(StrEnum):
    LOW = "LOW"
    NORMAL = "NORMAL"
    HIGH = "HIGH"
    URGENT = "URGENT"


class Department(StrEnum):
    TECHNICAL_SUPPORT = "TECHNICAL_SUPPORT"
    LOGISTICS = "LOGISTICS"
    CUSTOMER_ACCOUNTS = "CUSTOMER_ACCOUNTS"
    SUPPLIES = "SUPPLIES"
    BILLING = "BILLING"


DEVICE_CATEGORIES = ("FAULT", "SUPPLIES", "METER_READING", "MOVE_REQUEST", "REMOVAL_REQUEST")
DEVICE_REQUEST_CATEGORIES = ("MOVE_REQUEST", "REMOVAL_REQUEST")
CLOSED_STATUSES = ("RESOLVED", "CLOSED", "CANCELLED")


def _sql_list(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{value}'" for value in values)


class Ticket(Base):
    __tablename__ = "tickets"
    __table_args__ = (
        CheckConstraint(
            f"category NOT IN ({_sql_list(DEVICE_CATEGORIES)}) OR device_id IS NOT NULL",
            name="device_category_has_device",
        ),
        CheckConstraint(
            "category <> 'ACCOUNT_QUESTION' OR device_id IS NULL", name="account_question_no_device"
        ),
        CheckConstraint("length(subject) > 0", name="subject_not_empty"),
        CheckConstraint(f"length(description) <= {BODY_MAX_LENGTH}", name="description_length"),
        # A device has at most one open move or removal request.
        Index(
            "uq_tickets_open_device_request",
            "device_id",
            unique=True,
            postgresql_where=text(
                f"category IN ({_sql_list(DEVICE_REQUEST_CATEGORIES)}) "
                f"AND status NOT IN ({_sql_list(CLOSED_STATUSES)})"
            ),
        ),
        Index(None, "account_id", "created_at"),
        Index(None, "device_id", "created_at"),
        Index(None, "created_at"),
    )
    __mapper_args__ = {"eager_defaults": True}

    id: Mapped[uuid.UUID] = uuid_pk()
    number: Mapped[str] = mapped_column(
        String(20),
        unique=True,
        # CS-<year>-<6 digits> from a sequence (migration 0004): unique, allocated without
        # races, human-friendly; the year is the year of allocation, in UTC.
        server_default=text("next_ticket_number()"),
    )
    account_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    device_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("devices.id", ondelete="CASCADE")
    )
    category: Mapped[TicketCategory] = mapped_column(string_enum(TicketCategory, "ticket_category"))
    department: Mapped[Department] = mapped_column(string_enum(Department, "department"))
    status: Mapped[TicketStatus] = mapped_column(
        string_enum(TicketStatus, "ticket_status"), default=TicketStatus.NEW
    )
    priority: Mapped[TicketPriority] = mapped_column(
        string_enum(TicketPriority, "ticket_priority"), default=TicketPriority.NORMAL
    )
    subject: Mapped[str] = mapped_column(String(SUBJECT_MAX_LENGTH))
    description: Mapped[str] = mapped_column(Text)
    created_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    assignee_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    # The self-help guide tried before the case was raised (guides arrive with self-help).
    guide_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("guides.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = created_at()
    updated_at: Mapped[datetime] = updated_at()
    response_due_at: Mapped[datetime | None]
    first_responded_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    # Move and removal requests: where to, when, and why.
    requested_location: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    requested_date: Mapped[date | None]
    request_reason: Mapped[str | None] = mapped_column(Text)


class TicketMessage(Base):
    __tablename__ = "ticket_messages"
    __table_args__ = (
        Index(None, "ticket_id", "created_at"),
        CheckConstraint(f"length(body) BETWEEN 1 AND {BODY_MAX_LENGTH}", name="body_length"),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    ticket_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))
    author_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    # Staff-only notes: never shown to customers, never in their events or e-mails.
    internal: Mapped[bool] = mapped_column(default=False, server_default="false")
    created_at: Mapped[datetime] = created_at()


class TicketStatusChange(Base):
    __tablename__ = "ticket_status_changes"
    __table_args__ = (Index(None, "ticket_id", "at"),)

    id: Mapped[uuid.UUID] = uuid_pk()
    ticket_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))
    from_status: Mapped[TicketStatus | None] = mapped_column(
        string_enum(TicketStatus, "ticket_status_from")
    )
    to_status: Mapped[TicketStatus] = mapped_column(string_enum(TicketStatus, "ticket_status_to"))
    at: Mapped[datetime] = created_at()
    by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    note: Mapped[str | None] = mapped_column(Text)
