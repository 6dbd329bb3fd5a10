"""WebSocket connections of this process: how many may be open, and closing them all at shutdown.

A process holds at most `limit` WebSockets; the next one is accepted and at once closed with
1013 (try again later), so a client library reconnects (elsewhere, behind a load balancer)
instead of treating it as a refusal. At shutdown every open WebSocket is closed with 1001
(going away) before the server stops: uvicorn on its own would send 1012, and only after
its grace period for the HTTP requests in flight.
"""

from __future__ import annotations

import asyncio
import logging

from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger(__name__)

TRY_AGAIN_LATER = 1013
GOING_AWAY = 1001


class _Connection:
    """One WebSocket's send, wrapped so the gate and the app never both close it."""

    def __init__(self, send: Send) -> None:
        self._send = send
        self.accepted = False
        self.closed = False
        self._lock = asyncio.Lock()

    async def send(self, message: Message) -> None:
        async with self._lock:
            if self.closed:
                return  # the gate closed it already; the app learns on its next receive
            if message["type"] == "websocket.accept":
                self.accepted = True
            elif message["type"] == "websocket.close":
                self.closed = True
            await self._send(message)

    async def close(self, code: int, reason: str) -> None:
        async with self._lock:
            if self.closed or not self.accepted:
                return
            self.closed = True
            try:
                await self._send({"type": "websocket.close", "code": code, "reason": reason})
            except Exception:  # the client may be gone already; nothing more to do
                log.debug("closing a WebSocket that was already gone")


class OpenWebSockets:
    """The process's open WebSockets (kept on app.state.websockets for the server's shutdown)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.closing = False
        self._open: set[_Connection] = set()

    def __len__(self) -> int:
        return len(self._open)

    def admits_another(self) -> bool:
        return not self.closing and len(self._open) < self.limit

    def add(self, connection: _Connection) -> None:
        self._open.add(connection)

    def discard(self, connection: _Connection) -> None:
        self._open.discard(connection)

    async def close_all(self, reason: str = "server shutting down; reconnect") -> int:
        """Refuse new WebSockets and close the open ones with 1001; returns how many."""
        self.closing = True
        connections = list(self._open)
        await asyncio.gather(*(c.close(GOING_AWAY, reason) for c in connections))
        return len(connections)


class WebSocketGate:
    """ASGI middleware: counts WebSockets in and out of `OpenWebSockets`, turns away the excess."""

    def __init__(self, app: ASGIApp, *, websockets: OpenWebSockets) -> None:
        self.app = app
        self.websockets = websockets

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "websocket":
            await self.app(scope, receive, send)
            return
        if not self.websockets.admits_another():
            await self._turn_away(scope, receive, send)
            return
        connection = _Connection(send)
        self.websockets.add(connection)
        try:
            await self.app(scope, receive, connection.send)
        finally:
            self.websockets.discard(connection)

    async def _turn_away(self, scope: Scope, receive: Receive, send: Send) -> None:
        await receive()  # websocket.connect
        offered = scope.get("subprotocols") or []
        accept: Message = {"type": "websocket.accept"}
        if offered:
            accept["subprotocol"] = offered[0]
        await send(accept)
        reason = "server shutting down" if self.websockets.closing else "too many connections"
        await send({"type": "websocket.close", "code": TRY_AGAIN_LATER, "reason": reason})
