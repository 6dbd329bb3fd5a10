"""The stock GraphQL clients, configured as their documentation says and nothing more, drive
the API end to end: sign in over HTTP, ask who they are, and hear a ticket event live over
graphql-transport-ws. Python's gql here; JavaScript's fetch and graphql-ws in
web/graphql-ws-client.mjs, run by node."""

from __future__ import annotations

import asyncio
import contextlib
import json
import shutil
from typing import Any

from gql import Client, GraphQLRequest
from gql.transport.httpx import HTTPXAsyncTransport
from gql.transport.websockets import WebsocketsTransport
from sqlalchemy import update

from auth.passwords import hash_password_async
from models import User
from models.database import Database
from tests.conftest import REPO, LiveServer
from tests.support import Api
from tests.test_ticket_events import listening, wait_for_subscribers
from tests.test_tickets import SET_STATUS, raise_case
from tests.world import World

EMAIL = "customer_a@world.example"
PASSWORD = "correct horse battery staple"

SIGN_IN = """
mutation SignIn($email: String!, $password: String!) {
  signIn(input: {email: $email, password: $password}) {
    token
    viewer { id email }
    userErrors { code }
  }
}
"""
VIEWER = "query { viewer { id email } }"
EVENTS = """
subscription ($ticketId: ID) {
  ticketEvents(ticketId: $ticketId) { kind at ticket { id number status } }
}
"""
CLIENT_SCRIPT = REPO / "web" / "graphql-ws-client.mjs"


async def give_password(database: Database, email: str, password: str) -> None:
    # The world opens its sessions directly; these clients sign in like people do.
    async with database.session() as session, session.begin():
        await session.execute(
            update(User)
            .where(User.email == email)
            .values(password_hash=await hash_password_async(password))
        )


async def test_python_gql_signs_in_asks_who_it_is_and_hears_a_status_change(
    api: Api, world: World, database: Database, live_server: LiveServer
) -> None:
    await listening(live_server)
    await give_password(database, EMAIL, PASSWORD)
    ticket = await raise_case(api, world)
    graphql_url = f"{live_server.url}/graphql"

    async with Client(transport=HTTPXAsyncTransport(url=graphql_url)) as anonymous:
        signed_in = (
            await anonymous.execute(
                GraphQLRequest(SIGN_IN, variable_values={"email": EMAIL, "password": PASSWORD})
            )
        )["signIn"]
    assert signed_in["userErrors"] == []
    token = signed_in["token"]
    assert isinstance(token, str)
    me = {"id": world.ids["customer_a"], "email": EMAIL}
    assert signed_in["viewer"] == me

    bearer = HTTPXAsyncTransport(url=graphql_url, headers={"Authorization": f"Bearer {token}"})
    async with Client(transport=bearer) as http_session:
        assert await http_session.execute(GraphQLRequest(VIEWER)) == {"viewer": me}

    # Default subprotocols: gql offers the legacy protocol as well and the server picks the one
    # it speaks.
    sockets = WebsocketsTransport(
        url=live_server.ws_url, init_payload={"authorization": f"Bearer {token}"}
    )
    async with Client(transport=sockets) as ws_session:
        assert sockets.subprotocol == "graphql-transport-ws"
        # Queries travel on the socket too, as the viewer the connection_init named.
        assert await ws_session.execute(GraphQLRequest(VIEWER)) == {"viewer": me}

        events = ws_session.subscribe(
            GraphQLRequest(EVENTS, variable_values={"ticketId": ticket["id"]})
        )
        first = asyncio.ensure_future(anext(events))
        try:
            await wait_for_subscribers(live_server, 1)
            staff = api.as_(world.tokens["staff"])
            changed = await staff.data(SET_STATUS, {"t": ticket["id"], "s": "OPEN"})
            assert changed["setTicketStatus"]["userErrors"] == []
            async with asyncio.timeout(5):
                event = (await first)["ticketEvents"]
        finally:
            # The generator must be idle before it can be closed.
            first.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await first
            await events.aclose()
    assert event["kind"] == "STATUS_CHANGED"
    assert event["ticket"] == {"id": ticket["id"], "number": ticket["number"], "status": "OPEN"}


async def read_line(process: asyncio.subprocess.Process, within: float) -> str:
    assert process.stdout is not None
    async with asyncio.timeout(within):
        line = await process.stdout.readline()
    if not line:
        assert process.stderr is not None
        error = (await process.stderr.read()).decode()
        raise AssertionError(f"the client ended its output early: {error}")
    return line.decode().rstrip("\n")


async def test_javascript_graphql_ws_signs_in_asks_who_it_is_and_hears_a_status_change(
    api: Api, world: World, database: Database, live_server: LiveServer
) -> None:
    await listening(live_server)
    await give_password(database, EMAIL, PASSWORD)
    ticket = await raise_case(api, world)
    node = shutil.which("node")
    assert node is not None, "Node.js is needed to run the JavaScript client"
    client = await asyncio.create_subprocess_exec(
        node,
        str(CLIENT_SCRIPT),
        live_server.url,
        EMAIL,
        PASSWORD,
        cwd=REPO,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        viewer = json.loads(await read_line(client, within=10))
        assert viewer == {"viewer": {"id": world.ids["customer_a"], "email": EMAIL}}
        assert await read_line(client, within=5) == "READY"
        # READY means acknowledged; the subscription is live once the server has registered it.
        await wait_for_subscribers(live_server, 1)
        staff = api.as_(world.tokens["staff"])
        changed = await staff.data(SET_STATUS, {"t": ticket["id"], "s": "OPEN"})
        assert changed["setTicketStatus"]["userErrors"] == []
        result: dict[str, Any] = json.loads(await read_line(client, within=5))
        async with asyncio.timeout(5):
            exit_code = await client.wait()
    finally:
        if client.returncode is None:
            client.kill()
            await client.wait()
    assert "errors" not in result, result
    event = result["data"]["ticketEvents"]
    assert event["kind"] == "STATUS_CHANGED"
    assert event["ticket"] == {"id": ticket["id"], "number": ticket["number"], "status": "OPEN"}
    assert exit_code == 0
