"""How people join and prove themselves: invitations, single-use tokens, access requests,
integration tokens for back-office systems, and the audit log of changes to people."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, Index, LargeBinary, String, Uuid, text
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from models.account import AccountRole
from models.base import Base, created_at, string_enum, uuid_pk


class Invitation(Base):
    __tablename__ = "invitations"
    __table_args__ = (Index(None, "account_id"),)

    id: Mapped[uuid.UUID] = uuid_pk()
    token_hash: Mapped[bytes] = mapped_column(LargeBinary(32), unique=True)
    account_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    email: Mapped[str] = mapped_column(String(254))
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[AccountRole] = mapped_column(string_enum(AccountRole, "invitation_role"))
    # Devices a CUSTOMER gets on accepting; checked again then (they may have moved).
    device_ids: Mapped[list[uuid.UUID]] = mapped_column(
        ARRAY(Uuid), default=list, server_default="{}"
    )
    invited_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = created_at()
    expires_at: Mapped[datetime]
    accepted_at: Mapped[datetime | None]


class TokenPurpose(StrEnum):
    VERIFY_EMAIL = "VERIFY_EMAIL"
    RESET_PASSWORD = "RESET_PASSWORD"


class UserToken(Base):
    """A single-use token sent by e-mail: verifying an address, resetting a password."""

    __tablename__ = "user_tokens"
    __table_args__ = (Index(None, "user_id"),)

    id: Mapped[uuid.UUID] = uuid_pk()
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    purpose: Mapped[TokenPurpose] = mapped_column(string_enum(TokenPurpose, "token_purpose"))
    token_hash: Mapped[bytes] = mapped_column(LargeBinary(32), unique=True)
    created_at: Mapped[datetime] = created_at()
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class AccessRequestStatus(StrEnum):
    PENDING = "PENDING"
    APPROVED = "APPROVED"
    DECLINED = "DECLINED"


class AccessRequest(Base):
    __tablename__ = "access_requests"
    __table_args__ = (
        # One open request per person and account.
        Index(
            "uq_access_requests_pending",
            "user_id",
            "account_id",
            unique=True,
            postgresql_where=text("status = 'PENDING'"),
        ),
        Index(None, "account_id"),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    account_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    serial_number: Mapped[str] = mapped_column(String(64))
    status: Mapped[AccessRequestStatus] = mapped_column(
        string_enum(AccessRequestStatus, "access_request_status"),
        default=AccessRequestStatus.PENDING,
    )
    created_at: Mapped[datetime] = created_at()
    decided_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    decided_at: Mapped[datetime | None]


class IntegrationToken(Base):
    """A back-office system's token (ERP/CRM sync, fleet monitoring), with its scopes."""

    __tablename__ = "integration_tokens"

    id: Mapped[uuid.UUID] = uuid_pk()
    name: Mapped[str] = mapped_column(String(100), unique=True)
    token_hash: Mapped[bytes] = mapped_column(LargeBinary(32), unique=True)
    scopes: Mapped[list[str]] = mapped_column(ARRAY(String(16)))
    created_at: Mapped[datetime] = created_at()
    revoked_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]


class AuditEntry(Base):
    """Who changed what about people, roles and assignments, and how it was before and after."""

    __tablename__ = "audit_log"
    __table_args__ = (Index(None, "account_id", "at"), Index(None, "at"))

    id: Mapped[uuid.UUID] = uuid_pk()
    at: Mapped[datetime] = created_at()
    actor_user_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    actor_token_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("integration_tokens.id", ondelete="SET NULL")
    )
    action: Mapped[str] = mapped_column(String(64))
    entity_type: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[uuid.UUID | None]
    account_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL")
    )
    before: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
