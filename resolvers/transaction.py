"""One transaction per mutation: committed before its payload is returned, or not at all."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import ParamSpec, TypeVar

from resolvers.context import Context

P = ParamSpec("P")
T = TypeVar("T")


async def in_transaction(
    ctx: Context, work: Callable[P, Awaitable[T]], *args: P.args, **kwargs: P.kwargs
) -> T:
    """Run `work`, then commit; on a refusal (UserInputError) or a fault, roll everything back."""
    try:
        result = await work(*args, **kwargs)
        await ctx.commit()
    except BaseException:
        await ctx.rollback()
        raise
    return result
