"""GraphQL over WebSocket (graphql-transport-ws): authentication in connection_init."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import pytest
from sqlalchemy import select
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from models import User
from models.database import Database
from portal import demo
from portal.app import create_app
from portal.settings import Settings
from tests.conftest import LiveServer
from tests.servers import serving
from tests.support import Api, sign_in
from tests.test_graphql_over_http import UPDATE_NAME, WAITING_ON_A_LOCK, look
from tests.test_ticket_events import EVENTS
from tests.test_tickets import SET_STATUS, raise_case
from tests.world import World
from tests.ws import PROTOCOL, receive, signed_in_connection, subscribe
from tests.ws import open_connection as open_ws


async def run_query(ws: ClientConnection, query: str) -> dict[str, Any]:
    await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": query}}))
    result = await receive(ws)
    assert result["type"] == "next", result
    assert (await receive(ws))["type"] == "complete"
    payload: dict[str, Any] = result["payload"]
    return payload


async def test_a_token_in_connection_init_signs_the_connection_in(
    live_server: LiveServer, api: Api, demo_users: tuple[demo.DemoUser, ...]
) -> None:
    signed_in = await sign_in(api, demo.CUSTOMER.email, demo.CUSTOMER.password)
    ws = await open_connection(live_server, {"authorization": f"Bearer {signed_in.token}"})
    async with ws:
        assert ws.subprotocol == PROTOCOL
        assert (await receive(ws))["type"] == "connection_ack"
        result = await run_query(ws, "{ viewer { email kind } }")
    assert result == {"data": {"viewer": {"email": demo.CUSTOMER.email, "kind": "CUSTOMER"}}}


async def test_a_connection_without_a_token_is_anonymous(live_server: LiveServer) -> None:
    ws = await open_connection(live_server, None)
    async with ws:
        assert (await receive(ws))["type"] == "connection_ack"
        assert await run_query(ws, "{ viewer { id } }") == {"data": {"viewer": None}}


@pytest.mark.parametrize("authorization", ["Bearer pts_not-a-real-token", "Basic abc", ""])
async def test_an_invalid_token_closes_the_connection_with_4403(
    live_server: LiveServer, authorization: str
) -> None:
    ws = await open_connection(live_server, {"authorization": authorization})
    with pytest.raises(ConnectionClosed) as closed:
        await ws.recv()
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 4403


async def test_the_legacy_graphql_ws_protocol_is_not_offered(live_server: LiveServer) -> None:
    ws = await connect(live_server.ws_url, subprotocols=["graphql-ws"])  # type: ignore[list-item]
    assert ws.subprotocol is None
    with pytest.raises(ConnectionClosed) as closed:
        await ws.recv()
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 4406


async def open_connection(server: LiveServer, payload: dict[str, Any] | None) -> ClientConnection:
    return await open_ws(server.ws_url, payload)


async def test_a_slow_query_over_the_websocket_is_stopped_like_one_over_http(
    settings: Settings, database: Database, world: World, api: Api
) -> None:
    """The HTTP operation limit holds for queries and mutations on a WebSocket too; a
    subscription outlives it."""
    app = create_app(settings.replace(operation_timeout_seconds=1))
    token = world.tokens["customer_a"]
    ticket = await raise_case(api, world)
    async with database.engine.connect() as holder, database.engine.connect() as watcher:
        await holder.begin()
        # The row updateProfile must lock: it waits here until the time limit stops it.
        await holder.execute(
            select(User.id).where(User.email == "customer_a@world.example").with_for_update()
        )
        async with serving(app) as url:
            ws_url = url.replace("http", "ws", 1) + "/graphql"
            async with await signed_in_connection(ws_url, token) as ws:
                await subscribe(ws, "events", EVENTS)
                started = time.monotonic()
                await subscribe(ws, "slow", UPDATE_NAME)
                message = await asyncio.wait_for(receive(ws), 5)
                elapsed = time.monotonic() - started
                assert message["type"] == "error", message
                assert message["id"] == "slow"
                assert message["payload"][0]["extensions"]["code"] == "LIMIT_EXCEEDED"
                assert elapsed < 3
                # PostgreSQL no longer waits on the lock for the app.
                assert await look(watcher, WAITING_ON_A_LOCK) == []
                await holder.rollback()
                # The subscription, older than the limit, still delivers. The change is made
                # through the suite's own server (events travel through PostgreSQL), so a
                # busy machine cannot push the mutation itself past this app's 1 s limit.
                await api.as_(world.tokens["staff"]).data(
                    SET_STATUS, {"t": ticket["id"], "s": "OPEN"}
                )
                event = await asyncio.wait_for(receive(ws), 5)
                assert event["id"] == "events", event
                assert event["payload"]["data"]["ticketEvents"]["kind"] == "STATUS_CHANGED"
    async with database.session() as session:
        name = await session.scalar(
            select(User.name).where(User.email == "customer_a@world.example")
        )
    assert name != "Renamed"
