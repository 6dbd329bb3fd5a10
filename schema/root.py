"""The schema: root types merged from each domain, and the extensions that wrap every operation."""

from __future__ import annotations

import datetime
import functools
from collections.abc import Sequence
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import (
    DisableIntrospection,
    MaxTokensLimiter,
    ValidationCache,
)
from strawberry.tools import merge_types
from strawberry.types import ExecutionContext

from resolvers.context import Context
from schema.accounts import AccountQueries
from schema.audit import AuditQueries
from schema.devices import DeviceQueries
from schema.extensions import (
    DOCUMENT_CACHE_SIZE,
    CachedParse,
    ErrorCodes,
    OperationScope,
    RefuseNulText,
    SubscriptionsOverWebSocket,
    log_internal_errors,
)
from schema.guides import GuideMutations, GuideQueries
from schema.limits import MAX_TOKENS, RequestLimits
from schema.meters import MeterMutations
from schema.nodes import NODE_TYPES, NodeQueries
from schema.pagination import PageInfo
from schema.people import PeopleMutations
from schema.sessions import SessionMutations
from schema.supplies import SupplyMutations, SupplyQueries
from schema.sync import SyncMutations
from schema.tickets import Subscription, TicketMutations, TicketQueries
from schema.users import UserQueries

Query = merge_types(
    "Query",
    (
        NodeQueries,
        UserQueries,
        AccountQueries,
        DeviceQueries,
        TicketQueries,
        SupplyQueries,
        GuideQueries,
        AuditQueries,
    ),
)
Mutation = merge_types(
    "Mutation",
    (
        SessionMutations,
        PeopleMutations,
        SyncMutations,
        TicketMutations,
        MeterMutations,
        SupplyMutations,
        GuideMutations,
    ),
)


class PortalSchema(strawberry.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        context: Any = execution_context.context if execution_context else None
        log_internal_errors(errors, context.request_id if isinstance(context, Context) else None)


def build_schema(
    *, introspection: bool = True, suggestions: bool = True, after_limits: Sequence[Any] = ()
) -> PortalSchema:
    """The served schema. Production turns introspection off (unless configured) and field
    suggestions ("Did you mean ...?") off: both map the API for a stranger. `after_limits`
    are extensions that run once a request has passed the limits (the compiled read path)."""
    extensions: list[Any] = [
        CachedParse,
        functools.partial(ValidationCache, maxsize=DOCUMENT_CACHE_SIZE),
        functools.partial(ErrorCodes, suggestions=suggestions),
        OperationScope,
        SubscriptionsOverWebSocket,
        RefuseNulText,
        RequestLimits,
        *after_limits,
        functools.partial(MaxTokensLimiter, max_token_count=MAX_TOKENS),
    ]
    if not introspection:
        extensions.append(DisableIntrospection)
    return PortalSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        # The contract's shared types and scalars are served even before a field uses them.
        types=[*NODE_TYPES.values(), PageInfo, datetime.date, datetime.datetime],
        # Classes, not instances: Strawberry makes fresh ones per operation, so no state
        # leaks between concurrent requests. ErrorCodes runs last, after the scope closed.
        extensions=extensions,
    )
