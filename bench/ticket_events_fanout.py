"""Ticket-event fan-out (Q5): one `portal serve` process holding many subscriptions while
ticket statuses change. Prints delivery latency (p50/p99), deliveries per second, the
server's memory, and the SQL the server runs per event.

    .venv/bin/python -m bench.ticket_events_fanout [--subscribers 2000] [--events 30]

Runs on its own database (`portal_bench_events`) on PORTAL_DATABASE_URL's server or the
embedded one. Load comes from this process over real WebSockets (graphql-transport-ws);
the server is a separate process, as in production.

Statements per event are captured with the app in this process (served by uvicorn, so real
WebSockets subscribe) for an event NOTIFYed straight into the database; replaying them from
asyncpg gives the events per second the SQL alone would allow, and, since each event's reads
serve every subscriber, the limit in deliveries per second.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from websockets.asyncio.client import ClientConnection, connect

if __package__ in (None, ""):  # run as a file: the repository is the import root
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from auth.authentication import open_session
from bench.capture import Capture, Recorder, replay, same_work, serving
from bench.common import RESULTS, portal_server, postgres_server, server_environment
from events.messages import CHANNEL, TicketEventKind, TicketEventMessage
from models import (
    Account,
    AccountRole,
    Department,
    Device,
    DeviceAssignment,
    DeviceModel,
    Membership,
    Ticket,
    TicketCategory,
    User,
    UserKind,
    schema_version,
)
from models.database import Database
from portal.app import create_app
from portal.embedded_db import ensure_database
from portal.settings import Settings
from schema.base import encode_id

DATABASE_NAME = "portal_bench_events"
SUBSCRIPTION = "subscription { ticketEvents { kind at ticket { number status } } }"
SET_STATUS = (
    "mutation ($t: ID!, $s: TicketStatus!) "
    "{ setTicketStatus(input: {ticketId: $t, status: $s}) { userErrors { code } } }"
)


async def seed(url: str, customers: int) -> tuple[uuid.UUID, list[str], str]:
    """One account and device, `customers` people assigned to it, one staff member, one case."""
    settings = Settings(database_url=url)
    database = Database(url, pool_size=2)
    try:
        async with database.session() as session, session.begin():
            model = DeviceModel(code="B-1", name="Bench", meter_kinds=["TOTAL"])
            account = Account(
                external_id="BENCH", customer_number="B1", name="Bench AB",
                timezone="Europe/Stockholm", billing_street="S", billing_postal_code="1",
                billing_city="C", billing_country="SE",
            )  # fmt: skip
            staff = User(email="staff@bench.example", name="Staff", kind=UserKind.STAFF)
            session.add_all([model, account, staff])
            await session.flush()
            device = Device(
                external_id="D1", account_id=account.id, serial_number="SN-BENCH",
                model_id=model.id, location_street="S", location_postal_code="1",
                location_city="C", location_country="SE", response_hours=8,
            )  # fmt: skip
            people = [
                User(email=f"c{n}@bench.example", name=f"C {n}", kind=UserKind.CUSTOMER)
                for n in range(customers)
            ]
            session.add(device)
            session.add_all(people)
            await session.flush()
            session.add_all(
                Membership(account_id=account.id, user_id=p.id, role=AccountRole.CUSTOMER)
                for p in people
            )
            await session.flush()
            session.add_all(
                DeviceAssignment(device_id=device.id, user_id=p.id, account_id=account.id)
                for p in people
            )
            ticket = Ticket(
                account_id=account.id, device_id=device.id, category=TicketCategory.FAULT,
                department=Department.TECHNICAL_SUPPORT, subject="Bench", description="x",
            )  # fmt: skip
            session.add(ticket)
            await session.flush()
            tokens = [await open_session(session, p.id, settings) for p in people]
            staff_token = await open_session(session, staff.id, settings)
            return ticket.id, tokens, staff_token
    finally:
        await database.dispose()


async def subscriber(ws_url: str, token: str, arrivals: list[float]) -> ClientConnection:
    ws = await connect(ws_url, subprotocols=["graphql-transport-ws"], max_queue=None)  # type: ignore[list-item]
    await ws.send(
        json.dumps({"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}})
    )
    assert json.loads(await ws.recv())["type"] == "connection_ack"
    await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIPTION}}))

    async def read() -> None:
        async for raw in ws:
            message = json.loads(raw)
            if message["type"] == "next":
                arrivals.append(time.perf_counter())

    asyncio.get_running_loop().create_task(read())
    return ws


async def _wait_for(arrivals: list[float], count: int, seconds: float) -> None:
    deadline = time.perf_counter() + seconds
    # Polling costs the measured process nothing it would not spend anyway.
    while len(arrivals) < count and time.perf_counter() < deadline:  # noqa: ASYNC110
        await asyncio.sleep(0.005)


async def statements_per_event(
    url: str, ticket_id: uuid.UUID, tokens: list[str], listeners: int
) -> Capture:
    """Everything the app's engine runs for one event heard by `listeners` subscribers."""
    app = create_app(Settings.from_env(server_environment(url)))
    recorder = Recorder(app)
    message = TicketEventMessage(TicketEventKind.STATUS_CHANGED, ticket_id, datetime.now(UTC))
    notifier = await asyncpg.connect(url)
    try:
        async with serving(app) as base:
            arrivals: list[float] = []
            ws_url = base.replace("http://", "ws://", 1) + "/graphql"
            connections = [await subscriber(ws_url, tokens[n], arrivals) for n in range(listeners)]
            await asyncio.sleep(0.5)  # every subscription registered
            for capturing in (False, True):  # the first warms the pool and the loaders up
                arrivals.clear()
                with recorder.capturing() if capturing else contextlib.nullcontext():
                    await notifier.execute("SELECT pg_notify($1, $2)", CHANNEL, message.encode())
                    await _wait_for(arrivals, listeners, 10)
                    await asyncio.sleep(0.3)  # anything still running for the event
                if len(arrivals) < listeners:
                    raise SystemExit(f"in process: {len(arrivals)} of {listeners} delivered")
            for ws in connections:
                await ws.close()
    finally:
        recorder.close()
        await notifier.close()
    return Capture(recorder.transactions, recorder.checkouts)


async def measure(
    url: str,
    ticket_id: uuid.UUID,
    tokens: list[str],
    staff_token: str,
    subscribers: int,
    events: int,
    log: Path | None = None,
    **settings: str,
) -> dict[str, float]:
    async with portal_server(url, log, **settings) as served:
        idle_mb = served.rss_mb()
        per_event: list[list[float]] = []
        arrivals: list[float] = []
        connections = []
        for start in range(0, subscribers, 100):  # in waves: do not stampede the handshake
            connections += await asyncio.gather(
                *(
                    subscriber(served.ws_url, tokens[n % len(tokens)], arrivals)
                    for n in range(start, min(start + 100, subscribers))
                )
            )
        await asyncio.sleep(2)  # every subscription registered
        held_mb = served.rss_mb()
        statuses = ["OPEN", "IN_PROGRESS", "WAITING_ON_CUSTOMER"] + [
            "IN_PROGRESS",
            "WAITING_ON_CUSTOMER",
        ] * events
        cpu_before = served.cpu_seconds()
        async with httpx.AsyncClient(
            base_url=served.url, headers={"authorization": f"Bearer {staff_token}"}, timeout=30
        ) as http:
            for index in range(events + 1):
                arrivals.clear()
                response = await http.post(
                    "/graphql",
                    json={
                        "query": SET_STATUS,
                        "variables": {"t": encode_id("Ticket", ticket_id), "s": statuses[index]},
                    },
                )
                assert response.json()["data"]["setTicketStatus"]["userErrors"] == [], response.text
                committed = time.perf_counter()
                await _wait_for(arrivals, subscribers, 10)
                if index == 0:
                    continue  # warm-up
                if len(arrivals) < subscribers:
                    raise SystemExit(
                        f"event {index}: only {len(arrivals)} of {subscribers} delivered"
                    )
                per_event.append([(arrival - committed) * 1000 for arrival in arrivals])
                await asyncio.sleep(0.2)
        # Includes the warm-up event and the pauses (idle: ~0 CPU).
        server_cpu = served.cpu_seconds() - cpu_before
        for ws in connections:
            await ws.close()
    everything = sorted(latency for event in per_event for latency in event)
    last = sorted(max(event) for event in per_event)
    return {
        "subscribers": subscribers,
        "events": events,
        "deliveries": len(everything),
        "p50_ms": round(statistics.median(everything), 1),
        "p99_ms": round(everything[int(len(everything) * 0.99) - 1], 1),
        "last_delivery_p50_ms": round(statistics.median(last), 1),
        # Each event's subscribers over the time its last one took to hear of it.
        "deliveries_per_s": round(len(everything) / (sum(last) / 1000), 1),
        "server_cpu_us_per_delivery": round(server_cpu * 1e6 / (subscribers * (events + 1)), 1),
        "server_rss_idle_mb": round(idle_mb, 1),
        "server_rss_with_subscribers_mb": round(held_mb, 1),
        "kb_per_subscriber": round((held_mb - idle_mb) * 1024 / subscribers, 1),
    }


async def fan_out(
    server_url: str,
    subscribers: int,
    events: int,
    customers: int,
    replay_seconds: float = 5.0,
    log: Path | None = None,
    **settings: str,
) -> dict[str, Any]:
    url = await ensure_database(server_url, DATABASE_NAME, recreate=True)
    await schema_version.upgrade(url)
    ticket_id, tokens, staff_token = await seed(url, customers)
    one = await statements_per_event(url, ticket_id, tokens, 1)
    several = await statements_per_event(url, ticket_id, tokens, min(4, len(tokens)))
    if several.shape() != one.shape():
        raise SystemExit(
            f"an event ran {one.statements} statements for 1 subscriber but "
            f"{several.statements} for {min(4, len(tokens))}: the limit below assumes "
            "per-event reads shared by every subscriber"
        )
    # The hub handles one event at a time: the SQL's limit is one connection's rate.
    limit = await replay(url, same_work(one.transactions), concurrency=1, seconds=replay_seconds)
    figures: dict[str, Any] = await measure(
        url, ticket_id, tokens, staff_token, subscribers, events, log, **settings
    )
    figures.update(
        statements_per_event=one.statements,
        sql_events_per_s=round(limit.requests_per_s, 1),
        sql_event_p50_ms=round(limit.p50_ms, 2),
        limit_deliveries_per_s=round(limit.requests_per_s * subscribers, 1),
        ratio=round(figures["deliveries_per_s"] / (limit.requests_per_s * subscribers), 4),
    )
    return figures


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--subscribers", type=int, default=2000)
    parser.add_argument("--events", type=int, default=30)
    parser.add_argument("--customers", type=int, default=100)
    args = parser.parse_args()
    with postgres_server() as server_url:
        figures = await fan_out(server_url, args.subscribers, args.events, args.customers)
    print("ticket-event fan-out (commit -> delivery, one server process)")
    for key, value in figures.items():
        print(f"  {key:32} {value}")
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / "ticket_events.json"
    out.write_text(json.dumps(figures, indent=2) + "\n")
    print(f"  written to bench/results/{out.name}")


if __name__ == "__main__":
    asyncio.run(main())
