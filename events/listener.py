"""One LISTEN connection per process: notifications in, dispatched in order to the hub.

The connection is asyncpg's own (LISTEN needs a connection that stays open, outside the
pool). When it drops, subscribers are told that events may have been missed, and it
reconnects with back-off.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

import asyncpg

from events.hub import TicketEventHub
from events.messages import CHANNEL, TicketEventMessage

log = logging.getLogger(__name__)

MAX_BACKOFF_SECONDS = 2.0
INCOMING_LIMIT = 10_000


class NotificationListener:
    def __init__(self, database_url: str, hub: TicketEventHub) -> None:
        self.database_url = database_url
        self.hub = hub
        self.connected = hub.listening
        self._incoming: asyncio.Queue[TicketEventMessage] = asyncio.Queue(INCOMING_LIMIT)

    async def run(self, stop: asyncio.Event) -> None:
        dispatcher = asyncio.create_task(self._dispatch_forever())
        try:
            await self._listen_until(stop)
        finally:
            dispatcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await dispatcher

    async def _listen_until(self, stop: asyncio.Event) -> None:
        backoff = 0.2
        while not stop.is_set():
            lost = asyncio.Event()
            try:
                connection = await asyncpg.connect(self.database_url)
            except (OSError, asyncpg.PostgresError) as error:
                log.warning("LISTEN connection failed (%s); retrying", type(error).__name__)
                await _sleep_or_stop(stop, backoff)
                backoff = min(backoff * 2, MAX_BACKOFF_SECONDS)
                continue
            try:
                connection.add_termination_listener(lambda _, lost=lost: lost.set())
                await connection.add_listener(CHANNEL, self._on_notification)
                self.connected.set()
                backoff = 0.2
                await _first_of(stop.wait(), lost.wait())
            finally:
                self.connected.clear()
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(connection.close(), timeout=2)
            if lost.is_set() and not stop.is_set():
                log.warning("LISTEN connection lost; subscribers are told to resubscribe")
                self.hub.events_may_be_missed()

    def _on_notification(self, connection: Any, pid: int, channel: str, payload: str) -> None:
        try:
            message = TicketEventMessage.decode(payload)
        except (ValueError, KeyError):
            log.warning("ignored a malformed ticket event: %r", payload[:200])
            return
        try:
            self._incoming.put_nowait(message)
        except asyncio.QueueFull:
            # The process cannot keep up: nobody may be left believing they saw everything.
            log.error("ticket events arriving faster than they can be dispatched")
            self.hub.events_may_be_missed()

    async def _dispatch_forever(self) -> None:
        while True:
            message = await self._incoming.get()
            try:
                await self.hub.dispatch(message)
            except Exception:
                log.exception("dispatching a ticket event failed")
                self.hub.events_may_be_missed()


async def _sleep_or_stop(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)


async def _first_of(*waits: Any) -> None:
    tasks = [asyncio.ensure_future(wait) for wait in waits]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
