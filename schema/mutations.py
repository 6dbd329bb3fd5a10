"""Running a mutation field: one transaction, and refusals turned into `userErrors`."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import strawberry

from portal.errors import BadUserInput, UserErrorCode, UserInputError
from resolvers import idempotency
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


def idempotency_key_field() -> Any:
    """The optional `idempotencyKey` of every input that creates something."""
    return strawberry.field(
        default=None,
        description=(
            "Retrying with the same key and input within 24 hours returns the first result "
            "and creates nothing; the same key with another input is INVALID_INPUT."
        ),
    )


async def run_once(
    info: Info,
    mutation: str,
    input: Any,
    work: Callable[[], Awaitable[T]],
    result_id: Callable[[T], uuid.UUID | None],
    replay: Callable[[uuid.UUID | None], Awaitable[T]],
) -> T | list[UserError]:
    """`run`, honouring `input.idempotency_key`: a retry with the same key and input returns
    the first result (read again through the viewer's visibility) and creates nothing."""
    key = getattr(input, "idempotency_key", None)
    if key is None:
        return await run(info, work)
    ctx = info.context
    arguments = {k: v for k, v in dataclasses.asdict(input).items() if k != "idempotency_key"}
    digest = idempotency.input_digest(mutation, arguments)

    async def once() -> T:
        checked = idempotency.check_key(key)
        seen = await idempotency.previous(ctx, checked, mutation, digest)
        if seen is not None:
            return await replay(seen.result_id)
        result = await work()
        await idempotency.remember(ctx, checked, mutation, digest, result_id(result))
        return result

    try:
        return await run(info, once)
    except idempotency.KeyRaced:
        # The same key committed a moment ago in another request: answer with its result.
        return await run(info, once)


def row_id(row: Any) -> uuid.UUID | None:
    """The id of what a create mutation created, for its idempotency key."""
    key: uuid.UUID | None = row.id
    return key


def reloaded(info: Info, loader: str) -> Callable[[uuid.UUID | None], Awaitable[Any]]:
    """Reads a replayed result again, by id, through the viewer's visibility."""

    async def load(key: uuid.UUID | None) -> Any:
        row = await getattr(info.context.loaders, loader).load(key)
        assert row is not None  # created by this viewer, within a day
        return row

    return load


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
