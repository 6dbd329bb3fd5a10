"""`make run` from a clean clone: installs, starts the embedded database, serves, stops.

This is the README's promise to a new developer, checked end to end on the committed tree.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
from pathlib import Path

import httpx
import pytest

from portal import demo
from tests.conftest import REPO
from tests.processes import environment, free_port, run, wait_until_ready
from tests.support import Api, sign_in

pytestmark = pytest.mark.slow


async def make_run(clone: Path, port: int) -> asyncio.subprocess.Process:
    # Its own process group, like a terminal's foreground job, so Ctrl-C reaches all of it.
    return await asyncio.create_subprocess_exec(
        "make",
        "run",
        cwd=clone,
        env=environment(PORT=str(port)),
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
        start_new_session=True,
    )


async def ctrl_c(process: asyncio.subprocess.Process) -> int:
    os.killpg(process.pid, signal.SIGINT)
    return await asyncio.wait_for(process.wait(), timeout=30)


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
async def test_make_run_from_a_clean_clone(tmp_path: Path) -> None:
    clone = tmp_path / "portal"
    code, output = await run("git", "clone", "--quiet", str(REPO), str(clone), env=environment())
    assert code == 0, output
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    pgdata = clone / ".portal" / "pgdata"

    process = await make_run(clone, port)
    try:
        await wait_until_ready(base, process, within_seconds=300)
        async with httpx.AsyncClient(base_url=base) as http:
            response = await http.post("/graphql", json={"query": "{ viewer { id } }"})
            body = response.json()
            assert body["data"] == {"viewer": None}
            assert body["extensions"]["cost"]["requested"] == 1
            for user in demo.DEMO_USERS:
                signed_in = await sign_in(Api(http), user.email, user.password)
                viewer = (await signed_in.data("{ viewer { email kind } }"))["viewer"]
                assert viewer == {"email": user.email, "kind": user.kind.value}
        # make itself dies of the SIGINT it passed on (or exits 2); the server exited cleanly.
        assert await ctrl_c(process) in (0, 2, -signal.SIGINT)
    finally:
        if process.returncode is None:
            os.killpg(process.pid, signal.SIGKILL)
    assert (pgdata / "PG_VERSION").exists()
    assert not (pgdata / "postmaster.pid").exists(), "the embedded PostgreSQL is still running"

    # A second run reuses the data: the same users sign in, none was added twice.
    process = await make_run(clone, port)
    try:
        await wait_until_ready(base, process, within_seconds=120)
        async with httpx.AsyncClient(base_url=base) as http:
            await sign_in(Api(http), demo.ADMIN.email, demo.ADMIN.password)
        await ctrl_c(process)
    finally:
        if process.returncode is None:
            os.killpg(process.pid, signal.SIGKILL)
    assert not (pgdata / "postmaster.pid").exists()
