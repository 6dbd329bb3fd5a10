"""GraphQL over HTTP: the media type the client prefers and that type's status codes (checked
by graphql-http's own audit too), the cost in every answer, and the operation timeout."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import httpx
import pytest
from sqlalchemy import TextClause, func, select, text
from sqlalchemy.ext.asyncio import AsyncConnection

from models import AuthSession, User
from models.database import Database
from portal import demo
from portal.app import create_app
from portal.settings import Settings, SettingsError
from tests.conftest import REPO, LiveServer
from tests.servers import serving
from tests.support import SIGN_IN
from tests.world import World
from tests.ws import receive, signed_in_connection, subscribe

GRAPHQL_RESPONSE = "application/graphql-response+json"
JSON = "application/json"
VIEWER = "{ viewer { id } }"


def codes(body: dict[str, Any]) -> list[str]:
    return [error["extensions"]["code"] for error in body.get("errors") or ()]


async def test_the_graphql_http_audit_passes_every_must_and_should(
    live_server: LiveServer,
) -> None:
    process = await asyncio.create_subprocess_exec(
        "node",
        "web/audit.mjs",
        f"{live_server.url}/graphql",
        cwd=REPO,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    output, errors = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode == 0, errors.decode()
    results: list[dict[str, Any]] = json.loads(output)
    required = [result for result in results if result["name"].startswith(("MUST", "SHOULD"))]
    failing = [result for result in required if result["status"] != "ok"]
    assert not failing, "\n".join(
        f"{result['id']} {result['name']}: {result['reason']} "
        f"(got {result['response']['status']} {result['response']['body'][:300]})"
        for result in failing
    )
    # graphql-http 1.23.1 has 13 MUST and 23 SHOULD: a run that lost some must not pass.
    assert len(required) >= 36, [result["name"] for result in results]


@pytest.mark.parametrize(
    ("accept", "answered_in"),
    [
        (GRAPHQL_RESPONSE, GRAPHQL_RESPONSE),
        (JSON, JSON),
        ("*/*", JSON),
        ("application/*", JSON),
        (f"{GRAPHQL_RESPONSE}, {JSON};q=0.9", GRAPHQL_RESPONSE),
        (f"{GRAPHQL_RESPONSE};q=0.5, {JSON}", JSON),
        (f"{JSON}, {GRAPHQL_RESPONSE}", JSON),  # as much liked: the first listed
        (f"{GRAPHQL_RESPONSE}, {JSON}", GRAPHQL_RESPONSE),
        (f"{JSON};q=0, */*", GRAPHQL_RESPONSE),  # the wildcard covers the other one
        (f"text/html, {GRAPHQL_RESPONSE};q=0.1", GRAPHQL_RESPONSE),
        (f"{GRAPHQL_RESPONSE}; charset=utf-8", GRAPHQL_RESPONSE),
    ],
)
async def test_the_answer_comes_in_the_media_type_the_client_prefers(
    http: httpx.AsyncClient, accept: str, answered_in: str
) -> None:
    response = await http.post("/graphql", json={"query": VIEWER}, headers={"accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"] == answered_in
    assert response.json()["data"] == {"viewer": None}


async def test_without_an_accept_header_the_answer_is_json(http: httpx.AsyncClient) -> None:
    request = http.build_request("POST", "/graphql", json={"query": VIEWER})
    del request.headers["accept"]
    response = await http.send(request)
    assert response.status_code == 200
    assert response.headers["content-type"] == JSON


REQUEST_ERRORS = [
    pytest.param({"query": "{ viewer { id "}, "GRAPHQL_PARSE_FAILED", id="syntax"),
    pytest.param({"query": "{ viewer { password } }"}, "GRAPHQL_VALIDATION_FAILED", id="unknown"),
    pytest.param(
        {
            "query": "query ($n: Int!) { devices(first: $n) { totalCount } }",
            "variables": {"n": "ten"},
        },
        "GRAPHQL_VALIDATION_FAILED",
        id="variables",
    ),
    pytest.param(
        {"query": "{ devices(first: 500) { totalCount } }"}, "LIMIT_EXCEEDED", id="limits"
    ),
]


@pytest.mark.parametrize(("request_body", "code"), REQUEST_ERRORS)
async def test_a_request_that_never_runs_is_400_without_data_in_graphql_response_json(
    http: httpx.AsyncClient, request_body: dict[str, Any], code: str
) -> None:
    response = await http.post("/graphql", json=request_body, headers={"accept": GRAPHQL_RESPONSE})
    assert response.status_code == 400
    assert response.headers["content-type"] == GRAPHQL_RESPONSE
    body = response.json()
    assert "data" not in body
    assert codes(body) == [code]
    assert body["extensions"]["cost"]["limit"] == 1000


@pytest.mark.parametrize(("request_body", "code"), REQUEST_ERRORS)
async def test_a_request_that_never_runs_is_200_with_null_data_in_json(
    http: httpx.AsyncClient, request_body: dict[str, Any], code: str
) -> None:
    response = await http.post("/graphql", json=request_body, headers={"accept": JSON})
    assert response.status_code == 200
    assert response.headers["content-type"] == JSON
    body = response.json()
    assert body["data"] is None
    assert codes(body) == [code]


async def test_field_errors_are_200_with_data_in_both_media_types(
    http: httpx.AsyncClient,
) -> None:
    # `auditLog` is staff-only and non-null: its error nulls all of `data`, yet it ran.
    forbidden = {"query": "{ auditLog(first: 1) { totalCount } }"}
    not_an_id = {"query": '{ node(id: "x") { id } }'}
    for accept in (GRAPHQL_RESPONSE, JSON):
        response = await http.post("/graphql", json=forbidden, headers={"accept": accept})
        assert response.status_code == 200
        assert response.headers["content-type"] == accept
        body = response.json()
        assert body["data"] is None
        assert body["errors"][0]["path"] == ["auditLog"]
        assert codes(body) == ["FORBIDDEN"]
        response = await http.post("/graphql", json=not_an_id, headers={"accept": accept})
        assert response.status_code == 200
        assert response.json()["data"] == {"node": None}
        assert codes(response.json()) == ["BAD_USER_INPUT"]


async def test_malformed_http_requests_are_answered_in_the_preferred_media_type(
    http: httpx.AsyncClient,
) -> None:
    not_json = await http.post(
        "/graphql",
        content=b'{ "not a JSON',
        headers={"content-type": JSON, "accept": GRAPHQL_RESPONSE},
    )
    assert not_json.status_code == 400
    assert not_json.headers["content-type"] == GRAPHQL_RESPONSE
    assert codes(not_json.json()) == ["BAD_REQUEST"]
    no_query = await http.post(
        "/graphql", json={"qeury": VIEWER}, headers={"accept": GRAPHQL_RESPONSE}
    )
    assert no_query.status_code == 400
    assert codes(no_query.json()) == ["BAD_REQUEST"]
    mutation_over_get = await http.get(
        "/graphql", params={"query": "mutation { signOut }"}, headers={"accept": GRAPHQL_RESPONSE}
    )
    assert mutation_over_get.status_code == 405
    assert mutation_over_get.headers["allow"] == "POST"
    assert mutation_over_get.headers["content-type"] == GRAPHQL_RESPONSE
    assert codes(mutation_over_get.json()) == ["BAD_REQUEST"]


async def test_an_accept_the_server_cannot_serve_is_406_and_runs_nothing(
    http: httpx.AsyncClient, database: Database, demo_users: tuple[demo.DemoUser, ...]
) -> None:
    sign_in = {
        "query": SIGN_IN,
        "variables": {"email": demo.ADMIN.email, "password": demo.ADMIN.password},
    }
    response = await http.post("/graphql", json=sign_in, headers={"accept": "text/plain"})
    assert response.status_code == 406
    assert response.headers["content-type"] == JSON
    assert codes(response.json()) == ["BAD_REQUEST"]
    refused_json = await http.post(
        "/graphql", json=sign_in, headers={"accept": f"{JSON};q=0, text/html"}
    )
    assert refused_json.status_code == 406
    async with database.session() as session:
        assert await session.scalar(select(func.count()).select_from(AuthSession)) == 0


async def test_every_answer_says_its_cost(settings: Settings) -> None:
    # An app of its own: a budget nobody else spends, refilled slowly enough to count on.
    app = create_app(settings.replace(cost_budget=100, cost_refill_per_second=1))
    async with serving(app) as url, httpx.AsyncClient(base_url=url) as http:

        async def cost_of(response: httpx.Response) -> dict[str, int]:
            cost: dict[str, int] = response.json()["extensions"]["cost"]
            assert cost["limit"] == 1000
            return cost

        success = await http.post("/graphql", json={"query": VIEWER})
        assert "errors" not in success.json()
        assert await cost_of(success) == {"requested": 1, "limit": 1000, "remaining": 99}
        assert success.headers["x-cost-requested"] == "1"
        assert success.headers["x-cost-limit"] == "1000"
        assert success.headers["x-cost-remaining"] == "99"

        # 1 for the request, 1 for accounts, 10 for the devices of each of 10 accounts.
        paged = "{ accounts(first: 10) { edges { node { devices(first: 10) { totalCount } } } } }"
        cost = await cost_of(await http.post("/graphql", json={"query": paged}))
        assert cost["requested"] == 12
        assert 87 <= cost["remaining"] <= 88  # a point may have come back in the meantime

        field_error = await http.post("/graphql", json={"query": "{ auditLog { totalCount } }"})
        assert codes(field_error.json()) == ["FORBIDDEN"]
        cost = await cost_of(field_error)
        assert cost["requested"] == 2
        assert 85 <= cost["remaining"] <= 87

        syntax = await http.post("/graphql", json={"query": "{ viewer"})
        assert codes(syntax.json()) == ["GRAPHQL_PARSE_FAILED"]
        cost = await cost_of(syntax)
        assert cost["requested"] == 0  # nothing to measure, nothing charged
        assert 85 <= cost["remaining"] <= 88

        costly = (
            "{ accounts(first: 100) { edges { node { devices(first: 100) { edges { node {"
            " tickets(first: 10) { totalCount } } } } } } } }"
        )
        refused = await http.post("/graphql", json={"query": costly})
        assert codes(refused.json()) == ["LIMIT_EXCEEDED"]
        cost = await cost_of(refused)
        assert cost["requested"] == 10102
        assert 85 <= cost["remaining"] <= 89  # refused before the budget was charged

        over_budget = paged.replace("(first: 10)", "(first: 100)", 1)  # 1 + 1 + 100
        limited = await http.post("/graphql", json={"query": over_budget})
        assert limited.status_code == 429
        assert codes(limited.json()) == ["LIMIT_EXCEEDED"]
        cost = await cost_of(limited)
        assert cost["requested"] == 102
        assert cost["remaining"] < 102

        too_big = json.dumps({"query": VIEWER, "variables": {"pad": "x" * 1_100_000}})
        body_refused = await http.post("/graphql", content=too_big, headers={"content-type": JSON})
        assert body_refused.status_code == 413
        assert codes(body_refused.json()) == ["LIMIT_EXCEEDED"]
        assert (await cost_of(body_refused))["requested"] == 0


DEEP_EVENTS = (
    "subscription { ticketEvents { ticket { device { account { devices { edges { node {"
    " account { devices { edges { node { account { name } } } } } } } } } } } } }"
)


async def test_a_subscription_over_a_limit_is_refused(
    live_server: LiveServer, world: World
) -> None:
    ws = await signed_in_connection(live_server.ws_url, world.tokens["staff"])
    async with ws:
        await subscribe(ws, "deep", DEEP_EVENTS)
        async with asyncio.timeout(5):
            refused = await receive(ws)
    assert refused["id"] == "deep"
    errors = refused["payload"]["errors"] if refused["type"] == "next" else refused["payload"]
    assert [error["extensions"]["code"] for error in errors] == ["LIMIT_EXCEEDED"]
    assert "levels deep" in errors[0]["message"]


async def test_a_subscription_over_budget_is_refused(settings: Settings, world: World) -> None:
    app = create_app(settings.replace(cost_budget=0))
    async with serving(app) as url:
        ws_url = url.replace("http://", "ws://", 1) + "/graphql"
        ws = await signed_in_connection(ws_url, world.tokens["staff"])
        async with ws:
            await subscribe(ws, "1", "subscription { ticketEvents { kind } }")
            async with asyncio.timeout(5):
                refused = await receive(ws)
    assert refused["id"] == "1"
    errors = refused["payload"]["errors"] if refused["type"] == "next" else refused["payload"]
    assert [error["extensions"]["code"] for error in errors] == ["LIMIT_EXCEEDED"]
    assert "rate limit" in errors[0]["message"]


def test_the_operation_timeout_is_a_setting() -> None:
    assert Settings.from_env({}).operation_timeout_seconds == 10
    configured = Settings.from_env({"PORTAL_OPERATION_TIMEOUT_SECONDS": "3"})
    assert configured.operation_timeout_seconds == 3
    for wrong in ("0", "soon"):
        with pytest.raises(SettingsError, match="PORTAL_OPERATION_TIMEOUT_SECONDS"):
            Settings.from_env({"PORTAL_OPERATION_TIMEOUT_SECONDS": wrong})


UPDATE_NAME = """
mutation { updateProfile(input: {name: "Renamed"}) { user { name } userErrors { code } } }
"""
# The app's statements that wait on a row lock; the test's own connection is left out.
WAITING_ON_A_LOCK = text(
    "SELECT pid FROM pg_stat_activity"
    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
    " AND state = 'active' AND wait_event_type = 'Lock' AND query ILIKE '%FOR UPDATE%'"
)
STATE_OF = text("SELECT state FROM pg_stat_activity WHERE pid = :pid")


async def look(watcher: AsyncConnection, statement: TextClause, **params: object) -> list[Any]:
    rows = list((await watcher.execute(statement, params)).scalars())
    await watcher.rollback()  # pg_stat_activity is read once per transaction: a fresh look
    return rows


async def test_a_slow_operation_is_stopped_with_its_statement_and_commits_nothing(
    settings: Settings, database: Database, world: World
) -> None:
    app = create_app(settings.replace(operation_timeout_seconds=1))
    email = "customer_a@world.example"
    token = world.tokens["customer_a"]
    assert token is not None
    async with database.engine.connect() as holder, database.engine.connect() as watcher:
        await holder.begin()
        # The row updateProfile must lock: it waits here until the timeout stops it.
        await holder.execute(select(User.id).where(User.email == email).with_for_update())
        try:
            async with serving(app) as url, httpx.AsyncClient(base_url=url, timeout=10) as http:
                started = time.monotonic()
                answer = asyncio.create_task(
                    http.post(
                        "/graphql",
                        json={"query": UPDATE_NAME},
                        headers={"authorization": f"Bearer {token}", "accept": GRAPHQL_RESPONSE},
                    )
                )
                waiting: list[int] = []
                while not waiting and not answer.done():
                    await asyncio.sleep(0.05)
                    waiting = await look(watcher, WAITING_ON_A_LOCK)
                assert len(waiting) == 1, "the mutation never reached the locked row"
                response = await answer
                elapsed = time.monotonic() - started
                assert response.status_code == 504
                body = response.json()
                assert "data" not in body
                assert codes(body) == ["LIMIT_EXCEEDED"]
                assert body["extensions"]["cost"]["requested"] == 1
                assert elapsed < 3
                # Well before the statement_timeout backstop (6 s here), PostgreSQL stopped it:
                # the app's connection is idle (or closed), no longer running the statement.
                deadline = time.monotonic() + 2
                state = await look(watcher, STATE_OF, pid=waiting[0])
                while state == ["active"] and time.monotonic() < deadline:
                    await asyncio.sleep(0.05)
                    state = await look(watcher, STATE_OF, pid=waiting[0])
                assert state != ["active"], "the app's statement still runs in PostgreSQL"
                assert await look(watcher, WAITING_ON_A_LOCK) == []
                await holder.rollback()
                # The app still answers, and the name is what it was.
                after = await http.post(
                    "/graphql",
                    json={"query": "{ viewer { name } }"},
                    headers={"authorization": f"Bearer {token}"},
                )
                assert after.status_code == 200
                assert after.json()["data"] == {"viewer": {"name": "Customer A"}}
        finally:
            if holder.in_transaction():
                await holder.rollback()
    async with database.session() as session:
        assert await session.scalar(select(User.name).where(User.email == email)) == "Customer A"
