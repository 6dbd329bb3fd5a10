"""Alembic environment: runs on a connection handed over by the portal, or opens its own.

`portal migrate` (and the test suite) pass a connection in `config.attributes`; the plain
`alembic` command line opens one from PORTAL_DATABASE_URL.
"""

from __future__ import annotations

import asyncio
import os

from alembic import context
from sqlalchemy import Connection

import models
from models.database import Database

target_metadata = models.Base.metadata


def run_on(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        compare_type=True,
        compare_server_default=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def run_with_own_connection(database_url: str) -> None:
    database = Database(database_url, pool_size=1, max_overflow=0)
    try:
        async with database.engine.begin() as connection:
            await connection.run_sync(run_on)
    finally:
        await database.dispose()


def main() -> None:
    if context.is_offline_mode():
        raise SystemExit("offline (--sql) migrations are not supported; run against a database")
    connection = context.config.attributes.get("connection")
    if connection is not None:
        run_on(connection)
        return
    database_url = os.environ.get("PORTAL_DATABASE_URL")
    if not database_url:
        raise SystemExit("set PORTAL_DATABASE_URL to run alembic directly, or use `portal migrate`")
    asyncio.run(run_with_own_connection(database_url))


main()
