"""Who is asking: built once per request (or WebSocket connection) and read by every rule."""

from __future__ import annotations

import dataclasses
import uuid

from models.user import UserKind


@dataclasses.dataclass(frozen=True, slots=True)
class Viewer:
    user_id: uuid.UUID | None = None
    kind: UserKind | None = None
    # The session the request authenticated with, so signOut revokes exactly that one.
    session_id: uuid.UUID | None = None
    # The user's own locale; None for anonymous viewers (their Accept-Language decides).
    locale: str | None = None

    @property
    def is_anonymous(self) -> bool:
        return self.user_id is None

    @property
    def is_staff(self) -> bool:
        return self.kind is UserKind.STAFF


ANONYMOUS = Viewer()
