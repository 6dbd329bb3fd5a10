"""The audit log: every change to people, roles and assignments, written in the same transaction."""

from __future__ import annotations

import uuid
from typing import Any

from models import AuditEntry
from resolvers.context import Context


def record(
    ctx: Context,
    action: str,
    *,
    entity_type: str,
    entity_id: uuid.UUID | None,
    account_id: uuid.UUID | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    ctx.session.add(
        AuditEntry(
            actor_user_id=ctx.viewer.user_id,
            actor_token_id=ctx.viewer.integration_id,
            action=action,
            entity_type=entity_type,
            entity_id=entity_id,
            account_id=account_id,
            before=before,
            after=after,
        )
    )
