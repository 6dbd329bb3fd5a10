"""HTTP load from a process of its own: `wrk` with a Lua script when it is installed, else
this module run as a script (an asyncio HTTP/1.1 client on keep-alive connections).

Both POST JSON bodies from a file (one body a line; taken in turn, each at most once when
`--once`), with an Authorization header, for a fixed time over N connections, and count a
response as failed unless it is 200, holds `must_contain` and has no `"errors"`.

    .venv/bin/python -m bench.load --url http://127.0.0.1:8000/graphql --bodies b.jsonl \
        --token pts_... --connections 10 --seconds 10
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

from bench.common import LoadFigures, percentile

MARKER = "BENCH-RESULT "

# Each wrk thread takes every `threads`-th body, starting at its own offset, so no body is
# sent twice (a meter reading is accepted once a day per device).
WRK_SCRIPT = r"""
local threads = {}
local counter = 0

function setup(thread)
  thread:set("offset", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  path = args[1]
  token = args[2]
  must = args[3]
  once = args[4] == "1"
  nthreads = tonumber(args[5])
  bodies = {}
  for line in io.lines(args[6]) do table.insert(bodies, line) end
  requests = {}
  local headers = {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. token,
  }
  for i, body in ipairs(bodies) do requests[i] = wrk.format("POST", path, headers, body) end
  index = offset + 1 - nthreads
  failures = 0
  exhausted = 0
end

function request()
  index = index + nthreads
  if index > #requests then
    if once then exhausted = exhausted + 1 end
    index = ((index - 1) % #requests) + 1
  end
  return requests[index]
end

function response(status, headers, body)
  if status ~= 200 or not body:find(must, 1, true) or body:find('"errors"', 1, true) then
    failures = failures + 1
  end
end

function done(summary, latency, requests)
  local failures, exhausted = 0, 0
  for _, thread in ipairs(threads) do
    failures = failures + thread:get("failures")
    exhausted = exhausted + thread:get("exhausted")
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH-RESULT {"requests": %d, "seconds": %.6f, "p50_ms": %.3f, "p99_ms": %.3f, ' ..
    '"failures": %d, "socket_errors": %d, "exhausted": %d}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, failures,
    e.connect + e.read + e.write + e.status + e.timeout, exhausted))
end
"""


@dataclasses.dataclass(frozen=True)
class Load:
    url: str  # .../graphql
    token: str
    bodies: list[str]  # JSON, one per request in turn
    must_contain: str
    connections: int = 10
    seconds: float = 10.0
    once: bool = False  # each body at most once


def wrk_available() -> bool:
    return shutil.which("wrk") is not None


async def run(load: Load, generator: str) -> LoadFigures:
    with tempfile.TemporaryDirectory(prefix="bench-load-") as folder:
        bodies = Path(folder) / "bodies.jsonl"
        bodies.write_text("".join(body + "\n" for body in load.bodies))
        if generator == "wrk":
            script = Path(folder) / "load.lua"
            script.write_text(WRK_SCRIPT)
            threads = 1  # one thread drives 10 connections; the cores are for the server
            parts = urlsplit(load.url)
            command = [
                "wrk", "-t", str(threads), "-c", str(load.connections),
                "-d", f"{max(round(load.seconds), 1)}s", "--timeout", "30s", "-s", str(script),
                f"{parts.scheme}://{parts.netloc}", "--", parts.path, load.token,
                load.must_contain, "1" if load.once else "0", str(threads), str(bodies),
            ]  # fmt: skip
        else:
            command = [
                sys.executable, "-m", "bench.load", "--url", load.url, "--token", load.token,
                "--bodies", str(bodies), "--must-contain", load.must_contain,
                "--connections", str(load.connections), "--seconds", str(load.seconds),
                *(["--once"] if load.once else []),
            ]  # fmt: skip
        process = await asyncio.create_subprocess_exec(
            *command,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        output, _ = await process.communicate()
    text = output.decode()
    line = next((li for li in text.splitlines() if li.startswith(MARKER)), None)
    if process.returncode != 0 or line is None:
        raise SystemExit(f"the load generator failed ({process.returncode}):\n{text}")
    figures = json.loads(line.removeprefix(MARKER))
    if figures.get("exhausted"):
        raise SystemExit(
            f"the load generator ran out of distinct requests ({figures['exhausted']} reused)"
        )
    return LoadFigures(
        requests=figures["requests"],
        seconds=figures["seconds"],
        p50_ms=figures["p50_ms"],
        p99_ms=figures["p99_ms"],
        failures=figures["failures"] + figures["socket_errors"],
    )


# The fallback generator: plain HTTP/1.1 over asyncio streams, lighter than an HTTP library.


class Connection:
    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def post(self, request: bytes) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        self.writer.write(request)
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers = {
            name.strip().lower(): value.strip()
            for name, _, value in (li.partition(":") for li in lines[1:] if li)
        }
        if "content-length" in headers:
            body = await self.reader.readexactly(int(headers["content-length"]))
        else:  # chunked
            chunks = []
            while size := int((await self.reader.readline()).strip(), 16):
                chunks.append(await self.reader.readexactly(size))
                await self.reader.readline()
            await self.reader.readline()
            body = b"".join(chunks)
        if headers.get("connection", "").lower() == "close":
            await self.close()
        return status, body

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.writer = None


async def generate(args: argparse.Namespace, bodies: list[str]) -> dict[str, float]:
    parts = urlsplit(args.url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    requests = [
        (
            f"POST {parts.path} HTTP/1.1\r\nHost: {parts.netloc}\r\n"
            f"Content-Type: application/json\r\nAuthorization: Bearer {args.token}\r\n"
            f"Content-Length: {len(body.encode())}\r\n\r\n"
        ).encode()
        + body.encode()
        for body in bodies
    ]
    must = args.must_contain.encode()
    latencies: list[float] = []
    failures = 0
    socket_errors = 0
    exhausted = 0
    next_index = 0

    async def client(until: float) -> None:
        nonlocal failures, socket_errors, exhausted, next_index
        connection = Connection(host, port)
        try:
            while time.perf_counter() < until:
                if next_index >= len(requests):
                    if args.once:
                        exhausted += 1
                    next_index = 0
                request = requests[next_index]
                next_index += 1
                started = time.perf_counter()
                try:
                    status, body = await connection.post(request)
                except (OSError, asyncio.IncompleteReadError, ValueError):
                    socket_errors += 1
                    await connection.close()
                    continue
                latencies.append((time.perf_counter() - started) * 1000)
                if status != 200 or must not in body or b'"errors"' in body:
                    failures += 1
        finally:
            await connection.close()

    started = time.perf_counter()
    await asyncio.gather(*(client(started + args.seconds) for _ in range(args.connections)))
    elapsed = time.perf_counter() - started
    return {
        "requests": len(latencies),
        "seconds": elapsed,
        "p50_ms": percentile(latencies, 0.5),
        "p99_ms": percentile(latencies, 0.99),
        "failures": failures,
        "socket_errors": socket_errors,
        "exhausted": exhausted,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--bodies", required=True)
    parser.add_argument("--must-contain", default="")
    parser.add_argument("--connections", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--once", action="store_true")
    args = parser.parse_args()
    import uvloop

    bodies = Path(args.bodies).read_text().splitlines()
    print(MARKER + json.dumps(uvloop.run(generate(args, bodies))))


if __name__ == "__main__":
    main()
