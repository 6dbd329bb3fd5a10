"""What customers keep up to date themselves, and how the lists page and filter."""

from __future__ import annotations

import base64
import json
import uuid
from typing import Any

import pytest

from tests.support import Api
from tests.world import World

MOVE = """
mutation ($input: UpdateDeviceLocationInput!) {
  updateDeviceLocation(input: $input) {
    device { location { room floor address { city } } } userErrors { field code }
  }
}
"""


def location(**overrides: Any) -> dict[str, Any]:
    return {
        "address": {
            "street": "Nya gatan 5",
            "postalCode": "211 20",
            "city": "Malmö",
            "country": "SE",
        },
        "floor": "2",
        "room": "Print corner",
    } | overrides


async def test_an_assigned_customer_updates_their_devices_location(api: Api, world: World) -> None:
    customer = api.as_(world.tokens["customer_a"])
    payload = (
        await customer.data(MOVE, {"input": {"deviceId": world.ids["a1"], "location": location()}})
    )["updateDeviceLocation"]
    assert payload == {
        "device": {
            "location": {"room": "Print corner", "floor": "2", "address": {"city": "Malmö"}}
        },
        "userErrors": [],
    }
    other = await customer.data(
        MOVE, {"input": {"deviceId": world.ids["a2"], "location": location()}}
    )
    assert other["updateDeviceLocation"]["userErrors"] == [
        {"field": ["input", "deviceId"], "code": "NOT_FOUND"}
    ]


async def test_location_input_is_checked_field_by_field(api: Api, world: World) -> None:
    admin = api.as_(world.tokens["admin_a"])
    bad = location(
        room="r" * 201, address={"street": "", "postalCode": "1", "city": "C", "country": "S"}
    )
    payload = (await admin.data(MOVE, {"input": {"deviceId": world.ids["a2"], "location": bad}}))[
        "updateDeviceLocation"
    ]
    assert payload["device"] is None
    assert sorted(tuple(e["field"]) for e in payload["userErrors"]) == [
        ("input", "location", "address", "country"),
        ("input", "location", "address", "street"),
        ("input", "location", "room"),
    ]


UPDATE_ACCOUNT = """
mutation ($input: UpdateAccountInput!) {
  updateAccount(input: $input) {
    account { name mainContact phone invoiceEmail deliveryAddresses { city } }
    userErrors { field code }
  }
}
"""


async def test_admins_keep_their_accounts_contact_details(api: Api, world: World) -> None:
    changes = {
        "accountId": world.ids["account_a"],
        "mainContact": "Ada Admin",
        "phone": "+46 8 123 456",
        "invoiceEmail": "Invoices@A.example",
        "deliveryAddresses": [
            {"street": "Lager 1", "postalCode": "1", "city": "Kista", "country": "SE"}
        ],
    }
    payload = (await api.as_(world.tokens["admin_a"]).data(UPDATE_ACCOUNT, {"input": changes}))[
        "updateAccount"
    ]
    assert payload == {
        "account": {
            "name": "Account A",
            "mainContact": "Ada Admin",
            "phone": "+46 8 123 456",
            "invoiceEmail": "invoices@a.example",
            "deliveryAddresses": [{"city": "Kista"}],
        },
        "userErrors": [],
    }
    customer = await api.as_(world.tokens["customer_a"]).data(UPDATE_ACCOUNT, {"input": changes})
    assert customer["updateAccount"]["userErrors"] == [{"field": None, "code": "FORBIDDEN"}]
    bad = await api.as_(world.tokens["admin_a"]).data(
        UPDATE_ACCOUNT, {"input": {"accountId": world.ids["account_a"], "invoiceEmail": "nope"}}
    )
    assert bad["updateAccount"]["userErrors"] == [
        {"field": ["input", "invoiceEmail"], "code": "INVALID_INPUT"}
    ]


PROFILE = """
mutation ($input: UpdateProfileInput!) {
  updateProfile(input: $input) {
    user { name locale phone notificationPreferences { ticketUpdates meterReadingReminders } }
    userErrors { field code }
  }
}
"""


async def test_people_keep_their_own_profile(api: Api, world: World) -> None:
    me = api.as_(world.tokens["customer_a"])
    changes = {
        "name": "Carla",
        "locale": "sv",
        "phone": "070-123",
        "notificationPreferences": {"meterReadingReminders": False},
    }
    payload = (await me.data(PROFILE, {"input": changes}))["updateProfile"]
    assert payload["user"] == {
        "name": "Carla",
        "locale": "sv",
        "phone": "070-123",
        "notificationPreferences": {"ticketUpdates": True, "meterReadingReminders": False},
    }
    bad = (await me.data(PROFILE, {"input": {"locale": "de", "name": " "}}))["updateProfile"]
    assert sorted(tuple(e["field"]) for e in bad["userErrors"]) == [
        ("input", "locale"),
        ("input", "name"),
    ]


async def test_pages_follow_cursors_to_the_end(api: Api, world: World) -> None:
    staff = api.as_(world.tokens["staff"])
    query = """query ($after: String) { devices(first: 2, after: $after) {
        totalCount pageInfo { hasNextPage hasPreviousPage endCursor }
        edges { node { serialNumber } } } }"""
    first = (await staff.data(query, {"after": None}))["devices"]
    assert [e["node"]["serialNumber"] for e in first["edges"]] == ["SN-A1", "SN-A2"]
    assert first["pageInfo"]["hasNextPage"] is True
    assert first["totalCount"] == 3
    second = (await staff.data(query, {"after": first["pageInfo"]["endCursor"]}))["devices"]
    assert [e["node"]["serialNumber"] for e in second["edges"]] == ["SN-B1"]
    assert second["pageInfo"]["hasNextPage"] is False
    assert second["pageInfo"]["hasPreviousPage"] is True


@pytest.mark.parametrize(
    ("arguments", "code", "message_part"),
    [
        # Too large a page is refused before anything runs; the others when read.
        ("first: 101", "LIMIT_EXCEEDED", "at most 100"),
        ("first: -1", "BAD_USER_INPUT", "between 0 and 100"),
        ('after: "garbage"', "BAD_USER_INPUT", "cursor"),
    ],
)
async def test_page_arguments_out_of_bounds_are_errors_not_silent_caps(
    api: Api, world: World, arguments: str, code: str, message_part: str
) -> None:
    body = await api.as_(world.tokens["staff"]).result(
        f"{{ devices({arguments}) {{ totalCount }} }}"
    )
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == code
    assert message_part in body["errors"][0]["message"]


async def test_device_filters_by_status_and_search(api: Api, world: World) -> None:
    staff = api.as_(world.tokens["staff"])
    query = (
        """query ($f: DeviceFilter) { devices(filter: $f) { edges { node { serialNumber } } } }"""
    )
    by_search = await staff.data(query, {"f": {"search": "a2"}})
    assert [e["node"]["serialNumber"] for e in by_search["devices"]["edges"]] == ["SN-A2"]
    # LIKE's own characters are searched for, not obeyed.
    assert (await staff.data(query, {"f": {"search": "%"}}))["devices"]["edges"] == []
    removed = await staff.data(query, {"f": {"status": ["REMOVED"]}})
    assert removed["devices"]["edges"] == []


async def test_strings_where_integers_belong_are_validation_errors(api: Api, world: World) -> None:
    body = await api.as_(world.tokens["staff"]).result('{ devices(first: "ten") { totalCount } }')
    assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    role = await api.as_(world.tokens["admin_a"]).result(
        'mutation { setMemberRole(input: {accountId: "x", userId: "y", role: OWNER})'
        " { userErrors { code } } }"
    )
    assert role["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


def forged_cursor(*key: object) -> str:
    """A cursor as resolvers/pagination.py writes them (base64url JSON), with any key in it."""
    return base64.urlsafe_b64encode(json.dumps(list(key)).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    ("field", "key"),
    [
        # Text sort keys with U+0000, which PostgreSQL's text cannot hold.
        ("devices", "SN-\x00"),
        ("accounts", "\x00"),
        # Timestamps whose offset puts them outside years 1 to 9999 in UTC.
        ("tickets", "9999-12-31T23:59:59-14:00"),
        ("supplyOrders", "0001-01-01T00:00:00+14:00"),
    ],
)
async def test_forged_cursors_are_bad_input(api: Api, world: World, field: str, key: str) -> None:
    cursor = forged_cursor(key, str(uuid.uuid4()))
    body = await api.as_(world.tokens["customer_a"]).result(
        f'{{ {field}(after: "{cursor}") {{ totalCount }} }}'
    )
    assert body["data"] is None
    assert [e["extensions"]["code"] for e in body["errors"]] == ["BAD_USER_INPUT"]
    assert "is not a cursor of this list" in body["errors"][0]["message"]
