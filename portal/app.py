"""create_app(settings) -> Starlette: routes, middleware, lifespan. The only wiring module."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route, WebSocketRoute

from compiled import CompiledReads
from events.hub import TicketEventHub
from events.listener import NotificationListener
from models.database import Database
from models.schema_version import current_revision, head_revision, known_revisions
from notifications.meter_reminders import run_reminders
from notifications.worker import DeliveryWorker
from portal.graphiql import graphiql_routes
from portal.graphql_view import PortalGraphQL
from portal.request_id import RequestIdMiddleware
from portal.security_headers import SecurityHeadersMiddleware
from portal.settings import Settings
from portal.websocket_gate import OpenWebSockets, WebSocketGate
from schema.root import build_schema

log = logging.getLogger(__name__)

READINESS_TIMEOUT_SECONDS = 2.0


def create_app(settings: Settings) -> Starlette:
    if settings.database_url is None:
        raise ValueError(
            "create_app needs settings.database_url (start the embedded database first)"
        )
    database = Database(
        settings.database_url,
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
        pool_timeout=settings.db_pool_timeout,
        # A backstop 5 s behind the operation timeout: no request's statement runs on.
        statement_timeout_ms=(settings.operation_timeout_seconds + 5) * 1000,
    )
    hub = TicketEventHub(database)
    listener = NotificationListener(settings.database_url, hub)
    schema = build_schema(
        introspection=settings.introspection,
        suggestions=not settings.is_production,
        after_limits=(CompiledReads,) if settings.compiled_reads else (),
    )
    graphql = PortalGraphQL(schema, settings, database, hub)
    websockets = OpenWebSockets(settings.max_websockets)
    expected_revision = head_revision()
    known = known_revisions()

    async def healthz(request: Request) -> JSONResponse:
        """The process is alive and answering; says nothing about the database."""
        return JSONResponse({"status": "ok"})

    async def readyz(request: Request) -> JSONResponse:
        """Ready for traffic: not shutting down, the database answers, its schema is at head."""
        if websockets.closing:
            return JSONResponse({"status": "unavailable", "reason": "shutting down"}, 503)
        try:
            async with asyncio.timeout(READINESS_TIMEOUT_SECONDS):
                revision = await current_revision(database)
        except Exception as error:  # any failure to reach the database means not ready
            log.warning("readiness: database unreachable: %s", type(error).__name__)
            return JSONResponse({"status": "unavailable", "database": "unreachable"}, 503)
        # Behind this code's head: migrations pending. A revision this code does not know is
        # a newer release's (expand-then-contract), which this code still runs on in a rollout.
        if revision != expected_revision and (revision is None or revision in known):
            return JSONResponse(
                {"status": "unavailable", "database": "migrations pending", "revision": revision},
                503,
            )
        # Informational: HTTP is served either way; new subscriptions wait for the LISTEN.
        events = "listening" if hub.listening.is_set() else "reconnecting"
        return JSONResponse({"status": "ok", "revision": revision, "events": events})

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        stop = asyncio.Event()
        listening = asyncio.create_task(listener.run(stop), name="ticket-events")
        workers = (
            [
                asyncio.create_task(DeliveryWorker(database, settings).run(stop), name="mail"),
                asyncio.create_task(run_reminders(database, settings, stop), name="reminders"),
            ]
            if settings.run_worker
            else []
        )
        try:
            yield
        finally:
            stop.set()
            hub.end_all("the server is shutting down; reconnect")
            for worker in workers:
                await worker  # finishes the message in hand, then stops
            await listening
            await database.dispose()

    app = Starlette(
        routes=[
            Route("/healthz", healthz, methods=["GET"]),
            Route("/readyz", readyz, methods=["GET"]),
            Route("/graphql", graphql),
            WebSocketRoute("/graphql", graphql),
            *graphiql_routes(settings),
        ],
        middleware=[
            Middleware(WebSocketGate, websockets=websockets),
            Middleware(RequestIdMiddleware),
            Middleware(SecurityHeadersMiddleware, hsts=settings.is_production),
            Middleware(
                CORSMiddleware,
                allow_origins=list(settings.cors_origins),
                allow_credentials=True,
                allow_methods=["GET", "POST"],
                allow_headers=["authorization", "content-type", "x-request-id"],
                expose_headers=["x-request-id", "x-cost-requested", "x-cost-remaining"],
                max_age=600,
            ),
        ],
        lifespan=lifespan,
    )
    app.state.database = database
    app.state.events = hub
    app.state.fast_reads = graphql.fast_reads
    app.state.listener = listener
    app.state.websockets = websockets
    app.state.settings = settings
    return app
