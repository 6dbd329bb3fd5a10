"""What travels through NOTIFY: ids only, never content (the payload limit is 8 kB, and
content must be read through each subscriber's own visibility)."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import datetime
from enum import StrEnum

import orjson

CHANNEL = "ticket_events"


class TicketEventKind(StrEnum):
    CREATED = "CREATED"
    STATUS_CHANGED = "STATUS_CHANGED"
    MESSAGE_ADDED = "MESSAGE_ADDED"
    ASSIGNED = "ASSIGNED"


@dataclasses.dataclass(frozen=True, slots=True)
class TicketEventMessage:
    kind: TicketEventKind
    ticket_id: uuid.UUID
    at: datetime
    # An internal note: only staff may hear of it.
    internal: bool = False

    def encode(self) -> str:
        return orjson.dumps(
            {
                "kind": self.kind.value,
                "ticketId": str(self.ticket_id),
                "at": self.at.isoformat(),
                "internal": self.internal,
            }
        ).decode()

    @classmethod
    def decode(cls, payload: str) -> TicketEventMessage:
        raw = orjson.loads(payload)
        return cls(
            kind=TicketEventKind(raw["kind"]),
            ticket_id=uuid.UUID(raw["ticketId"]),
            at=datetime.fromisoformat(raw["at"]),
            internal=bool(raw["internal"]),
        )
