"""Faults, against real processes: PostgreSQL restarted under writes, the portal killed with
SIGKILL mid-write, and a graceful shutdown (SIGTERM or SIGINT) with subscribers and requests
in flight.

What a client was told succeeded must stay true: every acknowledged write is counted against
the rows stored afterwards, and every failure must be one a client can act on (503 or
SERVICE_UNAVAILABLE), never a masked INTERNAL error.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import os
import shutil
import signal
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from typing import Any

import asyncpg
import httpx
import psutil
import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from portal.embedded_db import ensure_database
from tests.conftest import REPO
from tests.mail import SmtpServer
from tests.processes import environment, free_port, start_portal, stop_portal
from tests.restartable_pg import RestartablePostgres
from tests.ws import PROTOCOL, receive, signed_in_connection, subscribe

pytestmark = pytest.mark.slow

CUSTOMER = ("customer@example.com", "demo-customer-password")
STAFF = ("staff@example.com", "demo-staff-password")
SIGN_IN = """
mutation ($email: String!, $password: String!) {
  signIn(input: {email: $email, password: $password}) { token userErrors { code } }
}
"""
MY_DEVICE = "{ devices(first: 1) { edges { node { id account { id } } } } }"
CREATE = """
mutation ($input: CreateTicketInput!) {
  createTicket(input: $input) { ticket { id subject } userErrors { code } }
}
"""
EVENTS = "subscription { ticketEvents { kind ticket { subject } } }"
SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE"
FIGURES = REPO / "test-artifacts" / "reliability.jsonl"


def record(test: str, **figures: object) -> None:
    """The measured figures, shown with `pytest -s` and kept beside the other test artefacts."""
    line = json.dumps({"test": test, **figures})
    print(f"\n{line}")  # noqa: T201
    FIGURES.parent.mkdir(exist_ok=True)
    with FIGURES.open("a") as out:
        out.write(line + "\n")


@pytest.fixture(scope="module")
def own_postgres() -> Iterator[RestartablePostgres]:
    # Beside the suite's own server: the server runs as another system user, which must be
    # able to reach its directory (pytest's temporary folders are private to root).
    parent = REPO / ".portal" / f"restartable-{os.getpid()}"
    parent.mkdir(parents=True, exist_ok=True)
    server = RestartablePostgres(parent)
    server.start_first()
    yield server
    server.cleanup()
    shutil.rmtree(parent, ignore_errors=True)


async def fresh_database(server: RestartablePostgres, name: str) -> str:
    return await ensure_database(
        str(server.server.get_uri(database="postgres")), name, recreate=True
    )


def portal_env(database_url: str, **more: str) -> dict[str, str]:
    return environment(
        **{
            "PORTAL_DATABASE_URL": database_url,
            "PORTAL_RUN_WORKER": "0",
            # The writers here are many and fast; the cost budget is not what is under test.
            "PORTAL_COST_BUDGET": "100000000",
            "PORTAL_COST_REFILL_PER_SECOND": "100000000",
            "PORTAL_LOG_LEVEL": "warning",
            **more,
        }
    )


async def signed_in(client: httpx.AsyncClient, email: str, password: str) -> str:
    answer = await client.post(
        "/graphql", json={"query": SIGN_IN, "variables": {"email": email, "password": password}}
    )
    token: str = answer.json()["data"]["signIn"]["token"]
    return token


@dataclasses.dataclass
class Writes:
    """What the writers were told, by subject (each write has its own)."""

    acknowledged: dict[str, str] = dataclasses.field(default_factory=dict)
    unavailable: int = 0  # 503 or SERVICE_UNAVAILABLE: the client knows to retry
    unanswered: int = 0  # the connection dropped (the process died): outcome unknown
    other: list[tuple[int, str]] = dataclasses.field(default_factory=list)

    def classify(self, subject: str, answer: httpx.Response) -> None:
        body = answer.json() if answer.headers.get("content-type", "").endswith("json") else {}
        created = ((body.get("data") or {}).get("createTicket") or {}).get("ticket")
        codes = {(e.get("extensions") or {}).get("code") for e in body.get("errors") or []}
        if answer.status_code == 200 and created and not codes:
            assert created["subject"] == subject
            self.acknowledged[subject] = created["id"]
        elif answer.status_code == 503 or codes == {SERVICE_UNAVAILABLE}:
            self.unavailable += 1
        else:
            self.other.append((answer.status_code, answer.text[:500]))


async def write_tickets(
    url: str, token: str, ticket_input: dict[str, Any], writes: Writes, stop: asyncio.Event
) -> None:
    async with httpx.AsyncClient(
        base_url=url, timeout=30, headers={"authorization": f"Bearer {token}"}
    ) as client:
        while not stop.is_set():
            subject = f"write {uuid.uuid4().hex}"
            variables = {"input": {**ticket_input, "subject": subject}}
            try:
                answer = await client.post(
                    "/graphql", json={"query": CREATE, "variables": variables}
                )
            except httpx.TransportError:
                writes.unanswered += 1
                await asyncio.sleep(0.05)
                continue
            writes.classify(subject, answer)


async def stored_subjects(database_url: str, like: str = "write %") -> set[str]:
    connection = await asyncpg.connect(database_url)
    try:
        rows = await connection.fetch("SELECT subject FROM tickets WHERE subject LIKE $1", like)
    finally:
        await connection.close()
    return {row["subject"] for row in rows}


async def ticket_input(client: httpx.AsyncClient, token: str) -> dict[str, Any]:
    answer = await client.post(
        "/graphql", json={"query": MY_DEVICE}, headers={"authorization": f"Bearer {token}"}
    )
    device = answer.json()["data"]["devices"]["edges"][0]["node"]
    return {
        "accountId": device["account"]["id"],
        "deviceId": device["id"],
        "category": "FAULT",
        "description": "Written while the database was restarted.",
    }


async def readiness(client: httpx.AsyncClient) -> int:
    try:
        return (await client.get("/readyz", timeout=5)).status_code
    except httpx.TransportError:
        return 0


async def wait_for_readiness(client: httpx.AsyncClient, status: int, within: float) -> float:
    started = time.monotonic()
    while await readiness(client) != status:
        if time.monotonic() - started > within:
            raise AssertionError(f"/readyz was not {status} within {within} s")
        await asyncio.sleep(0.1)
    return time.monotonic() - started


async def messages_until_closed(ws: ClientConnection, into: list[dict[str, Any]]) -> None:
    try:
        while True:
            into.append(await receive(ws))
    except ConnectionClosed:
        return


async def test_a_database_restart_under_writes_loses_nothing_and_recovers(
    own_postgres: RestartablePostgres,
) -> None:
    database_url = await fresh_database(own_postgres, "restart_under_writes")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    portal = await start_portal(port, portal_env(database_url))
    stop_writing = asyncio.Event()
    writes = Writes()
    try:
        async with httpx.AsyncClient(base_url=url, timeout=10) as client:
            customer = await signed_in(client, *CUSTOMER)
            staff = await signed_in(client, *STAFF)
            ticket = await ticket_input(client, customer)

            ws = await signed_in_connection(f"ws://127.0.0.1:{port}/graphql", staff)
            await subscribe(ws, "before", EVENTS)
            before: list[dict[str, Any]] = []
            listening = asyncio.create_task(messages_until_closed(ws, before))

            writers = [
                asyncio.create_task(write_tickets(url, customer, ticket, writes, stop_writing))
                for _ in range(6)
            ]
            await asyncio.sleep(1.5)
            acknowledged_before = len(writes.acknowledged)
            await own_postgres.stop()
            await wait_for_readiness(client, 503, within=5)
            await asyncio.sleep(2.0)  # the outage: writes keep coming
            await own_postgres.start()
            recovery = await wait_for_readiness(client, 200, within=15)
            acknowledged_at_recovery = len(writes.acknowledged)

            # A new subscription works again once the LISTEN connection is back, and hears
            # of the writes that go on.
            ws_after = await signed_in_connection(f"ws://127.0.0.1:{port}/graphql", staff)
            heard_after = await first_event(ws_after, within=15)
            await asyncio.sleep(1.0)
            stop_writing.set()
            await asyncio.gather(*writers)
            await ws.close()
            await ws_after.close()
            await listening
    finally:
        stop_writing.set()
        exit_code = await stop_portal(portal)

    stored = await stored_subjects(database_url)
    lost = set(writes.acknowledged) - stored
    record(
        "database restart",
        recovery_seconds=round(recovery, 2),
        acknowledged=len(writes.acknowledged),
        acknowledged_before_stop=acknowledged_before,
        acknowledged_after_recovery=len(writes.acknowledged) - acknowledged_at_recovery,
        refused_unavailable=writes.unavailable,
        lost=len(lost),
        unanswered=writes.unanswered,
    )
    assert lost == set()
    # The portal stayed up: every write got an HTTP answer, none a dropped connection.
    assert writes.unanswered == 0
    assert writes.other == [], "every failure must be 503 or SERVICE_UNAVAILABLE"
    assert writes.unavailable > 0, "the outage was felt by the writers"
    assert acknowledged_before > 0
    assert len(writes.acknowledged) > acknowledged_at_recovery, "writes succeed again"
    assert recovery <= 15
    # The subscriber of before the outage was told; it was not left silently stale.
    told = [codes_in(m) for m in before if codes_in(m)]
    assert told == [{SERVICE_UNAVAILABLE}], before[-3:]
    assert heard_after["data"]["ticketEvents"]["kind"] == "CREATED"
    assert exit_code == 0


def codes_in(message: dict[str, Any]) -> set[str]:
    """Error codes in a graphql-transport-ws message: an `error`, or a `next` with errors."""
    payload = message.get("payload")
    errors = payload if message.get("type") == "error" else (payload or {}).get("errors")
    return {error["extensions"]["code"] for error in errors or []}


async def first_event(ws: ClientConnection, within: float) -> dict[str, Any]:
    """Subscribe (again, while the server says its events are not back yet) until one arrives."""
    deadline = time.monotonic() + within
    attempt = 0
    while time.monotonic() < deadline:
        attempt += 1
        await subscribe(ws, f"after-{attempt}", EVENTS)
        async with asyncio.timeout(max(deadline - time.monotonic(), 0.1)):
            message = await receive(ws)
        if message["type"] == "next" and not codes_in(message):
            payload: dict[str, Any] = message["payload"]
            return payload
        assert codes_in(message) == {SERVICE_UNAVAILABLE}, message
        await asyncio.sleep(0.5)
    raise AssertionError(f"no event within {within} s after recovery")


async def test_a_killed_process_loses_nothing_it_acknowledged_and_its_mail_goes_out(
    own_postgres: RestartablePostgres, smtp_server: SmtpServer
) -> None:
    outbox_database = await fresh_database(own_postgres, "killed_mid_write")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = portal_env(outbox_database, PORTAL_RUN_WORKER="1", PORTAL_SMTP_URL=smtp_server.url)
    portal = await start_portal(port, env)
    stop_writing = asyncio.Event()
    writes = Writes()
    try:
        async with httpx.AsyncClient(base_url=url, timeout=10) as client:
            customer = await signed_in(client, *CUSTOMER)
            ticket = await ticket_input(client, customer)
        writers = [
            asyncio.create_task(write_tickets(url, customer, ticket, writes, stop_writing))
            for _ in range(6)
        ]
        await asyncio.sleep(2.0)
        portal.send_signal(signal.SIGKILL)
        await portal.wait()
        await asyncio.sleep(0.5)
        stop_writing.set()
        await asyncio.gather(*writers)
        acknowledged = dict(writes.acknowledged)
        stored = await stored_subjects(outbox_database)

        # Restarted, it sends what the killed process left in the outbox.
        portal = await start_portal(port, env)
        pending = await wait_until_outbox_is_sent(outbox_database, within=60)
    finally:
        stop_writing.set()
        await stop_portal(portal)

    lost = set(acknowledged) - stored
    # One "case received" e-mail per stored ticket; each row's Message-ID is its own.
    outbox = await outbox_ids(outbox_database)
    received = Counter(str(m.message["Message-ID"]) for m in smtp_server.messages)
    sent_ids = {message_id.strip("<>").split("@")[0] for message_id in received}
    duplicates = sum(count - 1 for count in received.values())
    record(
        "SIGKILL mid-write",
        acknowledged=len(acknowledged),
        stored=len(stored),
        lost=len(lost),
        unanswered=writes.unanswered,
        outbox_rows=len(outbox),
        emails_received=sum(received.values()),
        duplicates=duplicates,
    )
    assert acknowledged, "the writers got answers before the kill"
    assert lost == set()
    assert writes.other == []
    assert pending == 0
    assert len(outbox) >= len(stored)
    assert outbox <= sent_ids, "every committed e-mail arrived at least once"
    assert duplicates <= 1, "a kill repeats at most the one e-mail in hand"


async def outbox_ids(database_url: str) -> set[str]:
    connection = await asyncpg.connect(database_url)
    try:
        rows = await connection.fetch(
            "SELECT id FROM outbox_emails WHERE template = 'ticket_created'"
        )
    finally:
        await connection.close()
    return {str(row["id"]) for row in rows}


async def wait_until_outbox_is_sent(database_url: str, within: float) -> int:
    deadline = time.monotonic() + within
    connection = await asyncpg.connect(database_url)
    try:
        while True:
            pending = int(
                await connection.fetchval(
                    "SELECT count(*) FROM outbox_emails WHERE sent_at IS NULL"
                )
            )
            if pending == 0 or time.monotonic() > deadline:
                return pending
            await asyncio.sleep(0.2)
    finally:
        await connection.close()


SLOW_READER = "{ viewer { email } }"


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=lambda s: s.name)
async def test_sigterm_or_sigint_closes_subscriptions_with_1001_and_finishes_requests_in_flight(
    own_postgres: RestartablePostgres, signum: signal.Signals
) -> None:
    """SIGTERM is how process managers stop the portal, SIGINT is Ctrl-C: both are graceful."""
    database_url = await fresh_database(own_postgres, f"graceful_shutdown_{signum.name.lower()}")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    portal = await start_portal(port, portal_env(database_url, PORTAL_RUN_WORKER="1"))
    try:
        async with httpx.AsyncClient(base_url=url, timeout=30) as client:
            customer = await signed_in(client, *CUSTOMER)
            staff = await signed_in(client, *STAFF)
            ticket = await ticket_input(client, customer)

            # 50 subscriptions: 5 connections of 10.
            connections = [
                await signed_in_connection(f"ws://127.0.0.1:{port}/graphql", staff)
                for _ in range(5)
            ]
            for n, ws in enumerate(connections):
                for k in range(10):
                    await subscribe(ws, f"s{n}-{k}", EVENTS)
            await asyncio.sleep(0.5)

            # Requests in flight at the signal: each waits on a row lock the test holds.
            blocker = await asyncpg.connect(database_url)
            locked = blocker.transaction()
            await locked.start()
            await blocker.execute("LOCK TABLE tickets IN EXCLUSIVE MODE")
            slow = [
                asyncio.create_task(
                    client.post(
                        "/graphql",
                        json={
                            "query": CREATE,
                            "variables": {"input": {**ticket, "subject": f"write in flight {i}"}},
                        },
                        headers={"authorization": f"Bearer {customer}"},
                    )
                )
                for i in range(3)
            ]
            await asyncio.sleep(1.0)
            assert not any(task.done() for task in slow)

            signalled = time.monotonic()
            portal.send_signal(signum)
            closes = await asyncio.gather(*(close_code_of(ws) for ws in connections))
            closed_within = time.monotonic() - signalled
            # New connections are refused now; the requests in flight go on.
            with pytest.raises(httpx.TransportError):
                await httpx.AsyncClient(base_url=url, timeout=2).get("/healthz")
            await asyncio.sleep(1.0)
            await locked.rollback()  # let them finish
            await blocker.close()
            answers = await asyncio.gather(*slow)
            exit_code = await asyncio.wait_for(portal.wait(), 15)
            exited_within = time.monotonic() - signalled
    finally:
        if portal.returncode is None:
            portal.kill()
            await portal.wait()

    record(
        signum.name,
        subscriptions=50,
        closed_within_seconds=round(closed_within, 2),
        exited_within_seconds=round(exited_within, 1),
    )
    assert closes == [1001] * 5
    assert closed_within < 2
    for answer in answers:
        assert answer.status_code == 200
        assert answer.json()["data"]["createTicket"]["ticket"]["subject"].startswith(
            "write in flight"
        )
    assert len(await stored_subjects(database_url, "write in flight %")) == 3
    assert exit_code == 0
    assert exited_within < 15


async def close_code_of(ws: ClientConnection) -> int | None:
    try:
        async with asyncio.timeout(5):
            while True:
                await ws.recv()
    except ConnectionClosed as closed:
        return closed.rcvd.code if closed.rcvd else None


async def test_more_clients_than_the_pool_holds_all_get_an_answer_in_time(
    own_postgres: RestartablePostgres,
) -> None:
    database_url = await fresh_database(own_postgres, "overload")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = portal_env(
        database_url,
        PORTAL_DB_POOL_SIZE="2",
        PORTAL_DB_MAX_OVERFLOW="0",
        PORTAL_DB_POOL_TIMEOUT_SECONDS="1",
        PORTAL_MAX_WEBSOCKETS="3",
    )
    portal = await start_portal(port, env)
    try:
        async with httpx.AsyncClient(base_url=url, timeout=30) as client:
            customer = await signed_in(client, *CUSTOMER)
            ticket = await ticket_input(client, customer)
            auth = {"authorization": f"Bearer {customer}"}

            # Writes that hold both pooled connections while they wait on the test's lock.
            blocker = await asyncpg.connect(database_url)
            locked = blocker.transaction()
            await locked.start()
            await blocker.execute("LOCK TABLE tickets IN EXCLUSIVE MODE")

            async def one_client(n: int) -> tuple[float, httpx.Response]:
                started = time.monotonic()
                body = (
                    {"query": CREATE, "variables": {"input": {**ticket, "subject": f"write {n}"}}}
                    if n % 2
                    else {"query": "{ viewer { email } }"}
                )
                answer = await client.post("/graphql", json=body, headers=auth)
                return time.monotonic() - started, answer

            clients = [asyncio.create_task(one_client(n)) for n in range(40)]
            await asyncio.sleep(3.0)
            await locked.rollback()
            await blocker.close()
            answers = await asyncio.gather(*clients)
            after = await client.post(
                "/graphql", json={"query": "{ viewer { email } }"}, headers=auth
            )

            sockets = [
                await signed_in_connection(f"ws://127.0.0.1:{port}/graphql", customer)
                for _ in range(3)
            ]
            # Closed as soon as it is accepted, before the client can say connection_init.
            async with connect(
                f"ws://127.0.0.1:{port}/graphql",
                subprotocols=[PROTOCOL],  # type: ignore[list-item]
            ) as fourth:
                turned_away = await close_code_of(fourth)
            for ws in sockets:
                await ws.close()
    finally:
        await stop_portal(portal)

    outcomes: Counter[str] = Counter()
    for took, answer in answers:
        assert took < 12, "every client is answered within the operation timeout"
        assert answer.status_code in (200, 503), answer.text
        body = answer.json()
        codes = {e["extensions"]["code"] for e in body.get("errors") or []}
        if codes:
            assert codes == {SERVICE_UNAVAILABLE}, body
            outcomes["unavailable"] += 1
        else:
            outcomes["succeeded"] += 1
    record(
        "overload",
        clients=len(answers),
        pool=2,
        succeeded=outcomes["succeeded"],
        unavailable=outcomes["unavailable"],
        slowest_seconds=round(max(took for took, _ in answers), 2),
    )
    assert outcomes["unavailable"] > 0, "the pool's bounded wait turned clients away"
    assert outcomes["succeeded"] >= 2, "the writes holding the pool finished"
    assert after.json()["data"]["viewer"]["email"] == CUSTOMER[0]
    assert turned_away == 1013


def worker_pids(parent: int) -> set[int]:
    """The live server workers of `portal serve --workers` (not its resource tracker)."""
    pids = set()
    for child in psutil.Process(parent).children():
        try:
            if child.status() != psutil.STATUS_ZOMBIE and "spawn_main" in " ".join(child.cmdline()):
                pids.add(child.pid)
        except psutil.Error:  # gone while we looked
            continue
    return pids


async def test_workers_share_the_port_a_dead_one_is_replaced_and_all_stop_on_sigterm(
    own_postgres: RestartablePostgres,
) -> None:
    database_url = await fresh_database(own_postgres, "workers")
    port = free_port()
    portal = await start_portal(port, portal_env(database_url), "--workers", "2")
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=10) as client:
            first = worker_pids(portal.pid)
            assert len(first) == 2
            victim = min(first)
            os.kill(victim, signal.SIGKILL)
            # The other worker answers meanwhile; a new one takes the dead one's place.
            answers = [await client.get("/readyz") for _ in range(5)]
            async with asyncio.timeout(20):
                while len(worker_pids(portal.pid) - {victim}) < 2:  # noqa: ASYNC110 - polling the OS
                    await asyncio.sleep(0.2)
            replaced = worker_pids(portal.pid)
            await wait_for_readiness(client, 200, within=20)
            signed_in_token = await signed_in(client, *CUSTOMER)
        assert all(answer.status_code == 200 for answer in answers)
        assert signed_in_token
        exit_code = await stop_portal(portal, within=20)
    finally:
        if portal.returncode is None:
            portal.kill()
            await portal.wait()
    assert victim not in replaced
    assert len(replaced) == 2
    assert exit_code == 0
    assert not any(psutil.pid_exists(pid) for pid in replaced - {victim}), "workers stopped"
