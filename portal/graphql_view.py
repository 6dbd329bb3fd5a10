"""Strawberry's ASGI view, fitted to the portal: context, authentication, GraphQL over HTTP
(media types and status codes), the cost in every answer, HTTP errors, the operation timeout."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from typing import Any

import orjson
from cross_web import HTTPException
from starlette.requests import ClientDisconnect, HTTPConnection, Request
from starlette.responses import Response
from starlette.types import Message, Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http import GraphQLHTTPResponse
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types import ExecutionResult

from auth.authentication import SESSION_COOKIE, InvalidToken, authenticate, bearer_token
from auth.viewer import ANONYMOUS, Viewer
from events.hub import TicketEventHub
from models.database import Database, database_unavailable
from portal.errors import ErrorCode
from portal.fast_reads import FastReads
from portal.messages import preferred_locale
from portal.request_id import request_id_of
from portal.settings import Settings
from portal.websocket_operations import TimedTransportWS
from resolvers.context import Context
from schema.budget import Budget
from schema.limits import Cost, record_cost, recorded_cost
from schema.root import PortalSchema

log = logging.getLogger(__name__)


MAX_BODY_BYTES = 1_000_000
CONNECTION_INIT_SECONDS = 5
MAX_SUBSCRIPTIONS_PER_CONNECTION = 20

# GraphQL over HTTP: the media type made for GraphQL responses, and the legacy one.
GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
JSON = "application/json"


class BodyTooLarge(Exception):
    pass


class NotAcceptable(Exception):
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


def negotiate(accept: str | None) -> str | None:
    """The media type to answer in, by the client's Accept (RFC 9110 12.5.1); None if the
    client accepts neither. The most specific range decides a type's q; the higher q wins,
    then the more specific range, then the one listed first. No Accept, or only a wildcard,
    means application/json: GraphQL over HTTP asks that, for clients older than its type."""
    if not accept:
        return JSON
    # media type -> (q, specificity: 2 exact, 1 application/*, 0 */*, minus its position)
    best: dict[str, tuple[float, int, int]] = {}
    for position, part in enumerate(accept.split(",")):
        media_range, *parameters = (piece.strip().lower() for piece in part.split(";"))
        q = 1.0
        for parameter in parameters:
            name, _, value = parameter.partition("=")
            if name.strip() == "q":
                try:
                    q = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    q = 0.0  # a range the client could not say clearly is not relied on
        for served in (GRAPHQL_RESPONSE_JSON, JSON):
            if media_range == served:
                specificity = 2
            elif media_range == "application/*":
                specificity = 1
            elif media_range == "*/*":
                specificity = 0
            else:
                continue
            if served not in best or specificity > best[served][1]:
                best[served] = (q, specificity, -position)
    acceptable = [(rank, served == JSON, served) for served, rank in best.items() if rank[0] > 0]
    # On a tie (one wildcard covering both), application/json: what such clients expect.
    return max(acceptable)[2] if acceptable else None


def accept_of(request: HTTPConnection) -> str | None:
    # Several Accept fields mean the same as one listing them all (RFC 9110 5.3).
    return ", ".join(request.headers.getlist("accept")) or None


def response_media_type(request: HTTPConnection) -> str:
    return negotiate(accept_of(request)) or JSON


def error_response(
    status_code: int,
    code: ErrorCode,
    message: str,
    headers: dict[str, str] | None = None,
    *,
    media_type: str = JSON,
    cost: Cost | None = None,
    request_id: str | None = None,
) -> Response:
    extensions = {"code": code.value} | ({"requestId": request_id} if request_id else {})
    body: dict[str, object] = {"errors": [{"message": message, "extensions": extensions}]}
    if cost is not None:
        body["extensions"] = {"cost": cost.as_json()}
    return Response(orjson.dumps(body), status_code, headers=headers, media_type=media_type)


def executed(result: ExecutionResult) -> bool:
    """Whether execution started. Errors before it (syntax, validation, variables, limits)
    have no path; a field error has one, even when it nulls the whole `data`."""
    return result.data is not None or any(error.path for error in result.errors or ())


def request_error_status(body: GraphQLHTTPResponse) -> int:
    codes = {
        error.get("extensions", {}).get("code")
        for error in body.get("errors") or ()
        if isinstance(error, dict)
    }
    if ErrorCode.SERVICE_UNAVAILABLE in codes:
        return 503
    if ErrorCode.INTERNAL in codes:
        return 500
    return 400


class PortalGraphQL(GraphQL[Context, None]):
    graphql_transport_ws_handler_class = TimedTransportWS

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
        self.fast_reads = (
            FastReads(schema._schema, settings, database, self.budget)
            if settings.compiled_reads
            else None
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        request = Request(scope, _limited(scope, receive))
        timeout = self.settings.operation_timeout_seconds
        try:
            declared = int(request.headers.get("content-length") or 0)
            if declared > MAX_BODY_BYTES:
                raise BodyTooLarge
            media_type = negotiate(accept_of(request))
            if media_type is None and not (
                self.should_render_graphql_ide(self.request_adapter_class(request))
            ):
                raise NotAcceptable
            async with asyncio.timeout(timeout):
                fast = self.fast_reads and await self.fast_reads.answer(request, media_type or JSON)
                response = fast or await self.run(request)
        except ClientDisconnect:
            return  # the client hung up while sending its request: nobody to answer
        except BodyTooLarge:
            response = self.error(
                request,
                413,
                ErrorCode.LIMIT_EXCEEDED,
                f"Request bodies are limited to {MAX_BODY_BYTES} bytes",
            )
        except NotAcceptable:
            # GraphQL over HTTP recommends 406 over answering in a type the client refused.
            response = self.error(
                request,
                406,
                ErrorCode.BAD_REQUEST,
                f"Answers are {GRAPHQL_RESPONSE_JSON} or {JSON}; the Accept header allows neither",
            )
        except TimeoutError:
            # Cancelling the task cancels the statement it awaits: asyncpg asks PostgreSQL to
            # cancel it, and the transaction is rolled back (tests/test_graphql_over_http.py).
            response = self.error(
                request,
                504,
                ErrorCode.LIMIT_EXCEEDED,
                f"The operation took longer than {timeout} s and was stopped",
            )
        except ValueError:
            response = self.error(request, 400, ErrorCode.BAD_REQUEST, "Malformed Content-Length")
        except InvalidToken:
            response = self.error(
                request,
                401,
                ErrorCode.UNAUTHENTICATED,
                "The token is invalid, expired or revoked; sign in again",
                {"WWW-Authenticate": 'Bearer error="invalid_token"'},
            )
        except HTTPException as error:
            response = self.http_error(request, error)
        except Exception as error:
            # Before the operation (authenticating): a database that is down, restarting or
            # out of pooled connections is the service's state, not the client's mistake.
            if not database_unavailable(error):
                # Our fault, before the operation: masked like any internal error.
                request_id = request_id_of(scope)
                log.exception("internal error before the operation (request %s)", request_id)
                response = self.error(
                    request,
                    500,
                    ErrorCode.INTERNAL,
                    "Internal server error",
                    request_id=request_id,
                )
                await response(scope, receive, send)
                return
            log.warning("database unavailable before the operation: %s", type(error).__name__)
            response = self.error(
                request,
                503,
                ErrorCode.SERVICE_UNAVAILABLE,
                "The service is unavailable; try again shortly",
                {"Retry-After": "1"},
            )
        await response(scope, receive, send)

    def error(
        self,
        request: Request,
        status_code: int,
        code: ErrorCode,
        message: str,
        headers: dict[str, str] | None = None,
        request_id: str | None = None,
    ) -> Response:
        """An answer the operation never gave: in the negotiated media type, with the cost."""
        return error_response(
            status_code,
            code,
            message,
            headers,
            media_type=response_media_type(request),
            cost=self.cost(request),
            request_id=request_id,
        )

    def http_error(self, request: Request, error: HTTPException) -> Response:
        if request.method == "GET" and "not allowed when using GET" in error.reason:
            # Strawberry answers 400; RFC 9110 and GraphQL over HTTP say 405 with Allow.
            return self.error(request, 405, ErrorCode.BAD_REQUEST, error.reason, {"Allow": "POST"})
        headers = {"Allow": "GET, POST"} if error.status_code == 405 else None
        return self.error(request, error.status_code, ErrorCode.BAD_REQUEST, error.reason, headers)

    def cost(self, request: Request) -> Cost:
        # Nothing recorded: the request failed before its viewer was known.
        return recorded_cost(request.scope) or Cost(0, self.budget.remaining(request))

    async def get_sub_response(self, request: Request | WebSocket) -> Response:
        sub_response = await super().get_sub_response(request)
        # Read back by create_response, which is not given the request.
        sub_response.media_type = response_media_type(request)
        return sub_response

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        body = await super().process_result(request, result)
        if response_media_type(request) == GRAPHQL_RESPONSE_JSON and not executed(result):
            # A request error: no `data` entry at all, so the client can tell it from a
            # field error that nulled everything (and the status says 4xx).
            body.pop("data", None)
        body["extensions"] = {
            **(body.get("extensions") or {}),
            "cost": self.cost(request).as_json(),
        }
        return body

    def create_response(
        self,
        response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse],
        sub_response: Response,
    ) -> Response:
        response = super().create_response(response_data, sub_response)
        if sub_response.media_type == GRAPHQL_RESPONSE_JSON:
            response.headers["content-type"] = GRAPHQL_RESPONSE_JSON
            # 200 once execution started, whatever the field errors; before it, 4xx or 5xx.
            # A status already chosen (429 over budget) stands.
            if (
                not isinstance(response_data, list)
                and "data" not in response_data
                and not sub_response.status_code
            ):
                response.status_code = request_error_status(response_data)
        return response

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
            # What a request that never reaches execution (a syntax error, say) reports.
            record_cost(request.scope, Cost(0, self.budget.remaining(request, viewer)))
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
        # One statement (an integration token's also records its use): no transaction needed.
        async with self.database.autocommit_session() as session:
            return await authenticate(session, token, self.settings.secret_key)

    def encode_json(self, data: object) -> str:
        # Text, not bytes: Strawberry sends bytes as binary WebSocket frames, which
        # graphql-transport-ws clients (graphql-ws, gql, browsers) cannot read as messages.
        return orjson.dumps(data).decode()

    async def render_graphql_ide(self, request: Request) -> Response:
        # Strawberry's page loads GraphiQL from a CDN; this one is served from the portal.
        from portal.graphiql import graphiql_page  # kept here: only development asks for it

        return await graphiql_page(request)
