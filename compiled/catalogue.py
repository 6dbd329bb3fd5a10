"""What the compiled path may serve: per GraphQL type, the fields that only read a column
(or build an object from columns of the same row), and the relations and connections that
only follow a key through the target's `visible_*` scope.

Anything computed in Python (`Ticket.responseMet`), depending on who asks beyond visibility
(`Account.viewerRole`, `Account.creditRating`, `Device.assignees`: null plus FORBIDDEN for
some), formatted in Python (`Account.deliveryAddresses`, `Ticket.requestedLocation`) or
reaching people (`User`, authors, assignees) is absent, so an operation selecting it is
answered by the resolvers.

`check(schema)` keeps only the entries the served schema agrees with (the field exists, its
type and nullability match the column): a change to a type silently narrows what compiles
instead of compiling it wrongly.
"""

from __future__ import annotations

import dataclasses
import enum
import re
import uuid
from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any, TypeAlias

from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLType,
    get_named_type,
)
from sqlalchemy import Select
from sqlalchemy.orm import InstrumentedAttribute

from auth import visibility
from auth.viewer import Viewer
from models import (
    Account,
    Department,
    Device,
    DeviceModel,
    DeviceStatus,
    MeterKind,
    MeterReading,
    MeterReadingSource,
    Ticket,
    TicketCategory,
    TicketMessage,
    TicketPriority,
    TicketStatus,
)
from models.meter import COLUMNS as METER_COLUMNS
from resolvers.accounts import ACCOUNT_ORDER
from resolvers.loaders import DEVICE_ORDER, MESSAGE_ORDER, READING_ORDER, TICKET_ORDER
from resolvers.pagination import Order


class Kind(enum.Enum):
    """How a column's value becomes JSON, exactly as the resolver path serializes it."""

    TEXT = "String"
    INT = "Int"
    BOOLEAN = "Boolean"
    DATETIME = "DateTime"
    DATE = "Date"
    ENUM = "enum"
    ENUM_LIST = "enum list"


@dataclasses.dataclass(frozen=True)
class Column:
    column: str
    kind: Kind
    enum: type[enum.Enum] | None = None


@dataclasses.dataclass(frozen=True)
class Voided:
    """MeterReading.voided: whether the reading has a voided_at."""


@dataclasses.dataclass(frozen=True)
class GlobalId:
    type_name: str


@dataclasses.dataclass(frozen=True)
class Embedded:
    """An object built from columns of the same row (an address, a location)."""

    type_name: str
    fields: Mapping[str, Spec]


@dataclasses.dataclass(frozen=True)
class MeterValues:
    """MeterReading.values: one {kind, value} per meter column that is set, in COLUMNS order."""


@dataclasses.dataclass(frozen=True)
class ToOne:
    """The row `column` names, through the target's scope; `required` when non-null."""

    entity: str
    column: str
    required: bool


@dataclasses.dataclass(frozen=True)
class Children:
    """A connection of the rows whose `parent_column` is this row's id, keyset paged."""

    entity: str
    parent_column: str
    order: Order
    # Arguments the compiled path leaves to the resolvers unless they are null.
    unsupported: tuple[str, ...] = ()


Spec: TypeAlias = Column | Voided | GlobalId | Embedded | MeterValues | ToOne | Children


@dataclasses.dataclass(frozen=True)
class Entity:
    type_name: str
    visible: Callable[[Viewer], Select[Any]]
    model: type[Any]
    fields: Mapping[str, Spec]

    @property
    def table(self) -> str:
        return str(self.model.__tablename__)


def _text(column: str) -> Column:
    return Column(column, Kind.TEXT)


def _enum(column: str, enum_type: type[enum.Enum]) -> Column:
    return Column(column, Kind.ENUM, enum_type)


def _address(prefix: str) -> Embedded:
    return Embedded(
        "Address",
        {
            "street": _text(f"{prefix}_street"),
            "postalCode": _text(f"{prefix}_postal_code"),
            "city": _text(f"{prefix}_city"),
            "country": _text(f"{prefix}_country"),
        },
    )


ENTITIES: dict[str, Entity] = {
    entity.type_name: entity
    for entity in (
        Entity(
            "Ticket",
            visibility.visible_tickets,
            Ticket,
            {
                "id": GlobalId("Ticket"),
                "number": _text("number"),
                "subject": _text("subject"),
                "description": _text("description"),
                "category": _enum("category", TicketCategory),
                "status": _enum("status", TicketStatus),
                "priority": _enum("priority", TicketPriority),
                "department": _enum("department", Department),
                "createdAt": Column("created_at", Kind.DATETIME),
                "updatedAt": Column("updated_at", Kind.DATETIME),
                "responseDueAt": Column("response_due_at", Kind.DATETIME),
                "firstRespondedAt": Column("first_responded_at", Kind.DATETIME),
                "requestedDate": Column("requested_date", Kind.DATE),
                "requestReason": _text("request_reason"),
                "account": ToOne("Account", "account_id", required=True),
                "device": ToOne("Device", "device_id", required=False),
                "messages": Children("TicketMessage", "ticket_id", MESSAGE_ORDER),
            },
        ),
        Entity(
            "TicketMessage",
            visibility.visible_ticket_messages,
            TicketMessage,
            {
                "id": GlobalId("TicketMessage"),
                "body": _text("body"),
                "createdAt": Column("created_at", Kind.DATETIME),
                "internal": Column("internal", Kind.BOOLEAN),
            },
        ),
        Entity(
            "Device",
            visibility.visible_devices,
            Device,
            {
                "id": GlobalId("Device"),
                "serialNumber": _text("serial_number"),
                "status": _enum("status", DeviceStatus),
                "model": ToOne("DeviceModel", "model_id", required=True),
                "account": ToOne("Account", "account_id", required=True),
                "location": Embedded(
                    "Location",
                    {
                        "address": _address("location"),
                        "building": _text("location_building"),
                        "floor": _text("location_floor"),
                        "room": _text("location_room"),
                        "note": _text("location_note"),
                    },
                ),
                "serviceLevel": Embedded(
                    "ServiceLevel", {"responseHours": Column("response_hours", Kind.INT)}
                ),
                "meterReadings": Children("MeterReading", "device_id", READING_ORDER),
                "tickets": Children("Ticket", "device_id", TICKET_ORDER, ("filter",)),
            },
        ),
        Entity(
            "DeviceModel",
            visibility.visible_device_models,
            DeviceModel,
            {
                "id": GlobalId("DeviceModel"),
                "code": _text("code"),
                "name": _text("name"),
                "meterKinds": Column("meter_kinds", Kind.ENUM_LIST, MeterKind),
            },
        ),
        Entity(
            "Account",
            visibility.visible_accounts,
            Account,
            {
                "id": GlobalId("Account"),
                "customerNumber": _text("customer_number"),
                "name": _text("name"),
                "timezone": _text("timezone"),
                "billingAddress": _address("billing"),
                "mainContact": _text("main_contact"),
                "phone": _text("phone"),
                "invoiceEmail": _text("invoice_email"),
                "devices": Children("Device", "account_id", DEVICE_ORDER, ("filter",)),
                "tickets": Children("Ticket", "account_id", TICKET_ORDER, ("filter",)),
            },
        ),
        Entity(
            "MeterReading",
            visibility.visible_meter_readings,
            MeterReading,
            {
                "id": GlobalId("MeterReading"),
                "readOn": Column("read_on", Kind.DATE),
                "submittedAt": Column("submitted_at", Kind.DATETIME),
                "source": _enum("source", MeterReadingSource),
                "flaggedForReview": Column("flagged_for_review", Kind.BOOLEAN),
                "voided": Voided(),
                "voidReason": _text("void_reason"),
                "values": MeterValues(),
                "device": ToOne("Device", "device_id", required=True),
            },
        ),
    )
}

# MeterValue objects come from a VALUES list over the reading's meter columns.
METER_VALUE_FIELDS: Mapping[str, Column] = {
    "kind": _enum("kind", MeterKind),
    "value": Column("value", Kind.INT),
}
METER_VALUE_COLUMNS: tuple[tuple[str, str], ...] = tuple(
    (kind.value, column) for kind, column in METER_COLUMNS.items()
)


@dataclasses.dataclass(frozen=True)
class RootList:
    entity: str
    order: Order
    unsupported: tuple[str, ...] = ()


ROOT_LISTS: dict[str, RootList] = {
    "tickets": RootList("Ticket", TICKET_ORDER, ("filter",)),
    "devices": RootList("Device", DEVICE_ORDER, ("filter",)),
    "accounts": RootList("Account", ACCOUNT_ORDER, ("search",)),
}
NODE_FIELD = "node"


# ---------------------------------------------------------------- agreement with the schema

SCALARS = {Kind.TEXT: "String", Kind.INT: "Int", Kind.BOOLEAN: "Boolean"}
SCALARS |= {Kind.DATETIME: "DateTime", Kind.DATE: "Date"}
PYTHON_TYPES: dict[Kind, type] = {
    Kind.TEXT: str,
    Kind.INT: int,
    Kind.BOOLEAN: bool,
    Kind.DATETIME: datetime,
    Kind.DATE: date,
    Kind.ENUM: str,
}
# An enum value is written between quotes as it is stored: only names that need no escaping.
PLAIN_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# Order columns whose cursor value the SQL can write exactly as `Order.cursor` does.
CURSOR_TYPES = (datetime, date, uuid.UUID, str)


@dataclasses.dataclass(frozen=True)
class Catalogue:
    """The entries of the tables above that the served schema agrees with."""

    entities: Mapping[str, Entity]
    root_lists: Mapping[str, RootList]
    node_types: frozenset[str]


def check(schema: GraphQLSchema) -> Catalogue:
    entities: dict[str, Entity] = {}
    for name, entity in ENTITIES.items():
        graphql_type = schema.type_map.get(name)
        if not isinstance(graphql_type, GraphQLObjectType):
            continue
        agreed = {
            field_name: spec
            for field_name, spec in entity.fields.items()
            if field_name in graphql_type.fields
            and _agrees(schema, entity.model, spec, graphql_type.fields[field_name])
        }
        entities[name] = dataclasses.replace(entity, fields=agreed)
    query = schema.query_type
    root_lists: dict[str, RootList] = {}
    for name, root in ROOT_LISTS.items():
        field = query.fields.get(name) if query else None
        if (
            field is not None
            and root.entity in entities
            and _is_connection_of(field.type, root.entity)
            and _orderable(root.order)
            and set(field.args) == {"first", "after", *root.unsupported}
        ):
            root_lists[name] = root
    node = query.fields.get(NODE_FIELD) if query else None
    node_types = (
        frozenset(entities) if node is not None and set(node.args) == {"id"} else frozenset()
    )
    return Catalogue(entities, root_lists, node_types)


def _agrees(schema: GraphQLSchema, model: type[Any], spec: Spec, field: GraphQLField) -> bool:
    non_null = isinstance(field.type, GraphQLNonNull)
    named = get_named_type(field.type)
    table = model.__table__
    if isinstance(spec, GlobalId):
        return non_null and named.name == "ID" and not field.args
    if isinstance(spec, Column):
        column = table.c.get(spec.column)
        return (
            column is not None
            and not field.args
            and column.nullable is not non_null
            and _column_agrees(spec, column.type.python_type, field.type)
        )
    if isinstance(spec, Voided):
        return named.name == "Boolean" and non_null and "voided_at" in table.c
    if isinstance(spec, Embedded):
        target = schema.type_map.get(spec.type_name)
        return (
            non_null
            and target is named
            and isinstance(target, GraphQLObjectType)
            and all(
                name in target.fields and _agrees(schema, model, sub, target.fields[name])
                for name, sub in spec.fields.items()
            )
        )
    if isinstance(spec, MeterValues):
        return (
            named.name == "MeterValue"
            and isinstance(named, GraphQLObjectType)
            and set(named.fields) >= set(METER_VALUE_FIELDS)
            and all(column in table.c for _, column in METER_VALUE_COLUMNS)
        )
    if isinstance(spec, ToOne):
        column = table.c.get(spec.column)
        return (
            column is not None
            and named.name == spec.entity
            and non_null is spec.required
            and not field.args
        )
    return (
        _is_connection_of(field.type, spec.entity)
        and _orderable(spec.order)
        and set(field.args) == {"first", "after", *spec.unsupported}
        and spec.parent_column in ENTITIES[spec.entity].model.__table__.c
    )


def _column_agrees(spec: Column, python_type: type, graphql_type: GraphQLType) -> bool:
    named = get_named_type(graphql_type)
    if spec.kind is Kind.ENUM_LIST:
        inner = graphql_type.of_type if isinstance(graphql_type, GraphQLNonNull) else None
        inner = inner.of_type if isinstance(inner, GraphQLList) else None
        return (
            isinstance(inner, GraphQLNonNull)
            and isinstance(named, GraphQLEnumType)
            and spec.enum is not None
            and _plain_enum(spec.enum, named)
        )
    if spec.kind is Kind.ENUM:
        return (
            isinstance(named, GraphQLEnumType)
            and spec.enum is not None
            and _plain_enum(spec.enum, named)
            and issubclass(python_type, (str, enum.Enum))
        )
    if isinstance(graphql_type, GraphQLNonNull):
        graphql_type = graphql_type.of_type
    if isinstance(graphql_type, GraphQLList):
        return False
    return named.name == SCALARS[spec.kind] and issubclass(python_type, PYTHON_TYPES[spec.kind])


def _plain_enum(enum_type: type[enum.Enum], graphql_enum: GraphQLEnumType) -> bool:
    """Stored values are the GraphQL names, and need no JSON escaping."""
    return set(graphql_enum.values) == {member.name for member in enum_type} and all(
        member.name == member.value and PLAIN_NAME.match(member.name) for member in enum_type
    )


def _is_connection_of(graphql_type: GraphQLType, entity: str) -> bool:
    if not isinstance(graphql_type, GraphQLNonNull):
        return False
    connection = graphql_type.of_type
    if not isinstance(connection, GraphQLObjectType):
        return False
    edges = connection.fields.get("edges")
    if edges is None or "pageInfo" not in connection.fields:
        return False
    edge = get_named_type(edges.type)
    node = edge.fields.get("node") if isinstance(edge, GraphQLObjectType) else None
    return node is not None and get_named_type(node.type).name == entity


def _orderable(order: Order) -> bool:
    columns = [_column_of(attribute) for attribute in order.columns]
    return bool(columns) and all(
        not column.nullable and issubclass(column.type.python_type, CURSOR_TYPES)
        for column in columns
    )


def _column_of(attribute: InstrumentedAttribute[Any]) -> Any:
    return attribute.property.columns[0]


def order_columns(order: Order) -> list[tuple[str, type]]:
    """(column name, Python type) of each order column."""
    return [
        (column.name, column.type.python_type)
        for column in (_column_of(attribute) for attribute in order.columns)
    ]
