"""The `portal` command, run as a separate process against a real database."""

from __future__ import annotations

import asyncio
import signal

import httpx
import pytest
from sqlalchemy import func, select

from auth.passwords import verify_password
from models import User, UserKind
from models.database import Database
from notifications.outbox import enqueue_email
from portal import demo
from portal.app import create_app
from portal.embedded_db import ensure_database
from portal.settings import Settings
from schema.root import build_schema
from tests.mail import SmtpServer, token_in
from tests.processes import PORTAL, environment, free_port, run, wait_until_ready
from tests.support import Api, sign_in

pytestmark = pytest.mark.slow
PRODUCTION_KEY = "p" * 40


async def fresh_database(server_url: str, name: str) -> str:
    return await ensure_database(server_url, name, recreate=True)


async def count_users(url: str) -> int:
    database = Database(url, pool_size=1)
    try:
        async with database.session() as session:
            return int(await session.scalar(select(func.count()).select_from(User)) or 0)
    finally:
        await database.dispose()


async def test_serve_migrates_seeds_serves_and_stops_on_ctrl_c(server_url: str) -> None:
    url = await fresh_database(server_url, "portal_test_cli_serve")
    port = free_port()
    process = await asyncio.create_subprocess_exec(
        str(PORTAL),
        "serve",
        "--port",
        str(port),
        env=environment(PORTAL_DATABASE_URL=url),
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        await wait_until_ready(base, process, within_seconds=60)
        async with httpx.AsyncClient(base_url=base) as http:
            signed_in = await sign_in(Api(http), demo.STAFF.email, demo.STAFF.password)
            assert (await signed_in.data("{ viewer { kind } }"))["viewer"]["kind"] == "STAFF"
        process.send_signal(signal.SIGINT)
        assert await asyncio.wait_for(process.wait(), timeout=15) == 0
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert await count_users(url) == len(demo.DEMO_USERS)


async def test_production_serve_never_loads_demo_data(server_url: str) -> None:
    url = await fresh_database(server_url, "portal_test_cli_production")
    env = environment(
        PORTAL_ENV="production", PORTAL_DATABASE_URL=url, PORTAL_SECRET_KEY=PRODUCTION_KEY
    )
    assert (await run(str(PORTAL), "migrate", env=env))[0] == 0
    code, output = await run(str(PORTAL), "seed-demo", env=env)
    assert code != 0
    assert "never loaded in production" in output
    port = free_port()
    process = await asyncio.create_subprocess_exec(
        str(PORTAL), "serve", "--port", str(port), env=env, stdin=asyncio.subprocess.DEVNULL
    )
    try:
        await wait_until_ready(f"http://127.0.0.1:{port}", process, within_seconds=60)
        async with httpx.AsyncClient() as http:
            graphiql = await http.get(
                f"http://127.0.0.1:{port}/graphql", headers={"accept": "text/html"}
            )
            assert "graphiql" not in graphiql.text.lower()
    finally:
        process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(process.wait(), timeout=15)
    assert await count_users(url) == 0


async def test_production_refuses_to_start_without_database_and_key() -> None:
    code, output = await run(
        str(PORTAL), "serve", env=environment(PORTAL_ENV="production", PORTAL_SECRET_KEY=None)
    )
    assert code != 0
    assert "PORTAL_DATABASE_URL" in output


async def test_create_staff_takes_the_password_from_the_environment(server_url: str) -> None:
    url = await fresh_database(server_url, "portal_test_cli_staff")
    env = environment(PORTAL_DATABASE_URL=url, PORTAL_PASSWORD="a-long-staff-password")
    assert (await run(str(PORTAL), "migrate", env=env))[0] == 0
    code, output = await run(
        str(PORTAL), "create-staff", "--email", "Nora@Example.com", "--name", "Nora N", env=env
    )
    assert code == 0, output
    database = Database(url, pool_size=1)
    try:
        async with database.session() as session:
            staff = (await session.scalars(select(User))).one()
    finally:
        await database.dispose()
    assert (staff.email, staff.kind) == ("nora@example.com", UserKind.STAFF)
    assert await verify_password(staff.password_hash, "a-long-staff-password")

    again, output = await run(
        str(PORTAL), "create-staff", "--email", "nora@example.com", "--name", "N", env=env
    )
    assert again != 0
    assert "exists already" in output
    short = environment(PORTAL_DATABASE_URL=url, PORTAL_PASSWORD="short")
    refused, output = await run(
        str(PORTAL), "create-staff", "--email", "x@example.com", "--name", "X", env=short
    )
    assert refused != 0
    assert "at least 10" in output
    on_command_line, output = await run(
        str(PORTAL), "create-staff", "--email", "y@example.com", "--name", "Y",
        "--password", "on-the-command-line", env=env,
    )  # fmt: skip
    assert on_command_line != 0
    assert "No such option" in output


async def test_schema_prints_the_served_sdl() -> None:
    code, output = await run(str(PORTAL), "schema", env=environment())
    assert code == 0
    assert output == build_schema().as_str() + "\n"


async def test_integration_tokens_are_created_listed_used_and_revoked(server_url: str) -> None:
    url = await fresh_database(server_url, "portal_test_cli_tokens")
    env = environment(PORTAL_DATABASE_URL=url)
    assert (await run(str(PORTAL), "migrate", env=env))[0] == 0
    code, output = await run(
        str(PORTAL), "create-token", "--name", "erp", "--scope", "sync", env=env
    )
    assert code == 0, output
    token = output.strip().splitlines()[-1]
    assert token.startswith("pti_")
    code, listing = await run(str(PORTAL), "list-tokens", env=env)
    assert "erp\tsync\tlive" in listing
    assert token not in listing
    # The token works against a server on the same database...
    settings = Settings(database_url=url, run_worker=False)
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://portal") as http:
        api = Api(http, token)
        assert (await api.data("{ accounts { totalCount } }"))["accounts"]["totalCount"] == 0
        assert (await run(str(PORTAL), "revoke-token", "--name", "erp", env=env))[0] == 0
        # ...until it is revoked.
        assert (await api.post("{ accounts { totalCount } }")).status_code == 401
    await app.state.database.dispose()
    refused, output = await run(
        str(PORTAL), "create-token", "--name", "x", "--scope", "admin", env=env
    )
    assert refused != 0


async def test_serve_delivers_mail_through_its_worker(
    server_url: str, smtp_server: SmtpServer
) -> None:
    url = await fresh_database(server_url, "portal_test_cli_mail")
    port = free_port()
    process = await asyncio.create_subprocess_exec(
        str(PORTAL),
        "serve",
        "--port",
        str(port),
        env=environment(PORTAL_DATABASE_URL=url, PORTAL_SMTP_URL=smtp_server.url),
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    try:
        await wait_until_ready(f"http://127.0.0.1:{port}", process, within_seconds=60)
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:
            asked = await Api(http).data(
                "mutation ($e: String!) { requestPasswordReset(email: $e) }",
                {"e": demo.CUSTOMER.email},
            )
            assert asked == {"requestPasswordReset": True}
        (mail,) = await smtp_server.wait_for(1, within=15)
        assert mail.to == (demo.CUSTOMER.email,)
        assert token_in(mail).startswith("pte_")
    finally:
        process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(process.wait(), timeout=15)


async def test_the_standalone_worker_sends_and_stops_on_sigterm(
    server_url: str, smtp_server: SmtpServer
) -> None:
    url = await fresh_database(server_url, "portal_test_cli_worker")
    env = environment(PORTAL_DATABASE_URL=url, PORTAL_SMTP_URL=smtp_server.url)
    assert (await run(str(PORTAL), "migrate", env=env))[0] == 0
    database = Database(url, pool_size=1)
    try:
        async with database.session() as session, session.begin():
            await enqueue_email(
                session,
                to="someone@example.com",
                locale="sv",
                template="access_request_decided",
                name="Someone",
                account_name="Nordic Print AB",
                approved=True,
            )
    finally:
        await database.dispose()
    process = await asyncio.create_subprocess_exec(
        str(PORTAL), "worker", env=env, stdin=asyncio.subprocess.DEVNULL
    )
    try:
        (mail,) = await smtp_server.wait_for(1, within=15)
        assert mail.to == ("someone@example.com",)
    finally:
        process.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(process.wait(), timeout=15) == 0


async def test_remind_meters_runs_once_and_says_how_many(server_url: str) -> None:
    url = await fresh_database(server_url, "portal_test_cli_remind")
    env = environment(PORTAL_DATABASE_URL=url)
    assert (await run(str(PORTAL), "migrate", env=env))[0] == 0
    code, output = await run(str(PORTAL), "remind-meters", env=env)
    assert code == 0, output
    assert "reminders queued for 0 devices" in output
