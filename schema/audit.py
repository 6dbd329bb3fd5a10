"""The audit log of changes to people, roles and assignments: staff read it here."""

from __future__ import annotations

import datetime
import uuid
from typing import cast

import strawberry
from strawberry.scalars import JSON

import models
from auth.visibility import visible_audit_entries
from portal.errors import Forbidden
from resolvers.pagination import Order, fetch_page
from schema.accounts import Account
from schema.base import Info, decode_id_of
from schema.pagination import Connection, connection
from schema.users import User

AUDIT_ORDER = Order((models.AuditEntry.at, models.AuditEntry.id), descending=True)


@strawberry.type(description="One change: who made it, to what, and how it was before and after.")
class AuditEntry:
    row: strawberry.Private[models.AuditEntry]
    at: datetime.datetime
    action: str
    entity_type: str
    entity_id: str | None
    before: JSON | None
    after: JSON | None

    @classmethod
    def from_row(cls, row: models.AuditEntry) -> AuditEntry:
        return cls(
            row=row,
            at=row.at,
            action=row.action,
            entity_type=row.entity_type,
            entity_id=str(row.entity_id) if row.entity_id else None,
            before=cast(JSON, row.before),
            after=cast(JSON, row.after),
        )

    @strawberry.field(description="The person who made the change; null for integrations.")
    async def actor(self, info: Info) -> User | None:
        if self.row.actor_user_id is None:
            return None
        row = await info.context.loaders.user_by_id.load(self.row.actor_user_id)
        return User.from_row(row) if row else None

    @strawberry.field
    async def account(self, info: Info) -> Account | None:
        if self.row.account_id is None:
            return None
        row = await info.context.loaders.account_by_id.load(self.row.account_id)
        return Account.from_row(row) if row else None


@strawberry.type
class AuditQueries:
    @strawberry.field(description="Staff only: changes to people, newest first.")
    async def audit_log(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        account_id: strawberry.ID | None = None,
    ) -> Connection[AuditEntry]:
        if not info.context.viewer.is_staff:
            raise Forbidden("Staff only")
        stmt = visible_audit_entries(info.context.viewer)
        if account_id is not None:
            key: uuid.UUID = decode_id_of(account_id, "Account")
            stmt = stmt.where(models.AuditEntry.account_id == key)
        page = await fetch_page(info.context, stmt, AUDIT_ORDER, first, after)
        return connection(page, AuditEntry.from_row)
