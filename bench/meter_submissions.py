"""Meter-reading submissions over HTTP from many concurrent clients, next to the same SQL
statements executed straight from asyncpg on the same data: the ratio is the figure.

    .venv/bin/python bench/meter_submissions.py [--devices 3000] [--concurrency 20]

Each device takes one reading a day, so every submission is for a device of its own.
Runs on its own database (`portal_bench_meters`); the server is a separate `portal serve`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
import httpx

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from auth.tokens import hash_token  # noqa: E402
from models import schema_version  # noqa: E402
from models.database import with_database_name  # noqa: E402
from portal.embedded_db import embedded_postgres, ensure_database  # noqa: E402
from portal.integration_tokens import create_token  # noqa: E402
from portal.settings import DEVELOPMENT_SECRET_KEY  # noqa: E402
from schema.base import encode_id  # noqa: E402
from tests.processes import PORTAL, environment, free_port, wait_until_ready  # noqa: E402

SUBMIT = (
    "mutation ($d: ID!, $v: Int!) { submitMeterReading(input: {deviceId: $d, "
    "values: [{kind: TOTAL, value: $v}, {kind: BLACK, value: $v}]}) "
    "{ meterReading { readOn } userErrors { code } } }"
)


async def seed(url: str, devices: int) -> list[uuid.UUID]:
    connection = await asyncpg.connect(url)
    try:
        model, account = uuid.uuid4(), uuid.uuid4()
        await connection.execute(
            "INSERT INTO device_models (id, code, name, meter_kinds) "
            "VALUES ($1, 'BM', 'Bench', ARRAY['TOTAL', 'BLACK'])",
            model,
        )
        await connection.execute(
            "INSERT INTO accounts (id, external_id, customer_number, name, timezone, "
            "billing_street, billing_postal_code, billing_city, billing_country) "
            "VALUES ($1, 'BM', 'BM', 'Bench', 'Europe/Stockholm', 'S', '1', 'C', 'SE')",
            account,
        )
        ids = [uuid.uuid4() for _ in range(devices)]
        await connection.copy_records_to_table(
            "devices",
            records=[
                (i, f"X{n}", account, f"SN{n}", model, "ACTIVE", "S", "1", "C", "SE", 8)
                for n, i in enumerate(ids)
            ],
            columns=[
                "id", "external_id", "account_id", "serial_number", "model_id", "status",
                "location_street", "location_postal_code", "location_city", "location_country",
                "response_hours",
            ],
        )  # fmt: skip
        return ids
    finally:
        await connection.close()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(int(len(ordered) * share) - 1, 0)]


async def over_http(
    base: str, token: str, devices: list[uuid.UUID], concurrency: int
) -> dict[str, float]:
    queue: asyncio.Queue[uuid.UUID] = asyncio.Queue()
    for device in devices:
        queue.put_nowait(device)
    latencies: list[float] = []

    async def client() -> None:
        async with httpx.AsyncClient(
            base_url=base, headers={"authorization": f"Bearer {token}"}
        ) as http:
            while not queue.empty():
                device = queue.get_nowait()
                started = time.perf_counter()
                response = await http.post(
                    "/graphql",
                    json={
                        "query": SUBMIT,
                        "variables": {"d": encode_id("Device", device), "v": 1000},
                    },
                )
                latencies.append((time.perf_counter() - started) * 1000)
                assert response.json()["data"]["submitMeterReading"]["userErrors"] == [], (
                    response.text
                )

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    return {
        "requests_per_s": round(len(devices) / elapsed, 1),
        "p50_ms": round(statistics.median(latencies), 2),
        "p99_ms": round(percentile(latencies, 0.99), 2),
    }


async def raw_sql(
    url: str, token: str, devices: list[uuid.UUID], concurrency: int
) -> dict[str, float]:
    """The submission's four statements, in one transaction each, from asyncpg."""
    pool = await asyncpg.create_pool(url, min_size=concurrency, max_size=concurrency)
    token_hash = hash_token(token, DEVELOPMENT_SECRET_KEY)
    queue: asyncio.Queue[uuid.UUID] = asyncio.Queue()
    for device in devices:
        queue.put_nowait(device)
    latencies: list[float] = []

    async def client() -> None:
        async with pool.acquire() as connection:
            while not queue.empty():
                device = queue.get_nowait()
                started = time.perf_counter()
                async with connection.transaction():
                    await connection.fetchrow(
                        "UPDATE integration_tokens SET last_used_at = now() "
                        "WHERE token_hash = $1 AND revoked_at IS NULL RETURNING id, scopes",
                        token_hash,
                    )
                await connection.execute("BEGIN")
                await connection.fetchrow(
                    "SELECT devices.*, device_models.meter_kinds, accounts.timezone FROM devices "
                    "JOIN device_models ON device_models.id = devices.model_id "
                    "JOIN accounts ON accounts.id = devices.account_id WHERE devices.id = $1 "
                    "FOR UPDATE OF devices",
                    device,
                )
                await connection.fetch(
                    "SELECT * FROM meter_readings WHERE device_id = $1 AND voided_at IS NULL "
                    "ORDER BY read_on DESC LIMIT 11",
                    device,
                )
                await connection.execute(
                    "INSERT INTO meter_readings (id, device_id, read_on, submitted_at, source, "
                    "total, black, flagged_for_review) VALUES ($1, $2, $3, now(), 'INTEGRATION', "
                    "1000, 1000, false)",
                    uuid.uuid4(), device, datetime.now(UTC).date(),
                )  # fmt: skip
                await connection.execute("COMMIT")
                latencies.append((time.perf_counter() - started) * 1000)

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    await pool.close()
    return {
        "requests_per_s": round(len(devices) / elapsed, 1),
        "p50_ms": round(statistics.median(latencies), 2),
        "p99_ms": round(percentile(latencies, 0.99), 2),
    }


async def bench(server_url: str, devices: int, concurrency: int) -> dict[str, object]:
    url = await ensure_database(server_url, "portal_bench_meters", recreate=True)
    await schema_version.upgrade(url)
    ids = await seed(url, devices * 2)
    from models.database import Database

    database = Database(url, pool_size=1)
    token = await create_token(database, DEVELOPMENT_SECRET_KEY, "bench", ["meters"])
    await database.dispose()
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
    try:
        base = f"http://127.0.0.1:{port}"
        await wait_until_ready(base, server, within_seconds=60)
        await over_http(base, token, ids[:50], concurrency)  # warm-up
        http_figures = await over_http(base, token, ids[50:devices], concurrency)
    finally:
        server.terminate()
        await server.wait()
    raw_figures = await raw_sql(url, token, ids[devices : 2 * devices - 50], concurrency)
    return {
        "submissions": devices - 50,
        "concurrency": concurrency,
        "http": http_figures,
        "raw_sql": raw_figures,
        "statements_per_request": 4,
        "ratio": round(http_figures["requests_per_s"] / raw_figures["requests_per_s"], 3),
    }


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--devices", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, default=20)
    args = parser.parse_args()
    configured = os.environ.get("PORTAL_DATABASE_URL")
    if configured:
        figures = await bench(
            with_database_name(configured, "postgres"), args.devices, args.concurrency
        )
    else:
        with embedded_postgres(REPO / ".portal") as server_url:
            figures = await bench(server_url, args.devices, args.concurrency)
    print("meter-reading submissions")
    print(json.dumps(figures, indent=2))
    (REPO / "bench" / "results" / "meter_submissions.json").write_text(
        json.dumps(figures, indent=2) + "\n"
    )


if __name__ == "__main__":
    asyncio.run(main())
