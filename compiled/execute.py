"""Running a compiled read: one statement on one pooled connection, PostgreSQL's bytes
handed on as they came.

`execute_compiled` stands alone (it parses and validates the document itself, cached); the
`CompiledReads` schema extension serves the app: it runs after `RequestLimits` (depth, cost
and the client's budget are settled first) and, when the operation compiles, sets the
operation's result to the statement's JSON as an `orjson.Fragment`, which the view's
encoder writes out without reading it. Whatever does not compile, or fails, is left to
execution by the resolvers: the same answer, errors included, only slower.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
from collections.abc import AsyncIterator, Mapping
from typing import Any

import asyncpg
import orjson
from graphql import DocumentNode, GraphQLSchema
from graphql import ExecutionResult as GraphQLExecutionResult
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection
from strawberry.extensions import SchemaExtension

from auth.viewer import Viewer
from compiled.planner import Binding, Plan, Planner, planner_for
from compiled.sql import MISSING_ROW, parameters, scopes_of, statement
from models.database import Database, database_unavailable
from resolvers.context import Context

log = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class Compiled:
    sql: str
    params: tuple[Any, ...]


def prepare(
    schema: GraphQLSchema,
    viewer: Viewer,
    query: str,
    variables: Mapping[str, Any] | None,
    operation_name: str | None,
    document: DocumentNode | None = None,
) -> Compiled | None:
    """The statement for this request, or None when the resolvers must answer it."""
    planner = planner_for(schema)
    plan = planner.plan(query, operation_name, document)
    if plan is None:
        return None
    binding = planner.bind(plan, variables)
    if binding is None:
        return None
    return compile_for(planner, plan, binding, viewer)


def compile_for(planner: Planner, plan: Plan, binding: Binding, viewer: Viewer) -> Compiled | None:
    """A bound plan's statement for one viewer, or None when a scope does not compile."""
    viewer_scopes = scopes_of(viewer)
    scopes = []
    for kind in binding.kinds:
        scope = viewer_scopes.of(planner.catalogue.entities[kind])
        if scope is None:
            return None
        scopes.append(scope)
    return Compiled(statement(plan, binding, scopes), parameters(binding, scopes))


async def run(connection: AsyncConnection, compiled: Compiled) -> bytes | None:
    """The `data` JSON; None when the statement failed (a row the resolvers assert exists
    is not visible), so the resolvers answer with their own error."""
    try:
        result = await connection.exec_driver_sql(compiled.sql, compiled.params)
    except DBAPIError as error:
        if _missing_row(error):
            return None
        raise
    return _json_of(result.scalar_one())


async def run_on_driver(driver: asyncpg.Connection, compiled: Compiled) -> bytes | None:
    """`run` on asyncpg's own connection (the fast lane's): the same statement, the same
    answers, without SQLAlchemy's result machinery around one value."""
    try:
        data = await driver.fetchval(compiled.sql, *compiled.params)
    except asyncpg.PostgresError as error:
        if _is_missing_row(error):
            return None
        raise
    return _json_of(data)


def _json_of(data: Any) -> bytes:
    if data is None:  # a piece of the JSON came out NULL: a fault of the compiler
        raise RuntimeError("compiled read produced no JSON")
    return bytes(data)


def _missing_row(error: DBAPIError) -> bool:
    return _is_missing_row(error.orig.__cause__ if error.orig is not None else None)


def _is_missing_row(error: BaseException | None) -> bool:
    """PostgreSQL refusing the marker as JSON: any other failure is a real one."""
    detail = getattr(error, "detail", None) or ""
    return getattr(error, "sqlstate", None) == "22P02" and MISSING_ROW in detail


async def compiled_data(
    database: Database,
    viewer: Viewer,
    query: str,
    variables: Mapping[str, Any] | None = None,
    operation_name: str | None = None,
    *,
    schema: GraphQLSchema | None = None,
    document: DocumentNode | None = None,
) -> bytes | None:
    compiled = prepare(
        schema or default_schema(), viewer, query, variables, operation_name, document
    )
    if compiled is None:
        return None
    async with database.engine.connect() as connection:
        # One statement needs no transaction of its own: no BEGIN and ROLLBACK round trips.
        autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
        return await run(autocommit, compiled)


async def execute_compiled(
    database: Database,
    viewer: Viewer,
    query: str,
    variables: Mapping[str, Any] | None = None,
    operation_name: str | None = None,
    *,
    schema: GraphQLSchema | None = None,
) -> bytes | None:
    """The whole response body, `{"data":...}`, from one statement; None when the operation
    is not compiled (the resolvers must answer it). Limits and budgets are not applied here:
    in the app `CompiledReads` runs after them."""
    data = await compiled_data(database, viewer, query, variables, operation_name, schema=schema)
    return None if data is None else b'{"data":' + data + b"}"


@functools.cache
def default_schema() -> GraphQLSchema:
    from schema.root import build_schema  # the served schema; built once, on first use

    return build_schema()._schema


def enabled(context: Context) -> bool:
    # PORTAL_COMPILED_READS=0 turns the planner off (settings.compiled_reads, default on).
    return context.settings.compiled_reads


class CompiledReads(SchemaExtension):
    """Answers a query operation with one compiled statement when it can; must come after
    RequestLimits in the schema's extensions."""

    async def on_execute(self) -> AsyncIterator[None]:
        execution = self.execution_context
        context = execution.context
        if (
            execution.result is None
            and isinstance(context, Context)
            and execution.query
            and execution.graphql_document is not None
            and enabled(context)
        ):
            try:
                data = await compiled_data(
                    context.database,
                    context.viewer,
                    execution.query,
                    execution.variables,
                    execution.operation_name,
                    schema=execution.schema._schema,
                    document=execution.graphql_document,
                )
            except Exception as error:
                # Never worse than the resolvers: they answer, and report what is wrong.
                if not database_unavailable(error):
                    log.warning("compiled read failed; the resolvers answer", exc_info=True)
                data = None
            if data is not None:
                execution.result = GraphQLExecutionResult(data=orjson.Fragment(data))  # type: ignore[arg-type]
                planner_for(execution.schema._schema).admit(
                    execution.query, execution.operation_name, execution.graphql_document
                )
        yield
