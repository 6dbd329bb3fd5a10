"""The engine, its pool and sessions; the only place that turns a database URL into connections."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import asyncpg
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

_PLAIN_SCHEMES = {"postgresql", "postgres", "postgresql+asyncpg"}


def async_url(database_url: str) -> URL:
    """Accept the standard `postgresql://user:password@host:port/db` form; pick the driver here."""
    url = make_url(database_url.replace("postgres://", "postgresql://", 1))
    if url.drivername not in _PLAIN_SCHEMES:
        raise ValueError(f"not a PostgreSQL URL: scheme {url.drivername!r}")
    return url.set(drivername="postgresql+asyncpg")


def with_database_name(database_url: str, name: str) -> str:
    """The same server, another database (e.g. the maintenance database or the test database)."""
    url = make_url(database_url.replace("postgres://", "postgresql://", 1)).set(database=name)
    return url.render_as_string(hide_password=False)


# What PostgreSQL or the network say when the server is gone, going, or not yet back.
_UNAVAILABLE = (
    OSError,  # refused, reset, unreachable: ConnectionError is one
    asyncpg.exceptions.ConnectionDoesNotExistError,
    asyncpg.exceptions.PostgresConnectionError,  # SQLSTATE class 08
    asyncpg.exceptions.CannotConnectNowError,  # starting up or shutting down
    asyncpg.exceptions.AdminShutdownError,
    asyncpg.exceptions.CrashShutdownError,
    asyncpg.exceptions.TooManyConnectionsError,
)


def database_unavailable(error: BaseException) -> bool:
    """The database could not be reached, went away mid-request, or the pool had no
    connection to give in time: the client's request was fine and may be retried later."""
    if isinstance(error, sa_exc.TimeoutError):  # the pool's wait ran out
        return True
    if isinstance(error, sa_exc.DBAPIError) and error.connection_invalidated:
        return True
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, _UNAVAILABLE):
            return True
        # SQLAlchemy wraps the driver's error in .orig; the dialect chains asyncpg's as cause.
        orig = getattr(current, "orig", None)
        current = orig if isinstance(orig, BaseException) else current.__cause__
    return False


class Database:
    """One engine per process: a bounded pool and a session factory."""

    def __init__(
        self,
        database_url: str,
        *,
        pool_size: int = 10,
        max_overflow: int = 5,
        pool_timeout: float = 5.0,
        application_name: str = "portal",
        statement_timeout_ms: int | None = None,
    ) -> None:
        self.url = database_url
        self.engine: AsyncEngine = create_async_engine(
            async_url(database_url),
            pool_size=pool_size,
            max_overflow=max_overflow,
            pool_timeout=pool_timeout,
            # No ping per checkout: with asyncpg it is BEGIN, a statement and ROLLBACK, three
            # round trips before every use (bench/README.md). A connection that died while
            # idle (a database restart) fails its first use instead; SQLAlchemy then sees the
            # disconnect and recycles every connection of the pool, and the request answers
            # SERVICE_UNAVAILABLE (tests/test_reliability.py).
            pool_pre_ping=False,
            connect_args={
                "server_settings": {
                    "application_name": application_name,
                    **(
                        {"statement_timeout": str(statement_timeout_ms)}
                        if statement_timeout_ms
                        else {}
                    ),
                }
            },
        )
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)

    def session(self) -> AsyncSession:
        return self.sessions()

    @contextlib.asynccontextmanager
    async def autocommit_session(self) -> AsyncIterator[AsyncSession]:
        """A session whose statements each commit on their own: for reads of one statement
        (or writes that need no transaction), without BEGIN and ROLLBACK round trips."""
        async with self.engine.connect() as connection:
            autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
            async with AsyncSession(bind=autocommit, expire_on_commit=False) as session:
                yield session

    async def dispose(self) -> None:
        await self.engine.dispose()
