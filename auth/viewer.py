"""Who is asking: built once per request (or WebSocket connection) and read by every rule."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Mapping
from enum import StrEnum

from models.account import AccountRole
from models.user import UserKind


class Scope(StrEnum):
    """What an integration token may do."""

    SYNC = "sync"  # accounts, device models, supplies, devices, guides
    METERS = "meters"  # meter readings and supply levels from fleet monitoring


@dataclasses.dataclass(frozen=True, slots=True)
class Viewer:
    user_id: uuid.UUID | None = None
    kind: UserKind | None = None
    # The session the request authenticated with, so signOut revokes exactly that one.
    session_id: uuid.UUID | None = None
    # The user's own locale; None for anonymous viewers (their Accept-Language decides).
    locale: str | None = None
    # account id -> the viewer's role there.
    roles: Mapping[uuid.UUID, AccountRole] = dataclasses.field(default_factory=dict)
    # Devices assigned to the viewer (what a CUSTOMER member sees).
    assigned_device_ids: frozenset[uuid.UUID] = frozenset()
    # Set for back-office systems signed in with an integration token.
    integration_id: uuid.UUID | None = None
    scopes: frozenset[Scope] = frozenset()

    @property
    def is_anonymous(self) -> bool:
        return self.user_id is None and self.integration_id is None

    @property
    def is_staff(self) -> bool:
        return self.kind is UserKind.STAFF

    @property
    def is_integration(self) -> bool:
        return self.integration_id is not None

    def has_scope(self, scope: Scope) -> bool:
        return scope in self.scopes

    @property
    def has_scope_for_meters(self) -> bool:
        return Scope.METERS in self.scopes

    def account_ids(self, role: AccountRole | None = None) -> list[uuid.UUID]:
        return [account for account, has in self.roles.items() if role is None or has is role]

    def is_admin_of(self, account_id: uuid.UUID) -> bool:
        return self.roles.get(account_id) is AccountRole.ADMIN


ANONYMOUS = Viewer()
