"""A graphql-transport-ws client for the tests, on the `websockets` library."""

from __future__ import annotations

import json
from typing import Any

from websockets.asyncio.client import ClientConnection, connect

PROTOCOL = "graphql-transport-ws"


async def receive(ws: ClientConnection) -> dict[str, Any]:
    message: dict[str, Any] = json.loads(await ws.recv())
    return message


async def open_connection(ws_url: str, payload: dict[str, Any] | None) -> ClientConnection:
    ws = await connect(ws_url, subprotocols=[PROTOCOL])  # type: ignore[list-item]
    init: dict[str, Any] = {"type": "connection_init"}
    if payload is not None:
        init["payload"] = payload
    await ws.send(json.dumps(init))
    return ws


async def signed_in_connection(ws_url: str, token: str | None) -> ClientConnection:
    """A connection past its connection_ack."""
    ws = await open_connection(ws_url, {"authorization": f"Bearer {token}"} if token else None)
    ack = await receive(ws)
    assert ack["type"] == "connection_ack", ack
    return ws


async def subscribe(
    ws: ClientConnection, operation_id: str, query: str, variables: dict[str, Any] | None = None
) -> None:
    await ws.send(
        json.dumps(
            {
                "id": operation_id,
                "type": "subscribe",
                "payload": {"query": query, "variables": variables or {}},
            }
        )
    )
