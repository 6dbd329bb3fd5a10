"""The benchmark's data: a provider with 200 customer accounts at scale 1.0, loaded with COPY.

    .venv/bin/python -m bench.generate [--scale 1.0] [--force]

At scale 1.0: 200 accounts, 20,000 devices (40 models), 200,000 cases with 700,000 messages,
1,000,000 meter readings (50 a device, a week apart, never decreasing), 1,000 guides; an
admin per account, 5 customers per account with 2 devices each, one staff member. Cases
per account (1,000) and readings per device (50) stay the same at every scale.

The database (`portal_bench`) is migrated first and the rows go into the real tables, so
every check constraint, foreign key and unique index of the schema holds. It records what
it holds in its COMMENT; a later run at the same scale, migration head and version of this
file loads nothing.
Deterministic: the same scale always gives the same rows (but not the same timestamps).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import hashlib
import itertools
import json
import random
import time
import uuid
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
from sqlalchemy import select

from auth.authentication import open_session
from bench.common import postgres_server
from models import User, schema_version
from models.database import Database
from portal.embedded_db import ensure_database
from portal.integration_tokens import create_token
from portal.settings import DEVELOPMENT_SECRET_KEY, Settings
from resolvers.ticket_rules import ROUTING

DATABASE_NAME = "portal_bench"
COMMENT_PREFIX = "portal bench data: "
SEED = 20261125
STAFF_EMAIL = "staff@bench.example"
CUSTOMERS_PER_ACCOUNT = 5
DEVICES_PER_CUSTOMER = 2
MODELS = 40
READING_INTERVAL_DAYS = 7
METERS_TOKEN_NAME = "bench-meters"
# Data made by another version of this file is made again.
GENERATOR_VERSION = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:12]


@dataclasses.dataclass(frozen=True)
class Volume:
    accounts: int
    devices: int
    tickets: int
    messages: int
    readings: int
    guides: int

    @classmethod
    def at(cls, scale: float) -> Volume:
        def n(count: int, least: int) -> int:
            return max(round(count * scale), least)

        return cls(
            accounts=n(200, 1),
            devices=n(20_000, 10),
            tickets=n(200_000, 10),
            messages=n(700_000, 10),
            readings=n(1_000_000, 10),
            guides=n(1_000, 400),  # the catalogue: hardly smaller for fewer customers
        )


def admin_email(account: int) -> str:
    return f"admin-{account:05d}@bench.example"


def customer_email(account: int, n: int) -> str:
    return f"customer-{account:05d}-{n}@bench.example"


def account_external_id(account: int) -> str:
    return f"ACC-{account:05d}"


def device_external_id(device: int) -> str:
    return f"DEV-{device:06d}"


# Text that reads like the real thing, so rows are the size of real rows and full-text
# search has real words to stem.
SUBJECTS = [
    "Paper jam in tray 2", "Toner low warning will not clear", "Streaks on colour prints",
    "Scanner does not send to e-mail", "Device shows error E-204", "Fuser noise when printing",
    "Meter reading looks wrong", "Order more staples", "Cannot print from the laptop",
    "Pappersstopp i fack 1", "Randiga utskrifter i färg", "Skannern skickar inte e-post",
    "Fel på fixeringsenheten", "Frågor om fakturan", "Byt adress för leveranser",
    "Slow first page in the morning", "Drum unit needs replacing", "Wi-Fi drops every hour",
]  # fmt: skip
SENTENCES = [
    "We restarted the device but the problem is still there.",
    "It happens mostly in the morning when many people print at once.",
    "A technician is booked for Thursday between 10 and 12.",
    "Could you check whether the tray guides are set to A4?",
    "The error came back after about fifty pages.",
    "Vi har startat om skrivaren men felet kvarstår.",
    "Teknikern kommer på torsdag förmiddag.",
    "Please send a photo of the display with the error code.",
    "The replacement part has been ordered and ships today.",
    "Thanks, that solved it for now; we will get back if it returns.",
    "Kan ni kontrollera att rätt papper ligger i facket?",
    "We updated the firmware remotely; please try again.",
]
PROBLEMS_EN = [
    ("paper jam", "Clear a paper jam in the {part}"),
    ("toner", "Replace the toner cartridge of the {part}"),
    ("streaks", "Remove streaks and smudges from prints of the {part}"),
    ("scan to e-mail", "Set up scan to e-mail on the {part}"),
    ("wireless", "Reconnect the {part} to the wireless network"),
    ("drum", "Replace the drum unit of the {part}"),
    ("staples", "Refill the staple cartridge of the {part}"),
    ("error code", "What an error code on the {part} means"),
]
PROBLEMS_SV = [
    ("pappersstopp", "Åtgärda pappersstopp i {part}"),
    ("toner", "Byt tonerkassett i {part}"),
    ("ränder", "Ta bort ränder på utskrifter från {part}"),
    ("skanna", "Ställ in skanna till e-post på {part}"),
    ("trådlöst", "Anslut {part} till det trådlösa nätverket igen"),
    ("trumma", "Byt trumenhet i {part}"),
    ("häftklamrar", "Fyll på häftklamrar i {part}"),
    ("felkod", "Vad en felkod på {part} betyder"),
]
PARTS_EN = ["tray 1", "tray 2", "bypass tray", "finisher", "duplex unit", "office printer"]
PARTS_SV = ["fack 1", "fack 2", "manuellt fack", "efterbehandlaren", "duplexenheten"]
STEPS_EN = [
    "Switch the device off and wait ten seconds.",
    "Open the front cover and pull out the {part} carefully.",
    "Remove any torn paper, pulling in the direction of the paper path.",
    "Shake the new cartridge gently five times before inserting it.",
    "Clean the scanner glass with a dry, lint-free cloth.",
    "Print a test page from the device menu.",
    "Check that the paper guides touch the stack without bending it.",
    "If the problem persists, raise a case and quote the error code.",
]
STEPS_SV = [
    "Stäng av enheten och vänta tio sekunder.",
    "Öppna frontluckan och dra försiktigt ut {part}.",
    "Ta bort trasigt papper i pappersbanans riktning.",
    "Skaka den nya kassetten försiktigt fem gånger innan du sätter i den.",
    "Rengör skannerglaset med en torr, luddfri trasa.",
    "Skriv ut en testsida från enhetens meny.",
    "Kontrollera att pappersstöden ligger an mot bunten utan att böja den.",
    "Om felet kvarstår, skapa ett ärende och ange felkoden.",
]
CITIES = [
    ("SE", "Europe/Stockholm", "Stockholm"), ("SE", "Europe/Stockholm", "Göteborg"),
    ("SE", "Europe/Stockholm", "Malmö"), ("GB", "Europe/London", "London"),
    ("GB", "Europe/London", "Manchester"), ("NO", "Europe/Oslo", "Oslo"),
]  # fmt: skip

CATEGORY_WEIGHTS = {
    "FAULT": 45, "SUPPLIES": 15, "METER_READING": 10, "OTHER": 10, "ACCOUNT_QUESTION": 15,
    "MOVE_REQUEST": 3, "REMOVAL_REQUEST": 2,
}  # fmt: skip
OPEN_STATUSES = ["NEW", "OPEN", "IN_PROGRESS", "WAITING_ON_CUSTOMER", "RESOLVED"]
DEPARTMENTS = {category.value: department.value for category, department in ROUTING.items()}


class Ids:
    """Deterministic UUIDs (version 4 layout) from the generator's seed."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def __call__(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def many(self, count: int) -> list[uuid.UUID]:
        return [self() for _ in range(count)]


@dataclasses.dataclass
class Plan:
    """The ids everything else refers to, drawn once."""

    volume: Volume
    now: datetime
    rng: random.Random
    ids: Ids
    model_ids: list[uuid.UUID]
    model_colour: list[bool]
    account_ids: list[uuid.UUID]
    account_country: list[int]
    staff_id: uuid.UUID
    admin_ids: list[uuid.UUID]
    customer_ids: list[list[uuid.UUID]]
    device_ids: list[uuid.UUID]
    device_account: list[int]
    device_model: list[int]
    devices_of: list[list[int]]
    meters_token_id: uuid.UUID | None = None

    @classmethod
    def draw(cls, volume: Volume, now: datetime) -> Plan:
        rng = random.Random(SEED)
        ids = Ids(rng)
        device_account = [d * volume.accounts // volume.devices for d in range(volume.devices)]
        devices_of: list[list[int]] = [[] for _ in range(volume.accounts)]
        for device, account in enumerate(device_account):
            devices_of[account].append(device)
        return cls(
            volume=volume,
            now=now,
            rng=rng,
            ids=ids,
            model_ids=ids.many(MODELS),
            model_colour=[m % 5 >= 2 for m in range(MODELS)],  # 60 % colour
            account_ids=ids.many(volume.accounts),
            account_country=[rng.randrange(len(CITIES)) for _ in range(volume.accounts)],
            staff_id=ids(),
            admin_ids=ids.many(volume.accounts),
            customer_ids=[ids.many(CUSTOMERS_PER_ACCOUNT) for _ in range(volume.accounts)],
            device_ids=ids.many(volume.devices),
            device_account=device_account,
            device_model=[rng.randrange(MODELS) for _ in range(volume.devices)],
            devices_of=devices_of,
        )


def _spread(total: int, parts: int, rng: random.Random) -> list[int]:
    """`total` split over `parts`, each at least total // parts, the rest at random."""
    base, extra = divmod(total, parts)
    counts = [base] * parts
    for index in rng.sample(range(parts), extra):
        counts[index] += 1
    return counts


def _models(plan: Plan) -> Iterator[tuple[Any, ...]]:
    for m, model_id in enumerate(plan.model_ids):
        colour = plan.model_colour[m]
        kinds = ["TOTAL", "BLACK", "COLOR"] if colour else ["TOTAL", "BLACK"]
        family = "C" if colour else "M"
        yield (model_id, f"BX-{family}{300 + m * 5}", f"Bench {family}{300 + m * 5}", kinds)


def _accounts(plan: Plan) -> Iterator[tuple[Any, ...]]:
    for a, account_id in enumerate(plan.account_ids):
        country, tz, city = CITIES[plan.account_country[a]]
        yield (
            account_id, account_external_id(a), str(200000 + a),
            f"Customer {a:05d} {'AB' if country == 'SE' else 'Ltd'}", tz,
            f"Industrigatan {a % 90 + 1}", f"{11000 + a % 8000}", city, country,
            a % 3 == 0,
        )  # fmt: skip


def _users(plan: Plan) -> Iterator[tuple[Any, ...]]:
    yield (plan.staff_id, STAFF_EMAIL, "Sam Staff", "en", "STAFF", plan.now)
    for a in range(plan.volume.accounts):
        locale = "sv" if CITIES[plan.account_country[a]][0] == "SE" else "en"
        yield (plan.admin_ids[a], admin_email(a), f"Admin {a:05d}", locale, "CUSTOMER", plan.now)
        for n, user_id in enumerate(plan.customer_ids[a]):
            yield (
                user_id, customer_email(a, n), f"Customer {a:05d}-{n}", locale, "CUSTOMER",
                plan.now,
            )  # fmt: skip


def _memberships(plan: Plan) -> Iterator[tuple[Any, ...]]:
    for a, account_id in enumerate(plan.account_ids):
        yield (account_id, plan.admin_ids[a], "ADMIN")
        for user_id in plan.customer_ids[a]:
            yield (account_id, user_id, "CUSTOMER")


def _devices(plan: Plan) -> Iterator[tuple[Any, ...]]:
    rng = plan.rng
    for d, device_id in enumerate(plan.device_ids):
        a = plan.device_account[d]
        country, _, city = CITIES[plan.account_country[a]]
        yield (
            device_id, device_external_id(d), plan.account_ids[a], f"SN-BX-{d:07d}",
            plan.model_ids[plan.device_model[d]], "ACTIVE", f"Industrigatan {a % 90 + 1}",
            f"{11000 + a % 8000}", city, country, f"Floor {d % 6}", f"Room {d % 40 + 100}",
            rng.choice((4, 8, 8, 16, 24)),
        )  # fmt: skip


def _assignments(plan: Plan) -> Iterator[tuple[Any, ...]]:
    rng = plan.rng
    for a, account_id in enumerate(plan.account_ids):
        devices = plan.devices_of[a]
        for user_id in plan.customer_ids[a]:
            for d in rng.sample(devices, min(DEVICES_PER_CUSTOMER, len(devices))):
                yield (plan.device_ids[d], user_id, account_id)


@dataclasses.dataclass(frozen=True)
class TicketRow:
    id: uuid.UUID
    created_at: datetime
    creator: uuid.UUID


def _tickets(plan: Plan, into: list[TicketRow]) -> Iterator[tuple[Any, ...]]:
    """Cases over the last two years, numbered in the order they were raised."""
    rng = plan.rng
    volume = plan.volume
    span = timedelta(days=730)
    start = plan.now - span - timedelta(hours=1)
    step = span / volume.tickets
    categories = list(CATEGORY_WEIGHTS)
    weights = list(CATEGORY_WEIGHTS.values())
    for t in range(volume.tickets):
        ticket_id = plan.ids()
        created = start + step * (t + rng.random())
        a = rng.randrange(volume.accounts)
        category = rng.choices(categories, weights)[0]
        device = None if category == "ACCOUNT_QUESTION" else rng.choice(plan.devices_of[a])
        if category == "OTHER" and rng.random() < 0.5:
            device = None
        age = plan.now - created
        # One open move or removal per device at most (a partial unique index): old ones only.
        if category in ("MOVE_REQUEST", "REMOVAL_REQUEST") or age > timedelta(days=45):
            status = rng.choices(("CLOSED", "RESOLVED", "CANCELLED"), (75, 10, 15))[0]
        else:
            status = rng.choice(OPEN_STATUSES)
        creator = rng.choice((plan.admin_ids[a], *plan.customer_ids[a]))
        responded = created + timedelta(hours=rng.uniform(0.2, 6))
        into.append(TicketRow(ticket_id, created, creator))
        yield (
            ticket_id, f"CS-{created.year}-{t + 1:06d}", plan.account_ids[a],
            plan.device_ids[device] if device is not None else None, category,
            DEPARTMENTS[category], status, rng.choices(("NORMAL", "HIGH", "LOW"), (85, 10, 5))[0],
            rng.choice(SUBJECTS), " ".join(rng.sample(SENTENCES, 3)), creator,
            None if status == "NEW" else plan.staff_id, created, created,
            created + timedelta(hours=8),
            None if status == "NEW" or responded > plan.now else responded,
            created + timedelta(days=2) if status in ("RESOLVED", "CLOSED") else None,
        )  # fmt: skip


def _messages(plan: Plan, tickets: Sequence[TicketRow]) -> Iterator[tuple[Any, ...]]:
    """Each case's conversation: the customer and staff in turn, some internal staff notes."""
    rng = plan.rng
    counts = _spread(plan.volume.messages, len(tickets), rng)
    for ticket, count in zip(tickets, counts, strict=True):
        window = min(plan.now - ticket.created_at, timedelta(days=10))
        for k in range(count):
            by_staff = k % 2 == 1
            yield (
                plan.ids(), ticket.id, plan.staff_id if by_staff else ticket.creator,
                " ".join(rng.sample(SENTENCES, rng.randint(1, 4))),
                by_staff and rng.random() < 0.15,
                ticket.created_at + window * ((k + 1) / (count + 1)),
            )  # fmt: skip


def _readings(plan: Plan) -> Iterator[tuple[Any, ...]]:
    """A week apart, ending at least two days ago (so today is free for submissions), never
    decreasing, BLACK + COLOR = TOTAL on colour devices; a few voided, with their reason."""
    rng = plan.rng
    counts = _spread(plan.volume.readings, plan.volume.devices, rng)
    today = plan.now.date()
    for d, count in enumerate(counts):
        device_id = plan.device_ids[d]
        colour = plan.model_colour[plan.device_model[d]]
        admin = plan.admin_ids[plan.device_account[d]]
        last: date = today - timedelta(days=2 + rng.randrange(7))
        total = rng.randint(1_000, 400_000)
        rate = rng.uniform(20, 400)
        for k in range(count):
            read_on = last - timedelta(days=READING_INTERVAL_DAYS * (count - 1 - k))
            total += int(rate * READING_INTERVAL_DAYS * rng.uniform(0.6, 1.4))
            color = int(total * 0.3) if colour else None
            black = total - color if color is not None else total
            source = rng.choices(("INTEGRATION", "PORTAL", "STAFF"), (60, 35, 5))[0]
            submitted = datetime(read_on.year, read_on.month, read_on.day, 9, tzinfo=UTC)
            submitted += timedelta(minutes=rng.randrange(480))
            voided = rng.random() < 0.005
            yield (
                plan.ids(), device_id, read_on, submitted,
                admin if source == "PORTAL" else (plan.staff_id if source == "STAFF" else None),
                plan.meters_token_id if source == "INTEGRATION" else None, source,
                total, black, color, False,
                submitted + timedelta(hours=1) if voided else None,
                plan.staff_id if voided else None, "Typed in twice" if voided else None,
            )  # fmt: skip


def _guides(plan: Plan, links: list[tuple[uuid.UUID, uuid.UUID]]) -> Iterator[tuple[Any, ...]]:
    rng = plan.rng
    for g in range(plan.volume.guides):
        guide_id = plan.ids()
        swedish = g % 2 == 1
        problems, parts, steps = (
            (PROBLEMS_SV, PARTS_SV, STEPS_SV) if swedish else (PROBLEMS_EN, PARTS_EN, STEPS_EN)
        )
        topic, title = problems[g // 2 % len(problems)]
        part = rng.choice(parts)
        instructions = [s.format(part=part) for s in rng.sample(steps, rng.randint(3, 7))]
        # 60 % apply to a few models; the rest to every model.
        if rng.random() < 0.6:
            for m in rng.sample(range(MODELS), rng.randint(1, 3)):
                links.append((guide_id, plan.model_ids[m]))
        views = rng.randrange(5000)
        yield (
            guide_id, f"G-{g:05d}", "sv" if swedish else "en",
            f"{title.format(part=part)} ({g})",
            f"{topic.capitalize()}: {instructions[0]}", json.dumps(instructions),
            views, views // 3, views // 10,
        )  # fmt: skip


COLUMNS: dict[str, list[str]] = {
    "device_models": ["id", "code", "name", "meter_kinds"],
    "accounts": [
        "id", "external_id", "customer_number", "name", "timezone", "billing_street",
        "billing_postal_code", "billing_city", "billing_country", "consumables_included",
    ],
    "users": ["id", "email", "name", "locale", "kind", "email_verified_at"],
    "memberships": ["account_id", "user_id", "role"],
    "devices": [
        "id", "external_id", "account_id", "serial_number", "model_id", "status",
        "location_street", "location_postal_code", "location_city", "location_country",
        "location_floor", "location_room", "response_hours",
    ],
    "device_assignments": ["device_id", "user_id", "account_id"],
    "tickets": [
        "id", "number", "account_id", "device_id", "category", "department", "status",
        "priority", "subject", "description", "created_by", "assignee_id", "created_at",
        "updated_at", "response_due_at", "first_responded_at", "resolved_at",
    ],
    "ticket_messages": ["id", "ticket_id", "author_id", "body", "internal", "created_at"],
    "meter_readings": [
        "id", "device_id", "read_on", "submitted_at", "submitted_by", "integration_token_id",
        "source", "total", "black", "color", "flagged_for_review", "voided_at", "voided_by",
        "void_reason",
    ],
    # `search` is a generated column: PostgreSQL computes it from these.
    "guides": [
        "id", "external_id", "locale", "title", "summary", "steps", "views", "solved",
        "not_solved",
    ],
    "guide_models": ["guide_id", "model_id"],
}  # fmt: skip


async def _copy(connection: asyncpg.Connection, table: str, rows: Iterable[tuple[Any, ...]]) -> int:
    """COPY in batches, so the rows are produced while PostgreSQL stores the previous ones."""
    copied = 0
    iterator = iter(rows)
    while batch := list(itertools.islice(iterator, 50_000)):
        await connection.copy_records_to_table(table, records=batch, columns=COLUMNS[table])
        copied += len(batch)
    return copied


async def dataset(url: str) -> dict[str, Any] | None:
    """What the database says it holds (its COMMENT), or None."""
    connection = await asyncpg.connect(url)
    try:
        comment = await connection.fetchval(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database "
            "WHERE datname = current_database()"
        )
    finally:
        await connection.close()
    if not comment or not comment.startswith(COMMENT_PREFIX):
        return None
    recorded: dict[str, Any] = json.loads(comment.removeprefix(COMMENT_PREFIX))
    return recorded


async def load(url: str, scale: float) -> dict[str, Any]:
    """Migrate the (empty) database at `url` and fill it; returns what was recorded."""
    started = time.perf_counter()
    await schema_version.upgrade(url)
    migrated = time.perf_counter()
    volume = Volume.at(scale)
    now = datetime.now(UTC)
    plan = Plan.draw(volume, now)
    database = Database(url, pool_size=1, max_overflow=0)
    try:
        await create_token(database, DEVELOPMENT_SECRET_KEY, "fleet-monitoring", ["meters"])
    finally:
        await database.dispose()
    first = await asyncpg.connect(url)
    second = await asyncpg.connect(url)
    counts: dict[str, int] = {}
    try:
        plan.meters_token_id = await first.fetchval(
            "SELECT id FROM integration_tokens WHERE name = 'fleet-monitoring'"
        )
        links: list[tuple[uuid.UUID, uuid.UUID]] = []
        for table, rows in (
            ("device_models", _models(plan)),
            ("accounts", _accounts(plan)),
            ("users", _users(plan)),
            ("memberships", _memberships(plan)),
            ("devices", _devices(plan)),
            ("device_assignments", _assignments(plan)),
            ("guides", _guides(plan, links)),
            ("guide_models", iter(links)),
        ):
            counts[table] = await _copy(first, table, rows)
        # Readings on one connection while cases and then their messages go in on the other:
        # two backends and this process share the two cores.
        tickets: list[TicketRow] = []

        async def cases() -> None:
            counts["tickets"] = await _copy(first, "tickets", _tickets(plan, tickets))
            counts["ticket_messages"] = await _copy(
                first, "ticket_messages", _messages(plan, tickets)
            )

        async def meters() -> None:
            # Random numbers of their own: the two loads interleave in no fixed order.
            own = dataclasses.replace(
                plan, rng=random.Random(SEED + 1), ids=Ids(random.Random(SEED + 2))
            )
            counts["meter_readings"] = await _copy(second, "meter_readings", _readings(own))

        await asyncio.gather(cases(), meters())
        # New cases continue after the loaded ones.
        await first.execute("SELECT setval('ticket_numbers', $1)", volume.tickets)
        copied = time.perf_counter()
        # VACUUM, not only ANALYZE: it sets the hint bits and the visibility map now, rather
        # than during the first measurements (or an autovacuum in the middle of them).
        await asyncio.gather(
            first.execute("VACUUM (ANALYZE) tickets, ticket_messages"),
            second.execute("VACUUM (ANALYZE) meter_readings"),
        )
        await first.execute("ANALYZE")
        # The load's dirty pages written now, not by a checkpoint during the measurements.
        with contextlib.suppress(asyncpg.InsufficientPrivilegeError):
            await first.execute("CHECKPOINT")
        analysed = time.perf_counter()
        recorded = {
            "scale": scale,
            "revision": schema_version.head_revision(),
            "generator": GENERATOR_VERSION,
            "generated_at": now.isoformat(),
            "rows": counts,
            "seconds": {
                "migrate": round(migrated - started, 1),
                "copy": round(copied - migrated, 1),
                "vacuum_analyze_checkpoint": round(analysed - copied, 1),
                "total": round(analysed - started, 1),
            },
        }
        name, comment = await first.fetchrow(
            "SELECT quote_ident(current_database()), quote_literal($1::text)",
            COMMENT_PREFIX + json.dumps(recorded),
        )
        await first.execute(f"COMMENT ON DATABASE {name} IS {comment}")
    finally:
        await first.close()
        await second.close()
    return recorded


async def ensure(
    server_url: str, scale: float, *, force: bool = False
) -> tuple[str, dict[str, Any], bool]:
    """The bench database at this scale: reused when it holds exactly that, else made afresh
    (the last item says which)."""
    url = await ensure_database(server_url, DATABASE_NAME)
    recorded = await dataset(url)
    if (
        not force
        and recorded is not None
        and recorded.get("scale") == scale
        and recorded.get("revision") == schema_version.head_revision()
        and recorded.get("generator") == GENERATOR_VERSION
    ):
        return url, recorded, False
    url = await ensure_database(server_url, DATABASE_NAME, recreate=True)
    return url, await load(url, scale), True


async def open_sessions(url: str, emails: Sequence[str]) -> dict[str, str]:
    """A fresh sign-in for each of these people (tokens exist in clear only when made)."""
    settings = Settings(database_url=url)
    database = Database(url, pool_size=1, max_overflow=0)
    tokens: dict[str, str] = {}
    try:
        async with database.session() as session, session.begin():
            for email in emails:
                user_id = await session.scalar(select(User.id).where(User.email == email))
                if user_id is None:
                    raise SystemExit(f"{email} is not in the bench data")
                tokens[email] = await open_session(session, user_id, settings)
    finally:
        await database.dispose()
    return tokens


async def meters_token(url: str) -> str:
    """A fresh `meters` integration token (the old one's row goes, the readings keep theirs)."""
    connection = await asyncpg.connect(url)
    try:
        await connection.execute(
            "DELETE FROM integration_tokens WHERE name = $1", METERS_TOKEN_NAME
        )
    finally:
        await connection.close()
    database = Database(url, pool_size=1, max_overflow=0)
    try:
        return await create_token(database, DEVELOPMENT_SECRET_KEY, METERS_TOKEN_NAME, ["meters"])
    finally:
        await database.dispose()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--force", action="store_true", help="load afresh even if present")
    args = parser.parse_args()
    with postgres_server() as server_url:
        started = time.perf_counter()
        _, recorded, _ = await ensure(server_url, args.scale, force=args.force)
        print(json.dumps(recorded, indent=2))
        print(f"done in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    asyncio.run(main())
