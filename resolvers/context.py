"""The context every resolver receives: who asks, and one database scope per operation.

Strawberry builds one context per HTTP request but only one per WebSocket connection, so
the database session and loaders do not live on the context it builds: the
`OperationScope` schema extension hands each operation its own copy (`for_operation`),
and closes it when the operation ends.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import Executable, Result, Select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket

from auth.viewer import ANONYMOUS, Viewer
from models.database import Database
from portal.settings import Settings

if TYPE_CHECKING:
    from events.hub import TicketEventHub
    from resolvers.loaders import Loaders
    from schema.budget import Budget

T = TypeVar("T")


class OperationEnded(RuntimeError):
    """A statement was asked of an operation's scope after the operation ended."""


@dataclasses.dataclass(eq=False)
class Context:
    settings: Settings
    database: Database
    request: Request | WebSocket
    # The response whose headers and cookies go out with the answer; None over WebSocket.
    response: Response | None
    request_id: str
    locale: str
    viewer: Viewer = ANONYMOUS
    # Set by Strawberry from the WebSocket connection_init payload.
    connection_params: dict[str, Any] | None = None
    events: TicketEventHub | None = None
    budget: Budget | None = None
    # Subscriptions live for hours between events: they must not hold a pooled connection
    # the whole time, so each statement gets a session of its own and gives it back.
    statement_sessions: bool = False
    _session: AsyncSession | None = dataclasses.field(default=None, init=False, repr=False)
    _loaders: Loaders | None = dataclasses.field(default=None, init=False, repr=False)
    # One AsyncSession runs one statement at a time, while sibling fields (and loader
    # batches, each its own task) resolve concurrently: statements queue here.
    _lock: asyncio.Lock = dataclasses.field(default_factory=asyncio.Lock, init=False, repr=False)
    _closed: bool = dataclasses.field(default=False, init=False, repr=False)

    def for_operation(self) -> Context:
        return Context(
            settings=self.settings,
            database=self.database,
            request=self.request,
            response=self.response,
            request_id=self.request_id,
            locale=self.locale,
            viewer=self.viewer,
            connection_params=self.connection_params,
            events=self.events,
            budget=self.budget,
        )

    @property
    def session(self) -> AsyncSession:
        if self._closed:
            # A field abandoned when a sibling's error nulled the result (graphql-core lets it
            # run on, and its loader batch too): a session opened now would never be closed,
            # and would pin a pooled connection idle in its transaction.
            raise OperationEnded("this operation has ended; its database scope is closed")
        if self._session is None:
            self._session = self.database.session()
        return self._session

    @property
    def loaders(self) -> Loaders:
        if self._loaders is None:
            from resolvers.loaders import Loaders

            self._loaders = Loaders(self)
        return self._loaders

    async def execute(self, statement: Executable) -> Result[Any]:
        if self.statement_sessions:
            async with self.database.session() as session:
                # Frozen: the rows outlive the session that read them.
                return (await session.execute(statement)).freeze()()
        async with self._lock:
            return await self.session.execute(statement)

    async def all(self, statement: Select[T]) -> Sequence[T]:
        if self.statement_sessions:
            async with self.database.session() as session:
                return (await session.scalars(statement)).all()
        async with self._lock:
            return (await self.session.scalars(statement)).all()

    async def first(self, statement: Select[T]) -> T | None:
        rows = await self.all(statement.limit(1))
        return rows[0] if rows else None

    async def flush(self) -> None:
        async with self._lock:
            await self.session.flush()

    async def commit(self) -> None:
        async with self._lock:
            await self.session.commit()

    async def rollback(self) -> None:
        async with self._lock:
            if self._session is not None:
                await self._session.rollback()

    async def reset(self) -> None:
        """Forget what this scope read: the next event is resolved against fresh data."""
        await self._release()

    async def close(self) -> None:
        """End the scope for good: later statements are refused rather than reopening it."""
        self._closed = True
        await self._release()

    async def _release(self) -> None:
        # Under the lock: an abandoned field may still be running a statement on the session.
        async with self._lock:
            if self._session is not None:
                await self._session.close()
                self._session = None
        self._loaders = None
