"""Reading people: the viewer, and users by id through the visibility rules."""

from __future__ import annotations

from models import User
from resolvers.context import Context


async def viewer_user(ctx: Context) -> User | None:
    if ctx.viewer.user_id is None:
        return None
    user: User | None = await ctx.loaders.user_by_id.load(ctx.viewer.user_id)
    return user
