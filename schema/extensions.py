"""Schema extensions, given to Strawberry as classes so each operation gets fresh instances."""

from __future__ import annotations

import contextlib
import functools
import logging
import re
from collections.abc import AsyncIterator, Iterator
from typing import Any

from graphql import (
    BREAK,
    DocumentNode,
    GraphQLError,
    GraphQLSyntaxError,
    StringValueNode,
    Visitor,
    parse,
    visit,
)
from graphql import ExecutionResult as GraphQLExecutionResult
from starlette.requests import Request
from strawberry.extensions import SchemaExtension
from strawberry.types.execution import ExecutionResult
from strawberry.types.graphql import OperationType

from models.database import database_unavailable
from portal.errors import ApiError, ErrorCode
from resolvers.context import Context
from schema.limits import MAX_TOKENS

log = logging.getLogger("portal.errors")

# Documents parsed and validated once per process, not per request (bench/README.md).
DOCUMENT_CACHE_SIZE = 1000
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
            try:
                await operation_context.close()
            except Exception:
                # The answer is already made; a failure to give the connection back is the
                # server's to log, never a driver message in the client's errors.
                log.exception("closing an operation's database scope failed")


NUL_MESSAGE = "Text may not contain the NUL character (U+0000)"


class _NulInLiterals(Visitor):
    found = False

    def enter_string_value(self, node: StringValueNode, *_: object) -> Any:
        if "\x00" in node.value:
            self.found = True
            return BREAK
        return None


# Keyed by the document object: the parse cache hands out the same one for the same text,
# so each distinct document is walked once.
@functools.lru_cache(maxsize=DOCUMENT_CACHE_SIZE)
def _nul_in_literals(document: DocumentNode) -> bool:
    finder = _NulInLiterals()
    visit(document, finder)
    return finder.found


def nul_in(value: object) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(nul_in(item) for item in value.values())
    if isinstance(value, list):
        return any(nul_in(item) for item in value)
    return False


class RefuseNulText(SchemaExtension):
    """PostgreSQL's text cannot hold U+0000: a string with one, in a literal or a variable,
    would fail in the database as an internal error. It is bad input, refused up front."""

    def on_execute(self) -> Iterator[None]:
        document = self.execution_context.graphql_document
        in_literals = document is not None and _nul_in_literals(document)
        if in_literals or nul_in(self.execution_context.variables):
            self.execution_context.result = GraphQLExecutionResult(
                data=None,
                errors=[
                    GraphQLError(NUL_MESSAGE, extensions={"code": ErrorCode.BAD_USER_INPUT.value})
                ],
            )
        yield


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


@functools.lru_cache(maxsize=DOCUMENT_CACHE_SIZE)
def _parsed(query: str, max_tokens: int | None) -> DocumentNode:
    return parse(query, max_tokens=max_tokens)


def parsed_or_none(query: str) -> DocumentNode | None:
    """The document, parsed as a request's is (cached, with its token limit); None when it
    does not parse (its request is answered with the error)."""
    try:
        return _parsed(query, MAX_TOKENS)
    except GraphQLError:
        return None


class CachedParse(SchemaExtension):
    """Each distinct document is parsed once per process. Unlike Strawberry's ParserCache, a
    document that fails to parse is left to Strawberry's own parse, whose error takes the
    normal way out (with its code) instead of escaping from an extension hook."""

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        if context.query and context.graphql_document is None:
            with contextlib.suppress(GraphQLError):
                context.graphql_document = _parsed(
                    context.query, context.parse_options.get("max_tokens")
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
