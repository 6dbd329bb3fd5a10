"""Relay cursor connections: the shared PageInfo."""

from __future__ import annotations

import strawberry


@strawberry.type(description="Where a page of a connection stands.")
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None
