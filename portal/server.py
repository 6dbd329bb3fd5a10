"""Running the portal: find or start its database, prepare it, and serve with uvicorn."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterator

import uvicorn
import uvloop

from models import schema_version
from models.database import Database
from portal import demo
from portal.app import create_app
from portal.embedded_db import embedded_postgres, ensure_database
from portal.settings import Settings

log = logging.getLogger(__name__)

EMBEDDED_DATABASE_NAME = "portal"


def configure_logging(settings: Settings) -> None:
    logging.basicConfig(
        level=settings.log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )


@contextlib.contextmanager
def database_settings(settings: Settings) -> Iterator[Settings]:
    """The settings with a database URL: the configured one, or the embedded server's."""
    if settings.database_url is not None:
        yield settings
        return
    if settings.is_production:  # Settings.validate() already refuses this; belt and braces
        raise RuntimeError("production needs PORTAL_DATABASE_URL")
    with embedded_postgres(settings.data_dir) as server_url:
        url = asyncio.run(ensure_database(server_url, EMBEDDED_DATABASE_NAME))
        yield settings.replace(database_url=url)


async def prepare_development_database(settings: Settings) -> None:
    """Migrate to head and load the demo data into an empty database."""
    assert settings.database_url is not None
    await schema_version.upgrade(settings.database_url)
    database = Database(settings.database_url, pool_size=1, max_overflow=0)
    try:
        if await demo.database_is_empty(database):
            await demo.seed_demo(database)
            log.info(
                "loaded the demo data (users: %s)", ", ".join(u.email for u in demo.DEMO_USERS)
            )
    finally:
        await database.dispose()


async def serve_async(settings: Settings) -> None:
    if not settings.is_production:
        await prepare_development_database(settings)
    config = uvicorn.Config(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        http="httptools",
        ws="websockets-sansio",
        # Events are small JSON; compressing each one for each subscriber cost more CPU
        # than it saved bytes (bench/ticket_events_fanout.py).
        ws_per_message_deflate=False,
        lifespan="on",
        log_config=None,
        proxy_headers=True,
        timeout_graceful_shutdown=10,
    )
    server = uvicorn.Server(config)
    log.info("serving on http://%s:%d/graphql", settings.host, settings.port)
    await server.serve()


def serve(settings: Settings) -> None:
    configure_logging(settings)
    try:
        with database_settings(settings) as ready:
            uvloop.run(serve_async(ready))
    except KeyboardInterrupt:
        # uvicorn has shut down gracefully and re-raised Ctrl-C; the embedded database
        # stopped on the way out. That is a clean exit, not a failure.
        log.info("stopped")
