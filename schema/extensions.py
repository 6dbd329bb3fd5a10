"""Schema extensions, given to Strawberry as classes so each operation gets fresh instances."""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator, Iterator

from graphql import ExecutionResult as GraphQLExecutionResult
from graphql import GraphQLError, GraphQLSyntaxError
from starlette.requests import Request
from strawberry.extensions import SchemaExtension
from strawberry.types.execution import ExecutionResult
from strawberry.types.graphql import OperationType

from models.database import database_unavailable
from portal.errors import ApiError, ErrorCode
from resolvers.context import Context

log = logging.getLogger("portal.errors")

INTERNAL_MESSAGE = "Internal server error"
UNAVAILABLE_MESSAGE = "The service is unavailable; try again shortly"


class OperationScope(SchemaExtension):
    """Each operation gets its own database session and loaders, closed when it ends."""

    async def on_operation(self) -> AsyncIterator[None]:
        outer = self.execution_context.context
        if not isinstance(outer, Context):  # pragma: no cover - wiring error
            raise TypeError("the portal's schema runs with a resolvers.context.Context")
        operation_context = outer.for_operation()
        self.execution_context.context = operation_context
        try:
            yield
        finally:
            await operation_context.close()


def code_of(error: GraphQLError) -> ErrorCode:
    given = (error.extensions or {}).get("code")
    if isinstance(given, str) and given in ErrorCode.__members__:
        return ErrorCode(given)
    if isinstance(error, GraphQLSyntaxError) and "tokens" in error.message:
        return ErrorCode.LIMIT_EXCEEDED  # parse's own limit: "Document contains more than N tokens"
    original = error.original_error
    if isinstance(original, ApiError):
        return original.code
    if isinstance(error, GraphQLSyntaxError):
        return ErrorCode.GRAPHQL_PARSE_FAILED
    if original is None or (isinstance(original, GraphQLError) and not error.path):
        # Raised by graphql-core itself before or while executing (a variable's value that
        # does not coerce carries the scalar's complaint): the request is at fault.
        return ErrorCode.GRAPHQL_VALIDATION_FAILED
    if database_unavailable(original):
        return ErrorCode.SERVICE_UNAVAILABLE
    return ErrorCode.INTERNAL


def coded(error: GraphQLError, request_id: str | None) -> GraphQLError:
    """The error a client may see: with its code, and with nothing of an internal fault."""
    code = code_of(error)
    masked = {ErrorCode.INTERNAL: INTERNAL_MESSAGE}
    if not isinstance(error.original_error, ApiError):
        # A driver's words about a lost connection name hosts and internals: not for clients.
        masked[ErrorCode.SERVICE_UNAVAILABLE] = UNAVAILABLE_MESSAGE
    if code in masked:
        return GraphQLError(
            masked[code],
            nodes=error.nodes,
            source=error.source,
            positions=error.positions,
            path=error.path,
            extensions={"code": code.value, "requestId": request_id},
        )
    return GraphQLError(
        error.message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        extensions={**(error.extensions or {}), "code": code.value},
    )


class SubscriptionsOverWebSocket(SchemaExtension):
    """A subscription sent as a plain HTTP request has nothing to stream over: the client's
    mistake, refused before anything runs (graphql-core would fail on it internally)."""

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context.context
        if (
            self.execution_context.operation_type is OperationType.SUBSCRIPTION
            and isinstance(context, Context)
            and isinstance(context.request, Request)
        ):
            self.execution_context.result = GraphQLExecutionResult(
                data=None,
                errors=[
                    GraphQLError(
                        "Subscriptions are served over a WebSocket at this URL "
                        "(protocol graphql-transport-ws), not over plain HTTP",
                        extensions={"code": ErrorCode.BAD_REQUEST.value},
                    )
                ],
            )
        yield


SUGGESTION = re.compile(r" Did you mean .*\?$")


class ErrorCodes(SchemaExtension):
    """Every error leaves with `extensions.code`; internal faults leave masked (logged first);
    without suggestions, "Did you mean ...?" is cut from validation messages."""

    def __init__(self, *, suggestions: bool = True) -> None:
        self.suggestions = suggestions

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        # graphql-core's result after execution, Strawberry's after a pre-execution error.
        if isinstance(result, ExecutionResult | GraphQLExecutionResult) and result.errors:
            context = self.execution_context.context
            request_id = context.request_id if isinstance(context, Context) else None
            result.errors = [coded(error, request_id) for error in result.errors]
            if not self.suggestions:
                result.errors = [_without_suggestion(error) for error in result.errors]


def _without_suggestion(error: GraphQLError) -> GraphQLError:
    message = SUGGESTION.sub("", error.message)
    if message == error.message:
        return error
    return GraphQLError(
        message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        extensions=error.extensions,
    )


def log_internal_errors(errors: list[GraphQLError], request_id: str | None) -> None:
    for error in errors:
        code = code_of(error)
        where = ".".join(str(part) for part in error.path or ())
        if code is ErrorCode.INTERNAL:
            log.error(
                "internal error in %s (request %s)",
                where,
                request_id,
                exc_info=error.original_error,
            )
        elif code is ErrorCode.SERVICE_UNAVAILABLE and error.original_error is not None:
            log.warning(
                "database unavailable in %s (request %s): %s",
                where,
                request_id,
                type(error.original_error).__name__,
            )
