"""DataLoaders, built per operation; each starts from the entity's visibility query."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import TYPE_CHECKING, TypeVar

from aiodataloader import DataLoader

from auth.visibility import visible_users
from models import User

if TYPE_CHECKING:
    from resolvers.context import Context

K = TypeVar("K", bound=Hashable)
R = TypeVar("R")


def in_key_order(rows: Iterable[R], keys: Sequence[K], key_of: Callable[[R], K]) -> list[R | None]:
    """DataLoader wants one answer per key, in order; keys the viewer may not see get None."""
    by_key = {key_of(row): row for row in rows}
    return [by_key.get(key) for key in keys]


class Loaders:
    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx
        self.user_by_id: DataLoader[uuid.UUID, User | None] = DataLoader(self._users_by_id)

    async def _users_by_id(self, ids: Sequence[uuid.UUID]) -> list[User | None]:
        rows = await self._ctx.all(visible_users(self._ctx.viewer).where(User.id.in_(ids)))
        return in_key_order(rows, ids, lambda user: user.id)
