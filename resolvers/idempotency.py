"""Idempotency keys for mutations that create: a retry with the same key and the same input
within 24 hours returns the first result and creates nothing; the same key with another input
is INVALID_INPUT. Stored in PostgreSQL per viewer, in the mutation's own transaction, so a key
is remembered exactly when its result was committed."""

from __future__ import annotations

import dataclasses
import hashlib
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from auth.viewer import Viewer
from models import IdempotencyKey
from models.idempotency import KEY_MAX_LENGTH
from portal.errors import UserErrorCode, UserInputError
from resolvers.context import Context

LIFETIME = timedelta(hours=24)
FIELD = ["input", "idempotencyKey"]


class KeyRaced(Exception):
    """Another call with the same key committed first: the caller replays it."""


@dataclasses.dataclass(frozen=True)
class Replay:
    result_id: uuid.UUID | None


def viewer_key(viewer: Viewer) -> str:
    if viewer.user_id is not None:
        return f"user:{viewer.user_id}"
    if viewer.integration_id is not None:
        return f"integration:{viewer.integration_id}"
    return "anonymous"


def input_digest(mutation: str, arguments: Any) -> bytes:
    canonical = orjson.dumps([mutation, arguments], option=orjson.OPT_SORT_KEYS)
    return hashlib.sha256(canonical).digest()


def check_key(key: str) -> str:
    if not key or len(key) > KEY_MAX_LENGTH:
        raise UserInputError.single(
            UserErrorCode.INVALID_INPUT, "out_of_range", FIELD, low=1, high=KEY_MAX_LENGTH
        )
    return key


async def previous(ctx: Context, key: str, mutation: str, digest: bytes) -> Replay | None:
    viewer = viewer_key(ctx.viewer)
    row = await ctx.first(
        select(IdempotencyKey).where(IdempotencyKey.viewer == viewer, IdempotencyKey.key == key)
    )
    if row is None:
        return None
    if row.created_at < datetime.now(UTC) - LIFETIME:
        await ctx.execute(delete(IdempotencyKey).where(IdempotencyKey.id == row.id))
        return None
    if row.mutation != mutation or row.input_hash != digest:
        raise UserInputError.single(UserErrorCode.INVALID_INPUT, "idempotency_key_reused", FIELD)
    return Replay(row.result_id)


async def remember(
    ctx: Context, key: str, mutation: str, digest: bytes, result_id: uuid.UUID | None
) -> None:
    ctx.session.add(
        IdempotencyKey(
            viewer=viewer_key(ctx.viewer),
            key=key,
            mutation=mutation,
            input_hash=digest,
            result_id=result_id,
        )
    )
    try:
        await ctx.flush()
    except IntegrityError:
        raise KeyRaced from None
