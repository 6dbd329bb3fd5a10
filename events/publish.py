"""Publishing inside the change's own transaction: NOTIFY is delivered only on commit."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any, Protocol

from sqlalchemy import Executable, func, select

from events.messages import CHANNEL, TicketEventKind, TicketEventMessage


class Executes(Protocol):
    """Whatever runs statements in the caller's transaction (the resolvers' Context)."""

    async def execute(self, statement: Executable) -> Any: ...


async def publish(
    ctx: Executes, kind: TicketEventKind, ticket_id: uuid.UUID, *, internal: bool = False
) -> None:
    message = TicketEventMessage(kind, ticket_id, datetime.now(UTC), internal)
    await ctx.execute(select(func.pg_notify(CHANNEL, message.encode())))
