"""Document -> plan, and plan + variables -> binding.

A plan is the operation's response shape, collected by graphql-core's own `collect_fields`
(so aliases, merged fields, named and inline fragments and literal @skip/@include mean
exactly what execution makes of them), each field resolved against the catalogue. Plans are
cached per (document text, operation name), and so is "not compiled".

Binding reads the arguments (first/after, node ids) with graphql-core's coercion, checks
them as the resolvers would (`page_size`, `Order.after`, `decode_id`) and gives up on
anything those would refuse: the resolvers then answer, errors and all.
"""

from __future__ import annotations

import collections
import dataclasses
from collections.abc import Hashable, Mapping
from datetime import date, datetime
from typing import Any, Generic, Literal, TypeAlias, TypeVar

import orjson
from graphql import (
    BooleanValueNode,
    DirectiveNode,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    GraphQLError,
    GraphQLField,
    GraphQLObjectType,
    GraphQLSchema,
    ListValueNode,
    ObjectValueNode,
    OperationDefinitionNode,
    OperationType,
    ValueNode,
    VariableNode,
    get_named_type,
    get_operation_ast,
    parse,
    specified_rules,
)
from graphql.execution.collect_fields import (
    FieldDetailsList,
    FragmentDetails,
    GroupedFieldSet,
    collect_fields,
    collect_subfields,
)
from graphql.execution.values import VariableValues, get_argument_values, get_variable_values
from strawberry.schema.schema import validate_document

from compiled.catalogue import (
    METER_VALUE_FIELDS,
    NODE_FIELD,
    Catalogue,
    Children,
    Column,
    Embedded,
    Entity,
    GlobalId,
    MeterValues,
    Spec,
    ToOne,
    Voided,
    check,
    order_columns,
)
from portal.errors import BadUserInput
from resolvers.pagination import Order, page_size
from schema.base import decode_id
from schema.limits import MAX_TOKENS
from schema.nodes import NODE_TYPES

PLAN_CACHE_SIZE = 512
STATEMENTS_PER_PLAN = 32
# Each JSON key/value pair is one `||` chain link; past this a selection is unusual enough
# to leave to the resolvers rather than build statements of unbounded size.
MAX_FIELDS_PER_OBJECT = 200
PAGE_INFO_FIELDS = ("hasNextPage", "hasPreviousPage", "startCursor", "endCursor")
NO_VARIABLES = VariableValues({}, {})

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Lru(Generic[K, V]):
    def __init__(self, size: int) -> None:
        self.size = size
        self._items: collections.OrderedDict[K, V] = collections.OrderedDict()

    def get(self, key: K) -> V | None:
        value = self._items.get(key)
        if value is not None:
            self._items.move_to_end(key)
        return value

    def __contains__(self, key: K) -> bool:
        return key in self._items

    def put(self, key: K, value: V) -> None:
        self._items[key] = value
        self._items.move_to_end(key)
        while len(self._items) > self.size:
            self._items.popitem(last=False)


# ---------------------------------------------------------------- the plan


@dataclasses.dataclass(eq=False)
class Text:
    """A value known when planning (__typename), as JSON text."""

    json: str


@dataclasses.dataclass(eq=False)
class Scalar:
    spec: Column | Voided | GlobalId
    nullable: bool


@dataclasses.dataclass(eq=False)
class Object:
    """An object of the same row (Address, Location, ServiceLevel)."""

    fields: list[Field]


@dataclasses.dataclass(eq=False)
class Values:
    """MeterReading.values."""

    fields: list[Field]


@dataclasses.dataclass(eq=False)
class Related:
    entity: Entity
    column: str
    required: bool
    fields: list[Field]


@dataclasses.dataclass(eq=False)
class Arguments:
    definition: GraphQLField
    node: FieldNode
    # Coerced once when the arguments hold no variable.
    constant: dict[str, Any] | None

    def values(self, variables: VariableValues) -> dict[str, Any]:
        if self.constant is not None:
            return self.constant
        return get_argument_values(self.definition, self.node, variables)


EdgeItem: TypeAlias = tuple[str, Literal["cursor"] | Text | list["Field"]]
PageItem: TypeAlias = tuple[str, str | Text]


@dataclasses.dataclass(eq=False)
class Part:
    """One selection of a connection: edges, pageInfo, totalCount or __typename."""

    key: str
    kind: Literal["edges", "pageInfo", "totalCount", "__typename"]
    edges: list[EdgeItem] = dataclasses.field(default_factory=list)
    page: list[PageItem] = dataclasses.field(default_factory=list)
    text: Text | None = None


@dataclasses.dataclass(eq=False)
class Connection:
    entity: Entity
    parent_column: str | None  # None for a root list
    order: Order
    unsupported: tuple[str, ...]
    arguments: Arguments
    parts: list[Part]

    @property
    def needs_rows(self) -> bool:
        return any(
            part.kind == "edges"
            or (
                part.kind == "pageInfo"
                and any(
                    isinstance(what, str) and what != "hasPreviousPage" for _, what in part.page
                )
            )
            for part in self.parts
        )

    @property
    def needs_count(self) -> bool:
        return any(part.kind == "totalCount" for part in self.parts)


@dataclasses.dataclass(eq=False)
class NodeLookup:
    arguments: Arguments
    # Every type `node` can return: its entity and fields, or None when it is not compiled.
    by_type: dict[str, tuple[Entity, list[Field]] | None]


Value: TypeAlias = Text | Scalar | Object | Values | Related | Connection | NodeLookup
Field: TypeAlias = tuple[str, Value]


@dataclasses.dataclass(eq=False)
class Plan:
    operation: OperationDefinitionNode
    fields: list[Field]
    # SQL text per (binding shape, scope texts): filled by compiled/sql.py.
    statements: Lru[Hashable, str] = dataclasses.field(
        default_factory=lambda: Lru(STATEMENTS_PER_PLAN)
    )


# ---------------------------------------------------------------- the binding


@dataclasses.dataclass(frozen=True)
class PageChoice:
    size: int
    cursor_param: int | None  # index in Binding.params of the first cursor value
    previous: bool  # hasPreviousPage: an `after` was given (even an empty one)


@dataclasses.dataclass(frozen=True)
class NodeChoice:
    type_name: str | None  # None: no such type, the answer is null
    id_param: int


Choice: TypeAlias = PageChoice | NodeChoice


@dataclasses.dataclass
class Binding:
    params: list[Any] = dataclasses.field(default_factory=list)
    choices: dict[int, Choice] = dataclasses.field(default_factory=dict)
    # Entities whose scope the statement reads, in first use.
    kinds: list[str] = dataclasses.field(default_factory=list)

    def use(self, entity: Entity) -> None:
        if entity.type_name not in self.kinds:
            self.kinds.append(entity.type_name)

    def choose(self, value: Connection | NodeLookup, choice: Choice) -> None:
        self.choices[id(value)] = choice

    def choice(self, value: Connection | NodeLookup) -> Choice:
        return self.choices[id(value)]

    @property
    def shape(self) -> tuple[Choice, ...]:
        return tuple(self.choices.values())


class NotCompiled(Exception):
    pass


# ---------------------------------------------------------------- the planner


class Planner:
    def __init__(self, schema: GraphQLSchema) -> None:
        self.schema = schema
        self.catalogue: Catalogue = check(schema)
        self._plans: Lru[tuple[str, str | None], Plan | Literal[False]] = Lru(PLAN_CACHE_SIZE)
        # Documents the compiled path has answered after the whole pipeline before it
        # (parse, validation with the schema's own rules, the request limits): the fast
        # lane (portal/fast_reads.py) may answer them again without that pipeline.
        self._admitted: Lru[tuple[str, str | None], DocumentNode] = Lru(PLAN_CACHE_SIZE)

    def plan(
        self, query: str, operation_name: str | None, document: DocumentNode | None = None
    ) -> Plan | None:
        """The plan for a document, or None when it is not compiled. `document`, when given,
        is the already parsed and validated document of `query`."""
        key = (query, operation_name)
        cached = self._plans.get(key)
        if cached is None:
            cached = self._build(query, operation_name, document) or False
            self._plans.put(key, cached)
        return cached or None

    def admit(self, query: str, operation_name: str | None, document: DocumentNode) -> None:
        self._admitted.put((query, operation_name), document)
        operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
        if len(operations) == 1:  # its name, or none: the same request
            self._admitted.put((query, None), document)

    def admitted(self, query: str, operation_name: str | None) -> DocumentNode | None:
        """The document of a request the compiled path has answered before, else None."""
        return self._admitted.get((query, operation_name))

    def bind(self, plan: Plan, variables: Mapping[str, Any] | None) -> Binding | None:
        coerced = get_variable_values(
            self.schema, plan.operation.variable_definitions or (), dict(variables or {})
        )
        if isinstance(coerced, list):
            return None
        binding = Binding()
        try:
            _bind_fields(plan.fields, coerced, binding)
        except (NotCompiled, GraphQLError):
            return None
        return binding

    def _build(
        self, query: str, operation_name: str | None, document: DocumentNode | None
    ) -> Plan | None:
        if document is None:
            try:
                document = parse(query, max_tokens=MAX_TOKENS)
            except GraphQLError:
                return None
            if validate_document(self.schema, document, tuple(specified_rules)):
                return None
        operation = get_operation_ast(document, operation_name)
        if operation is None or operation.operation is not OperationType.QUERY:
            return None
        fragments: dict[str, FragmentDetails] = {}
        for definition in document.definitions:
            if isinstance(definition, FragmentDefinitionNode):
                if definition.variable_definitions:
                    return None
                fragments[definition.name.value] = FragmentDetails(definition)
        if not _plain_directives(document):
            return None
        try:
            return _Builder(self.schema, self.catalogue, fragments, operation).plan()
        except NotCompiled:
            return None


@dataclasses.dataclass
class _Builder:
    """One document's plan, field by field; raises NotCompiled at the first field it cannot."""

    schema: GraphQLSchema
    catalogue: Catalogue
    fragments: dict[str, FragmentDetails]
    operation: OperationDefinitionNode

    def plan(self) -> Plan:
        root = self.schema.query_type
        assert root is not None
        collected = collect_fields(self.schema, self.fragments, NO_VARIABLES, root, self.operation)
        if collected.new_defer_usages or collected.forbidden_directive_instances:
            raise NotCompiled
        fields: list[Field] = []
        for key, group in collected.grouped_field_set.items():
            name = group[0].node.name.value
            value: Value
            if name == "__typename":
                value = Text(_json(root.name))
            elif name in self.catalogue.root_lists:
                listing = self.catalogue.root_lists[name]
                value = self._connection(
                    self.catalogue.entities[listing.entity],
                    None,
                    listing.order,
                    listing.unsupported,
                    root.fields[name],
                    group,
                )
            elif name == NODE_FIELD and self.catalogue.node_types:
                value = self._node(root.fields[name], group)
            else:
                raise NotCompiled
            fields.append((key, value))
        _bounded(fields)
        return Plan(self.operation, fields)

    def _collect(self, graphql_type: GraphQLObjectType, group: FieldDetailsList) -> GroupedFieldSet:
        collected = collect_subfields(
            self.schema, self.fragments, NO_VARIABLES, self.operation, graphql_type, group
        )
        if collected.new_defer_usages or collected.forbidden_directive_instances:
            raise NotCompiled
        for details in collected.grouped_field_set.values():
            if any(d.defer_usage or d.fragment_variable_values for d in details):
                raise NotCompiled
        return collected.grouped_field_set

    def _object_type(self, name: str) -> GraphQLObjectType:
        graphql_type = self.schema.type_map.get(name)
        if not isinstance(graphql_type, GraphQLObjectType):
            raise NotCompiled
        return graphql_type

    def _entity_fields(self, entity: Entity, group: FieldDetailsList) -> list[Field]:
        graphql_type = self._object_type(entity.type_name)
        return self._fields(entity, entity.fields, graphql_type, group)

    def _fields(
        self,
        entity: Entity,
        specs: Mapping[str, Spec],
        graphql_type: GraphQLObjectType,
        group: FieldDetailsList,
        of_values: bool = False,
    ) -> list[Field]:
        fields: list[Field] = []
        for key, details in self._collect(graphql_type, group).items():
            name = details[0].node.name.value
            if name == "__typename":
                fields.append((key, Text(_json(graphql_type.name))))
                continue
            spec = specs.get(name)
            if spec is None:
                raise NotCompiled
            definition = graphql_type.fields[name]
            fields.append((key, self._value(entity, spec, definition, details, of_values)))
        _bounded(fields)
        return fields

    def _value(
        self,
        entity: Entity,
        spec: Spec,
        definition: GraphQLField,
        group: FieldDetailsList,
        of_values: bool,
    ) -> Value:
        if isinstance(spec, Column):
            # A meter value's columns come from a VALUES list that keeps only set meters.
            nullable = not of_values and entity.model.__table__.c[spec.column].nullable
            return Scalar(spec, bool(nullable))
        if isinstance(spec, Voided | GlobalId):
            return Scalar(spec, nullable=False)
        if isinstance(spec, Embedded):
            graphql_type = self._object_type(spec.type_name)
            return Object(self._fields(entity, spec.fields, graphql_type, group))
        if isinstance(spec, MeterValues):
            graphql_type = self._object_type("MeterValue")
            return Values(self._fields(entity, METER_VALUE_FIELDS, graphql_type, group, True))
        target = self.catalogue.entities.get(spec.entity)
        if target is None:
            raise NotCompiled
        if isinstance(spec, ToOne):
            fields = self._entity_fields(target, group)
            return Related(target, spec.column, spec.required, fields)
        assert isinstance(spec, Children)
        return self._connection(
            target, spec.parent_column, spec.order, spec.unsupported, definition, group
        )

    def _connection(
        self,
        entity: Entity,
        parent_column: str | None,
        order: Order,
        unsupported: tuple[str, ...],
        definition: GraphQLField,
        group: FieldDetailsList,
    ) -> Connection:
        connection_type = get_named_type(definition.type)
        if not isinstance(connection_type, GraphQLObjectType):
            raise NotCompiled
        parts: list[Part] = []
        for key, details in self._collect(connection_type, group).items():
            name = details[0].node.name.value
            if name == "__typename":
                parts.append(Part(key, "__typename", text=Text(_json(connection_type.name))))
            elif name == "totalCount":
                parts.append(Part(key, "totalCount"))
            elif name == "pageInfo":
                page_type = get_named_type(connection_type.fields[name].type)
                assert isinstance(page_type, GraphQLObjectType)
                page: list[PageItem] = []
                for page_key, page_details in self._collect(page_type, details).items():
                    what = page_details[0].node.name.value
                    if what == "__typename":
                        page.append((page_key, Text(_json(page_type.name))))
                    elif what in PAGE_INFO_FIELDS:
                        page.append((page_key, what))
                    else:
                        raise NotCompiled
                parts.append(Part(key, "pageInfo", page=page))
            elif name == "edges":
                edge_type = get_named_type(connection_type.fields[name].type)
                assert isinstance(edge_type, GraphQLObjectType)
                edges: list[EdgeItem] = []
                for edge_key, edge_details in self._collect(edge_type, details).items():
                    what = edge_details[0].node.name.value
                    if what == "__typename":
                        edges.append((edge_key, Text(_json(edge_type.name))))
                    elif what == "cursor":
                        edges.append((edge_key, "cursor"))
                    elif what == "node":
                        edges.append((edge_key, self._entity_fields(entity, edge_details)))
                    else:
                        raise NotCompiled
                parts.append(Part(key, "edges", edges=edges))
            else:
                raise NotCompiled
        if len(parts) > MAX_FIELDS_PER_OBJECT:
            raise NotCompiled
        return Connection(
            entity, parent_column, order, unsupported, self._arguments(definition, group), parts
        )

    def _node(self, definition: GraphQLField, group: FieldDetailsList) -> NodeLookup:
        by_type: dict[str, tuple[Entity, list[Field]] | None] = {}
        for type_name in NODE_TYPES:
            entity = self.catalogue.entities.get(type_name)
            if entity is None or type_name not in self.catalogue.node_types:
                by_type[type_name] = None
                continue
            try:
                by_type[type_name] = (entity, self._entity_fields(entity, group))
            except NotCompiled:
                by_type[type_name] = None
        return NodeLookup(self._arguments(definition, group), by_type)

    def _arguments(self, definition: GraphQLField, group: FieldDetailsList) -> Arguments:
        node = group[0].node
        constant = None
        if not any(_has_variable(argument.value) for argument in node.arguments or ()):
            try:
                constant = get_argument_values(definition, node)
            except GraphQLError:
                raise NotCompiled from None
        return Arguments(definition, node, constant)


# ---------------------------------------------------------------- binding


def _bind_fields(fields: list[Field], variables: VariableValues, binding: Binding) -> None:
    for _, value in fields:
        if isinstance(value, Object):
            _bind_fields(value.fields, variables, binding)
        elif isinstance(value, Related):
            binding.use(value.entity)
            _bind_fields(value.fields, variables, binding)
        elif isinstance(value, Connection):
            _bind_connection(value, variables, binding)
        elif isinstance(value, NodeLookup):
            _bind_node(value, variables, binding)


def _bind_connection(connection: Connection, variables: VariableValues, binding: Binding) -> None:
    arguments = connection.arguments.values(variables)
    if any(arguments.get(name) is not None for name in connection.unsupported):
        raise NotCompiled
    first, after = arguments.get("first"), arguments.get("after")
    try:
        size = page_size(first)
    except BadUserInput:
        raise NotCompiled from None
    cursor_param = None
    if after:  # as the resolvers: an empty cursor filters nothing but still counts as given
        values = cursor_values(connection.order, after)  # checked even when no row is read
        if connection.needs_rows:
            cursor_param = len(binding.params)
            binding.params.extend(values)
    binding.choose(connection, PageChoice(size, cursor_param, after is not None))
    if connection.needs_rows or connection.needs_count:
        binding.use(connection.entity)
    for part in connection.parts:
        for _, item in part.edges:
            if isinstance(item, list):
                _bind_fields(item, variables, binding)


def _bind_node(lookup: NodeLookup, variables: VariableValues, binding: Binding) -> None:
    global_id = lookup.arguments.values(variables).get("id")
    if not isinstance(global_id, str):
        raise NotCompiled
    try:
        type_name, key = decode_id(global_id)
    except BadUserInput:
        raise NotCompiled from None
    if type_name not in lookup.by_type:
        # Well formed but of no type: null, as `resolve_nodes` answers.
        binding.choose(lookup, NodeChoice(None, -1))
        return
    compiled = lookup.by_type[type_name]
    if compiled is None:
        raise NotCompiled
    entity, fields = compiled
    binding.choose(lookup, NodeChoice(type_name, len(binding.params)))
    binding.params.append(key)
    binding.use(entity)
    _bind_fields(fields, variables, binding)


def cursor_values(order: Order, cursor: str) -> list[Any]:
    """The values `Order.after` compares with, taken from the condition it builds: what it
    accepts and how it reads it stay the resolvers' own."""
    try:
        condition = order.after(cursor)
    except BadUserInput:
        raise NotCompiled from None
    clauses = getattr(getattr(condition, "right", None), "clauses", None)
    columns = order_columns(order)
    if clauses is None or len(clauses) != len(columns):
        raise NotCompiled
    values = [getattr(clause, "value", None) for clause in clauses]
    for value, (_, python_type) in zip(values, columns, strict=True):
        if not isinstance(value, python_type):
            raise NotCompiled
        if python_type is date and isinstance(value, datetime):
            raise NotCompiled
    return values


def _has_variable(value: ValueNode) -> bool:
    if isinstance(value, VariableNode):
        return True
    if isinstance(value, ListValueNode):
        return any(_has_variable(item) for item in value.values)
    if isinstance(value, ObjectValueNode):
        return any(_has_variable(field.value) for field in value.fields)
    return False


def _plain_directives(document: DocumentNode) -> bool:
    """Only @skip and @include, with literal conditions: the plan then holds for any variables."""
    stack: list[Any] = [document]
    while stack:
        node = stack.pop()
        for directive in getattr(node, "directives", None) or ():
            if not _plain_directive(directive):
                return False
        for attribute in ("definitions", "selections"):
            stack.extend(getattr(node, attribute, None) or ())
        if (selection_set := getattr(node, "selection_set", None)) is not None:
            stack.append(selection_set)
    return True


def _plain_directive(directive: DirectiveNode) -> bool:
    return directive.name.value in ("skip", "include") and all(
        isinstance(argument.value, BooleanValueNode) for argument in directive.arguments or ()
    )


def _bounded(fields: list[Field]) -> None:
    if len(fields) > MAX_FIELDS_PER_OBJECT:
        raise NotCompiled


def _json(text: str) -> str:
    return orjson.dumps(text).decode()


_planners: dict[int, Planner] = {}


def planner_for(schema: GraphQLSchema) -> Planner:
    planner = _planners.get(id(schema))
    if planner is None or planner.schema is not schema:
        planner = _planners[id(schema)] = Planner(schema)
    return planner
