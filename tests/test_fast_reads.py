"""The fast lane (portal/fast_reads.py) against the full way, over real HTTP.

A document's first request takes the full way; once the compiled path has answered it, the
same document is answered by the fast lane. Each test sends a document the server has not
seen (a unique comment makes it new), so the first answer is the full way's, and compares
the two, byte for byte. A spy on the lane records which requests it answered.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import orjson
import pytest
from sqlalchemy import text
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from models.database import Database
from portal.app import create_app
from portal.graphql_view import PortalGraphQL
from portal.settings import Settings
from tests.servers import serving
from tests.test_compiled_reads import Q1, Q2, ROLES, Filled, add_cases, fill
from tests.test_visibility import ROOT_ACCOUNTS
from tests.world import World

WAITING_LANE_STATEMENTS = text(
    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
    " AND state = 'active' AND wait_event_type = 'Lock' AND query LIKE 'SELECT convert_to(%'"
)
LISTS = """{ accounts { totalCount edges { node { name } } }
             devices { totalCount edges { node { serialNumber } } } }"""


def graphql_view(app: Starlette) -> PortalGraphQL:
    for route in app.routes:
        if isinstance(route, Route) and route.path == "/graphql":
            assert isinstance(route.endpoint, PortalGraphQL)
            return route.endpoint
    raise AssertionError("no /graphql route")


@contextlib.contextmanager
def lane_answers(app: Starlette) -> Iterator[list[bool]]:
    """For every request while open: whether the fast lane answered it."""
    lane = graphql_view(app).fast_reads
    assert lane is not None, "the server runs with compiled reads"
    answered: list[bool] = []
    original = lane.answer

    async def spy(request: Request, media_type: str) -> Response | None:
        response = await original(request, media_type)
        answered.append(response is not None)
        return response

    lane.answer = spy  # type: ignore[method-assign]
    try:
        yield answered
    finally:
        lane.answer = original  # type: ignore[method-assign]


@dataclasses.dataclass
class Served:
    app: Starlette
    http: httpx.AsyncClient


@pytest.fixture
async def served(settings: Settings) -> AsyncIterator[Served]:
    """A server of its own: its budget is not drained by the other tests' requests."""
    app = create_app(settings.replace(cost_budget=10**9))
    async with serving(app) as url, httpx.AsyncClient(base_url=url, timeout=10) as http:
        yield Served(app, http)


@pytest.fixture
async def filled(database: Database, world: World) -> Filled:
    return await fill(database, world)


def new(query: str) -> str:
    """The same operation as a document text the server has never seen."""
    return f"# {uuid.uuid4()}\n{query}"


async def post(
    http: httpx.AsyncClient,
    token: str | None,
    query: str,
    variables: dict[str, Any] | None = None,
    **headers: str,
) -> httpx.Response:
    if token:
        headers["authorization"] = f"Bearer {token}"
    return await http.post(
        "/graphql", json={"query": query, "variables": variables}, headers=headers
    )


def without_remaining(body: bytes) -> dict[str, Any]:
    parsed: dict[str, Any] = orjson.loads(body)
    parsed.get("extensions", {}).get("cost", {}).pop("remaining", None)
    return parsed


async def twice(
    http: httpx.AsyncClient, token: str | None, query: str, variables: dict[str, Any] | None = None
) -> tuple[httpx.Response, httpx.Response]:
    first = await post(http, token, query, variables)
    second = await post(http, token, query, variables)
    return first, second


async def test_the_second_request_of_a_compiled_query_answers_the_same_bytes(
    served: Served,
    world: World,
    filled: Filled,
    database: Database,
) -> None:
    http = served.http
    await add_cases(database, filled.ids["a1"], 12, 4)
    shapes: list[tuple[str, dict[str, Any] | None]] = [
        (Q1, {"account": filled.ids["account_a"]}),
        (Q2, {"device": filled.ids["a1"], "after": None}),
        (LISTS, None),
        ("query ($id: ID!) { node(id: $id) { id __typename } }", {"id": filled.ids["a1"]}),
    ]
    for role in ROLES:
        token = world.tokens[role]
        for query, variables in shapes:
            with lane_answers(served.app) as answered:
                first, second = await twice(http, token, new(query), variables)
            assert answered == [False, True], (role, query)
            assert first.status_code == second.status_code == 200
            assert first.headers["content-type"] == second.headers["content-type"]
            # The data to the byte; the cost the same but for what the budget has left.
            data_of = first.content.partition(b',"extensions":')[0]
            assert second.content.partition(b',"extensions":')[0] == data_of
            assert without_remaining(second.content) == without_remaining(first.content)
            cost = orjson.loads(second.content)["extensions"]["cost"]
            assert second.headers["x-cost-remaining"] == str(cost["remaining"])


async def test_the_fast_lane_keeps_each_viewer_to_what_they_may_see(
    served: Served, world: World
) -> None:
    http = served.http
    """tests/test_visibility.py's root lists, asked twice by every role: the second time
    the lane answers, with the same accounts and devices."""
    query = new(LISTS)
    for role in ROLES:
        await post(http, world.tokens[role], query)  # the full way (admits it the first time)
    for role in ROOT_ACCOUNTS:
        with lane_answers(served.app) as answered:
            response = await post(http, world.tokens[role], query)
        assert answered == [True], role
        accounts = {edge["node"]["name"] for edge in response.json()["data"]["accounts"]["edges"]}
        assert accounts == ROOT_ACCOUNTS[role], role


async def test_what_the_fast_lane_hands_on_answers_as_before(served: Served, world: World) -> None:
    http = served.http
    token = world.tokens["admin_a"]
    paged = new("query ($n: Int) { tickets(first: $n) { totalCount } }")
    await post(http, token, paged, {"n": 5})  # admitted
    with lane_answers(served.app) as answered:
        too_many = await post(http, token, paged, {"n": 500})
        nul = await post(
            http, token, new("query ($id: ID!) { node(id: $id) { id } }"), {"id": "\x00"}
        )
        not_json = await http.post(
            "/graphql",
            content=orjson.dumps({"query": paged}),
            headers={"authorization": f"Bearer {token}", "content-type": "text/plain"},
        )
        wrong_token = await post(http, "pts_not-a-session", paged, {"n": 5})
    assert answered == [False, False, False, False]
    assert too_many.json()["errors"][0]["extensions"]["code"] == "LIMIT_EXCEEDED"
    assert nul.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert not_json.status_code in (400, 415)
    assert wrong_token.status_code == 401
    assert wrong_token.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_a_signed_out_session_is_refused_by_the_fast_lane_too(
    served: Served, world: World
) -> None:
    http = served.http
    token = world.tokens["customer_a"]
    query = new("{ devices { totalCount } }")
    first, second = await twice(http, token, query)
    assert first.status_code == second.status_code == 200
    signed_out = await post(http, token, "mutation { signOut }")
    assert signed_out.json() == {
        "data": {"signOut": True},
        "extensions": signed_out.json()["extensions"],
    }
    with lane_answers(served.app) as answered:
        after = await post(http, token, query)
    assert answered == [False]
    assert after.status_code == 401


async def test_the_session_cookie_is_read_like_the_bearer_header(
    served: Served, world: World
) -> None:
    http = served.http
    token = world.tokens["admin_a"]
    assert token is not None
    query = new(LISTS)
    by_header, _ = await twice(http, token, query)
    with lane_answers(served.app) as answered:
        http.cookies.set("portal_session", token)
        try:
            by_cookie = await post(http, None, query)
        finally:
            http.cookies.clear()
    assert answered == [True]
    assert by_cookie.json()["data"] == by_header.json()["data"]


@pytest.mark.parametrize("accept", ["application/graphql-response+json", "application/json"])
async def test_the_fast_lane_answers_in_the_media_type_asked_for(
    served: Served, world: World, accept: str
) -> None:
    http = served.http
    query = new("{ devices { totalCount } }")
    token = world.tokens["staff"]
    await post(http, token, query, accept=accept)
    with lane_answers(served.app) as answered:
        response = await post(http, token, query, accept=accept)
    assert answered == [True]
    assert response.headers["content-type"].startswith(accept)
    assert response.headers["x-content-type-options"] == "nosniff"  # the middleware's
    assert response.headers["x-request-id"]


async def test_a_client_over_its_budget_is_refused_on_the_fast_lane_too(
    settings: Settings, world: World
) -> None:
    app = create_app(settings.replace(cost_budget=10, cost_refill_per_second=0.01))
    query = new("{ devices(first: 9) { totalCount } }")  # 2 points: the request and a page
    statuses: list[int] = []
    async with serving(app) as url, httpx.AsyncClient(base_url=url) as http:
        with lane_answers(app) as answered:
            for _ in range(6):
                statuses.append((await post(http, world.tokens["admin_b"], query)).status_code)
    assert statuses == [200] * 5 + [429]
    # The lane answered what the budget allowed; the refusal came from the full way.
    assert answered == [False, True, True, True, True, False]


async def test_connections_the_database_dropped_are_replaced_not_reused(
    served: Served, world: World, database: Database
) -> None:
    """As after a database restart: every pooled connection of the app is cut. The lane's
    request on a dead one answers SERVICE_UNAVAILABLE; the pool is replaced, and the next
    request is answered again, without a restart of the portal."""
    http = served.http
    token = world.tokens["staff"]
    query = new("{ devices { totalCount } }")
    first, second = await twice(http, token, query)
    assert first.status_code == second.status_code == 200
    async with database.engine.connect() as admin:
        cut = await admin.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                " AND application_name = 'portal' AND state = 'idle'"
            )
        )
        assert len(cut.all()) >= 1
        await admin.commit()
    with lane_answers(served.app) as answered:
        statuses = []
        for _ in range(3):
            response = await post(http, token, query)
            statuses.append(response.status_code)
            if response.status_code == 503:
                assert response.json()["errors"][0]["extensions"]["code"] == "SERVICE_UNAVAILABLE"
    # One request finds the dead pool (not one per dead connection), then all is well.
    assert statuses == [503, 200, 200], statuses
    assert answered[-1] is True


async def test_a_read_past_the_time_limit_is_stopped_and_its_connection_not_reused(
    settings: Settings, world: World, database: Database
) -> None:
    """The lane's statement waits on a locked table past the operation's time: the answer is
    504 LIMIT_EXCEEDED, PostgreSQL stops the statement, and the lane answers again after."""
    app = create_app(settings.replace(operation_timeout_seconds=1, cost_budget=10**9))
    token = world.tokens["staff"]
    query = new("{ devices { totalCount } }")
    async with serving(app) as url, httpx.AsyncClient(base_url=url, timeout=10) as http:
        first, second = await twice(http, token, query)
        assert first.status_code == second.status_code == 200
        async with database.engine.connect() as holder:
            await holder.begin()
            await holder.execute(text("LOCK TABLE devices IN ACCESS EXCLUSIVE MODE"))
            with lane_answers(app) as answered:
                stopped = await post(http, token, query)
            # The cancel request reaches PostgreSQL shortly after the answer: a while to see it.
            deadline = time.monotonic() + 2
            still = 1
            while still and time.monotonic() < deadline:
                async with database.engine.connect() as watcher:
                    still = await watcher.scalar(WAITING_LANE_STATEMENTS) or 0
                await asyncio.sleep(0.05)
            await holder.rollback()
        assert still == 0, "the lane's statement still waits in PostgreSQL"
        assert stopped.status_code == 504
        assert stopped.json()["errors"][0]["extensions"]["code"] == "LIMIT_EXCEEDED"
        assert answered == []  # cut off inside the lane: neither answered nor handed on
        with lane_answers(app) as answered:
            after = [await post(http, token, query) for _ in range(3)]
        assert [response.status_code for response in after] == [200, 200, 200]
        assert answered == [True, True, True]
        assert after[0].json()["data"] == first.json()["data"]
