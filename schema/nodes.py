"""`node(id:)` and `nodes(ids:)`: any object by its global ID, through its type's visibility."""

from __future__ import annotations

import uuid
from collections import defaultdict

import strawberry

from schema.accounts import Account, Payment
from schema.base import Info, Node, decode_id
from schema.devices import Device, DeviceModel, SupplyItem
from schema.guides import Guide
from schema.meters import MeterReading
from schema.people import AccessRequest
from schema.supplies import SupplyOrder
from schema.tickets import Ticket, TicketMessage
from schema.users import User

# The types `node` can return, by GraphQL name. Each resolves through its own visibility rule.
NODE_TYPES: dict[str, type[Node]] = {
    "AccessRequest": AccessRequest,
    "Account": Account,
    "Device": Device,
    "DeviceModel": DeviceModel,
    "MeterReading": MeterReading,
    "Payment": Payment,
    "SupplyItem": SupplyItem,
    "SupplyOrder": SupplyOrder,
    "Guide": Guide,
    "Ticket": Ticket,
    "TicketMessage": TicketMessage,
    "User": User,
}


async def resolve_nodes(info: Info, global_ids: list[strawberry.ID]) -> list[Node | None]:
    """One batch per type, whatever the number of IDs; answers keep the order asked."""
    wanted: dict[str, list[uuid.UUID]] = defaultdict(list)
    decoded = [decode_id(global_id) for global_id in global_ids]
    for type_name, key in decoded:
        if type_name in NODE_TYPES:
            wanted[type_name].append(key)
    found: dict[tuple[str, uuid.UUID], Node] = {}
    for type_name, keys in wanted.items():
        for key, node in zip(
            keys, await NODE_TYPES[type_name].resolve_nodes(info, keys), strict=True
        ):
            if node is not None:
                found[(type_name, key)] = node
    return [found.get(pair) for pair in decoded]


@strawberry.type
class NodeQueries:
    @strawberry.field(description="The object with this ID; null if it does not exist for you.")
    async def node(self, info: Info, id: strawberry.ID) -> Node | None:
        return (await resolve_nodes(info, [id]))[0]

    @strawberry.field(description="The objects with these IDs, in order; null where not visible.")
    async def nodes(self, info: Info, ids: list[strawberry.ID]) -> list[Node | None]:
        return await resolve_nodes(info, ids)
