"""Strawberry's ASGI view, fitted to the portal: context, authentication, JSON, HTTP errors."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from typing import Any

import orjson
from cross_web import HTTPException
from sqlalchemy.exc import DBAPIError, OperationalError
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Message, Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL

from auth.authentication import SESSION_COOKIE, InvalidToken, authenticate, bearer_token
from auth.viewer import ANONYMOUS, Viewer
from events.hub import TicketEventHub
from models.database import Database
from portal.errors import ErrorCode
from portal.messages import preferred_locale
from portal.request_id import request_id_of
from portal.settings import Settings
from resolvers.context import Context
from schema.budget import Budget
from schema.root import PortalSchema

log = logging.getLogger(__name__)


MAX_BODY_BYTES = 1_000_000
OPERATION_TIMEOUT_SECONDS = 10
CONNECTION_INIT_SECONDS = 5
MAX_SUBSCRIPTIONS_PER_CONNECTION = 20


class BodyTooLarge(Exception):
    pass


def _limited(scope: Scope, receive: Receive) -> Receive:
    """A receive that refuses a body past the limit, whatever Content-Length claimed."""
    seen = 0

    async def limited_receive() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > MAX_BODY_BYTES:
                raise BodyTooLarge
        return message

    return limited_receive


def error_response(
    status_code: int, code: ErrorCode, message: str, headers: dict[str, str] | None = None
) -> Response:
    body = {"errors": [{"message": message, "extensions": {"code": code.value}}]}
    return Response(orjson.dumps(body), status_code, headers=headers, media_type="application/json")


def http_error_response(request: Request, error: HTTPException) -> Response:
    if request.method == "GET" and "not allowed when using GET" in error.reason:
        # Strawberry answers 400; RFC 9110 and GraphQL over HTTP say 405 with Allow.
        return error_response(405, ErrorCode.BAD_REQUEST, error.reason, {"Allow": "POST"})
    headers = {"Allow": "GET, POST"} if error.status_code == 405 else None
    return error_response(error.status_code, ErrorCode.BAD_REQUEST, error.reason, headers)


class PortalGraphQL(GraphQL[Context, None]):
    def __init__(
        self,
        schema: PortalSchema,
        settings: Settings,
        database: Database,
        events: TicketEventHub,
    ) -> None:
        super().__init__(
            schema,
            graphql_ide=None if settings.is_production else "graphiql",
            allow_queries_via_get=True,
            # The legacy `graphql-ws` protocol is not offered.
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            connection_init_wait_timeout=timedelta(seconds=CONNECTION_INIT_SECONDS),
            max_subscriptions_per_connection=MAX_SUBSCRIPTIONS_PER_CONNECTION,
            # Browsers on other origins may open WebSockets only from configured origins.
            allowed_origins=settings.cors_origins,
        )
        self.settings = settings
        self.database = database
        self.events = events
        self.budget = Budget(settings.cost_budget, settings.cost_refill_per_second)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        request = Request(scope, _limited(scope, receive))
        try:
            declared = int(request.headers.get("content-length") or 0)
            if declared > MAX_BODY_BYTES:
                raise BodyTooLarge
            async with asyncio.timeout(OPERATION_TIMEOUT_SECONDS):
                response = await self.run(request)
        except BodyTooLarge:
            response = error_response(
                413,
                ErrorCode.LIMIT_EXCEEDED,
                f"Request bodies are limited to {MAX_BODY_BYTES} bytes",
            )
        except TimeoutError:
            # The cancellation reached the database call too (asyncpg cancels the query).
            response = error_response(
                504,
                ErrorCode.LIMIT_EXCEEDED,
                f"The operation took longer than {OPERATION_TIMEOUT_SECONDS} s and was stopped",
            )
        except ValueError:
            response = error_response(400, ErrorCode.BAD_REQUEST, "Malformed Content-Length")
        except InvalidToken:
            response = error_response(
                401,
                ErrorCode.UNAUTHENTICATED,
                "The token is invalid, expired or revoked; sign in again",
                {"WWW-Authenticate": 'Bearer error="invalid_token"'},
            )
        except HTTPException as error:
            response = http_error_response(request, error)
        except (OperationalError, DBAPIError, OSError):
            log.exception("database unavailable while authenticating")
            response = error_response(
                503, ErrorCode.SERVICE_UNAVAILABLE, "The service is unavailable; try again shortly"
            )
        await response(scope, receive, send)

    async def get_context(self, request: Request | WebSocket, response: Any) -> Context:
        viewer = ANONYMOUS
        if isinstance(request, Request):
            # A bearer header that is wrong is an error; a stale cookie just means anonymous.
            token = bearer_token(request.headers.get("authorization"))
            if token is not None:
                viewer = await self._authenticate(token)
            elif cookie := request.cookies.get(SESSION_COOKIE):
                try:
                    viewer = await self._authenticate(cookie)
                except InvalidToken:
                    viewer = ANONYMOUS
        return Context(
            settings=self.settings,
            database=self.database,
            request=request,
            response=response if isinstance(response, Response) else None,
            request_id=request_id_of(request.scope),
            locale=preferred_locale(request.headers.get("accept-language")),
            viewer=viewer,
            events=self.events,
            budget=self.budget,
        )

    async def on_ws_connect(self, context: Context) -> None:
        """connection_init: {"authorization": "Bearer <token>"}; none means anonymous."""
        params = context.connection_params or {}
        token = bearer_token(str(params.get("authorization") or "")) or None
        if "authorization" in params and token is None:
            raise ConnectionRejectionError
        if token is None:
            return
        try:
            context.viewer = await self._authenticate(token)
        except InvalidToken:
            raise ConnectionRejectionError from None
        if context.viewer.locale:
            context.locale = context.viewer.locale

    async def _authenticate(self, token: str) -> Viewer:
        async with self.database.session() as session:
            return await authenticate(session, token, self.settings.secret_key)

    def encode_json(self, data: object) -> bytes:
        return orjson.dumps(data)
