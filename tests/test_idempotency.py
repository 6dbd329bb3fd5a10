"""Idempotency keys: a retried create returns the first result and creates nothing."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, update

from models import IdempotencyKey, Invitation, MeterReading, OutboxEmail, SupplyOrder, Ticket
from models.database import Database
from tests.support import Api
from tests.world import World

CREATE = """
mutation ($input: CreateTicketInput!) {
  createTicket(input: $input) { ticket { id number } userErrors { field code } }
}
"""


def case(world: World, key: str | None, subject: str = "Printer beeps") -> dict[str, Any]:
    return {
        "accountId": world.ids["account_a"],
        "deviceId": world.ids["a1"],
        "category": "FAULT",
        "subject": subject,
        "description": "It beeps every minute.",
        "idempotencyKey": key,
    }


async def count(database: Database, model: Any) -> int:
    async with database.session() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_a_retry_returns_the_first_case_and_creates_nothing(
    api: Api, world: World, database: Database
) -> None:
    customer = api.as_(world.tokens["customer_a"])
    first = (await customer.data(CREATE, {"input": case(world, "retry-1")}))["createTicket"]
    again = (await customer.data(CREATE, {"input": case(world, "retry-1")}))["createTicket"]
    assert again == first
    assert await count(database, Ticket) == 1
    without_key = (await customer.data(CREATE, {"input": case(world, None)}))["createTicket"]
    assert without_key["ticket"]["id"] != first["ticket"]["id"]


async def test_the_same_key_with_another_input_is_refused(
    api: Api, world: World, database: Database
) -> None:
    customer = api.as_(world.tokens["customer_a"])
    await customer.data(CREATE, {"input": case(world, "k")})
    other = await customer.data(CREATE, {"input": case(world, "k", subject="Something else")})
    assert other["createTicket"]["userErrors"] == [
        {"field": ["input", "idempotencyKey"], "code": "INVALID_INPUT"}
    ]
    assert await count(database, Ticket) == 1


async def test_keys_are_per_viewer_and_last_a_day(
    api: Api, world: World, database: Database
) -> None:
    mine = await api.as_(world.tokens["customer_a"]).data(CREATE, {"input": case(world, "k")})
    theirs = await api.as_(world.tokens["admin_a"]).data(CREATE, {"input": case(world, "k")})
    assert mine["createTicket"]["ticket"]["id"] != theirs["createTicket"]["ticket"]["id"]
    async with database.session() as session, session.begin():
        await session.execute(
            update(IdempotencyKey).values(created_at=func.now() - func.make_interval(0, 0, 0, 2))
        )
    later = await api.as_(world.tokens["customer_a"]).data(CREATE, {"input": case(world, "k")})
    assert later["createTicket"]["ticket"]["id"] != mine["createTicket"]["ticket"]["id"]
    assert await count(database, Ticket) == 3


async def test_concurrent_retries_create_one(api: Api, world: World, database: Database) -> None:
    customer = api.as_(world.tokens["customer_a"])
    answers = await asyncio.gather(
        *(customer.data(CREATE, {"input": case(world, "burst")}) for _ in range(5))
    )
    assert len({answer["createTicket"]["ticket"]["id"] for answer in answers}) == 1
    assert await count(database, Ticket) == 1


INVITE = """
mutation ($input: InviteUserInput!) { inviteUser(input: $input) { invited userErrors { code } } }
"""


async def test_a_retried_invitation_sends_one(api: Api, world: World, database: Database) -> None:
    admin = api.as_(world.tokens["admin_a"])
    invitation = {
        "accountId": world.ids["account_a"],
        "email": "once@example.com",
        "name": "Once",
        "role": "CUSTOMER",
        "idempotencyKey": "invite-once",
    }
    for _ in range(2):
        assert (await admin.data(INVITE, {"input": invitation}))["inviteUser"]["invited"] is True
    assert await count(database, Invitation) == 1


@dataclasses.dataclass(frozen=True)
class Create:
    """A create mutation with an idempotency key: its document, who calls it, a valid input
    (`variant` 0 or 1: two different inputs) and what one call creates."""

    field: str
    document: str
    role: str
    input: Callable[[World, str, int], dict[str, Any]]
    creates: type[Any]


def in_days(days: int) -> str:
    return (date.today() + timedelta(days=days)).isoformat()


CREATES = [
    Create(
        "requestDeviceMove",
        """mutation ($input: RequestDeviceMoveInput!) {
          requestDeviceMove(input: $input) { ticket { id number } userErrors { field code } }
        }""",
        "customer_a",
        lambda world, key, variant: {
            "deviceId": world.ids["a1"],
            "requestedDate": in_days(1 + variant),
            "newLocation": {
                "room": "B12",
                "address": {
                    "street": "Nya vägen 1",
                    "postalCode": "222 22",
                    "city": "Lund",
                    "country": "SE",
                },
            },
            "idempotencyKey": key,
        },
        Ticket,
    ),
    Create(
        "requestDeviceRemoval",
        """mutation ($input: RequestDeviceRemovalInput!) {
          requestDeviceRemoval(input: $input) { ticket { id number } userErrors { field code } }
        }""",
        "admin_a",
        lambda world, key, variant: {
            "deviceId": world.ids["a2"],
            "requestedDate": in_days(1),
            "reason": ["Contract ends", "Replaced"][variant],
            "idempotencyKey": key,
        },
        Ticket,
    ),
    Create(
        "orderSupplies",
        """mutation ($input: OrderSuppliesInput!) {
          orderSupplies(input: $input) { supplyOrder { id number } userErrors { field code } }
        }""",
        "customer_a",
        lambda world, key, variant: {
            "deviceId": world.ids["a1"],
            "lines": [{"itemId": world.ids["toner"], "quantity": 1 + variant}],
            "idempotencyKey": key,
        },
        SupplyOrder,
    ),
    Create(
        "submitMeterReading",
        """mutation ($input: SubmitMeterReadingInput!) {
          submitMeterReading(input: $input) {
            meterReading { id readOn values { kind value } } userErrors { field code }
          }
        }""",
        "admin_a",
        lambda world, key, variant: {
            "deviceId": world.ids["a1"],
            "values": [{"kind": "TOTAL", "value": 1000 + variant}],
            "idempotencyKey": key,
        },
        MeterReading,
    ),
]


@pytest.mark.parametrize("create", CREATES, ids=lambda create: create.field)
async def test_a_retry_returns_the_first_result_and_creates_nothing(
    api: Api, world: World, database: Database, create: Create
) -> None:
    caller = api.as_(world.tokens[create.role])
    variables = {"input": create.input(world, "retry-1", 0)}
    first = (await caller.data(create.document, variables))[create.field]
    assert first["userErrors"] == []
    created, emails = await count(database, create.creates), await count(database, OutboxEmail)
    assert created == 1
    again = (await caller.data(create.document, variables))[create.field]
    assert again == first
    assert await count(database, create.creates) == created
    assert await count(database, OutboxEmail) == emails  # nor is anything sent twice


@pytest.mark.parametrize("create", CREATES, ids=lambda create: create.field)
async def test_the_same_key_with_another_input_is_invalid_input(
    api: Api, world: World, database: Database, create: Create
) -> None:
    caller = api.as_(world.tokens[create.role])
    first = await caller.data(create.document, {"input": create.input(world, "k", 0)})
    assert first[create.field]["userErrors"] == []
    other = await caller.data(create.document, {"input": create.input(world, "k", 1)})
    assert other[create.field]["userErrors"] == [
        {"field": ["input", "idempotencyKey"], "code": "INVALID_INPUT"}
    ]
    assert await count(database, create.creates) == 1
