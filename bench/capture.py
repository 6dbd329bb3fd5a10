"""The SQL one request makes the server run, and the same SQL replayed straight from asyncpg.

`InProcess` runs the app in this process (`portal.app.create_app`, with the settings the
server under load gets) and records, with SQLAlchemy engine events, every statement with its
parameters and the transactions around them. `replay` then sends exactly those statements,
transaction by transaction, from asyncpg at a given concurrency for a fixed time: what the
database can do for the scenario when no Python stands in between, the scenario's limit.

BEGIN and COMMIT/ROLLBACK are replayed where the server sent them: not for statements on an
autocommit connection (the authentication) nor for the fast lane's (portal/fast_reads.py),
which tells `FastReads.observers` of its statements since they bypass SQLAlchemy's events.
The pool pings nothing on checkout (`pool_pre_ping` is off), so checkouts send nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping, Sequence
from typing import Any, Literal

import asyncpg
import httpx
import uvicorn
from sqlalchemy import event
from starlette.applications import Starlette

from bench.common import LoadFigures, percentile
from portal.app import create_app
from portal.settings import Settings


@dataclasses.dataclass(frozen=True)
class Statement:
    sql: str
    params: tuple[Any, ...]
    # executemany: one parameter tuple per row
    many: tuple[tuple[Any, ...], ...] | None = None


@dataclasses.dataclass
class Transaction:
    statements: list[Statement] = dataclasses.field(default_factory=list)
    # "autocommit": sent without BEGIN, each statement on its own (the fast lane's).
    ends: Literal["commit", "rollback", "autocommit"] = "rollback"


@dataclasses.dataclass
class Capture:
    """What one request ran: its transactions (only those that sent anything)."""

    transactions: list[Transaction]
    checkouts: int
    status: int = 0
    answer: dict[str, Any] = dataclasses.field(default_factory=dict)

    @property
    def statements(self) -> int:
        return sum(len(t.statements) for t in self.transactions)

    @property
    def round_trips(self) -> int:
        """Statements plus BEGIN and COMMIT/ROLLBACK, as the replay sends them."""
        return self.statements + 2 * len(self.transactions)

    def shape(self) -> list[list[str]]:
        """The statements' text, for telling whether two captures ran the same SQL."""
        return [[s.sql for s in t.statements] for t in self.transactions]

    def substituted(self, mapping: Mapping[Any, Any]) -> list[Transaction]:
        """The same transactions with some parameter values swapped (another device, a new id)."""

        def swap(params: tuple[Any, ...]) -> tuple[Any, ...]:
            return tuple(mapping.get(p, p) if _hashable(p) else p for p in params)

        return [
            Transaction(
                [
                    Statement(
                        s.sql,
                        swap(s.params),
                        tuple(swap(row) for row in s.many) if s.many is not None else None,
                    )
                    for s in t.statements
                ],
                t.ends,
            )
            for t in self.transactions
        ]


def _hashable(value: Any) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


class Recorder:
    """Engine events -> transactions, per connection (a subscription's event is resolved by
    several sessions at once; one request's statements run one at a time)."""

    def __init__(self, app: Starlette) -> None:
        self.engine = app.state.database.engine.sync_engine
        self.recording = False
        self.transactions: list[Transaction] = []
        self.checkouts = 0
        self._open: dict[int, Transaction] = {}
        self._listeners: list[tuple[Any, str, Callable[..., None]]] = [
            (self.engine, "before_cursor_execute", self._statement),
            (self.engine, "begin", self._begin),
            (self.engine, "commit", self._commit),
            (self.engine, "rollback", self._rollback),
            (self.engine.pool, "checkout", self._checkout),
        ]
        for target, name, function in self._listeners:
            event.listen(target, name, function)
        # The fast lane sends its statements on asyncpg's connection, past these events.
        self.fast_reads = app.state.fast_reads
        if self.fast_reads is not None:
            self.fast_reads.observers.append(self._fast_statement)

    def close(self) -> None:
        for target, name, function in self._listeners:
            event.remove(target, name, function)
        if self.fast_reads is not None:
            self.fast_reads.observers.remove(self._fast_statement)

    def _fast_statement(self, sql: str, params: tuple[Any, ...]) -> None:
        if self.recording:
            self.transactions.append(Transaction([Statement(sql, params)], "autocommit"))

    @contextlib.contextmanager
    def capturing(self) -> Iterator[None]:
        self.transactions, self.checkouts, self._open = [], 0, {}
        self.recording = True
        try:
            yield
        finally:
            self.recording = False

    def _begin(self, conn: Any) -> None:
        if self.recording:
            self._open[id(conn)] = _transaction_on(conn)

    def _end(self, conn: Any, how: Literal["commit", "rollback"]) -> None:
        transaction = self._open.pop(id(conn), None)
        if self.recording and transaction is not None:
            if transaction.ends != "autocommit":  # no BEGIN went out, nor its end
                transaction.ends = how
            if transaction.statements:  # nothing sent: no BEGIN went out either
                self.transactions.append(transaction)

    def _commit(self, conn: Any) -> None:
        self._end(conn, "commit")

    def _rollback(self, conn: Any) -> None:
        self._end(conn, "rollback")

    def _checkout(self, *args: Any) -> None:
        if self.recording:
            self.checkouts += 1

    def _statement(
        self,
        conn: Any,
        cursor: Any,
        statement: str,
        parameters: Any,
        context: Any,
        executemany: bool,
    ) -> None:
        if not self.recording:
            return
        # Begun before the recording started, or autocommit: a transaction of its own.
        transaction = self._open.setdefault(id(conn), _transaction_on(conn))
        if executemany:
            rows = tuple(tuple(row) for row in parameters)
            transaction.statements.append(Statement(statement, (), rows))
        else:
            transaction.statements.append(Statement(statement, tuple(parameters or ())))


def _transaction_on(conn: Any) -> Transaction:
    """What SQLAlchemy calls a transaction on this connection: on an autocommit one (the
    authentication statement's) nothing is sent for it, so the replay sends nothing either."""
    autocommit = conn.get_execution_options().get("isolation_level") == "AUTOCOMMIT"
    return Transaction(ends="autocommit" if autocommit else "rollback")


class InProcess:
    """The app in this process, lifespan and all, answering over an ASGI transport."""

    def __init__(self, environment: Mapping[str, str]) -> None:
        self.settings = Settings.from_env(environment)
        self.app = create_app(self.settings)
        self.recorder = Recorder(self.app)
        self._client: httpx.AsyncClient | None = None
        self._stack = contextlib.AsyncExitStack()

    async def __aenter__(self) -> InProcess:
        await self._stack.enter_async_context(self.app.router.lifespan_context(self.app))
        self._client = await self._stack.enter_async_context(
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=self.app), base_url="http://bench", timeout=60
            )
        )
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.recorder.close()
        await self._stack.aclose()

    async def post(self, body: Mapping[str, Any], token: str) -> httpx.Response:
        assert self._client is not None
        return await self._client.post(
            "/graphql", json=body, headers={"authorization": f"Bearer {token}"}
        )

    async def capture(self, body: Mapping[str, Any], token: str) -> Capture:
        with self.recorder.capturing():
            response = await self.post(body, token)
        return Capture(
            transactions=self.recorder.transactions,
            checkouts=self.recorder.checkouts,
            status=response.status_code,
            answer=response.json(),
        )


@contextlib.asynccontextmanager
async def serving(app: Starlette) -> AsyncIterator[str]:
    """The app on a real uvicorn in this event loop (WebSockets need a real server)."""
    config = uvicorn.Config(
        app, host="127.0.0.1", port=0, lifespan="on", log_config=None, log_level="warning",
        http="httptools", ws="websockets-sansio",
    )  # fmt: skip
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


async def run_transactions(
    connection: asyncpg.Connection, transactions: Sequence[Transaction]
) -> None:
    for transaction in transactions:
        if transaction.ends == "autocommit":
            for statement in transaction.statements:
                await connection.fetch(statement.sql, *statement.params)
            continue
        tx = connection.transaction()
        await tx.start()
        try:
            for statement in transaction.statements:
                if statement.many is not None:
                    await connection.executemany(statement.sql, statement.many)
                else:
                    await connection.fetch(statement.sql, *statement.params)
        except BaseException:
            await tx.rollback()
            raise
        if transaction.ends == "commit":
            await tx.commit()
        else:
            await tx.rollback()


Work = Callable[[asyncpg.Connection], Awaitable[bool]]


async def replay(
    url: str,
    make_work: Callable[[], Work],
    *,
    concurrency: int,
    seconds: float,
    warmup_seconds: float = 1.0,
) -> LoadFigures:
    """`concurrency` connections each doing one request's work after another for `seconds`
    (after a warm-up); the work returns False when it has nothing left to do."""
    connections = [await asyncpg.connect(url) for _ in range(concurrency)]
    latencies: list[float] = []
    done = 0
    try:

        async def worker(connection: asyncpg.Connection, until: float, measure: bool) -> None:
            nonlocal done
            work = make_work()
            while time.perf_counter() < until:
                started = time.perf_counter()
                if not await work(connection):
                    return
                if measure:
                    latencies.append((time.perf_counter() - started) * 1000)
                    done += 1

        if warmup_seconds > 0:
            until = time.perf_counter() + warmup_seconds
            await asyncio.gather(*(worker(c, until, False) for c in connections))
        started = time.perf_counter()
        until = started + seconds
        await asyncio.gather(*(worker(c, until, True) for c in connections))
        elapsed = time.perf_counter() - started
    finally:
        for connection in connections:
            await connection.close()
    return LoadFigures(
        requests=done,
        seconds=elapsed,
        p50_ms=percentile(latencies, 0.5),
        p99_ms=percentile(latencies, 0.99),
    )


def same_work(transactions: Sequence[Transaction]) -> Callable[[], Work]:
    """Every request the same statements with the same parameters (a read)."""

    def make() -> Work:
        async def work(connection: asyncpg.Connection) -> bool:
            await run_transactions(connection, transactions)
            return True

        return work

    return make
