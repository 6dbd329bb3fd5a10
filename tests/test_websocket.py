"""GraphQL over WebSocket (graphql-transport-ws): authentication in connection_init."""

from __future__ import annotations

import json
from typing import Any

import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from portal import demo
from tests.conftest import LiveServer
from tests.support import Api, sign_in
from tests.ws import PROTOCOL, receive
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
