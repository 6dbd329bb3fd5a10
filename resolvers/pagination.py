"""Cursor connections as keyset pages.

- A root list is one statement: `WHERE (order columns) > (cursor) ORDER BY ... LIMIT n+1`.
- The children of many parents (every account's devices on a page of accounts) are one
  statement too: `row_number() OVER (PARTITION BY parent ORDER BY ...)` cut at n+1, run
  by a DataLoader keyed by parent, so a page of 100 parents costs what a page of 1 does.
- `totalCount` is counted only when asked for, per parent in one grouped statement.

Cursors are opaque (base64url JSON of the order columns' values); a malformed one is a
BAD_USER_INPUT error.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import functools
import uuid
from collections import defaultdict
from collections.abc import Awaitable, Callable, Hashable, Sequence
from datetime import UTC, date, datetime
from enum import Enum
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import orjson
from aiodataloader import DataLoader
from sqlalchemy import ColumnElement, Select, func, literal, select, tuple_
from sqlalchemy.orm import InstrumentedAttribute, aliased

from portal.errors import BadUserInput

if TYPE_CHECKING:
    from resolvers.context import Context

T = TypeVar("T")
MAX_FIRST = 100
DEFAULT_FIRST = 20


def page_size(first: int | None) -> int:
    if first is None:
        return DEFAULT_FIRST
    if not 0 <= first <= MAX_FIRST:
        raise BadUserInput(f"`first` must be between 0 and {MAX_FIRST}, not {first}")
    return first


def _to_json(value: object) -> object:
    if isinstance(value, uuid.UUID | datetime | date):
        return value.isoformat() if not isinstance(value, uuid.UUID) else str(value)
    if isinstance(value, Enum):
        return value.value
    return value


def _from_json(column: InstrumentedAttribute[Any], value: object) -> object:
    python_type = column.type.python_type
    if python_type is uuid.UUID:
        return uuid.UUID(str(value))
    if python_type is datetime:
        moment = datetime.fromisoformat(str(value))
        # A forged offset can carry a moment past year 9999 in UTC, which the driver cannot
        # send: OverflowError here, bad input, rather than a failure in the database call.
        return moment.astimezone(UTC) if moment.tzinfo else moment
    if python_type is date:
        return date.fromisoformat(str(value))
    if issubclass(python_type, Enum):
        return python_type(value)
    if not isinstance(value, python_type):
        raise ValueError(value)
    if isinstance(value, str) and "\x00" in value:
        raise ValueError(value)  # PostgreSQL's text cannot hold U+0000
    return value


@dataclasses.dataclass(frozen=True)
class Order:
    """How a list is ordered: its columns, all one direction, the last one unique."""

    columns: tuple[InstrumentedAttribute[Any], ...]
    descending: bool = False

    def clauses(self) -> list[ColumnElement[Any]]:
        return [column.desc() if self.descending else column.asc() for column in self.columns]

    def cursor(self, row: object) -> str:
        values = [_to_json(getattr(row, column.key)) for column in self.columns]
        return base64.urlsafe_b64encode(orjson.dumps(values)).decode().rstrip("=")

    def after(self, cursor: str) -> ColumnElement[bool]:
        try:
            raw = orjson.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
            if not isinstance(raw, list) or len(raw) != len(self.columns):
                raise ValueError(cursor)
            values = [
                literal(_from_json(column, value), column.type)
                for column, value in zip(self.columns, raw, strict=True)
            ]
        except (ValueError, TypeError, OverflowError, binascii.Error, orjson.JSONDecodeError):
            raise BadUserInput(f"{cursor!r} is not a cursor of this list") from None
        position = tuple_(*self.columns)
        return position < tuple_(*values) if self.descending else position > tuple_(*values)


@dataclasses.dataclass
class Page(Generic[T]):
    rows: Sequence[T]
    has_next_page: bool
    has_previous_page: bool
    order: Order
    count: Callable[[], Awaitable[int]]

    def cursor(self, row: object) -> str:
        return self.order.cursor(row)


async def fetch_page(
    ctx: Context, stmt: Select[T], order: Order, first: int | None, after: str | None
) -> Page[T]:
    """One page of a root list; `stmt` is already scoped to the viewer and filtered."""
    size = page_size(first)
    paged = stmt.where(order.after(after)) if after else stmt
    rows = list(await ctx.all(paged.order_by(*order.clauses()).limit(size + 1)))

    async def count() -> int:
        total = await ctx.execute(select(func.count()).select_from(stmt.order_by(None).subquery()))
        return int(total.scalar_one())

    return Page(rows[:size], len(rows) > size, after is not None, order, count)


@dataclasses.dataclass(frozen=True)
class Children(Generic[T]):
    """A kind of child list: its scoped query (given the filters) and its parent key columns.

    With one parent column a parent is its value; with several, the tuple of their values.
    """

    query: Callable[[Hashable], Select[T]]
    parent: tuple[InstrumentedAttribute[Any], ...]
    order: Order

    def parent_in(self, parents: Sequence[Any]) -> ColumnElement[bool]:
        if len(self.parent) == 1:
            return self.parent[0].in_(parents)
        return tuple_(*self.parent).in_(parents)

    def parent_columns(self) -> list[Any]:
        return [column.label(f"parent_{index}") for index, column in enumerate(self.parent)]

    def parent_of(self, values: Sequence[Any]) -> Any:
        return values[0] if len(values) == 1 else tuple(values)


class ChildPages(Generic[T]):
    """Pages of children for many parents: one statement per distinct (first, after, filters)."""

    def __init__(self, ctx: Context, children: Children[T]) -> None:
        self._ctx = ctx
        self._children = children
        self._pages: dict[tuple[int, str | None, Hashable], DataLoader[Any, Page[T]]] = {}
        self._counts: dict[Hashable, DataLoader[Any, int]] = {}

    async def page(
        self, parent: Any, first: int | None, after: str | None, filters: Hashable = None
    ) -> Page[T]:
        key = (page_size(first), after, filters)
        if key not in self._pages:
            self._pages[key] = DataLoader(
                functools.partial(self._load_pages, size=key[0], after=after, filters=filters)
            )
        return await self._pages[key].load(parent)

    async def _load_pages(
        self, parents: Sequence[Any], size: int, after: str | None, filters: Hashable
    ) -> list[Page[T]]:
        children = self._children
        stmt = children.query(filters).where(children.parent_in(parents))
        if after:
            stmt = stmt.where(children.order.after(after))
        position = (
            func.row_number()
            .over(partition_by=list(children.parent), order_by=children.order.clauses())
            .label("position")
        )
        ranked = stmt.add_columns(*children.parent_columns(), position).subquery()
        entity = aliased(stmt.column_descriptions[0]["entity"], ranked)
        keys = [ranked.c[f"parent_{index}"] for index in range(len(children.parent))]
        result = await self._ctx.execute(
            select(entity, *keys)
            .where(ranked.c.position <= size + 1)
            .order_by(*keys, ranked.c.position)
        )
        by_parent: dict[Any, list[T]] = defaultdict(list)
        ranked_rows: list[Any] = list(result.all())
        for row, *parent in ranked_rows:
            by_parent[children.parent_of(parent)].append(row)
        return [
            Page(
                by_parent[parent][:size],
                len(by_parent[parent]) > size,
                after is not None,
                children.order,
                lambda parent=parent: self.count(parent, filters),  # type: ignore[misc]
            )
            for parent in parents
        ]

    async def count(self, parent: Any, filters: Hashable = None) -> int:
        if filters not in self._counts:
            self._counts[filters] = DataLoader(
                functools.partial(self._load_counts, filters=filters)
            )
        return await self._counts[filters].load(parent)

    async def _load_counts(self, parents: Sequence[Any], filters: Hashable) -> list[int]:
        children = self._children
        scoped = (
            children.query(filters)
            .where(children.parent_in(parents))
            .add_columns(*children.parent_columns())
            .subquery()
        )
        keys = [scoped.c[f"parent_{index}"] for index in range(len(children.parent))]
        result = await self._ctx.execute(select(*keys, func.count()).group_by(*keys))
        counted: list[Any] = list(result.all())
        counts = {children.parent_of(row[:-1]): row[-1] for row in counted}
        return [counts.get(parent, 0) for parent in parents]
