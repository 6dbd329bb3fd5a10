"""`node` and `nodes`: global IDs, resolved only through the viewer's visibility."""

from __future__ import annotations

import asyncio
import base64
import uuid

import pytest
from sqlalchemy import literal, select, text
from starlette.requests import Request

from models.database import Database
from portal import demo
from portal.settings import Settings
from resolvers.context import Context, OperationEnded
from tests.support import Api, sign_in
from tests.world import World

NODE = "query ($id: ID!) { node(id: $id) { __typename id ... on User { email } } }"
NODES = "query ($ids: [ID!]!) { nodes(ids: $ids) { id ... on User { email } } }"
MY_ID = "{ viewer { id } }"
IDLE_IN_TRANSACTION = (
    "FROM pg_stat_activity WHERE datname = current_database()"
    " AND state = 'idle in transaction' AND pid <> pg_backend_pid()"
)


async def ids_of(api: Api, *who: demo.DemoUser) -> list[str]:
    ids = []
    for user in who:
        signed_in = await sign_in(api, user.email, user.password)
        ids.append((await signed_in.data(MY_ID))["viewer"]["id"])
    return ids


async def test_a_user_finds_themselves_by_id(
    api: Api, demo_users: tuple[demo.DemoUser, ...]
) -> None:
    customer = await sign_in(api, demo.CUSTOMER.email, demo.CUSTOMER.password)
    (my_id,) = await ids_of(api, demo.CUSTOMER)
    assert await customer.data(NODE, {"id": my_id}) == {
        "node": {"__typename": "User", "id": my_id, "email": demo.CUSTOMER.email}
    }


async def test_another_user_does_not_exist_for_a_customer_but_does_for_staff(
    api: Api, demo_users: tuple[demo.DemoUser, ...]
) -> None:
    customer = await sign_in(api, demo.CUSTOMER.email, demo.CUSTOMER.password)
    staff = await sign_in(api, demo.STAFF.email, demo.STAFF.password)
    # The other account's admin: no business of this customer's.
    (other_id,) = await ids_of(api, demo.OTHER_ADMIN)
    assert await customer.data(NODE, {"id": other_id}) == {"node": None}
    assert await api.data(NODE, {"id": other_id}) == {"node": None}
    assert (await staff.data(NODE, {"id": other_id}))["node"]["email"] == demo.OTHER_ADMIN.email


async def test_nodes_keeps_the_order_asked_with_null_for_the_invisible(
    api: Api, demo_users: tuple[demo.DemoUser, ...]
) -> None:
    customer = await sign_in(api, demo.CUSTOMER.email, demo.CUSTOMER.password)
    other_id, customer_id = await ids_of(api, demo.OTHER_ADMIN, demo.CUSTOMER)
    unknown_id = base64.urlsafe_b64encode(f"User:{uuid.uuid4()}".encode()).decode().rstrip("=")
    result = await customer.data(NODES, {"ids": [other_id, customer_id, unknown_id]})
    assert result == {"nodes": [None, {"id": customer_id, "email": demo.CUSTOMER.email}, None]}


async def test_a_malformed_id_is_bad_input(api: Api) -> None:
    body = await api.result(NODE, {"id": "not-an-id"})
    assert body["data"] == {"node": None}
    assert body["errors"][0]["path"] == ["node"]
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_a_failing_sibling_leaves_no_connection_behind(
    api: Api, world: World, database: Database
) -> None:
    # `accounts` fails while `node`'s lookup is still queued: that lookup must not open a
    # session after the operation's own is closed, or each such request pins a connection.
    customer = api.as_(world.tokens["customer_a"])
    node = f'node(id: "{world.ids["a1"]}") {{ id }}'
    query = f'{{ {node} accounts(after: "nope") {{ totalCount }} }}'
    try:
        for _ in range(20):
            body = await customer.result(query)
            assert body["data"] is None
            assert [e["extensions"]["code"] for e in body["errors"]] == ["BAD_USER_INPUT"]
        assert (await customer.data(MY_ID))["viewer"]["id"] == world.ids["customer_a"]
    finally:
        left = await transactions_left_open(database)
    assert left == 0


async def test_an_ended_operation_refuses_statements_a_reset_one_does_not(
    settings: Settings, database: Database
) -> None:
    def context() -> Context:
        request = Request({"type": "http", "method": "POST", "headers": []})
        return Context(settings, database, request, None, "request-id", "en")

    ended = context()
    assert await ended.all(select(literal(1))) == [1]
    await ended.close()
    with pytest.raises(OperationEnded):
        await ended.all(select(literal(1)))
    # Subscriptions reset their scope between events and carry on.
    reset = context()
    await reset.all(select(literal(1)))
    await reset.reset()
    assert await reset.all(select(literal(1))) == [1]
    await reset.close()


async def transactions_left_open(database: Database) -> int:
    """Connections idle inside a transaction once every answer is in: work that outlived its
    operation. Each is ended as it shows, so emptying the tables does not wait on its locks."""
    seen = quiet = 0
    while quiet < 10:
        async with database.engine.begin() as connection:
            left = await connection.scalar(text(f"SELECT count(*) {IDLE_IN_TRANSACTION}")) or 0
            if left:
                await connection.execute(
                    text(f"SELECT pg_terminate_backend(pid) {IDLE_IN_TRANSACTION}")
                )
        seen, quiet = max(seen, left), 0 if left else quiet + 1
        await asyncio.sleep(0.05)
    return seen
