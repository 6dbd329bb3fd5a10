"""graphql-transport-ws as Strawberry speaks it, with the HTTP operation time limit on the
queries and mutations a WebSocket carries.

Over HTTP the view bounds every operation (`PORTAL_OPERATION_TIMEOUT_SECONDS`); a WebSocket
runs each operation as a task of its own, which Strawberry leaves unbounded. Subscriptions
live for hours by design; a query or mutation sent over the socket gets the same limit as
over HTTP: cancelled with its statement (asyncpg asks PostgreSQL to cancel it, and the
transaction is rolled back), and answered with an `error` message coded LIMIT_EXCEEDED.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from graphql import GraphQLError, OperationType, get_operation_ast
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
    Operation,
)

from portal.errors import ErrorCode
from resolvers.context import Context
from schema.extensions import parsed_or_none

if TYPE_CHECKING:
    from portal.graphql_view import PortalGraphQL


def is_subscription(query: str, operation_name: str | None) -> bool:
    document = parsed_or_none(query)
    operation = get_operation_ast(document, operation_name) if document is not None else None
    return operation is not None and operation.operation is OperationType.SUBSCRIPTION


class TimedTransportWS(BaseGraphQLTransportWSHandler[Context, None]):
    view: PortalGraphQL

    async def run_operation(self, operation: Operation[Context, None]) -> None:
        if is_subscription(operation.query, operation.operation_name):
            await super().run_operation(operation)
            return
        timeout = self.view.settings.operation_timeout_seconds
        try:
            async with asyncio.timeout(timeout):
                await super().run_operation(operation)
        except TimeoutError:
            error = GraphQLError(
                f"The operation took longer than {timeout} s and was stopped",
                extensions={"code": ErrorCode.LIMIT_EXCEEDED.value},
            )
            await operation.send_operation_message(
                {"id": operation.id, "type": "error", "payload": [error.formatted]}
            )
