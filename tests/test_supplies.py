"""Consumables: ordering what fits, the order workflow, and orders placed by low levels."""

from __future__ import annotations

import asyncio
import re
import uuid
from typing import Any

import pytest
from sqlalchemy import func, select, update

from models import Account, Device, DeviceStatus, OutboxEmail, SupplyItem, SupplyKind, SupplyOrder
from models.database import Database
from schema.base import encode_id
from tests.support import Api
from tests.world import World

ORDER = """
mutation ($input: OrderSuppliesInput!) {
  orderSupplies(input: $input) {
    supplyOrder { id number status source shippingAddress { city } lines { quantity item { sku } }
                  orderedBy { email } device { serialNumber } }
    userErrors { field code message }
  }
}
"""
SET_STATUS = """
mutation ($id: ID!, $s: SupplyOrderStatus!, $tracking: String) {
  setSupplyOrderStatus(input: {supplyOrderId: $id, status: $s, trackingReference: $tracking}) {
    supplyOrder { status trackingReference } userErrors { field code }
  }
}
"""


async def add_item(database: Database, sku: str) -> str:
    async with database.session() as session, session.begin():
        item = SupplyItem(sku=sku, name=f"Item {sku}", kind=SupplyKind.DRUM)
        session.add(item)
        await session.flush()
        return encode_id("SupplyItem", item.id)


async def order(
    api: Api, world: World, role: str = "customer_a", device: str = "a1", lines: Any = None
) -> dict[str, Any]:
    lines = lines if lines is not None else [{"itemId": world.ids["toner"], "quantity": 2}]
    result = await api.as_(world.tokens[role]).data(
        ORDER, {"input": {"deviceId": world.ids[device], "lines": lines}}
    )
    payload: dict[str, Any] = result["orderSupplies"]
    return payload


async def count_orders(database: Database) -> int:
    async with database.session() as session:
        return int(await session.scalar(select(func.count()).select_from(SupplyOrder)) or 0)


async def test_a_customer_orders_toner_that_fits_their_device(api: Api, world: World) -> None:
    placed = await order(api, world)
    assert placed["userErrors"] == []
    supply_order = placed["supplyOrder"]
    assert re.fullmatch(r"SO-\d{4}-\d{6}", supply_order["number"])
    assert supply_order["status"] == "SUBMITTED"
    assert supply_order["source"] == "PORTAL"
    assert supply_order["shippingAddress"] == {"city": "Stockholm"}  # where the device stands
    assert supply_order["lines"] == [{"quantity": 2, "item": {"sku": "T-1"}}]
    listed = await api.as_(world.tokens["customer_a"]).data(
        "{ supplyOrders { totalCount edges { node { number } } } }"
    )
    assert listed["supplyOrders"]["edges"] == [{"node": {"number": supply_order["number"]}}]


async def test_order_numbers_are_unique_when_placed_at_once(
    api: Api, world: World, database: Database
) -> None:
    items = [await add_item(database, f"X-{n}") for n in range(8)]
    async with database.session() as session, session.begin():
        model_id = (await session.scalars(select(Device.model_id))).first()
        from models import model_supplies
        from schema.base import decode_id

        await session.execute(
            model_supplies.insert(),
            [{"model_id": model_id, "supply_item_id": decode_id(i)[1]} for i in items],
        )
    placed = await asyncio.gather(
        *(
            order(api, world, role="staff", device="b1", lines=[{"itemId": item, "quantity": 1}])
            for item in items
        )
    )
    assert len({p["supplyOrder"]["number"] for p in placed}) == 8


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        ([], [(["input", "lines"], "INVALID_INPUT")]),
        (
            [{"itemId": "toner", "quantity": 0}],
            [(["input", "lines", "0", "quantity"], "INVALID_INPUT")],
        ),
        (
            [{"itemId": "toner", "quantity": 11}],
            [(["input", "lines", "0", "quantity"], "INVALID_INPUT")],
        ),
        (
            [{"itemId": "toner", "quantity": -1}],
            [(["input", "lines", "0", "quantity"], "INVALID_INPUT")],
        ),
        (
            [{"itemId": "toner", "quantity": 1}, {"itemId": "toner", "quantity": 2}],
            [(["input", "lines", "1", "itemId"], "INVALID_INPUT")],
        ),
        ([{"itemId": "a1", "quantity": 1}], [(["input", "lines", "0", "itemId"], "INVALID_INPUT")]),
        (
            [{"itemId": "drum", "quantity": 1}],
            [(["input", "lines", "0", "itemId"], "SUPPLY_NOT_COMPATIBLE")],
        ),
        (
            [{"itemId": "unknown", "quantity": 1}],
            [(["input", "lines", "0", "itemId"], "NOT_FOUND")],
        ),
        ([{"itemId": "toner", "quantity": 1}] * 11, None),
    ],
)
async def test_bad_orders_are_refused_and_nothing_is_stored(
    api: Api, world: World, database: Database, lines: list[dict[str, Any]], expected: Any
) -> None:
    ids = dict(world.ids) | {
        "drum": await add_item(database, "DR-X"),
        "unknown": encode_id("SupplyItem", uuid.uuid4()),  # well-formed, names nothing
    }
    resolved = [
        {"itemId": ids.get(line["itemId"], line["itemId"]), "quantity": line["quantity"]}
        for line in lines
    ]
    payload = await order(api, world, lines=resolved)
    assert payload["supplyOrder"] is None
    codes = [(e["field"], e["code"]) for e in payload["userErrors"]]
    if expected is None:  # eleven lines: too many (and duplicates)
        assert (["input", "lines"], "INVALID_INPUT") in codes
    else:
        assert codes == expected
    assert await count_orders(database) == 0


async def test_a_second_order_of_an_item_still_on_its_way_names_the_first(
    api: Api, world: World
) -> None:
    first = (await order(api, world))["supplyOrder"]
    again = await order(api, world, role="admin_a")
    (error,) = again["userErrors"]
    assert (error["field"], error["code"]) == (
        ["input", "lines", "0", "itemId"],
        "DUPLICATE_OPEN_ORDER",
    )
    assert first["number"] in error["message"]


async def test_devices_not_active_take_no_orders_and_invisible_ones_do_not_exist(
    api: Api, world: World, database: Database
) -> None:
    assert (await order(api, world, device="a2"))["userErrors"][0]["code"] == "NOT_FOUND"
    async with database.session() as session, session.begin():
        await session.execute(update(Device).values(status=DeviceStatus.MOVE_REQUESTED))
    assert (await order(api, world))["userErrors"][0]["code"] == "DEVICE_NOT_ACTIVE"


async def test_the_order_workflow_and_its_e_mails(
    api: Api, world: World, database: Database
) -> None:
    placed = (await order(api, world))["supplyOrder"]
    staff = api.as_(world.tokens["staff"])

    async def move(who: Api, status: str, tracking: str | None = None) -> dict[str, Any]:
        result = await who.data(SET_STATUS, {"id": placed["id"], "s": status, "tracking": tracking})
        payload: dict[str, Any] = result["setSupplyOrderStatus"]
        return payload

    assert (await move(staff, "SHIPPED"))["userErrors"][0]["code"] == "INVALID_STATUS_TRANSITION"
    assert (await move(staff, "CONFIRMED"))["supplyOrder"]["status"] == "CONFIRMED"
    no_tracking = await move(staff, "SHIPPED")
    assert no_tracking["userErrors"] == [
        {"field": ["input", "trackingReference"], "code": "INVALID_INPUT"}
    ]
    shipped = await move(staff, "SHIPPED", "PN-123456789SE")
    assert shipped["supplyOrder"] == {"status": "SHIPPED", "trackingReference": "PN-123456789SE"}
    assert (await move(staff, "CANCELLED"))["userErrors"][0]["code"] == "INVALID_STATUS_TRANSITION"
    assert (await move(staff, "DELIVERED"))["supplyOrder"]["status"] == "DELIVERED"
    async with database.session() as session:
        mails = sorted(
            (row.to_address, row.template) for row in await session.scalars(select(OutboxEmail))
        )
    assert mails == [("customer_a@world.example", "supply_order_status")] * 3


async def test_a_customer_cancels_only_their_own_submitted_order(api: Api, world: World) -> None:
    mine = (await order(api, world))["supplyOrder"]
    cancelled = await api.as_(world.tokens["customer_a"]).data(
        SET_STATUS, {"id": mine["id"], "s": "CANCELLED"}
    )
    assert cancelled["setSupplyOrderStatus"]["supplyOrder"]["status"] == "CANCELLED"
    again = (await order(api, world))["supplyOrder"]
    await api.as_(world.tokens["staff"]).data(SET_STATUS, {"id": again["id"], "s": "CONFIRMED"})
    late = await api.as_(world.tokens["customer_a"]).data(
        SET_STATUS, {"id": again["id"], "s": "CANCELLED"}
    )
    assert late["setSupplyOrderStatus"]["userErrors"][0]["code"] == "INVALID_STATUS_TRANSITION"
    foreign = await api.as_(world.tokens["admin_b"]).data(
        SET_STATUS, {"id": again["id"], "s": "CANCELLED"}
    )
    assert foreign["setSupplyOrderStatus"]["userErrors"][0]["code"] == "NOT_FOUND"


async def test_orders_are_seen_through_the_devices(api: Api, world: World) -> None:
    await order(api, world, role="admin_a", device="a2")
    await order(api, world, role="customer_a", device="a1")
    query = "query ($s: [SupplyOrderStatus!]) { supplyOrders(filter: {status: $s}) { totalCount } }"
    counts = {
        role: (await api.as_(world.tokens[role]).data(query))["supplyOrders"]["totalCount"]
        for role in ("customer_a", "customer_a2", "admin_a", "admin_b", "staff")
    }
    assert counts == {"customer_a": 1, "customer_a2": 0, "admin_a": 2, "admin_b": 0, "staff": 2}
    assert (await api.as_(world.tokens["staff"]).data(query, {"s": ["DELIVERED"]}))["supplyOrders"][
        "totalCount"
    ] == 0


REPORT = """
mutation ($d: ID!, $levels: [SupplyLevelInput!]!) {
  reportSupplyLevels(input: {deviceId: $d, levels: $levels}) {
    ordersRaised { number source lines { item { sku } } } userErrors { field code }
  }
}
"""


async def test_a_low_level_orders_by_itself_once_on_a_contract_with_consumables(
    api: Api, world: World, database: Database
) -> None:
    fleet = api.as_(world.tokens["meters_token"])
    levels = [{"sku": "T-1", "levelPercent": 7}]
    without = await fleet.data(REPORT, {"d": world.ids["a1"], "levels": levels})
    assert without["reportSupplyLevels"]["ordersRaised"] == []  # no consumables in the contract
    async with database.session() as session, session.begin():
        await session.execute(update(Account).values(consumables_included=True))
    raised = await fleet.data(REPORT, {"d": world.ids["a1"], "levels": levels})
    (automatic,) = raised["reportSupplyLevels"]["ordersRaised"]
    assert automatic["source"] == "AUTOMATIC"
    assert automatic["lines"] == [{"item": {"sku": "T-1"}}]
    again = await fleet.data(
        REPORT, {"d": world.ids["a1"], "levels": [{"sku": "T-1", "levelPercent": 3}]}
    )
    assert again["reportSupplyLevels"]["ordersRaised"] == []  # one is already open
    fine = await fleet.data(
        REPORT, {"d": world.ids["a2"], "levels": [{"sku": "T-1", "levelPercent": 40}]}
    )
    assert fine["reportSupplyLevels"]["ordersRaised"] == []
    async with database.session() as session:
        told = [row.to_address for row in await session.scalars(select(OutboxEmail))]
    assert told == ["customer_a@world.example"]  # the device's user
    refused = await api.as_(world.tokens["customer_a"]).data(
        REPORT, {"d": world.ids["a1"], "levels": levels}
    )
    assert refused["reportSupplyLevels"]["userErrors"] == [{"field": None, "code": "FORBIDDEN"}]
    unknown = await fleet.data(
        REPORT, {"d": world.ids["a1"], "levels": [{"sku": "NOPE", "levelPercent": 5}]}
    )
    assert unknown["reportSupplyLevels"]["userErrors"] == [
        {"field": ["input", "levels", "0", "sku"], "code": "NOT_FOUND"}
    ]


async def test_people_who_opted_out_of_order_mails_get_none(
    api: Api, world: World, database: Database
) -> None:
    from models import User

    async with database.session() as session, session.begin():
        await session.execute(
            update(User)
            .where(User.email == "customer_a@world.example")
            .values(notify_supply_order_updates=False)
        )
    placed = (await order(api, world))["supplyOrder"]
    confirmed = await api.as_(world.tokens["staff"]).data(
        SET_STATUS, {"id": placed["id"], "s": "CONFIRMED"}
    )
    assert confirmed["setSupplyOrderStatus"]["supplyOrder"]["status"] == "CONFIRMED"
    async with database.session() as session:
        assert await session.scalar(select(func.count()).select_from(OutboxEmail)) == 0
