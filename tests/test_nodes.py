"""`node` and `nodes`: global IDs, resolved only through the viewer's visibility."""

from __future__ import annotations

import base64
import uuid

from portal import demo
from tests.support import Api, sign_in

NODE = "query ($id: ID!) { node(id: $id) { __typename id ... on User { email } } }"
NODES = "query ($ids: [ID!]!) { nodes(ids: $ids) { id ... on User { email } } }"
MY_ID = "{ viewer { id } }"


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
