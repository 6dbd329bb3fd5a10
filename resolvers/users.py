"""Reading people: the viewer, and users by id through the visibility rules."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from models import User
from resolvers.context import Context


async def viewer_user(ctx: Context) -> User | None:
    if ctx.viewer.user_id is None:
        return None
    user: User | None = await ctx.loaders.user_by_id.load(ctx.viewer.user_id)
    return user


async def users_by_id(ctx: Context, ids: Sequence[uuid.UUID]) -> list[User | None]:
    users: list[User | None] = await ctx.loaders.user_by_id.load_many(ids)
    return users
