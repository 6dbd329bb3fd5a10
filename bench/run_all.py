"""Every scenario against its raw-SQL limit, on the bench data: what `make bench` runs.

    .venv/bin/python -m bench.run_all [--scale 1.0] [--seconds 10] [--compiled-reads 0|1]
                                      [--only Q1,Q2] [--load-generator auto|wrk|python]

1. The data (bench/generate.py) at the scale asked for, loaded unless already there.
2. For each scenario: its request run once with the app in this process, recording the SQL
   (and the answer, which is checked); the same request over HTTP against `portal serve`
   (a process of its own) from a load generator in another process, after a warm-up, over
   10 connections for a fixed time; then the recorded SQL replayed from asyncpg at the same
   concurrency for the same time: the limit. Ratio = HTTP requests/s / limit requests/s.
3. Q5, the subscription fan-out, on a database of its own (bench/ticket_events_fanout.py).

Q1 and Q2 run with PORTAL_COMPILED_READS=0 and =1 unless --compiled-reads picks one; when
both settings make the server run the same SQL they are measured once.

Writes bench/results/latest.md (the table) and latest.json (every figure), plus
bench/results/statements.json (the SQL each scenario ran).
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import os
import platform
import subprocess
from datetime import UTC, datetime
from typing import Any

import httpx

from bench import generate, load, ticket_events_fanout
from bench.capture import Capture, InProcess, replay
from bench.common import (
    RESULTS,
    LoadFigures,
    Served,
    portal_server,
    postgres_server,
    server_environment,
)
from bench.scenarios import (
    Data,
    DeviceReadings,
    GuideSearch,
    MeterSubmission,
    Scenario,
    TicketsPage,
    count_values,
    data_for,
)

ALL = ("Q1", "Q2", "Q3", "Q4", "Q5")
SERVER_LOG = RESULTS / "server.log"


@dataclasses.dataclass
class Options:
    scale: float
    seconds: float
    warmup: float
    connections: int
    generator: str
    modes: list[str | None]  # PORTAL_COMPILED_READS values to run Q1/Q2 with; None: unset
    only: tuple[str, ...]


@dataclasses.dataclass
class Row:
    label: str
    title: str
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    statements_per_request: int
    limit_requests_per_s: float
    ratio: float
    extra: dict[str, Any] = dataclasses.field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "requests_per_s": round(self.requests_per_s, 1),
            "p50_ms": round(self.p50_ms, 2),
            "p99_ms": round(self.p99_ms, 2),
            "statements_per_request": self.statements_per_request,
            "limit_requests_per_s": round(self.limit_requests_per_s, 1),
            "ratio": float(f"{self.ratio:.3g}"),
            **self.extra,
        }


def print_row(row: Row) -> None:
    print(
        f"  {row.label}: {row.requests_per_s:.1f} requests/s, p50 {row.p50_ms:.1f} ms, "
        f"p99 {row.p99_ms:.1f} ms, {row.statements_per_request} statements/request; "
        f"limit {row.limit_requests_per_s:.1f} requests/s; ratio {row.ratio:.3g}"
        + (
            f"; server CPU {row.extra['server_cpu_ms_per_request']} ms/request"
            if "server_cpu_ms_per_request" in row.extra
            else ""
        ),
        flush=True,
    )


def _mode_env(mode: str | None) -> dict[str, str]:
    return {} if mode is None else {"PORTAL_COMPILED_READS": mode}


async def capture(scenario: Scenario, environment: dict[str, str]) -> Capture:
    """The scenario's request in process: once to warm up, once recorded; answer checked."""
    async with InProcess(environment) as app:
        warm = await app.post(scenario.body(), scenario.token)
        scenario.check(warm.json())
        recorded = await app.capture(scenario.captured_body(), scenario.token)
    scenario.check(recorded.answer)
    return recorded


async def over_http(
    scenario: Scenario, served: Served, options: Options
) -> tuple[LoadFigures, int, float]:
    """One request checked, a warm-up, then the measured run; the answer's field count and the
    server's CPU time per request (ms) during the run."""
    async with httpx.AsyncClient(timeout=30) as http:
        response = await http.post(
            f"{served.url}/graphql",
            json=scenario.body(),
            headers={"authorization": f"Bearer {scenario.token}"},
        )
    answer = response.json()
    scenario.check(answer)
    if scenario.repeatable:
        warm_bodies, bodies = [scenario.body()], [scenario.body()]
    else:  # a fifth for the warm-up, the rest for the measured run
        available = scenario.remaining()
        warm_bodies = scenario.bodies(available // 5)
        bodies = scenario.bodies(available - available // 5)

    def run(which: list[dict[str, Any]], seconds: float) -> load.Load:
        return load.Load(
            url=f"{served.url}/graphql",
            token=scenario.token,
            bodies=[json.dumps(body, separators=(",", ":")) for body in which],
            must_contain=scenario.must_contain,
            connections=options.connections,
            seconds=seconds,
            once=not scenario.repeatable,
        )

    await load.run(run(warm_bodies, options.warmup), options.generator)
    cpu_before = served.cpu_seconds()
    figures = await load.run(run(bodies, options.seconds), options.generator)
    cpu = served.cpu_seconds() - cpu_before
    if figures.failures:
        raise SystemExit(
            f"{scenario.key}: {figures.failures} of {figures.requests} requests failed under load"
        )
    return figures, count_values(answer.get("data")), cpu * 1000 / max(figures.requests, 1)


async def measure(
    scenario: Scenario,
    label: str,
    served: Served,
    recorded: Capture,
    data: Data,
    options: Options,
) -> list[Row]:
    http, fields, cpu_ms = await over_http(scenario, served, options)
    await scenario.reset()
    limit = await replay(
        data.url,
        scenario.work(recorded),
        concurrency=options.connections,
        seconds=options.seconds,
        warmup_seconds=options.warmup,
    )
    await scenario.reset()
    rows = [
        Row(
            label=label,
            title=scenario.title,
            requests_per_s=http.requests_per_s,
            p50_ms=http.p50_ms,
            p99_ms=http.p99_ms,
            statements_per_request=recorded.statements,
            limit_requests_per_s=limit.requests_per_s,
            ratio=http.requests_per_s / limit.requests_per_s,
            extra={
                "requests": http.requests,
                "seconds": round(http.seconds, 2),
                "fields_in_answer": fields,
                "server_cpu_ms_per_request": round(cpu_ms, 1),
                "transactions_per_request": len(recorded.transactions),
                "round_trips_per_request": recorded.round_trips,
                "pool_checkouts_per_request": recorded.checkouts,
                "limit_p50_ms": round(limit.p50_ms, 2),
                "limit_p99_ms": round(limit.p99_ms, 2),
                "limit_requests": limit.requests,
                "limit_seconds": round(limit.seconds, 2),
            },
        )
    ]
    if isinstance(scenario, TicketsPage):
        rows.append(await one_statement(scenario, label, recorded, http, data, options))
    return rows


async def one_statement(
    scenario: TicketsPage,
    label: str,
    recorded: Capture,
    http: LoadFigures,
    data: Data,
    options: Options,
) -> Row:
    """Q1's answer as one hand-written statement: the issue's "SQL limit"."""
    mine = await scenario.one_statement()
    same = mine == recorded.answer["data"]
    limit = await replay(
        data.url,
        scenario.one_statement_work(),
        concurrency=options.connections,
        seconds=options.seconds,
        warmup_seconds=options.warmup,
    )
    return Row(
        label=f"{label} vs one SQL statement",
        title=(
            "the same HTTP figures against one hand-written statement returning Q1's JSON "
            f"({'the same answer as' if same else 'NOT the same answer as'} the API's)"
        ),
        requests_per_s=http.requests_per_s,
        p50_ms=http.p50_ms,
        p99_ms=http.p99_ms,
        statements_per_request=1,
        limit_requests_per_s=limit.requests_per_s,
        ratio=http.requests_per_s / limit.requests_per_s,
        extra={
            "same_answer_as_the_api": same,
            "limit_p50_ms": round(limit.p50_ms, 2),
            "limit_p99_ms": round(limit.p99_ms, 2),
            "limit_requests": limit.requests,
        },
    )


def _describe(recorded: Capture) -> list[dict[str, Any]]:
    return [
        {
            "ends": t.ends,
            "statements": [
                {"sql": s.sql, "params": [repr(p) for p in s.params], "many": s.many is not None}
                for s in t.statements
            ],
        }
        for t in recorded.transactions
    ]


Planned = tuple[Scenario, Capture, str]


async def plan(data: Data, options: Options) -> tuple[dict[str | None, list[Planned]], list[str]]:
    """Each scenario's recorded request, by the PORTAL_COMPILED_READS it is to run with.
    Recorded before any server under load starts, so nothing else competes."""
    runs: dict[str | None, list[Planned]] = {mode: [] for mode in options.modes}
    notes: list[str] = []
    first = options.modes[0]
    several = len(options.modes) > 1
    reads: list[tuple[str, type[Scenario]]] = [("Q1", TicketsPage), ("Q2", DeviceReadings)]
    for key, kind in reads:
        if key not in options.only:
            continue
        recorded = {}
        for mode in options.modes:
            scenario = kind(data)
            recorded[mode] = (scenario, await capture(scenario, _environment(data, mode)))
        if several and all(c.shape() == recorded[first][1].shape() for _, c in recorded.values()):
            notes.append(
                f"{key}: PORTAL_COMPILED_READS="
                + " and ".join(str(m) for m in options.modes)
                + f" ran the same SQL: measured once, with {first}."
            )
            runs[first].append((*recorded[first], key))
            continue
        for mode, (scenario, captured) in recorded.items():
            label = f"{key} (compiled reads {mode})" if mode is not None else key
            runs[mode].append((scenario, captured, label))
    others: list[Scenario] = []
    if "Q3" in options.only:
        others.append(await MeterSubmission.prepare(data))
    if "Q4" in options.only:
        others.append(GuideSearch(data))
    for scenario in others:
        captured = await capture(scenario, _environment(data, first))
        runs[first].append((scenario, captured, scenario.key))
    return runs, notes


def _environment(data: Data, mode: str | None) -> dict[str, str]:
    return server_environment(data.url, **_mode_env(mode))


async def scenarios(
    data: Data, options: Options, statements: dict[str, Any]
) -> tuple[list[Row], list[str]]:
    runs, notes = await plan(data, options)
    rows: list[Row] = []
    for mode, planned in runs.items():
        if not planned:
            continue
        print(f"portal serve with PORTAL_COMPILED_READS={mode or '(unset)'}", flush=True)
        async with portal_server(data.url, SERVER_LOG, **_mode_env(mode)) as served:
            for scenario, captured, label in planned:
                statements[label] = _describe(captured)
                for row in await measure(scenario, label, served, captured, data, options):
                    print_row(row)
                    rows.append(row)
    return rows, notes


async def fan_out(server_url: str, options: Options) -> Row:
    subscribers = round(2000 * min(options.scale, 1.0))
    events = max(5, round(20 * min(options.scale, 1.0)))
    mode = options.modes[0]
    figures = await ticket_events_fanout.fan_out(
        server_url,
        subscribers,
        events,
        customers=100,
        replay_seconds=options.seconds,
        log=SERVER_LOG,
        **_mode_env(mode),
    )
    row = Row(
        label="Q5",
        title=f"ticket-event fan-out to {subscribers} subscribers (commit -> delivery)",
        requests_per_s=figures["deliveries_per_s"],
        p50_ms=figures["p50_ms"],
        p99_ms=figures["p99_ms"],
        statements_per_request=figures["statements_per_event"],
        limit_requests_per_s=figures["limit_deliveries_per_s"],
        ratio=figures["ratio"],
        extra={k: v for k, v in figures.items() if k not in ("p50_ms", "p99_ms", "ratio")},
    )
    print_row(row)
    print(
        f"    server memory: {figures['server_rss_idle_mb']} MB idle, "
        f"{figures['server_rss_with_subscribers_mb']} MB with {subscribers} subscribers "
        f"({figures['kb_per_subscriber']} KB each)",
        flush=True,
    )
    return row


def generator_label(generator: str, connections: int) -> str:
    if generator == "wrk":
        version = subprocess.run(["wrk", "-v"], capture_output=True, text=True, check=False)
        first = (version.stdout or version.stderr).strip().splitlines()
        name = first[0].split(" [")[0] if first else "wrk"
        return f"{name}, 1 thread, {connections} connections, Lua script"
    return f"Python asyncio HTTP/1.1 client (bench/load.py), {connections} connections"


def markdown(report: dict[str, Any], rows: list[Row], notes: list[str]) -> str:
    lines = [
        "# Benchmark results",
        "",
        f"{report['date']} · {report['machine']} · scale {report['scale']} · "
        f"{report['seconds']:g} s per run after a {report['warmup_seconds']:g} s warm-up · "
        f"load: {report['load_generator']} · load average (1 min) "
        f"{report['load_average_1min']['start']:.2f} at the start, "
        f"{report['load_average_1min']['end']:.2f} at the end",
        "",
        f"Data: {report['data_note']}",
        "",
        "| scenario | requests/s | p50 ms | p99 ms | statements/request "
        "| limit requests/s | ratio |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in rows:
        lines.append(
            f"| {row.label} | {row.requests_per_s:.1f} | {row.p50_ms:.1f} | {row.p99_ms:.1f} "
            f"| {row.statements_per_request} | {row.limit_requests_per_s:.1f} "
            f"| {row.ratio:.3g} |"
        )
    cpu = [
        f"{row.label} {row.extra['server_cpu_ms_per_request']} ms"
        for row in rows
        if "server_cpu_ms_per_request" in row.extra
    ]
    if cpu:
        lines += ["", "Server CPU per request during the HTTP run: " + ", ".join(cpu) + "."]
    lines += ["", "Scenarios:", ""]
    lines += [f"- {row.label}: {row.title}" for row in rows]
    if notes:
        lines += ["", "Notes:", ""]
        lines += [f"- {note}" for note in notes]
    return "\n".join(lines) + "\n"


def server_errors() -> str:
    """What the server processes complained of, counted by the message's first line."""
    if not SERVER_LOG.exists():
        return ""
    counts: dict[str, int] = {}
    for line in SERVER_LOG.read_text(errors="replace").splitlines():
        if " ERROR " in line or line.startswith("ERROR"):
            message = line.split(": ", 1)[-1].strip()
            counts[message] = counts.get(message, 0) + 1
    return "; ".join(f'{n} x "{message}"' for message, n in counts.items())


def machine() -> str:
    return f"{os.cpu_count()} cores, {platform.machine()}, {platform.system()}"


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=float(os.environ.get("BENCH_SCALE", 1)))
    parser.add_argument("--seconds", type=float, help="per run (default: 10 at scale 1)")
    parser.add_argument("--connections", type=int, default=10)
    parser.add_argument("--compiled-reads", choices=["0", "1"])
    parser.add_argument("--only", default=",".join(ALL), help="e.g. Q1,Q3")
    parser.add_argument("--load-generator", choices=["auto", "wrk", "python"], default="auto")
    args = parser.parse_args()
    seconds = args.seconds or max(3.0, 10 * min(args.scale, 1.0))
    generator = args.load_generator
    if generator == "auto":
        generator = "wrk" if load.wrk_available() else "python"
    elif generator == "wrk" and not load.wrk_available():
        raise SystemExit("wrk is not installed")
    options = Options(
        scale=args.scale,
        seconds=seconds,
        warmup=max(1.0, seconds / 5),
        connections=args.connections,
        generator=generator,
        modes=[args.compiled_reads] if args.compiled_reads else ["0", "1"],
        only=tuple(key.strip().upper() for key in args.only.split(",")),
    )
    label = generator_label(generator, options.connections)
    print(f"load generator: {label}", flush=True)
    # Anything else running on the machine shows here (the cores are shared).
    load_before = os.getloadavg()[0]
    statements: dict[str, Any] = {}
    SERVER_LOG.unlink(missing_ok=True)
    with postgres_server() as server_url:
        url, recorded, fresh = await generate.ensure(server_url, options.scale)
        if fresh:
            data_note = (
                f"generated at scale {options.scale} in {recorded['seconds']['total']} s "
                f"(COPY {recorded['seconds']['copy']} s, VACUUM, ANALYZE and CHECKPOINT "
                f"{recorded['seconds']['vacuum_analyze_checkpoint']} s)"
            )
        else:
            data_note = (
                f"scale {options.scale}, generated {recorded['generated_at'][:19]} in "
                f"{recorded['seconds']['total']} s, reused"
            )
        rows_counted = ", ".join(f"{n:,} {table}" for table, n in recorded["rows"].items())
        data_note += f"; {rows_counted}"
        print(f"data: {data_note}", flush=True)
        data = await data_for(url, datetime.fromisoformat(recorded["generated_at"]))
        rows, notes = await scenarios(data, options, statements)
        if "Q5" in options.only:
            print("Q5: fan-out on its own database", flush=True)
            rows.append(await fan_out(server_url, options))
    notes.append(
        "limit = the statements one request ran (recorded in process), replayed from "
        "asyncpg with the same parameters, with BEGIN and COMMIT/ROLLBACK where the server "
        "sent them, over the same number of connections (the pool pings nothing on checkout; "
        "`pool_checkouts_per_request` in latest.json)."
    )
    if "Q5" in options.only:
        notes.append(
            "Q5: requests/s = deliveries per second (an event's subscribers over the time its "
            "last delivery took); statements/request = statements per event, which serve "
            "every subscriber; limit = the event's SQL replayed on one connection (events/s) "
            "times the subscribers."
        )
    rows.sort(key=lambda row: (row.label.split(" ")[0], row.label))  # Q1 both ways together
    if logged := server_errors():
        notes.append(f"the server logged {logged} (bench/results/server.log).")
    report = {
        "date": datetime.now(UTC).date().isoformat(),
        "machine": machine(),
        "load_average_1min": {"start": load_before, "end": os.getloadavg()[0]},
        "scale": options.scale,
        "seconds": options.seconds,
        "warmup_seconds": options.warmup,
        "connections": options.connections,
        "load_generator": label,
        "data": recorded,
        "data_note": data_note,
        "scenarios": {row.label: row.as_json() for row in rows},
        "notes": notes,
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(report, indent=2) + "\n")
    (RESULTS / "statements.json").write_text(json.dumps(statements, indent=2) + "\n")
    (RESULTS / "latest.md").write_text(markdown(report, rows, notes))
    print("written: bench/results/latest.md, latest.json, statements.json")


if __name__ == "__main__":
    asyncio.run(main())
