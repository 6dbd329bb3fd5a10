"""Running the `portal` command (and `make`) as a person would, for the end-to-end tests."""

from __future__ import annotations

import asyncio
import os
import socket
import sys
import time
from pathlib import Path

import httpx

PORTAL = Path(sys.executable).parent / "portal"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def environment(**overrides: str | None) -> dict[str, str]:
    """This process's environment, with PORTAL_* cleared, then the overrides (None removes)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PORTAL_")}
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


async def wait_until_ready(
    url: str, process: asyncio.subprocess.Process, within_seconds: float
) -> None:
    deadline = time.monotonic() + within_seconds
    async with httpx.AsyncClient(timeout=2) as client:
        while time.monotonic() < deadline:
            if process.returncode is not None:
                raise AssertionError(f"the server exited early with {process.returncode}")
            try:
                if (await client.get(f"{url}/readyz")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.25)
    raise AssertionError(f"{url} was not ready within {within_seconds} s")


async def run(*args: str, env: dict[str, str], cwd: Path | None = None) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        *args,
        env=env,
        cwd=cwd,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await process.communicate()
    assert process.returncode is not None
    return process.returncode, output.decode()


async def start_portal(
    port: int, env: dict[str, str], *args: str, ready_within: float = 60
) -> asyncio.subprocess.Process:
    """`portal serve` on `port`, once /readyz says so; its log goes to this process's stderr."""
    process = await asyncio.create_subprocess_exec(
        str(PORTAL),
        "serve",
        "--port",
        str(port),
        *args,
        env=env,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.DEVNULL,
    )
    try:
        await wait_until_ready(f"http://127.0.0.1:{port}", process, ready_within)
    except BaseException:
        process.kill()
        await process.wait()
        raise
    return process


async def stop_portal(process: asyncio.subprocess.Process, within: float = 20) -> int:
    """SIGTERM, then its exit code; killed (and a failure) if it outstays `within`."""
    if process.returncode is None:
        process.terminate()
    try:
        return await asyncio.wait_for(process.wait(), within)
    except TimeoutError:
        process.kill()
        await process.wait()
        raise AssertionError(f"the portal did not exit within {within} s of SIGTERM") from None
