"""The sweep that proves no tenant sees another: every role against every entity kind,
through `node`, the root connections, the nested connections and mutations.

Keep it growing as entities are added: a new entity gets a row in NODE_VISIBILITY, and its
lists and mutations a test below.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from models import Device, DeviceAssignment, Invitation, Membership
from models.database import Database
from tests.support import Api
from tests.world import World

ROLES = [
    "anonymous",
    "customer_a",
    "admin_a",
    "admin_b",
    "staff",
    "sync_token",
    "meters_token",
]

# entity -> the roles for which `node(id)` finds it.
NODE_VISIBILITY: dict[str, set[str]] = {
    "account_a": {"customer_a", "admin_a", "staff", "sync_token"},
    "account_b": {"admin_b", "staff", "sync_token"},
    "a1": {"customer_a", "admin_a", "staff", "sync_token", "meters_token"},
    "a2": {"admin_a", "staff", "sync_token", "meters_token"},
    "b1": {"admin_b", "staff", "sync_token", "meters_token"},
    # People see themselves, the people of their accounts, and staff (who handle cases).
    "admin_a": {"admin_a", "customer_a", "staff"},
    "customer_a": {"customer_a", "admin_a", "staff"},
    "admin_b": {"admin_b", "staff"},
    "staff": {"customer_a", "admin_a", "admin_b", "staff"},
    "pay_a": {"staff"},
    "pay_b": {"staff"},
    "model": {"customer_a", "admin_a", "admin_b", "staff", "sync_token", "meters_token"},
    "toner": {"customer_a", "admin_a", "admin_b", "staff", "sync_token", "meters_token"},
}

ROOT_ACCOUNTS = {
    "anonymous": set(),
    "customer_a": {"Account A"},
    "admin_a": {"Account A"},
    "admin_b": {"Account B"},
    "staff": {"Account A", "Account B"},
    "sync_token": {"Account A", "Account B"},
    "meters_token": set(),
}
ROOT_DEVICES = {
    "anonymous": set(),
    "customer_a": {"a1"},
    "admin_a": {"a1", "a2"},
    "admin_b": {"b1"},
    "staff": {"a1", "a2", "b1"},
    "sync_token": {"a1", "a2", "b1"},
    "meters_token": {"a1", "a2", "b1"},
}


def as_role(api: Api, world: World, role: str) -> Api:
    return api.as_(world.tokens[role])


@pytest.mark.parametrize("role", ROLES)
async def test_node_finds_exactly_what_the_role_may_see(api: Api, world: World, role: str) -> None:
    viewer = as_role(api, world, role)
    for entity, seen_by in NODE_VISIBILITY.items():
        result = await viewer.data(
            "query ($id: ID!) { node(id: $id) { id } }", {"id": world.ids[entity]}
        )
        found = result["node"] is not None
        assert found == (role in seen_by), f"{role} {'sees' if found else 'misses'} {entity}"
    everything = [world.ids[entity] for entity in NODE_VISIBILITY]
    nodes = (
        await viewer.data("query ($ids: [ID!]!) { nodes(ids: $ids) { id } }", {"ids": everything})
    )["nodes"]
    assert [node is not None for node in nodes] == [
        role in seen_by for seen_by in NODE_VISIBILITY.values()
    ]


@pytest.mark.parametrize("role", ROLES)
async def test_root_connections_hold_only_the_visible(api: Api, world: World, role: str) -> None:
    viewer = as_role(api, world, role)
    data = await viewer.data(
        "{ accounts(first: 100) { totalCount edges { node { name } } }"
        "  devices(first: 100) { totalCount edges { node { serialNumber } } } }"
    )
    accounts = {edge["node"]["name"] for edge in data["accounts"]["edges"]}
    serials = {edge["node"]["serialNumber"] for edge in data["devices"]["edges"]}
    assert accounts == ROOT_ACCOUNTS[role]
    assert data["accounts"]["totalCount"] == len(ROOT_ACCOUNTS[role])
    assert serials == {world.serials[device] for device in ROOT_DEVICES[role]}
    assert data["devices"]["totalCount"] == len(ROOT_DEVICES[role])


ACCOUNT_DETAILS = """
query ($id: ID!) {
  node(id: $id) {
    ... on Account {
      viewerRole
      creditRating
      devices(first: 100) { totalCount edges { node { serialNumber assignees { email } } } }
      members(first: 100) { totalCount edges { node { role user { email } } } }
      payments(first: 100) { totalCount edges { node { invoiceNumber } } }
    }
  }
}
"""


def forbidden_paths(body: dict[str, Any]) -> set[str]:
    return {
        ".".join(str(part) for part in error["path"])
        for error in body.get("errors", [])
        if error["extensions"]["code"] == "FORBIDDEN"
    }


async def test_a_customer_sees_their_account_but_not_its_people_or_money(
    api: Api, world: World
) -> None:
    body = await as_role(api, world, "customer_a").result(
        ACCOUNT_DETAILS, {"id": world.ids["account_a"]}
    )
    account = body["data"]["node"]
    assert account["viewerRole"] == "CUSTOMER"
    assert [edge["node"]["serialNumber"] for edge in account["devices"]["edges"]] == ["SN-A1"]
    assert account["devices"]["edges"][0]["node"]["assignees"] is None
    assert (account["members"], account["payments"], account["creditRating"]) == (None, None, None)
    assert forbidden_paths(body) == {
        "node.members",
        "node.payments",
        "node.creditRating",
        "node.devices.edges.0.node.assignees",
    }


async def test_an_admin_sees_the_accounts_people_and_assignments_but_not_its_money(
    api: Api, world: World
) -> None:
    body = await as_role(api, world, "admin_a").result(
        ACCOUNT_DETAILS, {"id": world.ids["account_a"]}
    )
    account = body["data"]["node"]
    assert account["viewerRole"] == "ADMIN"
    assert account["devices"]["totalCount"] == 2
    assignees = {
        edge["node"]["serialNumber"]: [user["email"] for user in edge["node"]["assignees"]]
        for edge in account["devices"]["edges"]
    }
    assert assignees == {"SN-A1": ["customer_a@world.example"], "SN-A2": []}
    members = {
        edge["node"]["user"]["email"]: edge["node"]["role"] for edge in account["members"]["edges"]
    }
    assert members == {
        "admin_a@world.example": "ADMIN",
        "customer_a@world.example": "CUSTOMER",
        "customer_a2@world.example": "CUSTOMER",
    }
    assert forbidden_paths(body) == {"node.payments", "node.creditRating"}


async def test_staff_see_everything_on_an_account(api: Api, world: World) -> None:
    body = await as_role(api, world, "staff").result(
        ACCOUNT_DETAILS, {"id": world.ids["account_b"]}
    )
    account = body["data"]["node"]
    assert "errors" not in body
    assert account["viewerRole"] is None
    assert account["creditRating"] == "A"
    assert [edge["node"]["invoiceNumber"] for edge in account["payments"]["edges"]] == ["INV-pay_b"]
    assert account["members"]["totalCount"] == 1


async def test_memberships_show_a_customer_only_their_own_devices(api: Api, world: World) -> None:
    data = await as_role(api, world, "customer_a").data(
        "{ viewer { memberships { role account { name }"
        " devices { edges { node { serialNumber } } } } } }"
    )
    assert data["viewer"]["memberships"] == [
        {
            "role": "CUSTOMER",
            "account": {"name": "Account A"},
            "devices": {"edges": [{"node": {"serialNumber": "SN-A1"}}]},
        }
    ]


MUTATIONS_ON_ACCOUNT_B = [
    (
        "updateDeviceLocation",
        """mutation ($d: ID!) { updateDeviceLocation(input: {deviceId: $d, location:
        {address: {street: "X", postalCode: "1", city: "Y", country: "SE"}}})
        { userErrors { code field } } }""",
        lambda w: {"d": w.ids["b1"]},
    ),
    (
        "assignDevices",
        """mutation ($a: ID!, $u: ID!, $d: ID!) { assignDevices(input: {accountId: $a, userId: $u,
        deviceIds: [$d]}) { userErrors { code field } } }""",
        lambda w: {"a": w.ids["account_b"], "u": w.ids["admin_b"], "d": w.ids["b1"]},
    ),
    (
        "setMemberRole",
        """mutation ($a: ID!, $u: ID!) { setMemberRole(input: {accountId: $a, userId: $u,
        role: CUSTOMER}) { userErrors { code field } } }""",
        lambda w: {"a": w.ids["account_b"], "u": w.ids["admin_b"]},
    ),
    (
        "inviteUser",
        """mutation ($a: ID!) { inviteUser(input: {accountId: $a, email: "x@example.com",
        name: "X", role: ADMIN}) { userErrors { code field } } }""",
        lambda w: {"a": w.ids["account_b"]},
    ),
]


@pytest.mark.parametrize("role", ["customer_a", "admin_a"])
@pytest.mark.parametrize(("name", "mutation", "variables"), MUTATIONS_ON_ACCOUNT_B)
async def test_mutations_on_another_tenant_say_not_found_and_change_nothing(
    api: Api, world: World, database: Database, role: str, name: str, mutation: str, variables: Any
) -> None:
    before = await snapshot(database)
    data = await as_role(api, world, role).data(mutation, variables(world))
    errors = data[name]["userErrors"]
    assert [error["code"] for error in errors] == ["NOT_FOUND"], errors
    assert await snapshot(database) == before


async def snapshot(database: Database) -> tuple[Any, ...]:
    """What the mutations above could change: members, assignments, locations, invitations."""
    async with database.session() as session:
        members = sorted(
            (str(m.account_id), str(m.user_id), m.role.value)
            for m in await session.scalars(select(Membership))
        )
        assignments = sorted(
            (str(a.device_id), str(a.user_id))
            for a in await session.scalars(select(DeviceAssignment))
        )
        locations = sorted(
            (d.serial_number, d.location_street) for d in await session.scalars(select(Device))
        )
        invitations = await session.scalar(select(func.count()).select_from(Invitation))
    return members, assignments, locations, invitations


async def test_a_required_relation_out_of_the_viewers_scope_is_forbidden_not_internal(
    api: Api, world: World
) -> None:
    """A meters token sees devices but no accounts: `Device.account` (non-null) is FORBIDDEN."""
    meters = as_role(api, world, "meters_token")
    body = await meters.result(
        "query ($id: ID!) { node(id: $id) { ... on Device { serialNumber account { name } } } }",
        {"id": world.ids["a1"]},
    )
    # The non-null field nulls the object around it, as GraphQL has it; the error says why.
    assert body["data"] == {"node": None}
    [error] = body["errors"]
    assert error["extensions"]["code"] == "FORBIDDEN"
    assert error["path"] == ["node", "account"]
    assert "Internal" not in error["message"]
    listed = await meters.result(
        "{ devices(first: 10) { edges { node { serialNumber account { name } } } } }"
    )
    assert listed["errors"]
    assert {e["extensions"]["code"] for e in listed["errors"]} == {"FORBIDDEN"}
    assert all(e["path"][-1] == "account" for e in listed["errors"])
    # Without the account, the same device answers.
    plain = await meters.data(
        "query ($id: ID!) { node(id: $id) { ... on Device { serialNumber } } }",
        {"id": world.ids["a1"]},
    )
    assert plain == {"node": {"serialNumber": world.serials["a1"]}}
