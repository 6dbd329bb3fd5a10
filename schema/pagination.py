"""Relay cursor connections: PageInfo, and generic Connection/Edge types.

`Connection[Device]` is served as `DeviceConnection` (Strawberry prefixes the type's name),
exactly the contract's naming.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Generic, TypeVar

import strawberry

from resolvers.pagination import Page

N = TypeVar("N")


@strawberry.type(description="Where a page of a connection stands.")
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class Edge(Generic[N]):
    cursor: str
    node: N


@strawberry.type
class Connection(Generic[N]):
    edges: list[Edge[N]]
    page_info: PageInfo
    count: strawberry.Private[Callable[[], Awaitable[int]]]

    @strawberry.field(description="How many there are in all, across every page.")
    async def total_count(self) -> int:
        return await self.count()


def connection(page: Page[Any], to_node: Callable[[Any], N]) -> Connection[N]:
    edges = [Edge(cursor=page.cursor(row), node=to_node(row)) for row in page.rows]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=page.has_next_page,
            has_previous_page=page.has_previous_page,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        count=page.count,
    )
