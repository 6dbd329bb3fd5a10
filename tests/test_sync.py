"""Back-office sync: upserts keyed by external keys, idempotent, for staff and sync tokens."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import func, select

from models import Account, Device
from models.database import Database
from tests.support import Api
from tests.world import World

UPSERT_ACCOUNT = """
mutation ($input: UpsertAccountInput!) {
  upsertAccount(input: $input) {
    account { id name customerNumber timezone } userErrors { field code }
  }
}
"""
UPSERT_DEVICE = """
mutation ($input: UpsertDeviceInput!) {
  upsertDevice(input: $input) {
    device { id serialNumber status model { code } account { name } location { room } }
    userErrors { field code }
  }
}
"""
UPSERT_MODEL = """
mutation ($input: UpsertDeviceModelInput!) {
  upsertDeviceModel(input: $input) { deviceModel { code meterKinds } userErrors { field code } }
}
"""
UPSERT_ITEM = """
mutation ($input: UpsertSupplyItemInput!) {
  upsertSupplyItem(input: $input) { supplyItem { sku kind } userErrors { field code } }
}
"""


def account_input(**overrides: Any) -> dict[str, Any]:
    return {
        "externalId": "ERP-777",
        "customerNumber": "777",
        "name": "Lakeside Clinic",
        "timezone": "Europe/Stockholm",
        "billingAddress": {
            "street": "Strandvägen 1",
            "postalCode": "114 51",
            "city": "Stockholm",
            "country": "se",
        },
        "creditRating": "AA",
    } | overrides


async def updated_at(database: Database, external_id: str) -> Any:
    async with database.session() as session:
        return await session.scalar(
            select(Account.updated_at).where(Account.external_id == external_id)
        )


async def test_the_same_key_updates_and_an_identical_call_changes_nothing(
    api: Api, world: World, database: Database
) -> None:
    sync = api.as_(world.tokens["sync_token"])
    first = (await sync.data(UPSERT_ACCOUNT, {"input": account_input()}))["upsertAccount"]
    assert first["userErrors"] == []
    stamp = await updated_at(database, "ERP-777")
    again = (await sync.data(UPSERT_ACCOUNT, {"input": account_input()}))["upsertAccount"]
    assert again["account"] == first["account"]
    assert await updated_at(database, "ERP-777") == stamp
    renamed = (await sync.data(UPSERT_ACCOUNT, {"input": account_input(name="Lakeside AB")}))[
        "upsertAccount"
    ]
    assert renamed["account"]["id"] == first["account"]["id"]
    assert renamed["account"]["name"] == "Lakeside AB"
    assert await updated_at(database, "ERP-777") > stamp
    async with database.session() as session:
        assert await session.scalar(select(func.count()).select_from(Account)) == 3


async def test_racing_upserts_of_one_key_end_with_one_row(
    api: Api, world: World, database: Database
) -> None:
    sync = api.as_(world.tokens["sync_token"])
    results = await asyncio.gather(
        *(sync.data(UPSERT_ACCOUNT, {"input": account_input()}) for _ in range(8))
    )
    assert {r["upsertAccount"]["account"]["id"] for r in results} != set()
    assert len({r["upsertAccount"]["account"]["id"] for r in results}) == 1
    async with database.session() as session:
        assert (
            await session.scalar(
                select(func.count()).select_from(Account).where(Account.external_id == "ERP-777")
            )
            == 1
        )


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"customerNumber": "C-A"}, [(["input", "customerNumber"], "ALREADY_EXISTS")]),
        ({"timezone": "Mars/Olympus"}, [(["input", "timezone"], "INVALID_INPUT")]),
        (
            {"billingAddress": {"street": "", "postalCode": "1", "city": "X", "country": "Sweden"}},
            [
                (["input", "billingAddress", "street"], "INVALID_INPUT"),
                (["input", "billingAddress", "country"], "INVALID_INPUT"),
            ],
        ),
        ({"name": "x" * 201}, [(["input", "name"], "INVALID_INPUT")]),
    ],
)
async def test_bad_accounts_are_refused_with_paths(
    api: Api, world: World, database: Database, overrides: dict[str, Any], expected: Any
) -> None:
    payload = (
        await api.as_(world.tokens["staff"]).data(
            UPSERT_ACCOUNT, {"input": account_input(**overrides)}
        )
    )["upsertAccount"]
    assert payload["account"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == expected
    assert await updated_at(database, "ERP-777") is None


@pytest.mark.parametrize("role", ["customer_a", "admin_a", "meters_token"])
async def test_only_staff_and_sync_tokens_may_sync(api: Api, world: World, role: str) -> None:
    payload = (await api.as_(world.tokens[role]).data(UPSERT_ACCOUNT, {"input": account_input()}))[
        "upsertAccount"
    ]
    assert payload["userErrors"] == [{"field": None, "code": "FORBIDDEN"}]


async def test_models_supplies_and_devices_sync_and_show_what_fits(
    api: Api, world: World, database: Database
) -> None:
    sync = api.as_(world.tokens["sync_token"])
    for sku in ("TN-9K", "DR-9"):
        kind = "TONER" if sku.startswith("TN") else "DRUM"
        item = await sync.data(UPSERT_ITEM, {"input": {"sku": sku, "name": sku, "kind": kind}})
        assert item["upsertSupplyItem"]["userErrors"] == []
    unknown = await sync.data(
        UPSERT_MODEL,
        {
            "input": {
                "code": "X9",
                "name": "X9",
                "meterKinds": ["TOTAL"],
                "supplySkus": ["TN-9K", "NOPE"],
            }
        },
    )
    assert unknown["upsertDeviceModel"]["userErrors"] == [
        {"field": ["input", "supplySkus", "1"], "code": "NOT_FOUND"}
    ]
    model = await sync.data(
        UPSERT_MODEL,
        {
            "input": {
                "code": "X9",
                "name": "Printer X9",
                "meterKinds": ["TOTAL", "BLACK", "COLOR"],
                "supplySkus": ["TN-9K", "DR-9"],
            }
        },
    )
    assert model["upsertDeviceModel"]["deviceModel"] == {
        "code": "X9",
        "meterKinds": ["TOTAL", "BLACK", "COLOR"],
    }
    device_input = {
        "externalId": "ERP-DEV-1",
        "accountId": world.ids["account_a"],
        "serialNumber": "SN-X9-1",
        "modelCode": "X9",
        "location": {
            "address": {"street": "Gatan 1", "postalCode": "1", "city": "Malmö", "country": "SE"},
            "room": "Copy room",
        },
        "responseHours": 4,
    }
    device = (await sync.data(UPSERT_DEVICE, {"input": device_input}))["upsertDevice"]
    assert device["userErrors"] == []
    assert device["device"]["account"] == {"name": "Account A"}
    assert device["device"]["location"] == {"room": "Copy room"}
    again = (await sync.data(UPSERT_DEVICE, {"input": device_input}))["upsertDevice"]
    assert again["device"]["id"] == device["device"]["id"]
    # The account's admin now sees it, with what fits it.
    fits = await api.as_(world.tokens["admin_a"]).data(
        "query ($id: ID!) { node(id: $id) { ... on Device { compatibleSupplies { sku } } } }",
        {"id": device["device"]["id"]},
    )
    assert fits["node"]["compatibleSupplies"] == [{"sku": "DR-9"}, {"sku": "TN-9K"}]


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"accountId": "device:a1"}, [(["input", "accountId"], "INVALID_INPUT")]),
        ({"modelCode": "NO-SUCH"}, [(["input", "modelCode"], "NOT_FOUND")]),
        ({"serialNumber": "SN-B1"}, [(["input", "serialNumber"], "ALREADY_EXISTS")]),
        ({"responseHours": 0}, [(["input", "responseHours"], "INVALID_INPUT")]),
    ],
)
async def test_bad_devices_are_refused_and_nothing_is_written(
    api: Api, world: World, database: Database, overrides: dict[str, Any], expected: Any
) -> None:
    if overrides.get("accountId") == "device:a1":
        overrides = overrides | {"accountId": world.ids["a1"]}  # an ID of the wrong type
    device_input = {
        "externalId": "ERP-DEV-2",
        "accountId": world.ids["account_a"],
        "serialNumber": "SN-NEW",
        "modelCode": "M-1",
        "location": {"address": {"street": "S", "postalCode": "1", "city": "C", "country": "SE"}},
        "responseHours": 8,
    } | overrides
    payload = (await api.as_(world.tokens["staff"]).data(UPSERT_DEVICE, {"input": device_input}))[
        "upsertDevice"
    ]
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == expected
    async with database.session() as session:
        assert await session.scalar(select(func.count()).select_from(Device)) == 3
