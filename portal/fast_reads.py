"""The fast lane: a query the compiled read path has answered before is answered again
straight from the HTTP request, without Strawberry's per-request machinery.

On the compiled path PostgreSQL builds the whole answer, so what is left of a request's cost
is Python around it: Strawberry's view, its extension hooks, an ORM session for the
authentication, SQLAlchemy's result machinery. The first request of a document takes the
full way (parse, validation with the schema's rules, the limits, `CompiledReads`), which
admits the document (`Planner.admit`). After that, for the same document text and operation
name, this lane:

1. reads the JSON body, and gives up on anything unusual (another content type, a batch,
   variables that are not an object);
2. measures the document with the variables (`schema.limits.measure`: page sizes may come
   from them) and binds the plan to them, memoized per document and variables; gives up on
   text with U+0000, a broken limit or arguments the resolvers would refuse, so the refusal
   comes from the full way, worded as ever;
3. checks out one pooled connection, used as asyncpg's own, and on it authenticates (the
   same statements as `auth.authentication`) and runs the compiled statement, whose scopes
   are the same `visible_*` statements;
4. charges the budget, and writes PostgreSQL's bytes into the response with the cost.

Giving up means handing the request on, body already read (Starlette keeps it on the
Request), to the full way: the same answer, errors included. So the lane can only be faster,
never different (tests/test_fast_reads.py compares both answers byte for byte, and the
fuzzer asks every query twice).
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import logging
from collections.abc import Callable
from typing import Any, Literal

import asyncpg
import orjson
from graphql import DocumentNode, GraphQLSchema
from sqlalchemy import BindParameter, bindparam
from sqlalchemy.util import greenlet_spawn
from starlette.requests import Request
from starlette.responses import Response

from auth.authentication import (
    SESSION_COOKIE,
    bearer_token,
    integration_statement,
    integration_viewer_of,
    viewer_of,
    viewer_statement,
)
from auth.tokens import INTEGRATION_TOKEN_PREFIX, hash_token
from auth.viewer import ANONYMOUS, Viewer
from compiled.execute import compile_for, run_on_driver
from compiled.planner import Binding, Lru, Plan, Planner, planner_for
from compiled.sql import DIALECT
from models import AuthSession, IntegrationToken
from models.database import Database, database_unavailable
from portal.settings import Settings
from schema.budget import Budget
from schema.extensions import nul_in
from schema.limits import MAX_COST, Cost, measure, problems_of, record_cost

log = logging.getLogger(__name__)

SHAPES_CACHED = 1024


@dataclasses.dataclass(frozen=True)
class Shape:
    """A request's document and variables, as the same for every viewer: its cost, its plan
    and the plan bound to the variables."""

    cost: int
    plan: Plan
    binding: Binding


def _shape_of(
    planner: Planner,
    document: DocumentNode,
    query: str,
    operation_name: str | None,
    variables: dict[str, Any] | None,
) -> Shape | None:
    """None when the full way must answer: text with U+0000, a limit broken (it refuses with
    the reasons), or arguments the resolvers would refuse (they say why)."""
    if nul_in(variables):
        return None
    found = measure(document, operation_name, variables or {})
    if problems_of(found):
        return None
    plan = planner.plan(query, operation_name, document)
    if plan is None:
        return None
    binding = planner.bind(plan, variables)
    return None if binding is None else Shape(found.cost, plan, binding)


class Declined(Exception):
    """The fast lane hands the request on to the full way."""


@functools.cache
def _viewer_sql(integration: bool) -> str:
    """`auth.authentication`'s statements as SQL text, the token's hash their one parameter
    (an integration token's use is recorded as the usual way records it)."""
    which: BindParameter[bytes] = bindparam("token_hash")
    statement = (
        integration_statement(IntegrationToken.token_hash == which)
        if integration
        else viewer_statement(AuthSession.token_hash == which)
    )
    return str(statement.compile(dialect=DIALECT))


class FastReads:
    def __init__(
        self, schema: GraphQLSchema, settings: Settings, database: Database, budget: Budget
    ) -> None:
        self.schema = schema
        self.settings = settings
        self.database = database
        self.budget = budget
        self.planner = planner_for(schema)
        self._shapes: Lru[tuple[str, str | None, bytes], Shape | Literal[False]] = Lru(
            SHAPES_CACHED
        )
        # Told every statement before it is sent (the lane bypasses SQLAlchemy's events):
        # the benchmarks record a request's SQL with it, tests count statements.
        self.observers: list[Callable[[str, tuple[Any, ...]], None]] = []

    async def answer(self, request: Request, media_type: str) -> Response | None:
        """The response, or None when the full way must answer."""
        if request.method != "POST":
            return None
        content_type = request.headers.get("content-type", "").partition(";")[0].strip()
        if content_type.lower() != "application/json":
            return None
        try:
            payload = orjson.loads(await request.body())
        except orjson.JSONDecodeError:
            return None
        if not isinstance(payload, dict):
            return None
        query = payload.get("query")
        operation_name = payload.get("operationName")
        variables = payload.get("variables")
        if (
            not isinstance(query, str)
            or not (operation_name is None or isinstance(operation_name, str))
            or not (variables is None or isinstance(variables, dict))
        ):
            return None
        shape = self._shape(query, operation_name, variables)
        if shape is None:
            return None
        token = self._token(request)
        # A pooled connection as the driver's own: SQLAlchemy's result machinery costs more
        # than the two statements' own Python, and neither needs a transaction (no BEGIN).
        pooled = await self.database.engine.raw_connection()
        try:
            data, cost = await self._data(pooled.driver_connection, request, token, shape)
        except Declined:
            return None
        except asyncio.CancelledError:
            # The operation's time ran out mid-statement: asyncpg's connection is left busy
            # with it, so it must not go back to the pool as it is.
            await asyncio.shield(greenlet_spawn(pooled.invalidate))
            raise
        except Exception as error:
            if database_unavailable(error):
                # As SQLAlchemy does on a disconnect: this one and the rest of the pool are
                # replaced (connections in use finish first), then the view answers 503.
                await greenlet_spawn(pooled.invalidate)
                await self.database.engine.dispose(close=False)
                raise
            # Never worse than the full way: it answers, and reports what is wrong.
            log.warning("fast lane failed; the full way answers", exc_info=True)
            return None
        finally:
            await greenlet_spawn(pooled.close)  # back to the pool (or closed, if invalidated)
        return _response(data, cost, media_type)

    async def _data(
        self,
        driver: asyncpg.Connection,
        request: Request,
        token: str | None,
        shape: Shape,
    ) -> tuple[bytes, Cost]:
        viewer = await self._viewer(driver, token)
        compiled = compile_for(self.planner, shape.plan, shape.binding, viewer)
        if compiled is None:
            raise Declined
        cost = shape.cost
        charged = self.budget.charge(request, viewer, cost)
        if charged.retry_after is not None:
            raise Declined  # nothing was charged: the full way refuses it with 429
        self._observe(compiled.sql, compiled.params)
        try:
            data = await run_on_driver(driver, compiled)
        except BaseException:
            self.budget.refund(request, viewer, cost)  # the full way charges it, if it runs
            raise
        if data is None:
            # A row the resolvers insist on is not visible: they answer, with their error.
            self.budget.refund(request, viewer, cost)
            raise Declined
        answered = Cost(cost, charged.remaining)
        record_cost(request.scope, answered)
        return data, answered

    def _shape(
        self, query: str, operation_name: str | None, variables: dict[str, Any] | None
    ) -> Shape | None:
        """What the request comes to whoever asks, memoized: the same document with the same
        variables is measured and bound once."""
        key = (query, operation_name, orjson.dumps(variables) if variables else b"")
        shape = self._shapes.get(key)
        if shape is None:
            document = self.planner.admitted(query, operation_name)
            if document is None:
                return None  # not yet answered by the full way: it may be soon
            shape = _shape_of(self.planner, document, query, operation_name, variables) or False
            self._shapes.put(key, shape)
        return shape or None

    def _token(self, request: Request) -> str | None:
        return bearer_token(request.headers.get("authorization")) or (
            request.cookies.get(SESSION_COOKIE) or None
        )

    async def _viewer(self, driver: asyncpg.Connection, token: str | None) -> Viewer:
        if token is None:
            return ANONYMOUS
        integration = token.startswith(INTEGRATION_TOKEN_PREFIX)
        sql, params = _viewer_sql(integration), (hash_token(token, self.settings.secret_key),)
        self._observe(sql, params)
        row = await driver.fetchrow(sql, *params)
        if row is None:
            # A wrong bearer token is a 401, a stale cookie is anonymous: the full way says.
            raise Declined
        return integration_viewer_of(tuple(row)) if integration else viewer_of(tuple(row))

    def _observe(self, sql: str, params: tuple[Any, ...]) -> None:
        for observer in self.observers:
            observer(sql, params)


def _response(data: bytes, cost: Cost, media_type: str) -> Response:
    """What the full way writes for a compiled answer, to the byte: `data`, then the cost."""
    body = b'{"data":' + data + b',"extensions":{"cost":' + orjson.dumps(cost.as_json()) + b"}}"
    headers = {
        "X-Cost-Requested": str(cost.requested),
        "X-Cost-Limit": str(MAX_COST),
        "X-Cost-Remaining": str(cost.remaining),
    }
    return Response(body, 200, headers=headers, media_type=media_type)
