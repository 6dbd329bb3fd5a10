"""Running a mutation field: one transaction, and refusals turned into `userErrors`."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import TypeVar

import strawberry

from portal.errors import BadUserInput, UserErrorCode, UserInputError
from resolvers.transaction import in_transaction
from schema.base import Info, decode_id_of
from schema.errors import UserError, user_errors

T = TypeVar("T")
P = TypeVar("P")


def payload(
    payload_type: Callable[..., P],
    field: str,
    result: T | list[UserError],
    to_node: Callable[[T], object],
) -> P:
    """The mutation's payload: its object under `field`, or null beside the userErrors."""
    if isinstance(result, list):
        return payload_type(**{field: None, "user_errors": result})
    return payload_type(**{field: to_node(result), "user_errors": []})


async def run(info: Info, work: Callable[[], Awaitable[T]]) -> T | list[UserError]:
    """`work`'s result after commit, or the userErrors of a refusal (nothing was written)."""
    try:
        return await in_transaction(info.context, work)
    except UserInputError as error:
        return user_errors(error, info.context.locale)


def input_id(global_id: strawberry.ID | str, type_name: str, *field: str | int) -> uuid.UUID:
    """An input ID that must name a `type_name`; anything else is INVALID_INPUT at `field`."""
    try:
        return decode_id_of(global_id, type_name)
    except BadUserInput:
        raise UserInputError.single(
            UserErrorCode.INVALID_INPUT, "invalid_id", [str(f) for f in field], type=type_name
        ) from None


def input_ids(
    global_ids: list[strawberry.ID], type_name: str, *field: str | int
) -> list[uuid.UUID]:
    return [
        input_id(global_id, type_name, *field, index) for index, global_id in enumerate(global_ids)
    ]
