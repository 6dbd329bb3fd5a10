"""Strawberry's ASGI view, fitted to the portal: context, authentication, JSON, HTTP errors."""

from __future__ import annotations

import logging
from typing import Any

import orjson
from cross_web import HTTPException
from sqlalchemy.exc import DBAPIError, OperationalError
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send
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
from schema.root import PortalSchema

log = logging.getLogger(__name__)


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
        )
        self.settings = settings
        self.database = database
        self.events = events

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        request = Request(scope, receive)
        try:
            response = await self.run(request)
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
