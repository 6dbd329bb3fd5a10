"""One process holding 2,000 subscriptions of 50 people while ticket statuses change: every
subscription gets exactly the events its viewer may see, in order, and nothing else."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import pytest
from websockets.asyncio.client import ClientConnection
from websockets.exceptions import ConnectionClosed

from auth.authentication import open_session
from events.hub import TicketEventHub
from models import AccountRole, DeviceAssignment, Membership, User, UserKind
from models.database import Database
from portal.app import create_app
from portal.settings import Settings
from schema.base import decode_id
from tests.servers import serving
from tests.support import Api
from tests.test_tickets import SET_STATUS, raise_case
from tests.world import World
from tests.ws import receive, signed_in_connection, subscribe

pytestmark = pytest.mark.slow

CONNECTIONS_PER_PERSON = 2
SUBSCRIPTIONS_PER_CONNECTION = 20  # the most a connection may hold
EVENTS = """
subscription ($accountId: ID) {
  ticketEvents(accountId: $accountId) { kind ticket { id status } }
}
"""
STATUSES = ["OPEN", "IN_PROGRESS", "WAITING_ON_CUSTOMER"]
VISIBLE = "query ($id: ID!) { node(id: $id) { id } }"


async def add_people(database: Database, settings: Settings, world: World) -> dict[str, str]:
    """45 more people: customers of A on device a1 (20) or a2 (15), customers of B on b1 (10)."""
    placements = [("a1", "account_a")] * 20 + [("a2", "account_a")] * 15
    placements += [("b1", "account_b")] * 10
    tokens: dict[str, str] = {}
    async with database.session() as session, session.begin():
        for n, (device, account) in enumerate(placements):
            person = User(
                email=f"person{n}@load.example", name=f"Person {n}", kind=UserKind.CUSTOMER
            )
            session.add(person)
            await session.flush()
            account_id = decode_id(world.ids[account])[1]
            session.add(
                Membership(account_id=account_id, user_id=person.id, role=AccountRole.CUSTOMER)
            )
            await session.flush()
            session.add(
                DeviceAssignment(
                    device_id=decode_id(world.ids[device])[1],
                    user_id=person.id,
                    account_id=account_id,
                )
            )
            tokens[f"person{n}:{account}"] = await open_session(session, person.id, settings)
    return tokens


@pytest.fixture
async def roomy_server(settings: Settings) -> AsyncIterator[tuple[str, TicketEventHub]]:
    """The app with a cost budget that 2,000 subscriptions from one address do not exhaust."""
    app = create_app(settings.replace(cost_budget=10**8, cost_refill_per_second=10**8))
    async with serving(app) as url:
        hub: TicketEventHub = app.state.events
        async with asyncio.timeout(10):
            await hub.listening.wait()
        yield url, hub


async def collect(ws: ClientConnection, into: dict[str, list[tuple[str, str]]]) -> None:
    try:
        while True:
            message = await receive(ws)
            assert message["type"] == "next", message
            assert "errors" not in message["payload"], message
            ticket = message["payload"]["data"]["ticketEvents"]["ticket"]
            into[message["id"]].append((ticket["id"], ticket["status"]))
    except ConnectionClosed:
        return


async def test_two_thousand_subscriptions_get_exactly_what_they_may_see(
    api: Api,
    world: World,
    database: Database,
    settings: Settings,
    roomy_server: tuple[str, TicketEventHub],
) -> None:
    url, hub = roomy_server
    people = {
        f"{name}:{'account_b' if name.endswith('_b') else 'account_a'}": token
        for name, token in world.tokens.items()
        if name in ("staff", "admin_a", "customer_a", "customer_a2", "admin_b") and token
    }
    people |= await add_people(database, settings, world)
    assert len(people) == 50
    tickets = [
        (await raise_case(api, world, role="admin_a", deviceId=world.ids["a1"]))["id"],
        (await raise_case(api, world, role="admin_a", deviceId=world.ids["a2"]))["id"],
        (
            await raise_case(
                api,
                world,
                role="admin_b",
                accountId=world.ids["account_b"],
                deviceId=world.ids["b1"],
            )
        )["id"],
    ]
    # The oracle for "may see": what the API answers each person for each case.
    may_see = {
        (person, ticket): (await api.as_(token).data(VISIBLE, {"id": ticket}))["node"] is not None
        for person, token in people.items()
        for ticket in tickets
    }

    received: dict[str, list[tuple[str, str]]] = {}
    wanted: dict[str, tuple[str, str | None]] = {}  # subscription id -> (person, account filter)
    connections: list[ClientConnection] = []
    for person, token in people.items():
        own_account = person.split(":")[1]
        for c in range(CONNECTIONS_PER_PERSON):
            ws = await signed_in_connection(url.replace("http", "ws", 1) + "/graphql", token)
            connections.append(ws)
            for s in range(SUBSCRIPTIONS_PER_CONNECTION):
                # Half unfiltered, half narrowed to the person's own account.
                account = world.ids[own_account] if s % 2 else None
                key = f"{person}/{c}/{s}"
                wanted[key], received[key] = (person, account), []
                await subscribe(ws, key, EVENTS, {"accountId": account})
    readers = [asyncio.create_task(collect(ws, received)) for ws in connections]
    async with asyncio.timeout(30):
        while hub.subscriber_count < len(wanted):  # noqa: ASYNC110 - the hub has no event for this
            await asyncio.sleep(0.05)
    assert len(wanted) == 2000

    account_of = {
        tickets[0]: world.ids["account_a"],
        tickets[1]: world.ids["account_a"],
        tickets[2]: world.ids["account_b"],
    }
    changes: list[tuple[str, str]] = []
    staff = api.as_(world.tokens["staff"])
    for status in STATUSES:
        for ticket in tickets:
            answer = await staff.data(SET_STATUS, {"t": ticket, "s": status})
            assert answer["setTicketStatus"]["userErrors"] == []
            changes.append((ticket, status))

    expected = {
        key: [
            change
            for change in changes
            if may_see[(person, change[0])] and account in (None, account_of[change[0]])
        ]
        for key, (person, account) in wanted.items()
    }
    total = sum(len(events) for events in expected.values())
    started = time.monotonic()
    while sum(len(events) for events in received.values()) < total:
        if time.monotonic() - started > 60:
            break
        await asyncio.sleep(0.1)
    await asyncio.sleep(0.5)  # anything extra would arrive now
    for ws in connections:
        await ws.close()
    await asyncio.gather(*readers)

    wrong = {key: got for key, got in received.items() if got != expected[key]}
    assert not wrong, f"{len(wrong)} subscriptions got other events than they should, e.g. " + str(
        next(iter(wrong.items()))
    )
    assert total > 4000, "the scenario delivers a fair load"
    assert any(not events for events in expected.values()), "some rightly receive nothing"
