"""Running the portal: find or start its database, prepare it, and serve with uvicorn."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import socket
from collections.abc import Iterator

import uvicorn
import uvloop

from models import schema_version
from models.database import Database
from portal import demo
from portal.app import create_app
from portal.embedded_db import embedded_postgres, ensure_database
from portal.settings import Settings
from portal.websocket_gate import OpenWebSockets

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


class PortalServer(uvicorn.Server):
    """uvicorn, with the portal's order of shutdown on SIGTERM or SIGINT: stop accepting,
    close every WebSocket with 1001 (going away) so clients reconnect elsewhere at once, let
    HTTP requests in flight finish within the grace period, then the app's own shutdown
    (the mail worker finishes its message, the pool closes)."""

    def __init__(self, config: uvicorn.Config, websockets: OpenWebSockets) -> None:
        super().__init__(config)
        self.websockets = websockets

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        for server in self.servers:
            server.close()
        closed = await self.websockets.close_all()
        log.info("closed %d WebSocket(s) with 1001 (going away)", closed)
        await super().shutdown(sockets)


async def serve_async(
    settings: Settings, sockets: list[socket.socket] | None = None, *, prepare: bool = True
) -> None:
    """Serve until SIGTERM/SIGINT; on `sockets` already bound (workers) or on host:port."""
    if prepare and not settings.is_production:
        await prepare_development_database(settings)
    app = create_app(settings)
    config = uvicorn.Config(
        app,
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
        timeout_graceful_shutdown=settings.shutdown_grace_seconds,
    )
    server = PortalServer(config, app.state.websockets)
    if sockets is None:
        log.info("serving on http://%s:%d/graphql", settings.host, settings.port)
    await server.serve(sockets)


class Terminated(Exception):
    """SIGTERM, as re-raised by uvicorn once it has shut down gracefully."""


def _terminated(signum: int, frame: object) -> None:
    raise Terminated


def exit_cleanly_on_sigterm() -> None:
    # uvicorn handles SIGTERM while serving and raises it again afterwards, through the
    # handler in place before it started: this one, so a graceful stop ends as a clean exit.
    signal.signal(signal.SIGTERM, _terminated)


def serve(settings: Settings, workers: int = 1) -> None:
    """Serve in this process, or in `workers` processes sharing one listening socket."""
    from portal.workers import supervise

    configure_logging(settings)
    exit_cleanly_on_sigterm()
    try:
        with database_settings(settings) as ready:
            if workers <= 1:
                uvloop.run(serve_async(ready))
                return
            if not ready.is_production:
                asyncio.run(prepare_development_database(ready))
            supervise(ready, workers)
    except (KeyboardInterrupt, Terminated):
        # uvicorn has shut down gracefully and re-raised Ctrl-C or SIGTERM; the embedded
        # database stopped on the way out. That is a clean exit, not a failure.
        log.info("stopped")
