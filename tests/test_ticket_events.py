"""Live ticket events over graphql-transport-ws: published on commit, delivered across
processes, filtered per event and per subscriber by what each may see."""

from __future__ import annotations

import asyncio
import signal
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from websockets.asyncio.client import ClientConnection

from events.hub import SubscriptionEnded, TicketEventHub
from events.messages import TicketEventKind, TicketEventMessage
from models.database import Database
from portal.settings import Settings
from schema.base import decode_id
from tests.conftest import LiveServer
from tests.processes import PORTAL, environment, free_port, wait_until_ready
from tests.support import Api
from tests.test_tickets import ADD_MESSAGE, SET_STATUS, raise_case
from tests.world import World
from tests.ws import receive, signed_in_connection, subscribe

EVENTS = """
subscription ($ticketId: ID, $accountId: ID) {
  ticketEvents(ticketId: $ticketId, accountId: $accountId) { kind at ticket { number status } }
}
"""


async def next_event(ws: ClientConnection, within: float = 5.0) -> dict[str, Any]:
    async with asyncio.timeout(within):
        message = await receive(ws)
    assert message["type"] == "next", message
    payload: dict[str, Any] = message["payload"]
    return payload


async def nothing_within(ws: ClientConnection, seconds: float) -> None:
    with pytest.raises(TimeoutError):
        async with asyncio.timeout(seconds):
            await receive(ws)


async def listening(server: LiveServer) -> None:
    await asyncio.wait_for(server.app.state.listener.connected.wait(), timeout=10)


async def wait_for_subscribers(server: LiveServer, count: int) -> None:
    hub: TicketEventHub = server.app.state.events
    async with asyncio.timeout(5):
        while hub.subscriber_count < count:  # noqa: ASYNC110 - the hub has no event for this
            await asyncio.sleep(0.01)


async def test_a_customer_hears_of_their_cases_and_of_nothing_else(
    api: Api, world: World, live_server: LiveServer
) -> None:
    await listening(live_server)
    ticket_a1 = await raise_case(api, world)
    ticket_a2 = await raise_case(api, world, role="admin_a", deviceId=world.ids["a2"])
    ws = await signed_in_connection(live_server.ws_url, world.tokens["customer_a"])
    async with ws:
        await subscribe(ws, "1", EVENTS)
        await wait_for_subscribers(live_server, 1)
        staff = api.as_(world.tokens["staff"])
        await staff.data(SET_STATUS, {"t": ticket_a2["id"], "s": "OPEN"})  # not theirs
        await staff.data(SET_STATUS, {"t": ticket_a1["id"], "s": "OPEN"})
        event = await next_event(ws)
        assert event["data"]["ticketEvents"]["kind"] == "STATUS_CHANGED"
        assert event["data"]["ticketEvents"]["ticket"] == {
            "number": ticket_a1["number"],
            "status": "OPEN",
        }
        # Internal notes are not theirs either; the public reply after it is.
        await staff.data(ADD_MESSAGE, {"t": ticket_a1["id"], "body": "note", "internal": True})
        await staff.data(ADD_MESSAGE, {"t": ticket_a1["id"], "body": "We are on it"})
        event = await next_event(ws)
        assert event["data"]["ticketEvents"]["kind"] == "MESSAGE_ADDED"
        await nothing_within(ws, 0.5)


async def test_staff_hear_of_internal_notes(
    api: Api, world: World, live_server: LiveServer
) -> None:
    await listening(live_server)
    ticket = await raise_case(api, world)
    ws = await signed_in_connection(live_server.ws_url, world.tokens["staff"])
    async with ws:
        await subscribe(ws, "1", EVENTS, {"ticketId": ticket["id"]})
        await wait_for_subscribers(live_server, 1)
        await api.as_(world.tokens["staff"]).data(
            ADD_MESSAGE, {"t": ticket["id"], "body": "note", "internal": True}
        )
        assert (await next_event(ws))["data"]["ticketEvents"]["kind"] == "MESSAGE_ADDED"


async def test_narrowing_to_an_account_and_creation_events(
    api: Api, world: World, live_server: LiveServer
) -> None:
    await listening(live_server)
    ws = await signed_in_connection(live_server.ws_url, world.tokens["staff"])
    async with ws:
        await subscribe(ws, "1", EVENTS, {"accountId": world.ids["account_a"]})
        await wait_for_subscribers(live_server, 1)
        created = await raise_case(api, world)
        event = (await next_event(ws))["data"]["ticketEvents"]
        assert (event["kind"], event["ticket"]["number"]) == ("CREATED", created["number"])


@pytest.mark.parametrize(
    ("role", "target", "code"),
    [
        ("customer_a", "ticket_on_a2", "NOT_FOUND"),
        ("admin_b", "account_a", "NOT_FOUND"),
        ("anonymous", None, "UNAUTHENTICATED"),
    ],
)
async def test_subscribing_to_what_one_may_not_see_is_an_error(
    api: Api, world: World, live_server: LiveServer, role: str, target: str | None, code: str
) -> None:
    variables: dict[str, Any] = {}
    if target == "ticket_on_a2":
        variables["ticketId"] = (
            await raise_case(api, world, role="admin_a", deviceId=world.ids["a2"])
        )["id"]
    elif target == "account_a":
        variables["accountId"] = world.ids["account_a"]
    ws = await signed_in_connection(live_server.ws_url, world.tokens[role])
    async with ws:
        await subscribe(ws, "1", EVENTS, variables)
        async with asyncio.timeout(5):
            message = await receive(ws)
        errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
        assert errors[0]["extensions"]["code"] == code


ASSIGN = """
mutation ($a: ID!, $u: ID!, $d: [ID!]!) {
  assignDevices(input: {accountId: $a, userId: $u, deviceIds: $d}) { userErrors { code } }
}
"""


async def test_a_removed_assignment_stops_the_events_at_once(
    api: Api, world: World, live_server: LiveServer
) -> None:
    await listening(live_server)
    ticket = await raise_case(api, world)
    ws = await signed_in_connection(live_server.ws_url, world.tokens["customer_a"])
    async with ws:
        await subscribe(ws, "1", EVENTS)
        await wait_for_subscribers(live_server, 1)
        staff = api.as_(world.tokens["staff"])
        await staff.data(SET_STATUS, {"t": ticket["id"], "s": "OPEN"})
        await next_event(ws)
        unassigned = await api.as_(world.tokens["admin_a"]).data(
            ASSIGN, {"a": world.ids["account_a"], "u": world.ids["customer_a"], "d": []}
        )
        assert unassigned["assignDevices"]["userErrors"] == []
        await staff.data(SET_STATUS, {"t": ticket["id"], "s": "IN_PROGRESS"})
        await nothing_within(ws, 0.7)


async def test_a_refused_change_sends_no_event(
    api: Api, world: World, live_server: LiveServer
) -> None:
    await listening(live_server)
    ticket = await raise_case(api, world)
    ws = await signed_in_connection(live_server.ws_url, world.tokens["staff"])
    async with ws:
        await subscribe(ws, "1", EVENTS)
        await wait_for_subscribers(live_server, 1)
        refused = await api.as_(world.tokens["staff"]).data(
            SET_STATUS, {"t": ticket["id"], "s": "CLOSED"}
        )
        assert refused["setTicketStatus"]["userErrors"][0]["code"] == "INVALID_STATUS_TRANSITION"
        await nothing_within(ws, 0.5)


async def test_a_slow_subscriber_is_told_and_dropped_without_holding_up_the_others(
    api: Api, world: World, database: Database
) -> None:
    ticket_id = decode_id((await raise_case(api, world))["id"])[1]
    staff_viewer = world_viewer_staff()
    hub = TicketEventHub(database, queue_size=3)
    slow = hub.subscribe(staff_viewer, None, None)
    fast = hub.subscribe(staff_viewer, None, None)
    received = []
    for n in range(5):
        await hub.dispatch(event_on(ticket_id))
        received.append((await fast.next()).message)
        assert n < 3 or hub.subscriber_count == 1
    assert len(received) == 5
    drained = [await slow.next() for _ in range(3)]
    assert len(drained) == 3
    with pytest.raises(SubscriptionEnded, match="too slow"):
        await slow.next()


def world_viewer_staff() -> Any:
    from auth.viewer import Viewer
    from models import UserKind

    return Viewer(user_id=uuid.uuid4(), kind=UserKind.STAFF)


def event_on(ticket_id: uuid.UUID) -> TicketEventMessage:
    return TicketEventMessage(TicketEventKind.STATUS_CHANGED, ticket_id, datetime.now(UTC))


@pytest.mark.slow
async def test_a_change_made_through_one_process_reaches_a_subscriber_of_another(
    api: Api, world: World, live_server: LiveServer, settings: Settings
) -> None:
    assert settings.database_url is not None
    await listening(live_server)
    ticket = await raise_case(api, world)
    port = free_port()
    other = await asyncio.create_subprocess_exec(
        str(PORTAL),
        "serve",
        "--port",
        str(port),
        env=environment(PORTAL_DATABASE_URL=settings.database_url, PORTAL_RUN_WORKER="0"),
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    try:
        await wait_until_ready(f"http://127.0.0.1:{port}", other, within_seconds=60)
        ws = await signed_in_connection(
            f"ws://127.0.0.1:{port}/graphql", world.tokens["customer_a"]
        )
        async with ws:
            await subscribe(ws, "1", EVENTS, {"ticketId": ticket["id"]})
            await asyncio.sleep(1.0)  # the other process's subscription is registered
            # The change goes through this process; the event comes out of the other.
            await api.as_(world.tokens["staff"]).data(SET_STATUS, {"t": ticket["id"], "s": "OPEN"})
            event = (await next_event(ws, within=10))["data"]["ticketEvents"]
            assert (event["kind"], event["ticket"]["status"]) == ("STATUS_CHANGED", "OPEN")
    finally:
        other.send_signal(signal.SIGTERM)
        await asyncio.wait_for(other.wait(), timeout=15)
