"""What every benchmark shares: where PostgreSQL is, how the server under test is started,
and how figures are summarised."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import os
import socket
import sys
import time
from collections.abc import AsyncIterator, Iterator, Sequence
from pathlib import Path
from typing import IO

import httpx
import psutil

from models.database import with_database_name
from portal.embedded_db import embedded_postgres

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "bench" / "results"
PORTAL = Path(sys.executable).parent / "portal"
# Large enough that the per-client cost budget never throttles a load generator, which
# sends everything from one address with one token.
UNLIMITED = "1000000000"


@contextlib.contextmanager
def postgres_server() -> Iterator[str]:
    """The maintenance-database URL of PORTAL_DATABASE_URL's server, or of an embedded one
    of the benchmarks' own (under .portal/bench/, or BENCH_DATA_DIR): test suites sharing
    the development server create and drop databases, and every DROP DATABASE forces a
    checkpoint, after which each page written costs a full-page image in the WAL. On the
    shared server that swung the write path's limit (Q3) fourfold between runs."""
    configured = os.environ.get("PORTAL_DATABASE_URL")
    if configured:
        yield with_database_name(configured, "postgres")
        return
    with embedded_postgres(
        Path(os.environ.get("BENCH_DATA_DIR") or REPO / ".portal" / "bench")
    ) as url:
        yield url


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def server_environment(database_url: str, **settings: str) -> dict[str, str]:
    """This process's environment without PORTAL_*, then the server's settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PORTAL_")}
    env.update(
        PORTAL_DATABASE_URL=database_url,
        PORTAL_RUN_WORKER="0",
        PORTAL_LOG_LEVEL="warning",
        PORTAL_COST_BUDGET=UNLIMITED,
        PORTAL_COST_REFILL_PER_SECOND=UNLIMITED,
    )
    env.update(settings)
    return env


@dataclasses.dataclass(frozen=True)
class Served:
    url: str
    pid: int

    @property
    def ws_url(self) -> str:
        return self.url.replace("http://", "ws://", 1) + "/graphql"

    def rss_mb(self) -> float:
        return float(psutil.Process(self.pid).memory_info().rss) / 1024 / 1024

    def cpu_seconds(self) -> float:
        times = psutil.Process(self.pid).cpu_times()
        return float(times.user + times.system)


def _appending(path: Path | None) -> IO[bytes] | None:
    if path is None:
        return None
    path.parent.mkdir(parents=True, exist_ok=True)
    return path.open("ab")


@contextlib.asynccontextmanager
async def portal_server(
    database_url: str, log: Path | None = None, **settings: str
) -> AsyncIterator[Served]:
    """`portal serve` as a process of its own (as in production), once /readyz says so; what
    it logs goes to `log` (appended) or to this process's stderr."""
    port = free_port()
    log_file = _appending(log)
    process = await asyncio.create_subprocess_exec(
        str(PORTAL), "serve", "--port", str(port),
        env=server_environment(database_url, **settings),
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=log_file,
    )  # fmt: skip
    served = Served(f"http://127.0.0.1:{port}", process.pid)
    try:
        await _wait_until_ready(served.url, process, within_seconds=90)
        yield served
    finally:
        if process.returncode is None:
            process.terminate()
        try:
            await asyncio.wait_for(process.wait(), 30)
        except TimeoutError:
            process.kill()
            await process.wait()
        if log_file is not None:
            log_file.close()


async def _wait_until_ready(
    url: str, process: asyncio.subprocess.Process, within_seconds: float
) -> None:
    deadline = time.monotonic() + within_seconds
    async with httpx.AsyncClient(timeout=2) as client:
        while time.monotonic() < deadline:
            if process.returncode is not None:
                raise SystemExit(f"portal serve exited early with {process.returncode}")
            try:
                if (await client.get(f"{url}/readyz")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.25)
    raise SystemExit(f"portal serve at {url} was not ready within {within_seconds} s")


def percentile(values: Sequence[float], share: float) -> float:
    """The nearest-rank percentile (share 0.5 is the median, 0.99 the 99th)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(max(int(len(ordered) * share + 0.5) - 1, 0), len(ordered) - 1)]


@dataclasses.dataclass(frozen=True)
class LoadFigures:
    """What a fixed-duration run measured."""

    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    failures: int = 0

    @property
    def requests_per_s(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0
