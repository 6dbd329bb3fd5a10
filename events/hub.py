"""One hub per process: subscribers register here; each event is checked against its
audience once, then offered to every subscriber that may hear of it.

Queues are bounded: a subscriber that falls behind is told (its stream ends with an error)
rather than silently skipped, and it never holds up the others.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import uuid

from auth.viewer import Viewer
from events.audience import load_audience
from events.messages import TicketEventMessage
from models import Ticket
from models.database import Database

log = logging.getLogger(__name__)

DEFAULT_QUEUE_SIZE = 100
# How long a new subscription waits for the LISTEN connection (just started, or reconnecting)
# before it is refused rather than left open on a stream that cannot deliver.
LISTEN_WAIT_SECONDS = 3.0


class SubscriptionEnded(Exception):
    """The stream cannot go on: the subscriber fell behind, or events may have been missed."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclasses.dataclass(frozen=True, slots=True)
class Delivery:
    message: TicketEventMessage
    ticket: Ticket  # as read when the event was dispatched, shared by all its subscribers


@dataclasses.dataclass(eq=False)
class Subscriber:
    viewer: Viewer
    ticket_id: uuid.UUID | None
    account_id: uuid.UUID | None
    queue: asyncio.Queue[Delivery | SubscriptionEnded]

    def wants(self, message: TicketEventMessage, account_id: uuid.UUID) -> bool:
        if self.ticket_id is not None and self.ticket_id != message.ticket_id:
            return False
        return self.account_id is None or self.account_id == account_id

    def offer(self, item: Delivery | SubscriptionEnded) -> bool:
        try:
            self.queue.put_nowait(item)
        except asyncio.QueueFull:
            return False
        return True

    async def next(self) -> Delivery:
        item = await self.queue.get()
        if isinstance(item, SubscriptionEnded):
            raise item
        return item


class TicketEventHub:
    def __init__(self, database: Database, queue_size: int = DEFAULT_QUEUE_SIZE) -> None:
        self.database = database
        self.queue_size = queue_size
        self._subscribers: set[Subscriber] = set()
        # Set by the listener while its LISTEN connection is up.
        self.listening = asyncio.Event()

    @property
    def subscriber_count(self) -> int:
        return len(self._subscribers)

    async def wait_until_listening(self, seconds: float = LISTEN_WAIT_SECONDS) -> bool:
        try:
            async with asyncio.timeout(seconds):
                await self.listening.wait()
        except TimeoutError:
            return False
        return True

    def subscribe(
        self, viewer: Viewer, ticket_id: uuid.UUID | None, account_id: uuid.UUID | None
    ) -> Subscriber:
        # One slot is kept free for the notice that ends the stream.
        subscriber = Subscriber(viewer, ticket_id, account_id, asyncio.Queue(self.queue_size + 1))
        self._subscribers.add(subscriber)
        return subscriber

    def unsubscribe(self, subscriber: Subscriber) -> None:
        self._subscribers.discard(subscriber)

    async def dispatch(self, message: TicketEventMessage) -> int:
        """Offer one event to everyone who may hear of it; returns how many got it."""
        if not self._subscribers:
            return 0
        audience = await load_audience(self.database, message.ticket_id)
        if audience is None:  # deleted since
            return 0
        delivery = Delivery(message, audience.ticket)
        delivered = 0
        for subscriber in list(self._subscribers):
            if not subscriber.wants(message, audience.account_id):
                continue
            if not audience.admits(subscriber.viewer, message.internal):
                continue
            if subscriber.queue.qsize() >= self.queue_size:
                self._drop(subscriber, "too slow: events were dropped; subscribe again")
                continue
            subscriber.offer(delivery)
            delivered += 1
        return delivered

    def events_may_be_missed(self) -> None:
        """After the LISTEN connection was lost: end every stream, so nobody stays stale."""
        for subscriber in list(self._subscribers):
            self._drop(subscriber, "events may have been missed; subscribe again")

    def end_all(self, reason: str) -> None:
        for subscriber in list(self._subscribers):
            self._drop(subscriber, reason)

    def _drop(self, subscriber: Subscriber, reason: str) -> None:
        self._subscribers.discard(subscriber)
        subscriber.offer(SubscriptionEnded(reason))
