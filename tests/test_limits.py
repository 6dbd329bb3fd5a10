"""Request limits, answered before anything runs with LIMIT_EXCEEDED."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import httpx
from graphql import get_introspection_query
from sqlalchemy import func, select

from models import Ticket
from models.database import Database
from portal.app import create_app
from portal.settings import Settings
from tests.servers import serving
from tests.support import Api
from tests.world import World


def codes(body: dict[str, object]) -> list[str]:
    errors = body.get("errors") or []
    assert isinstance(errors, list)
    return [error["extensions"]["code"] for error in errors]


async def test_too_deep_a_query_is_refused_but_introspection_is_exempt(api: Api) -> None:
    deep = (
        "{ viewer { memberships { account { devices { edges { node { account {"
        " devices { edges { node { account { name } } } } } } } } } } } }"
    )
    body = await api.result(deep)
    assert body["data"] is None
    assert codes(body) == ["LIMIT_EXCEEDED"]
    assert "levels deep" in body["errors"][0]["message"]
    introspection = await api.result(get_introspection_query())
    assert "errors" not in introspection
    assert introspection["data"]["__schema"]["queryType"]["name"] == "Query"


async def test_too_many_aliases_run_nothing(api: Api, world: World, database: Database) -> None:
    create = (
        'c{n}: createTicket(input: {{accountId: "{a}", category: ACCOUNT_QUESTION, '
        'subject: "s", description: "d"}}) {{ userErrors {{ code }} }}'
    )
    mutation = (
        "mutation { "
        + " ".join(create.format(n=n, a=world.ids["account_a"]) for n in range(16))
        + " }"
    )
    body = await api.as_(world.tokens["admin_a"]).result(mutation)
    assert codes(body) == ["LIMIT_EXCEEDED"]
    async with database.session() as session:
        assert await session.scalar(select(func.count()).select_from(Ticket)) == 0
    fifteen = (
        "mutation { "
        + " ".join(create.format(n=n, a=world.ids["account_a"]) for n in range(15))
        + " }"
    )
    assert "errors" not in await api.as_(world.tokens["admin_a"]).result(fifteen)


async def test_too_costly_a_query_is_refused_with_its_cost(api: Api) -> None:
    costly = (
        "{ accounts(first: 100) { edges { node { devices(first: 100) { edges { node {"
        " tickets(first: 10) { totalCount } } } } } } } }"
    )
    body = await api.result(costly)
    assert codes(body) == ["LIMIT_EXCEEDED"]
    # 1 for the request, 1 for accounts, 100 for devices, 100 x 100 for tickets
    assert "costs 10102 points" in body["errors"][0]["message"]
    cheap = await api.post(
        "{ accounts(first: 10) { edges { node { devices(first: 10) { totalCount } } } } }"
    )
    assert cheap.headers["x-cost-requested"] == "12"
    assert cheap.headers["x-cost-limit"] == "1000"
    assert int(cheap.headers["x-cost-remaining"]) <= 2000 - 12


async def test_page_sizes_in_variables_count_too(api: Api) -> None:
    body = await api.result("query ($n: Int) { devices(first: $n) { totalCount } }", {"n": 500})
    assert codes(body) == ["LIMIT_EXCEEDED"]
    assert "at most 100" in body["errors"][0]["message"]


async def test_too_many_tokens_or_directives(api: Api) -> None:
    many_tokens = "{ " + " ".join(f"a{n}: viewer {{ id }}" for n in range(500)) + " }"
    assert codes(await api.result(many_tokens)) == ["LIMIT_EXCEEDED"]

    # Tokens alone: no alias, one level, no directive; only the list's length differs.
    def listing(items: int) -> str:
        values = ", ".join(str(n) for n in range(items))
        return f"query ($unused: [Int] = [{values}]) {{ __typename }}"

    # Under the limit it parses, and validation (not the limits) finds the unused variable.
    assert codes(await api.result(listing(1900))) == ["GRAPHQL_VALIDATION_FAILED"]
    assert codes(await api.result(listing(2000))) == ["LIMIT_EXCEEDED"]
    many_directives = "{ " + "__typename @include(if: true) " * 51 + "}"
    assert codes(await api.result(many_directives)) == ["LIMIT_EXCEEDED"]


async def test_a_client_over_its_budget_gets_429_with_retry_after(settings: Settings) -> None:
    app = create_app(settings.replace(cost_budget=5, cost_refill_per_second=1))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://portal"
    ) as http:
        statuses = [
            (await http.post("/graphql", json={"query": "{ viewer { id } }"})).status_code
            for _ in range(6)
        ]
        refused = await http.post("/graphql", json={"query": "{ viewer { id } }"})
    await app.state.database.dispose()
    assert statuses[:4] == [200] * 4
    assert refused.status_code == 429
    assert int(refused.headers["retry-after"]) >= 1
    assert refused.json()["errors"][0]["extensions"]["code"] == "LIMIT_EXCEEDED"


async def test_a_page_size_from_a_variables_default_is_limited_before_anything_runs(
    api: Api, world: World
) -> None:
    # No variables sent: `$n` is its default, 500, to the resolvers and to the limits alike.
    body = await api.as_(world.tokens["staff"]).result(
        "query ($n: Int = 500) { devices(first: $n) { totalCount } }"
    )
    assert body["data"] is None  # refused before execution, not a field error inside it
    assert codes(body) == ["LIMIT_EXCEEDED"]
    assert "`first` on `devices` is 500; at most 100" in body["errors"][0]["message"]


async def test_a_cost_reached_through_variables_defaults_is_refused(api: Api) -> None:
    body = await api.result(
        "query ($n: Int = 100) { accounts(first: $n) { edges { node { devices(first: $n) {"
        " edges { node { tickets(first: $n) { totalCount } } } } } } } }"
    )
    assert body["data"] is None
    assert codes(body) == ["LIMIT_EXCEEDED"]
    # 1 for the request, 1 for accounts, 100 for devices, 100 x 100 for tickets
    assert "costs 10102 points" in body["errors"][0]["message"]


async def test_a_mutation_over_the_cost_through_a_default_creates_nothing(
    api: Api, world: World, database: Database
) -> None:
    # Ten aliased device pages, each with its tickets: 1 + 10 x (1 + $n) points, 1,011 with
    # the default of 100 (211 if the default were overlooked and the page taken as 20).
    pages = " ".join(
        f"d{n}: devices(first: $n) {{ edges {{ node {{ tickets(first: $n) {{ totalCount }} }} }} }}"
        for n in range(10)
    )
    mutation = (
        "mutation ($n: Int = 100) { createTicket(input: {"
        f'accountId: "{world.ids["account_a"]}", category: ACCOUNT_QUESTION, subject: "s",'
        ' description: "d"}) { ticket { account { ' + pages + " } } userErrors { code } } }"
    )
    body = await api.as_(world.tokens["admin_a"]).result(mutation)
    assert body["data"] is None
    assert codes(body) == ["LIMIT_EXCEEDED"]
    assert "costs 1011 points" in body["errors"][0]["message"]
    async with database.session() as session:
        assert await session.scalar(select(func.count()).select_from(Ticket)) == 0
    # The same mutation with a smaller page sent explicitly runs (1 + 10 x 21 = 211 points).
    sent = await api.as_(world.tokens["admin_a"]).result(mutation, {"n": 20})
    assert "errors" not in sent, sent
    assert sent["data"]["createTicket"]["userErrors"] == []


# Nine connections of one: 10 points a request, two of them fill a budget of 20.
TEN_POINTS = "{ " + " ".join(f"d{n}: devices(first: 1) {{ totalCount }}" for n in range(9)) + " }"


@contextlib.asynccontextmanager
async def client_at(url: str, address: str, token: str | None) -> AsyncIterator[httpx.AsyncClient]:
    """A client whose connections come from `address` (any 127.x.y.z is this machine)."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    transport = httpx.AsyncHTTPTransport(local_address=address)
    async with httpx.AsyncClient(base_url=url, transport=transport, headers=headers) as http:
        yield http


async def test_the_budget_follows_the_session_and_the_address(
    settings: Settings, world: World
) -> None:
    app = create_app(settings.replace(cost_budget=20, cost_refill_per_second=1))
    ten_points = {"query": TEN_POINTS}
    try:
        async with serving(app) as url:
            admin, customer = world.tokens["admin_a"], world.tokens["customer_a"]
            async with client_at(url, "127.0.5.1", admin) as here:
                spent = [(await here.post("/graphql", json=ten_points)) for _ in range(2)]
                assert [r.status_code for r in spent] == [200, 200]
                assert spent[0].headers["x-cost-requested"] == "10"
                over = await here.post("/graphql", json=ten_points)
                assert over.status_code == 429
                assert over.json()["errors"][0]["extensions"]["code"] == "LIMIT_EXCEEDED"
            # The same session from another address: its own bucket is empty all the same.
            async with client_at(url, "127.0.5.2", admin) as elsewhere:
                moved = await elsewhere.post("/graphql", json=ten_points)
                assert moved.status_code == 429
                assert int(moved.headers["retry-after"]) >= 1
            # Another viewer from a third address has a full budget...
            async with client_at(url, "127.0.5.3", customer) as other:
                fresh = await other.post("/graphql", json=ten_points)
                assert fresh.status_code == 200
                assert fresh.headers["x-cost-remaining"] == "10"
            # ...but not from the first address: that address's bucket is spent too.
            async with client_at(url, "127.0.5.1", customer) as shared:
                assert (await shared.post("/graphql", json=ten_points)).status_code == 429
    finally:
        await app.state.database.dispose()
