"""Plan + binding + the viewer's scopes -> one SQL statement whose value is the `data` JSON.

The JSON is written as text, key by key (`'{"id":' || ... || ',"name":' || ... || '}'`), so
it comes out compact and in selection order, as the resolver path's encoder writes it:
PostgreSQL's `to_json` escapes strings exactly as orjson does, and times and IDs are
formatted here as the resolver path formats them (`datetime.isoformat()` in UTC, base64url
global IDs and cursors without padding).

Each entity is read through its `visible_*` Select, used whole as a derived table
(`FROM (<visible_tickets(viewer)>) AS q_3 WHERE q_3.account_id = q_1.id`), which PostgreSQL
flattens into the outer query, so the rules stay written once and the indexes still serve.
Id lists in scopes are passed as one array each (`IN (SELECT unnest($1::UUID[]))`), and
page sizes are literals, so the statement text, and the server's cached plan, depend on the
shape of the request and of the viewer, not on their values.
"""

# Statements are put together from text (S608), but nothing of a request reaches that text
# except GraphQL names (aliases, checked against NAME below): values travel as parameters,
# page sizes are integers checked by `page_size`, columns and types come from the catalogue.
# ruff: noqa: S608

from __future__ import annotations

import dataclasses
import re
import uuid
from collections.abc import Hashable, Mapping, Sequence
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql.asyncpg import dialect as asyncpg_dialect
from sqlalchemy.sql import operators, visitors
from sqlalchemy.sql.elements import BinaryExpression, BindParameter

from auth.viewer import Viewer
from compiled.catalogue import (
    METER_VALUE_COLUMNS,
    Column,
    Entity,
    GlobalId,
    Kind,
    Voided,
    order_columns,
)
from compiled.planner import (
    Binding,
    Connection,
    Field,
    Lru,
    NodeChoice,
    NodeLookup,
    Object,
    PageChoice,
    Plan,
    Related,
    Scalar,
    Text,
    Value,
    Values,
)

DIALECT = asyncpg_dialect()  # type: ignore[no-untyped-call]
VIEWERS_CACHED = 1024
# The types a scope's parameters may have: what asyncpg takes as they are.
PARAMETER_TYPES = (uuid.UUID, str, int, bool, datetime, date)
PLACEHOLDER = re.compile(r"\$(\d+)")
NAME = re.compile(r"^[_A-Za-z][_0-9A-Za-z]*$")
# The token a statement fails on when a row the resolvers assert exists is not visible.
MISSING_ROW = "compiled_read_missing_row"


# ---------------------------------------------------------------- scopes


@dataclasses.dataclass(frozen=True)
class Scope:
    """A `visible_*` Select as SQL, with its own placeholders $1..$n and their values."""

    sql: str
    params: tuple[Any, ...]


@dataclasses.dataclass
class ViewerScopes:
    """One viewer's scopes, compiled as they are first needed. Memoized per viewer value
    (`visible_*` functions depend on nothing else), so a request finds its viewer's once."""

    viewer: Viewer
    compiled: dict[str, Scope | None] = dataclasses.field(default_factory=dict)

    def of(self, entity: Entity) -> Scope | None:
        """The entity's scope; None when it cannot be used as a derived table."""
        if entity.type_name not in self.compiled:
            self.compiled[entity.type_name] = _compile_scope(entity, entity.visible(self.viewer))
        return self.compiled[entity.type_name]


_scopes: Lru[Hashable, ViewerScopes] = Lru(VIEWERS_CACHED)


def scopes_of(viewer: Viewer) -> ViewerScopes:
    key = _viewer_key(viewer)
    scopes = _scopes.get(key)
    if scopes is None:
        scopes = ViewerScopes(viewer)
        _scopes.put(key, scopes)
    return scopes


def _viewer_key(viewer: Viewer) -> Hashable:
    return tuple(_frozen(getattr(viewer, field.name)) for field in dataclasses.fields(viewer))


def _frozen(value: Any) -> Hashable:
    if isinstance(value, Mapping):
        return tuple((key, _frozen(item)) for key, item in value.items())
    if isinstance(value, set | frozenset):
        return frozenset(value)
    if isinstance(value, list | tuple):
        return tuple(_frozen(item) for item in value)
    return value  # type: ignore[no-any-return]


def _compile_scope(entity: Entity, stmt: Select[Any]) -> Scope | None:
    # The derived table's columns are read by name: they must be the entity's, once each.
    names = list(stmt.selected_columns.keys())
    if names != [column.name for column in entity.model.__table__.columns]:
        return None
    stmt = cast(Select[Any], visitors.replacement_traverse(cast(Any, stmt), {}, _in_as_unnest))
    compiled = stmt.compile(dialect=DIALECT, compile_kwargs={"render_postcompile": True})
    names_in_order = compiled.positiontup or []
    params = tuple(compiled.params[name] for name in names_in_order)
    if not all(_plain_parameter(param) for param in params):
        return None
    if {int(number) for number in PLACEHOLDER.findall(compiled.string)} != set(
        range(1, len(params) + 1)
    ):
        return None
    return Scope(compiled.string, params)


def _in_as_unnest(element: Any, **kw: Any) -> Any:
    """`column IN (a, b, c)` -> `column IN (SELECT unnest($n))`: one array parameter, so the
    statement's text does not change with the number of accounts or devices a viewer has.

    Not `column = ANY($n)`: beside a correlation on the same column (a page of an account's
    cases: `account_id = ANY($n) AND account_id = q_1.id`) PostgreSQL multiplies the two
    selectivities, expects 5 cases where there are 1,000, and reads and sorts them all
    rather than walking the (account_id, created_at) index for the 51 it needs; and an
    ordered index scan cannot have a list on its leading column. As a semi-join the list
    leaves the index to the correlation: Q1 runs in half the time (bench/README.md)."""
    if (
        isinstance(element, BinaryExpression)
        and element.operator is operators.in_op
        and isinstance(element.right, BindParameter)
        and element.right.expanding
        and isinstance(element.right.value, Sequence)
    ):
        values = bindparam(None, list(element.right.value), type_=ARRAY(element.left.type))
        return element.left.in_(select(func.unnest(values)))
    return None


def _plain_parameter(value: Any) -> bool:
    if isinstance(value, list):
        return all(isinstance(item, PARAMETER_TYPES) for item in value)
    return isinstance(value, PARAMETER_TYPES)


# ---------------------------------------------------------------- the statement


def statement(plan: Plan, binding: Binding, scopes: Sequence[Scope]) -> str:
    """The SQL text; cached per plan for the binding's shape and the scopes' texts."""
    key = (binding.shape, tuple(scope.sql for scope in scopes))
    sql = plan.statements.get(key)
    if sql is None:
        sql = _Writer(binding, scopes).root(plan.fields)
        plan.statements.put(key, sql)
    return sql


def parameters(binding: Binding, scopes: Sequence[Scope]) -> tuple[Any, ...]:
    return (*binding.params, *(param for scope in scopes for param in scope.params))


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _quoted(text: str) -> str:
    return f"'\"' || {text} || '\"'"


def _base64url(text: str) -> str:
    """base64url of the UTF-8 text, without padding (PostgreSQL wraps lines at 76: cut)."""
    return (
        f"rtrim(translate(encode(convert_to({text}, 'UTF8'), 'base64'), "
        f"'+/' || chr(10), '-_'), '=')"
    )


def _isoformat(column: str) -> str:
    """`datetime.isoformat()` of the UTC datetime the driver gives: microseconds only when
    there are some."""
    utc = f"({column} AT TIME ZONE 'UTC')"
    return (
        f"(to_char({utc}, 'YYYY-MM-DD\"T\"HH24:MI:SS') || "
        f"CASE WHEN date_trunc('second', {utc}) = {utc} THEN '' ELSE to_char({utc}, '.US') END"
        " || '+00:00')"
    )


def _date(column: str) -> str:
    return f"to_char({column}, 'YYYY-MM-DD')"


class _Writer:
    def __init__(self, binding: Binding, scopes: Sequence[Scope]) -> None:
        self.binding = binding
        self._aliases = 0
        self._scopes: dict[str, str] = {}
        offset = len(binding.params)
        for kind, scope in zip(binding.kinds, scopes, strict=True):
            shift = offset
            self._scopes[kind] = PLACEHOLDER.sub(
                lambda match, shift=shift: f"${int(match.group(1)) + shift}",  # type: ignore[misc]
                scope.sql,
            )
            offset += len(scope.params)

    def root(self, fields: list[Field]) -> str:
        return f"SELECT convert_to({self._object(fields, '')}, 'UTF8')"

    def _alias(self) -> str:
        self._aliases += 1
        return f"q_{self._aliases}"

    def _scope(self, entity: Entity, alias: str) -> str:
        return f"({self._scopes[entity.type_name]}) AS {alias}"

    def _param(self, index: int, python_type: type) -> str:
        cast = {datetime: "timestamptz", date: "date", uuid.UUID: "uuid", str: "text"}
        return f"${index + 1}::{cast[python_type]}"

    # -- JSON text

    def _object(self, fields: Sequence[tuple[str, Any]], row: str) -> str:
        """A JSON object as one `||` chain; adjacent literal pieces are merged."""
        pieces: list[tuple[bool, str]] = []  # (is literal, text)

        def add(literal: bool, text: str) -> None:
            if literal and pieces and pieces[-1][0]:
                pieces[-1] = (True, pieces[-1][1] + text)
            else:
                pieces.append((literal, text))

        if not fields:
            return _literal("{}")
        for index, (key, value) in enumerate(fields):
            if not NAME.match(key):  # the parser allows no other response key: never quoted
                raise ValueError(f"not a GraphQL name: {key!r}")
            add(True, ("{" if index == 0 else ",") + f'"{key}":')
            if isinstance(value, Text):
                add(True, value.json)
            else:
                add(False, value if isinstance(value, str) else self._value(value, row))
        add(True, "}")
        return "(" + " || ".join(_literal(text) if lit else text for lit, text in pieces) + ")"

    def _value(self, value: Value, row: str) -> str:
        if isinstance(value, Scalar):
            return self._scalar(value, row)
        if isinstance(value, Object):
            return self._object(value.fields, row)
        if isinstance(value, Values):
            return self._values(value, row)
        if isinstance(value, Related):
            return self._related(value, row)
        if isinstance(value, Connection):
            return self._connection(value, row)
        if isinstance(value, NodeLookup):
            return self._node(value)
        raise TypeError(value)  # Text is written by _object

    def _scalar(self, scalar: Scalar, row: str) -> str:
        spec = scalar.spec
        if isinstance(spec, GlobalId):
            return _quoted(_base64url(f'{_literal(spec.type_name + ":")} || {row}."id"::text'))
        if isinstance(spec, Voided):
            return f'({row}."voided_at" IS NOT NULL)::text'
        sql = self._column(spec, f'{row}."{spec.column}"')
        return f"coalesce({sql}, 'null')" if scalar.nullable else sql

    def _column(self, spec: Column, column: str) -> str:
        kind = spec.kind
        if kind in (Kind.TEXT, Kind.ENUM_LIST):
            return f"to_json({column})::text"
        if kind in (Kind.INT, Kind.BOOLEAN):
            return f"{column}::text"
        if kind is Kind.DATETIME:
            return _quoted(_isoformat(column))
        if kind is Kind.DATE:
            return _quoted(_date(column))
        return _quoted(column)  # an enum: its stored value is its GraphQL name

    def _values(self, values: Values, row: str) -> str:
        alias = self._alias()
        rows = ", ".join(
            f'({index}, {_literal(kind)}, {row}."{column}")'
            for index, (kind, column) in enumerate(METER_VALUE_COLUMNS)
        )
        element = self._object(values.fields, alias)
        return (
            f"(SELECT coalesce('[' || string_agg({element}, ',' ORDER BY {alias}.\"ord\") "
            f'|| \']\', \'[]\') FROM (VALUES {rows}) AS {alias}("ord", "kind", "value") '
            f'WHERE {alias}."value" IS NOT NULL)'
        )

    def _related(self, related: Related, row: str) -> str:
        alias = self._alias()
        found = (
            f"(SELECT {self._object(related.fields, alias)} FROM "
            f'{self._scope(related.entity, alias)} WHERE {alias}."id" = {row}."{related.column}")'
        )
        if not related.required:
            return f"coalesce({found}, 'null')"
        # The resolvers assert the row is visible (who sees a case sees its account): when it
        # is not, the statement fails, and the resolver path gives its exact error instead.
        key = f"coalesce({row}.\"{related.column}\"::text, '')"
        missing = f"{_literal(f'{MISSING_ROW} {related.entity.type_name} ')} || {key}"
        return f"coalesce({found}, CAST({missing} AS json)::text)"

    def _node(self, lookup: NodeLookup) -> str:
        choice = self.binding.choice(lookup)
        assert isinstance(choice, NodeChoice)
        if choice.type_name is None:
            return "'null'"
        compiled = lookup.by_type[choice.type_name]
        assert compiled is not None
        entity, fields = compiled
        alias = self._alias()
        return (
            f"coalesce((SELECT {self._object(fields, alias)} FROM {self._scope(entity, alias)} "
            f"WHERE {alias}.\"id\" = {self._param(choice.id_param, uuid.UUID)}), 'null')"
        )

    # -- connections

    def _cursor(self, connection: Connection, row: str) -> str:
        """`Order.cursor`: base64url of the JSON list of the order columns' values."""
        values = []
        for name, python_type in order_columns(connection.order):
            column = f'{row}."{name}"'
            if python_type is datetime:
                values.append(_quoted(_isoformat(column)))
            elif python_type is date:
                values.append(_quoted(_date(column)))
            elif python_type is uuid.UUID:
                values.append(_quoted(f"{column}::text"))
            else:
                values.append(f"to_json({column})::text")
        listed = " || ',' || ".join(values)
        return _quoted(_base64url(f"'[' || {listed} || ']'"))

    def _connection(self, connection: Connection, parent: str) -> str:
        choice = self.binding.choice(connection)
        assert isinstance(choice, PageChoice)
        size = choice.size
        row = self._alias()
        columns = order_columns(connection.order)
        direction = "DESC" if connection.order.descending else "ASC"
        order_by = ", ".join(f'{row}."{name}" {direction}' for name, _ in columns)
        conditions = []
        if connection.parent_column is not None:
            conditions.append(f'{row}."{connection.parent_column}" = {parent}."id"')
        if choice.cursor_param is not None:
            position = ", ".join(f'{row}."{name}"' for name, _ in columns)
            cursor = ", ".join(
                self._param(choice.cursor_param + index, python_type)
                for index, (_, python_type) in enumerate(columns)
            )
            comparison = "<" if connection.order.descending else ">"
            conditions.append(f"({position}) {comparison} ({cursor})")
        where = f" WHERE {' AND '.join(conditions)}" if conditions else ""

        parts: list[tuple[str, Any]] = []
        for part in connection.parts:
            if part.kind == "__typename":
                parts.append((part.key, part.text))
            elif part.kind == "totalCount":
                parts.append((part.key, self._count(connection, parent)))
            elif part.kind == "pageInfo":
                parts.append((part.key, self._page_info(connection, part.page, choice, row)))
            else:
                parts.append((part.key, self._edges(connection, part.edges, size, row)))
        body = self._object(parts, row)
        if not connection.needs_rows:
            return body
        page = (
            f"(SELECT * FROM {self._scope(connection.entity, row)}{where} "
            f"ORDER BY {order_by} LIMIT {size + 1})"
        )
        numbered = (
            f"(SELECT {row}.*, row_number() OVER (ORDER BY {order_by}) AS __n, "
            f"count(*) OVER () AS __c FROM {page} AS {row})"
        )
        # One group even when the body holds no aggregate (first: 0 with only startCursor):
        # one answer row over zero rows too.
        return f"(SELECT {body} FROM {numbered} AS {row} GROUP BY ())"

    def _count(self, connection: Connection, parent: str) -> str:
        alias = self._alias()
        where = (
            f' WHERE {alias}."{connection.parent_column}" = {parent}."id"'
            if connection.parent_column is not None
            else ""
        )
        return f"(SELECT count(*) FROM {self._scope(connection.entity, alias)}{where})::text"

    def _page_info(
        self, connection: Connection, page: list[Any], choice: PageChoice, row: str
    ) -> str:
        size = choice.size
        cursor = self._cursor(connection, row)
        items: list[tuple[str, Any]] = []
        for key, what in page:
            if isinstance(what, Text):
                items.append((key, what))
            elif what == "hasNextPage":
                items.append((key, f"(count(*) > {size})::text"))
            elif what == "hasPreviousPage":
                items.append((key, Text("true" if choice.previous else "false")))
            elif size == 0:
                items.append((key, Text("null")))
            elif what == "startCursor":
                items.append((key, f"coalesce(min({cursor}) FILTER (WHERE {row}.__n = 1), 'null')"))
            else:
                last = f"least({row}.__c, {size})"
                items.append(
                    (key, f"coalesce(min({cursor}) FILTER (WHERE {row}.__n = {last}), 'null')")
                )
        return self._object(items, row)

    def _edges(self, connection: Connection, edges: list[Any], size: int, row: str) -> str:
        items: list[tuple[str, Any]] = []
        for key, what in edges:
            if isinstance(what, Text):
                items.append((key, what))
            elif what == "cursor":
                items.append((key, self._cursor(connection, row)))
            else:
                items.append((key, self._object(what, row)))
        element = self._object(items, row)
        return (
            f"coalesce('[' || string_agg({element}, ',' ORDER BY {row}.__n) "
            f"FILTER (WHERE {row}.__n <= {size}) || ']', '[]')"
        )
