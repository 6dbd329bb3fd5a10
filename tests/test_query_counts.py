"""SQL statements per request stay the same whatever the page size: no N+1 anywhere."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import event, select

from models import (
    Account,
    AccountRole,
    Department,
    Device,
    DeviceAssignment,
    DeviceModel,
    Membership,
    Ticket,
    TicketCategory,
    TicketMessage,
    User,
    UserKind,
)
from models.database import Database
from portal.app import create_app
from portal.settings import Settings
from tests.conftest import LiveServer
from tests.servers import serving
from tests.support import Api
from tests.world import World

DEVICES_PAGE = """
{ devices(first: 100) { edges { node {
    serialNumber model { name } account { name } assignees { email } } } } }
"""
ACCOUNTS_PAGE = """
{ accounts(first: 100) { totalCount edges { node {
    name
    devices(first: 5) { totalCount edges { node { serialNumber model { name } } } }
    members(first: 5) { totalCount edges { node { role user { email }
      devices(first: 5) { edges { node { serialNumber } } } } } }
} } } }
"""


@contextlib.contextmanager
def counting(server: LiveServer) -> Iterator[list[str]]:
    """Every statement the app sends while the block runs: through its engine, and on the
    driver's connections of the fast lane (portal/fast_reads.py)."""
    statements: list[str] = []
    engine = server.app.state.database.engine.sync_engine
    lane = server.app.state.fast_reads

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    def record_fast(statement: str, params: tuple[Any, ...]) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    if lane is not None:
        lane.observers.append(record_fast)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)
        if lane is not None:
            lane.observers.remove(record_fast)


async def add_devices(database: Database, count: int) -> None:
    """`count` more devices on each account, each assigned to a new customer of its account."""
    async with database.session() as session, session.begin():
        model = (await session.scalars(select(DeviceModel))).one()
        accounts = list(await session.scalars(select(Account)))
        for account_row in accounts:
            for n in range(count):
                user = User(
                    email=f"extra-{account_row.customer_number}-{n}@example.com".lower(),
                    name=f"Extra {n}",
                    kind=UserKind.CUSTOMER,
                )
                device = Device(
                    external_id=f"X-{account_row.customer_number}-{n}",
                    account_id=account_row.id,
                    serial_number=f"SN-X-{account_row.customer_number}-{n}",
                    model_id=model.id,
                    location_street="Street",
                    location_postal_code="1",
                    location_city="City",
                    location_country="SE",
                    response_hours=8,
                )
                session.add_all([user, device])
                await session.flush()
                session.add(
                    Membership(
                        account_id=account_row.id, user_id=user.id, role=AccountRole.CUSTOMER
                    )
                )
                await session.flush()
                session.add(
                    DeviceAssignment(
                        device_id=device.id, user_id=user.id, account_id=account_row.id
                    )
                )


async def statements_for(api: Api, server: LiveServer, query: str) -> int:
    with counting(server) as statements:
        await api.data(query)
    return len(statements)


async def test_the_device_list_takes_the_same_statements_for_3_or_60_devices(
    api: Api, world: World, database: Database, live_server: LiveServer
) -> None:
    staff = api.as_(world.tokens["staff"])
    few = await statements_for(staff, live_server, DEVICES_PAGE)
    await add_devices(database, 30)
    many_data = await staff.data(DEVICES_PAGE)
    assert len(many_data["devices"]["edges"]) == 63
    many = await statements_for(staff, live_server, DEVICES_PAGE)
    assert few == many
    # authentication, the page, then one batch each for models, accounts and assignees
    assert many == 5


async def test_nested_connections_take_the_same_statements_for_any_number_of_parents(
    api: Api, world: World, database: Database, live_server: LiveServer
) -> None:
    staff = api.as_(world.tokens["staff"])
    few = await statements_for(staff, live_server, ACCOUNTS_PAGE)
    await add_devices(database, 12)
    many = await statements_for(staff, live_server, ACCOUNTS_PAGE)
    assert few == many


TICKET_LIST = """
query ($first: Int) { tickets(first: $first) { edges { node {
    number subject status device { serialNumber model { name } }
    messages(first: 3) { edges { node { body } } } } } } }
"""


async def add_tickets(database: Database, count: int) -> None:
    """`count` cases on every device, each with four messages."""
    async with database.session() as session, session.begin():
        devices = list(await session.scalars(select(Device)))
        for device in devices:
            for n in range(count):
                ticket = Ticket(
                    account_id=device.account_id,
                    device_id=device.id,
                    category=TicketCategory.FAULT,
                    department=Department.TECHNICAL_SUPPORT,
                    subject=f"Case {n}",
                    description="Broken",
                )
                session.add(ticket)
                await session.flush()
                session.add_all(
                    TicketMessage(ticket_id=ticket.id, body=f"message {m}") for m in range(4)
                )


@pytest.fixture
async def resolvers_only(settings: Settings) -> AsyncIterator[LiveServer]:
    """The app with the compiled read path off: every field through its resolver."""
    app = create_app(settings.replace(compiled_reads=False))
    async with serving(app) as url:
        yield LiveServer(url=url, app=app)


@pytest.mark.parametrize(
    ("compiled", "expected"),
    [
        # authentication, the page, devices, models, messages
        (False, 5),
        # authentication, then the whole answer from one statement
        (True, 2),
    ],
)
async def test_the_ticket_list_takes_the_same_statements_whatever_first_is(
    world: World,
    database: Database,
    live_server: LiveServer,
    resolvers_only: LiveServer,
    compiled: bool,
    expected: int,
) -> None:
    server = live_server if compiled else resolvers_only
    await add_tickets(database, 20)
    counts = {}
    async with httpx.AsyncClient(base_url=server.url, timeout=10) as http:
        staff = Api(http).as_(world.tokens["staff"])
        for first in (1, 5, 50):
            with counting(server) as statements:
                data = await staff.data(TICKET_LIST, {"first": first})
            assert len(data["tickets"]["edges"]) == first
            assert all(len(e["node"]["messages"]["edges"]) == 3 for e in data["tickets"]["edges"])
            counts[first] = len(statements)
    assert counts[1] == counts[5] == counts[50] == expected


SUBMIT_READING = """
mutation ($d: ID!, $v: Int!) { submitMeterReading(input: {deviceId: $d,
  values: [{kind: TOTAL, value: $v}]}) { meterReading { readOn } userErrors { code } } }
"""


async def test_a_meter_submission_takes_a_small_fixed_number_of_statements(
    api: Api, world: World, database: Database, live_server: LiveServer
) -> None:
    admin = api.as_(world.tokens["admin_a"])
    counts = []
    for device, value in (("a1", 100), ("a2", 200)):
        with counting(live_server) as statements:
            result = await admin.data(SUBMIT_READING, {"d": world.ids[device], "v": value})
        assert result["submitMeterReading"]["userErrors"] == []
        counts.append(len(statements))
    # authentication; the device with its model and account, locked; its recent readings;
    # the insert. (Transaction control is not counted: it is not a statement here.)
    assert counts == [4, 4]
