"""The HTTP surface: /graphql over POST and GET, GraphiQL, health endpoints, request ids."""

from __future__ import annotations

import httpx
from sqlalchemy import func, select, text

from models import AuthSession
from models.database import Database
from models.schema_version import head_revision, known_revisions
from portal import demo
from portal.app import create_app
from portal.settings import Settings
from tests.support import Api


async def test_anonymous_viewer_is_null(http: httpx.AsyncClient) -> None:
    response = await http.post("/graphql", json={"query": "{ viewer { id } }"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert body["data"] == {"viewer": None}
    assert "errors" not in body


async def test_queries_work_over_get(http: httpx.AsyncClient) -> None:
    response = await http.get("/graphql", params={"query": "{ viewer { id } }"})
    assert response.status_code == 200
    assert response.json()["data"] == {"viewer": None}


async def test_mutation_over_get_is_refused_and_changes_nothing(
    http: httpx.AsyncClient, database: Database, demo_users: tuple[demo.DemoUser, ...]
) -> None:
    mutation = (
        f'mutation {{ signIn(input: {{email: "{demo.ADMIN.email}", '
        f'password: "{demo.ADMIN.password}"}}) {{ token }} }}'
    )
    response = await http.get("/graphql", params={"query": mutation})
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
    async with database.session() as session:
        assert await session.scalar(select(func.count()).select_from(AuthSession)) == 0


async def test_graphiql_is_served_to_browsers(http: httpx.AsyncClient) -> None:
    response = await http.get("/graphql", headers={"accept": "text/html"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "graphiql" in response.text.lower()


async def test_malformed_body_is_a_coded_client_error(http: httpx.AsyncClient) -> None:
    response = await http.post(
        "/graphql", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


async def test_every_graphql_error_carries_a_code(api: Api) -> None:
    syntax = await api.result("{ viewer { id ")
    assert syntax["errors"][0]["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"
    unknown_field = await api.result("{ viewer { password } }")
    assert unknown_field["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


async def test_request_id_is_echoed_or_made(http: httpx.AsyncClient) -> None:
    given = await http.get("/healthz", headers={"x-request-id": "abc-123"})
    assert given.headers["x-request-id"] == "abc-123"
    made = await http.get("/healthz", headers={"x-request-id": "not sane; " + "x" * 100})
    assert len(made.headers["x-request-id"]) == 32  # a fresh uuid4, hex


async def test_healthz_and_readyz(http: httpx.AsyncClient) -> None:
    assert (await http.get("/healthz")).json() == {"status": "ok"}
    ready = await http.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["status"] == "ok"


async def test_readyz_is_503_while_migrations_are_pending_but_not_for_a_newer_schema(
    http: httpx.AsyncClient, database: Database
) -> None:
    earlier = sorted(known_revisions() - {head_revision()})[0]
    async with database.engine.begin() as connection:
        head = await connection.scalar(text("SELECT version_num FROM alembic_version"))
        await connection.execute(
            text("UPDATE alembic_version SET version_num = :r"), {"r": earlier}
        )
    try:
        response = await http.get("/readyz")
        assert response.status_code == 503
        assert response.json()["database"] == "migrations pending"
        # During a rollout the next release migrates first; this code keeps serving.
        async with database.engine.begin() as connection:
            await connection.execute(text("UPDATE alembic_version SET version_num = 'f00dfeed'"))
        response = await http.get("/readyz")
        assert response.status_code == 200
        assert response.json()["revision"] == "f00dfeed"
    finally:
        async with database.engine.begin() as connection:
            await connection.execute(
                text("UPDATE alembic_version SET version_num = :head"), {"head": head}
            )


async def test_readyz_is_503_when_the_database_is_unreachable(settings: Settings) -> None:
    # A port nothing listens on: the database is down, the process is up.
    unreachable = settings.replace(
        database_url="postgresql://portal@127.0.0.1:9/portal", db_pool_timeout=1.0
    )
    app = create_app(unreachable)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://portal") as client:
        assert (await client.get("/healthz")).status_code == 200
        response = await client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"
    await app.state.database.dispose()


async def test_a_subscription_over_plain_http_is_the_clients_mistake(
    http: httpx.AsyncClient, api: Api
) -> None:
    for accept in ("application/json", "application/graphql-response+json"):
        answer = await http.post(
            "/graphql",
            json={"query": "subscription { ticketEvents { kind } }"},
            headers={"accept": accept},
        )
        assert answer.status_code == (200 if accept == "application/json" else 400)
        error = answer.json()["errors"][0]
        assert error["extensions"]["code"] == "BAD_REQUEST"
        assert "WebSocket" in error["message"]
