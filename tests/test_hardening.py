"""HTTP and WebSocket hardening: body size, batching, headers, CORS, WebSocket limits."""

from __future__ import annotations

import asyncio
import functools
import importlib.metadata
import json
import logging

import httpx
import pytest
from packaging.version import Version
from sqlalchemy import text
from strawberry.extensions import SchemaExtension
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from auth.authentication import SESSION_COOKIE
from compiled.execute import CompiledReads
from models.database import Database
from portal import demo
from portal.app import create_app
from portal.settings import Environment, Settings
from schema.root import build_schema
from tests.conftest import LiveServer
from tests.support import SIGN_IN, Api
from tests.world import World
from tests.ws import PROTOCOL, receive, signed_in_connection, subscribe


async def test_bodies_over_a_megabyte_are_refused(http: httpx.AsyncClient) -> None:
    big = json.dumps({"query": "{ viewer { id } }", "variables": {"pad": "x" * 1_100_000}})
    response = await http.post(
        "/graphql", content=big, headers={"content-type": "application/json"}
    )
    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"]["code"] == "LIMIT_EXCEEDED"


async def test_batches_of_operations_are_not_accepted(http: httpx.AsyncClient) -> None:
    batch = [{"query": "{ viewer { id } }"}, {"query": "{ viewer { id } }"}]
    response = await http.post("/graphql", json=batch)
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


async def test_form_posts_cannot_fire_mutations(http: httpx.AsyncClient) -> None:
    response = await http.post("/graphql", data={"query": "mutation { signOut }"})
    assert response.status_code in (400, 415)


async def test_multipart_posts_cannot_fire_mutations(
    http: httpx.AsyncClient, demo_users: tuple[demo.DemoUser, ...]
) -> None:
    """A cross-site form may be multipart/form-data too: with the session cookie, its
    mutation must not run (here: it would sign the browser out)."""
    credentials = {"email": demo.ADMIN.email, "password": demo.ADMIN.password}
    signed_in = await http.post("/graphql", json={"query": SIGN_IN, "variables": credentials})
    assert signed_in.json()["data"]["signIn"]["userErrors"] == []
    assert http.cookies.get(SESSION_COOKIE)
    operations = json.dumps({"query": "mutation { signOut }", "variables": {}})
    for form in (
        {"operations": (None, operations), "map": (None, "{}")},  # the multipart request spec
        {"query": (None, "mutation { signOut }")},
    ):
        response = await http.post("/graphql", files=form)
        assert response.headers["content-type"].startswith("application/")
        assert response.request.headers["content-type"].startswith("multipart/form-data")
        assert response.status_code in (400, 415), response.text
    # The session survived both: nothing ran.
    viewer = await http.post("/graphql", json={"query": "{ viewer { email } }"})
    assert viewer.json()["data"] == {"viewer": {"email": demo.ADMIN.email}}


async def test_every_response_carries_security_headers(http: httpx.AsyncClient) -> None:
    for response in (
        await http.post("/graphql", json={"query": "{ viewer { id } }"}),
        await http.get("/healthz"),
    ):
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["referrer-policy"] == "no-referrer"
        assert response.headers["cache-control"] == "no-store"
        assert "default-src 'none'" in response.headers["content-security-policy"]


async def test_cors_only_for_configured_origins(settings: Settings) -> None:
    app = create_app(settings.replace(cors_origins=("https://portal.example",)))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://api"
    ) as http:
        preflight = {
            "access-control-request-method": "POST",
            "access-control-request-headers": "content-type",
        }
        allowed = await http.options(
            "/graphql", headers={"origin": "https://portal.example", **preflight}
        )
        other = await http.options(
            "/graphql", headers={"origin": "https://evil.example", **preflight}
        )
    await app.state.database.dispose()
    assert allowed.headers["access-control-allow-origin"] == "https://portal.example"
    assert allowed.headers["access-control-allow-credentials"] == "true"
    assert "access-control-allow-origin" not in other.headers


async def test_websocket_handshakes_from_other_origins_are_refused(live_server: LiveServer) -> None:
    with pytest.raises(InvalidStatus):
        await connect(live_server.ws_url, subprotocols=[PROTOCOL], origin="https://evil.example")  # type: ignore[list-item, arg-type]


async def test_a_websocket_that_never_says_hello_is_closed_4408(live_server: LiveServer) -> None:
    ws = await connect(live_server.ws_url, subprotocols=[PROTOCOL])  # type: ignore[list-item]
    with pytest.raises(ConnectionClosed) as closed:
        async with asyncio.timeout(8):
            await ws.recv()
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 4408


EVENTS = "subscription { ticketEvents { kind } }"


async def test_at_most_20_subscriptions_per_connection_and_no_duplicate_ids(
    live_server: LiveServer, world: World
) -> None:
    ws = await signed_in_connection(live_server.ws_url, world.tokens["staff"])
    async with ws:
        for n in range(20):
            await subscribe(ws, str(n), EVENTS)
        await subscribe(ws, "20", EVENTS)
        refused = await receive(ws)
        assert refused["type"] == "error"
        assert refused["id"] == "20"
        await subscribe(ws, "3", EVENTS)  # an id in use
        with pytest.raises(ConnectionClosed) as closed:
            async with asyncio.timeout(5):
                await ws.recv()
        assert closed.value.rcvd is not None
        assert closed.value.rcvd.code == 4409


async def test_a_second_connection_init_closes_4429(live_server: LiveServer, world: World) -> None:
    ws = await signed_in_connection(live_server.ws_url, None)
    await ws.send(json.dumps({"type": "connection_init"}))
    with pytest.raises(ConnectionClosed) as closed:
        async with asyncio.timeout(5):
            await ws.recv()
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 4429


def test_internal_faults_are_masked_and_carry_the_request_id() -> None:
    from graphql import GraphQLError

    from schema.extensions import coded

    fault = GraphQLError(
        'relation "secret_table" does not exist',
        path=["viewer"],
        original_error=RuntimeError("asyncpg.exceptions.UndefinedTableError in models.user"),
    )
    masked = coded(fault, "req-42").formatted
    assert masked["message"] == "Internal server error"
    assert masked["extensions"] == {"code": "INTERNAL", "requestId": "req-42"}
    assert masked["path"] == ["viewer"]
    assert "secret_table" not in json.dumps(masked)
    assert "asyncpg" not in json.dumps(masked)


async def test_a_real_internal_fault_is_masked_end_to_end_and_logged_under_the_request_id(
    api: Api,
    world: World,
    database: Database,
    live_server: LiveServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A column the audit log's resolver reads is renamed away in the test database, so its
    statement fails in PostgreSQL: a genuine fault, with no hook in the application."""
    caplog.set_level(logging.ERROR, logger="portal.errors")
    async with database.engine.begin() as connection:
        await connection.execute(text("ALTER TABLE audit_log RENAME COLUMN action TO gone_action"))
    try:
        response = await api.as_(world.tokens["staff"]).post(
            "{ auditLog(first: 5) { totalCount edges { node { action } } } }"
        )
    finally:
        async with database.engine.begin() as connection:
            await connection.execute(
                text("ALTER TABLE audit_log RENAME COLUMN gone_action TO action")
            )
        await live_server.app.state.database.engine.dispose()  # no plan of the renamed table
    assert response.status_code == 200
    request_id = response.headers["x-request-id"]
    body = response.json()
    [error] = body["errors"]
    assert error["message"] == "Internal server error"
    assert error["extensions"] == {"code": "INTERNAL", "requestId": request_id}
    assert error["path"] == ["auditLog"]
    for internal in (
        "gone_action",
        "audit_log",
        "SELECT",
        "asyncpg",
        "sqlalchemy",
        "Traceback",
        "resolvers",
        "schema.",
        "models",
        ".py",
        "UndefinedColumn",
        "does not exist",
    ):
        assert internal not in response.text, internal
    # The log has the whole story, under the same request id.
    [record] = [r for r in caplog.records if request_id in r.getMessage()]
    assert record.levelno == logging.ERROR
    assert record.exc_info is not None
    logged = caplog.text
    assert "Traceback" in logged
    assert "column audit_log.action does not exist" in logged
    assert "UndefinedColumnError" in logged
    # Restored, the same query answers again.
    again = await api.as_(world.tokens["staff"]).data("{ auditLog(first: 5) { totalCount } }")
    assert again["auditLog"]["totalCount"] >= 0


async def production_app_answer(
    settings: Settings, query: str, **overrides: object
) -> dict[str, object]:
    production = settings.replace(env=Environment.PRODUCTION, secret_key="s" * 40, **overrides)
    app = create_app(production)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://api"
    ) as http:
        body: dict[str, object] = (await http.post("/graphql", json={"query": query})).json()
    await app.state.database.dispose()
    return body


async def test_production_hides_the_schema_unless_told_and_suggests_nothing(
    settings: Settings,
) -> None:
    introspection = "{ __schema { queryType { name } } }"
    hidden = await production_app_answer(settings, introspection, introspection=False)
    assert hidden.get("data") is None
    assert hidden["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"  # type: ignore[index]
    shown = await production_app_answer(settings, introspection, introspection=True)
    assert shown["data"] == {"__schema": {"queryType": {"name": "Query"}}}
    typo = await production_app_answer(settings, "{ viewer { emial } }", introspection=False)
    message = typo["errors"][0]["message"]  # type: ignore[index]
    assert "emial" in message
    assert "Did you mean" not in message


def test_introspection_is_off_by_default_in_production_only() -> None:
    production = {
        "PORTAL_ENV": "production",
        "PORTAL_DATABASE_URL": "postgresql://db/x",
        "PORTAL_SECRET_KEY": "k" * 40,
    }
    assert Settings.from_env(production).introspection is False
    assert Settings.from_env(production | {"PORTAL_INTROSPECTION": "1"}).introspection is True
    assert Settings.from_env({}).introspection is True


async def test_text_with_a_nul_character_is_bad_input(api: Api, world: World) -> None:
    # PostgreSQL's text cannot hold U+0000: without the check this failed in the database.
    customer = api.as_(world.tokens["customer_a"])
    literal = await customer.result(
        'mutation { requestPasswordReset(email: "a\\u0000@b.example") }'
    )
    variable = await customer.result(
        "query ($s: String) { tickets(filter: {search: $s}) { totalCount } }", {"s": "jam\x00"}
    )
    for body in (literal, variable):
        assert body["data"] is None
        assert [(e["extensions"]["code"], e["message"]) for e in body["errors"]] == [
            ("BAD_USER_INPUT", "Text may not contain the NUL character (U+0000)")
        ]


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"introspection": False, "suggestions": False, "after_limits": (CompiledReads,)},
    ],
    ids=["development", "production-with-compiled-reads"],
)
def test_schema_extensions_are_factories_never_shared_instances(options: dict[str, object]) -> None:
    """Strawberry makes one extension per operation from a class or a partial; an instance
    would be one object shared by every concurrent operation (and their state)."""
    extensions = build_schema(**options).extensions  # type: ignore[arg-type]
    assert extensions
    for extension in extensions:
        factory = extension.func if isinstance(extension, functools.partial) else extension
        assert isinstance(factory, type), f"{extension!r} is an instance, not a factory"
        assert issubclass(factory, SchemaExtension), extension


def test_the_installed_strawberry_is_at_least_0_312_3() -> None:
    assert Version(importlib.metadata.version("strawberry-graphql")) >= Version("0.312.3")
