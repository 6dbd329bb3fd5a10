"""Ticket-event fan-out: one `portal serve` process holding many subscriptions while ticket
statuses change. Prints delivery latency (p50/p99) and the server's memory.

    .venv/bin/python bench/ticket_events_fanout.py [--subscribers 2000] [--events 30]

Runs on its own database (`portal_bench_events`) on PORTAL_DATABASE_URL's server or the
embedded one. Load comes from this process over real WebSockets (graphql-transport-ws);
the server is a separate process, as in production.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import time
from pathlib import Path

import httpx
import psutil
from websockets.asyncio.client import ClientConnection, connect

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from auth.authentication import open_session  # noqa: E402
from models import (  # noqa: E402
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
from models.database import Database  # noqa: E402
from portal.embedded_db import embedded_postgres, ensure_database  # noqa: E402
from portal.settings import Settings  # noqa: E402
from schema.base import encode_id  # noqa: E402
from tests.processes import PORTAL, environment, free_port, wait_until_ready  # noqa: E402

SUBSCRIPTION = "subscription { ticketEvents { kind at ticket { number status } } }"
SET_STATUS = (
    "mutation ($t: ID!, $s: TicketStatus!) "
    "{ setTicketStatus(input: {ticketId: $t, status: $s}) { userErrors { code } } }"
)


async def seed(url: str, customers: int) -> tuple[str, list[str], str]:
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
            return encode_id("Ticket", ticket.id), tokens, staff_token
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


def rss_mb(pid: int) -> float:
    return psutil.Process(pid).memory_info().rss / 1024 / 1024


async def run(url: str, subscribers: int, events: int, customers: int) -> dict[str, float]:
    ticket_id, tokens, staff_token = await seed(url, customers)
    port = free_port()
    server = await asyncio.create_subprocess_exec(
        str(PORTAL), "serve", "--port", str(port),
        env=environment(
            PORTAL_DATABASE_URL=url,
            PORTAL_RUN_WORKER="0",
            PORTAL_LOG_LEVEL="warning",
            PORTAL_COST_BUDGET="100000000",  # one load generator, one address
        ),
        stdin=asyncio.subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        await wait_until_ready(base, server, within_seconds=60)
        idle_mb = rss_mb(server.pid)
        per_event: list[list[float]] = []
        arrivals: list[float] = []
        connections = []
        for start in range(0, subscribers, 100):  # in waves: do not stampede the handshake
            connections += await asyncio.gather(
                *(
                    subscriber(
                        f"ws://127.0.0.1:{port}/graphql",
                        tokens[n % len(tokens)],
                        arrivals,
                    )
                    for n in range(start, min(start + 100, subscribers))
                )
            )
        await asyncio.sleep(2)  # every subscription registered
        held_mb = rss_mb(server.pid)
        statuses = ["OPEN", "IN_PROGRESS", "WAITING_ON_CUSTOMER"] + [
            "IN_PROGRESS",
            "WAITING_ON_CUSTOMER",
        ] * events
        server_process = psutil.Process(server.pid)
        cpu_before = sum(server_process.cpu_times()[:2])
        async with httpx.AsyncClient(
            base_url=base, headers={"authorization": f"Bearer {staff_token}"}, timeout=30
        ) as http:
            for index in range(events + 1):
                arrivals.clear()
                response = await http.post(
                    "/graphql",
                    json={"query": SET_STATUS, "variables": {"t": ticket_id, "s": statuses[index]}},
                )
                assert response.json()["data"]["setTicketStatus"]["userErrors"] == [], response.text
                committed = time.perf_counter()
                deadline = time.perf_counter() + 10
                # Polling costs the measured process nothing it would not spend anyway.
                while len(arrivals) < subscribers and time.perf_counter() < deadline:  # noqa: ASYNC110
                    await asyncio.sleep(0.005)
                if index == 0:
                    continue  # warm-up
                if len(arrivals) < subscribers:
                    raise SystemExit(
                        f"event {index}: only {len(arrivals)} of {subscribers} delivered"
                    )
                per_event.append([(arrival - committed) * 1000 for arrival in arrivals])
                await asyncio.sleep(0.2)
        # Includes the warm-up event and the pauses (idle: ~0 CPU).
        server_cpu = sum(server_process.cpu_times()[:2]) - cpu_before
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
            "server_cpu_us_per_delivery": round(server_cpu * 1e6 / (subscribers * (events + 1)), 1),
            "server_rss_idle_mb": round(idle_mb, 1),
            "server_rss_with_subscribers_mb": round(held_mb, 1),
            "kb_per_subscriber": round((held_mb - idle_mb) * 1024 / subscribers, 1),
        }
    finally:
        server.terminate()
        await server.wait()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--subscribers", type=int, default=2000)
    parser.add_argument("--events", type=int, default=30)
    parser.add_argument("--customers", type=int, default=100)
    args = parser.parse_args()
    configured = os.environ.get("PORTAL_DATABASE_URL")
    if configured:
        server_url = configured
        figures = await _on(server_url, args)
    else:
        with embedded_postgres(REPO / ".portal") as server_url:
            figures = await _on(server_url, args)
    print("ticket-event fan-out (commit -> delivery, one server process)")
    for key, value in figures.items():
        print(f"  {key:32} {value}")
    out = REPO / "bench" / "results" / "ticket_events.json"
    out.write_text(json.dumps(figures, indent=2) + "\n")
    print(f"  written to {out.relative_to(REPO)}")


async def _on(server_url: str, args: argparse.Namespace) -> dict[str, float]:
    url = await ensure_database(server_url, "portal_bench_events", recreate=True)
    await schema_version.upgrade(url)
    return await run(url, args.subscribers, args.events, args.customers)


if __name__ == "__main__":
    asyncio.run(main())
