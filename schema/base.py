"""What every schema module shares: the typed `Info`, global IDs and the Node interface."""

from __future__ import annotations

import base64
import binascii
import uuid
from typing import Any, ClassVar, TypeAlias, TypeVar

import strawberry

from portal.errors import BadUserInput, Forbidden
from resolvers.context import Context

Info: TypeAlias = strawberry.Info[Context, None]

Row = TypeVar("Row")


def required(row: Row | None, what: str) -> Row:
    """The row of a relation the schema declares non-null, read through the viewer's scope.

    The object holding the relation is visible, so the row exists; None means the viewer's
    scope leaves it out (a `meters` token sees devices but not their accounts). That is a
    permission matter: FORBIDDEN at the field's path, never an internal fault.
    """
    if row is None:
        raise Forbidden(f"You may not see {what}")
    return row


def encode_id(type_name: str, key: uuid.UUID) -> strawberry.ID:
    """Opaque to clients; inside, the type's name and the row's key."""
    raw = f"{type_name}:{key}".encode()
    return strawberry.ID(base64.urlsafe_b64encode(raw).decode().rstrip("="))


def decode_id(global_id: str) -> tuple[str, uuid.UUID]:
    try:
        padded = global_id + "=" * (-len(global_id) % 4)
        type_name, _, key = base64.urlsafe_b64decode(padded.encode()).decode().partition(":")
        return type_name, uuid.UUID(key)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise BadUserInput(f"{global_id!r} is not a valid ID") from None


def decode_id_of(global_id: str, type_name: str) -> uuid.UUID:
    """The key of an ID that must name a `type_name`; any other ID is bad input."""
    found_type, key = decode_id(global_id)
    if found_type != type_name:
        raise BadUserInput(f"{global_id!r} is not the ID of a {type_name}")
    return key


@strawberry.interface(description="An object with a global ID, fetchable with `node(id:)`.")
class Node:
    id: strawberry.ID

    # The per-operation loader (resolvers/loaders.py) that reads this type by key, through
    # its visibility rule; each node type names its own.
    loader: ClassVar[str]

    @classmethod
    def from_row(cls, row: Any) -> Any:
        raise NotImplementedError

    @classmethod
    async def resolve_nodes(cls, info: Info, keys: list[uuid.UUID]) -> list[Any]:
        """The visible objects for `keys`, in order, None for each one the viewer may not see."""
        rows = await getattr(info.context.loaders, cls.loader).load_many(keys)
        return [cls.from_row(row) if row else None for row in rows]
