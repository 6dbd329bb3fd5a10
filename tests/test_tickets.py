"""Cases: raise, route, work through the workflow, talk, assign; moves and removals."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, update

from models import Device, OutboxEmail, Ticket, User
from models.database import Database
from resolvers.office_hours import OfficeHours
from tests.support import Api
from tests.world import World

CREATE = """
mutation ($input: CreateTicketInput!) {
  createTicket(input: $input) {
    ticket {
      id number status department category createdAt responseDueAt responseMet
      createdBy { email } device { serialNumber } statusHistory { from to by { email } }
    }
    userErrors { field code message }
  }
}
"""
SET_STATUS = """
mutation ($t: ID!, $s: TicketStatus!, $note: String) {
  setTicketStatus(input: {ticketId: $t, status: $s, note: $note}) {
    ticket { status firstRespondedAt } userErrors { field code }
  }
}
"""
ADD_MESSAGE = """
mutation ($t: ID!, $body: String!, $internal: Boolean) {
  addTicketMessage(input: {ticketId: $t, body: $body, internal: $internal}) {
    message { id body internal author { email } } userErrors { field code }
  }
}
"""


def case(world: World, **overrides: Any) -> dict[str, Any]:
    return {
        "accountId": world.ids["account_a"],
        "deviceId": world.ids["a1"],
        "category": "FAULT",
        "subject": "Paper jams in tray 2",
        "description": "Every third page jams since Monday.",
    } | overrides


async def raise_case(
    api: Api, world: World, role: str = "customer_a", **overrides: Any
) -> dict[str, Any]:
    payload = (await api.as_(world.tokens[role]).data(CREATE, {"input": case(world, **overrides)}))[
        "createTicket"
    ]
    assert payload["userErrors"] == [], payload
    ticket: dict[str, Any] = payload["ticket"]
    return ticket


async def count(database: Database, model: Any) -> int:
    async with database.session() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_a_customer_raises_a_case_on_their_device(
    api: Api, world: World, database: Database
) -> None:
    ticket = await raise_case(api, world)
    assert re.fullmatch(rf"CS-{datetime.now(UTC).year}-\d{{6}}", ticket["number"])
    assert ticket["status"] == "NEW"
    assert ticket["department"] == "TECHNICAL_SUPPORT"
    assert ticket["createdBy"] == {"email": "customer_a@world.example"}
    assert ticket["device"] == {"serialNumber": "SN-A1"}
    assert ticket["statusHistory"] == [
        {"from": None, "to": "NEW", "by": {"email": "customer_a@world.example"}}
    ]
    created = datetime.fromisoformat(ticket["createdAt"])
    office = OfficeHours(timezone="Europe/Stockholm", country="SE")
    assert datetime.fromisoformat(ticket["responseDueAt"]) == office.add(created, 8)
    assert ticket["responseMet"] is None
    async with database.session() as session:
        (mail,) = (await session.scalars(select(OutboxEmail))).all()
    assert (mail.to_address, mail.template) == ("customer_a@world.example", "ticket_created")
    assert ticket["number"] in mail.subject


@pytest.mark.parametrize(
    ("category", "department", "device"),
    [
        ("SUPPLIES", "SUPPLIES", "a1"),
        ("METER_READING", "BILLING", "a1"),
        ("ACCOUNT_QUESTION", "CUSTOMER_ACCOUNTS", None),
        ("OTHER", "CUSTOMER_ACCOUNTS", None),
    ],
)
async def test_each_category_is_routed_to_its_department(
    api: Api, world: World, category: str, department: str, device: str | None
) -> None:
    ticket = await raise_case(
        api, world, category=category, deviceId=world.ids[device] if device else None
    )
    assert ticket["department"] == department
    staff = api.as_(world.tokens["staff"])
    listed = await staff.data(
        "query ($d: [Department!]) { tickets(filter: {department: $d}) { totalCount } }",
        {"d": [department]},
    )
    assert listed["tickets"]["totalCount"] == 1


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"category": "ACCOUNT_QUESTION"}, [(["input", "category"], "INVALID_INPUT")]),
        ({"deviceId": None}, [(["input", "category"], "INVALID_INPUT")]),
        ({"category": "MOVE_REQUEST"}, [(["input", "category"], "INVALID_INPUT")]),
        ({"subject": "  "}, [(["input", "subject"], "INVALID_INPUT")]),
        ({"description": "x" * 10_001}, [(["input", "description"], "INVALID_INPUT")]),
        ({"deviceId": "a2"}, [(["input", "deviceId"], "NOT_FOUND")]),
        ({"deviceId": "b1"}, [(["input", "deviceId"], "NOT_FOUND")]),
        ({"accountId": "account_b"}, [(["input", "accountId"], "NOT_FOUND")]),
        ({"deviceId": "account_a"}, [(["input", "deviceId"], "INVALID_INPUT")]),
    ],
)
async def test_bad_cases_are_refused_and_nothing_is_written(
    api: Api, world: World, database: Database, overrides: dict[str, Any], expected: Any
) -> None:
    resolved = {k: world.ids.get(v, v) if isinstance(v, str) else v for k, v in overrides.items()}
    payload = (
        await api.as_(world.tokens["customer_a"]).data(CREATE, {"input": case(world, **resolved)})
    )["createTicket"]
    assert payload["ticket"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == expected
    assert await count(database, Ticket) == 0
    assert await count(database, OutboxEmail) == 0


async def test_case_numbers_are_unique_when_raised_at_once(api: Api, world: World) -> None:
    tickets = await asyncio.gather(*(raise_case(api, world, role="admin_a") for _ in range(20)))
    assert len({ticket["number"] for ticket in tickets}) == 20


async def test_the_workflow_allows_only_its_transitions(api: Api, world: World) -> None:
    ticket = (await raise_case(api, world))["id"]
    staff = api.as_(world.tokens["staff"])
    customer = api.as_(world.tokens["customer_a"])

    async def move(who: Api, status: str) -> dict[str, Any]:
        result: dict[str, Any] = (await who.data(SET_STATUS, {"t": ticket, "s": status}))[
            "setTicketStatus"
        ]
        return result

    assert (await move(staff, "RESOLVED"))["userErrors"] == [
        {"field": ["input", "status"], "code": "INVALID_STATUS_TRANSITION"}
    ]
    opened = await move(staff, "OPEN")
    assert opened["ticket"]["status"] == "OPEN"
    assert opened["ticket"]["firstRespondedAt"] is not None  # leaving NEW is a response
    assert (await move(customer, "IN_PROGRESS"))["userErrors"][0][
        "code"
    ] == "INVALID_STATUS_TRANSITION"
    for status in ("IN_PROGRESS", "WAITING_ON_CUSTOMER"):
        assert (await move(staff, status))["ticket"]["status"] == status
    # The customer's answer hands the case back to the support team.
    await customer.data(ADD_MESSAGE, {"t": ticket, "body": "It is tray 2, model C300."})
    history = await staff.data(
        "query ($id: ID!) { node(id: $id) { ... on Ticket {"
        " status statusHistory { from to by { email } } } } }",
        {"id": ticket},
    )
    assert history["node"]["status"] == "OPEN"
    assert history["node"]["statusHistory"][-1] == {
        "from": "WAITING_ON_CUSTOMER",
        "to": "OPEN",
        "by": {"email": "customer_a@world.example"},
    }
    for status in ("IN_PROGRESS", "RESOLVED"):
        assert (await move(staff, status))["ticket"]["status"] == status
    assert (await move(customer, "OPEN"))["ticket"]["status"] == "OPEN"  # reopened
    for status in ("IN_PROGRESS", "RESOLVED", "CLOSED"):
        assert (await move(staff, status))["ticket"]["status"] == status
    assert (await move(staff, "OPEN"))["userErrors"][0]["code"] == "INVALID_STATUS_TRANSITION"
    closed = await customer.data(ADD_MESSAGE, {"t": ticket, "body": "Still broken"})
    assert closed["addTicketMessage"]["userErrors"] == [
        {"field": ["input", "ticketId"], "code": "INVALID_INPUT"}
    ]


async def test_a_customer_cancels_their_open_case_but_reopens_only_within_14_days(
    api: Api, world: World, database: Database
) -> None:
    customer = api.as_(world.tokens["customer_a"])
    staff = api.as_(world.tokens["staff"])
    mine = (await raise_case(api, world))["id"]
    cancelled = await customer.data(SET_STATUS, {"t": mine, "s": "CANCELLED"})
    assert cancelled["setTicketStatus"]["ticket"]["status"] == "CANCELLED"
    other = (await raise_case(api, world))["id"]
    for status in ("OPEN", "IN_PROGRESS", "RESOLVED"):
        await staff.data(SET_STATUS, {"t": other, "s": status})
    async with database.session() as session, session.begin():
        await session.execute(update(Ticket).values(resolved_at=func.now() - timedelta(days=15)))
    late = await customer.data(SET_STATUS, {"t": other, "s": "OPEN"})
    assert late["setTicketStatus"]["userErrors"][0]["code"] == "INVALID_STATUS_TRANSITION"
    # Someone else's case is not theirs to cancel, even on a device they can see.
    admins = (await raise_case(api, world, role="admin_a"))["id"]
    refused = await customer.data(SET_STATUS, {"t": admins, "s": "CANCELLED"})
    assert refused["setTicketStatus"]["userErrors"][0]["code"] == "INVALID_STATUS_TRANSITION"


MESSAGES = """
query ($id: ID!) { node(id: $id) { ... on Ticket {
  messages(first: 10) { totalCount edges { node { body internal author { email } } } } } } }
"""


async def test_internal_notes_never_reach_customers(api: Api, world: World) -> None:
    ticket = (await raise_case(api, world))["id"]
    staff = api.as_(world.tokens["staff"])
    note = await staff.data(
        ADD_MESSAGE, {"t": ticket, "body": "Customer is on a legacy contract", "internal": True}
    )
    assert note["addTicketMessage"]["message"]["internal"] is True
    reply = await staff.data(ADD_MESSAGE, {"t": ticket, "body": "A technician comes on Monday."})
    assert reply["addTicketMessage"]["userErrors"] == []
    seen_by_customer = (await api.as_(world.tokens["customer_a"]).data(MESSAGES, {"id": ticket}))[
        "node"
    ]
    assert seen_by_customer["messages"]["totalCount"] == 1
    assert [e["node"]["body"] for e in seen_by_customer["messages"]["edges"]] == [
        "A technician comes on Monday."
    ]
    seen_by_staff = (await staff.data(MESSAGES, {"id": ticket}))["node"]
    assert seen_by_staff["messages"]["totalCount"] == 2
    # The note's own ID names nothing for the customer.
    note_id = note["addTicketMessage"]["message"]["id"]
    assert (
        await api.as_(world.tokens["customer_a"]).data(
            "query ($id: ID!) { node(id: $id) { id } }", {"id": note_id}
        )
    ) == {"node": None}
    forbidden = await api.as_(world.tokens["customer_a"]).data(
        ADD_MESSAGE, {"t": ticket, "body": "secret", "internal": True}
    )
    assert forbidden["addTicketMessage"]["userErrors"] == [
        {"field": ["input", "internal"], "code": "FORBIDDEN"}
    ]


async def test_the_first_staff_reply_meets_the_response_time(api: Api, world: World) -> None:
    ticket = (await raise_case(api, world))["id"]
    await api.as_(world.tokens["staff"]).data(ADD_MESSAGE, {"t": ticket, "body": "On it."})
    result = await api.as_(world.tokens["customer_a"]).data(
        "query ($id: ID!) { node(id: $id) { ... on Ticket { firstRespondedAt responseMet } } }",
        {"id": ticket},
    )
    assert result["node"]["firstRespondedAt"] is not None
    assert result["node"]["responseMet"] is True


ASSIGN = """
mutation ($t: ID!, $a: ID) { assignTicket(input: {ticketId: $t, assigneeId: $a}) {
  ticket { assignee { email } } userErrors { field code } } }
"""


async def test_staff_assign_cases_to_staff(api: Api, world: World) -> None:
    ticket = (await raise_case(api, world))["id"]
    staff = api.as_(world.tokens["staff"])
    assigned = await staff.data(ASSIGN, {"t": ticket, "a": world.ids["staff"]})
    assert assigned["assignTicket"]["ticket"]["assignee"] == {"email": "staff@world.example"}
    to_customer = await staff.data(ASSIGN, {"t": ticket, "a": world.ids["customer_a"]})
    assert to_customer["assignTicket"]["userErrors"] == [
        {"field": ["input", "assigneeId"], "code": "NOT_FOUND"}
    ]
    by_customer = await api.as_(world.tokens["admin_a"]).data(ASSIGN, {"t": ticket, "a": None})
    assert by_customer["assignTicket"]["userErrors"] == [{"field": None, "code": "FORBIDDEN"}]


MOVE = """
mutation ($d: ID!, $date: Date!) {
  requestDeviceMove(input: {deviceId: $d, requestedDate: $date, note: "To the new office",
    newLocation: {room: "B12",
      address: {street: "Nya vägen 1", postalCode: "222 22", city: "Lund", country: "SE"}}}) {
    ticket { id category department requestedLocation { room address { city } } device { status } }
    userErrors { field code }
  }
}
"""
REMOVE = """
mutation ($d: ID!, $date: Date!) {
  requestDeviceRemoval(input: {deviceId: $d, requestedDate: $date, reason: "Contract ends"}) {
    ticket { id category } userErrors { field code }
  }
}
"""


async def device_state(database: Database, serial: str) -> tuple[str, str | None]:
    async with database.session() as session:
        device = (await session.scalars(select(Device).where(Device.serial_number == serial))).one()
        return device.status.value, device.location_city


async def test_a_move_request_moves_the_device_when_resolved(
    api: Api, world: World, database: Database
) -> None:
    customer = api.as_(world.tokens["customer_a"])
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    moved = (await customer.data(MOVE, {"d": world.ids["a1"], "date": tomorrow}))[
        "requestDeviceMove"
    ]
    assert moved["userErrors"] == []
    assert moved["ticket"]["department"] == "LOGISTICS"
    assert moved["ticket"]["device"] == {"status": "MOVE_REQUESTED"}
    assert moved["ticket"]["requestedLocation"] == {"room": "B12", "address": {"city": "Lund"}}
    again = (await customer.data(REMOVE, {"d": world.ids["a1"], "date": tomorrow}))[
        "requestDeviceRemoval"
    ]
    assert again["userErrors"] == [{"field": ["input", "deviceId"], "code": "ALREADY_EXISTS"}]
    staff = api.as_(world.tokens["staff"])
    for status in ("OPEN", "IN_PROGRESS", "RESOLVED"):
        await staff.data(SET_STATUS, {"t": moved["ticket"]["id"], "s": status})
    assert await device_state(database, "SN-A1") == ("ACTIVE", "Lund")


async def test_a_removal_removes_the_device_and_a_cancelled_one_restores_it(
    api: Api, world: World, database: Database
) -> None:
    admin = api.as_(world.tokens["admin_a"])
    staff = api.as_(world.tokens["staff"])
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    first = (await admin.data(REMOVE, {"d": world.ids["a2"], "date": tomorrow}))[
        "requestDeviceRemoval"
    ]
    assert await device_state(database, "SN-A2") == ("REMOVAL_REQUESTED", "Stockholm")
    await admin.data(SET_STATUS, {"t": first["ticket"]["id"], "s": "CANCELLED"})
    assert await device_state(database, "SN-A2") == ("ACTIVE", "Stockholm")
    second = (await admin.data(REMOVE, {"d": world.ids["a2"], "date": tomorrow}))[
        "requestDeviceRemoval"
    ]
    for status in ("OPEN", "IN_PROGRESS", "RESOLVED"):
        await staff.data(SET_STATUS, {"t": second["ticket"]["id"], "s": status})
    assert await device_state(database, "SN-A2") == ("REMOVED", "Stockholm")
    refused = (await admin.data(CREATE, {"input": case(world, deviceId=world.ids["a2"])}))[
        "createTicket"
    ]
    assert refused["userErrors"] == [
        {
            "field": ["input", "deviceId"],
            "code": "DEVICE_NOT_ACTIVE",
            "message": "The device is no longer active.",
        }
    ]
    past = (await admin.data(MOVE, {"d": world.ids["a1"], "date": "2020-01-01"}))[
        "requestDeviceMove"
    ]
    assert past["userErrors"] == [{"field": ["input", "requestedDate"], "code": "INVALID_INPUT"}]


LIST = """
query ($f: TicketFilter) {
  tickets(first: 50, filter: $f) { totalCount edges { node { number subject status } } }
}
"""


async def test_lists_are_newest_first_filtered_and_scoped(api: Api, world: World) -> None:
    first = await raise_case(api, world, subject="Toner streaks")
    second = await raise_case(api, world, subject="Scanner offline")
    mine_on_account = await raise_case(
        api, world, category="ACCOUNT_QUESTION", deviceId=None, subject="Invoice address"
    )
    on_a2 = await raise_case(api, world, role="admin_a", deviceId=world.ids["a2"], subject="Fax")
    customer = api.as_(world.tokens["customer_a"])
    listed = (await customer.data(LIST))["tickets"]
    assert [e["node"]["number"] for e in listed["edges"]] == [
        mine_on_account["number"],
        second["number"],
        first["number"],
    ]
    admin = (await api.as_(world.tokens["admin_a"]).data(LIST))["tickets"]
    assert admin["totalCount"] == 4
    # customer_a2 sees neither the device cases nor customer_a's own account question.
    assert (await api.as_(world.tokens["customer_a2"]).data(LIST))["tickets"]["totalCount"] == 0
    assert (await api.as_(world.tokens["admin_b"]).data(LIST))["tickets"]["totalCount"] == 0
    by_text = await customer.data(LIST, {"f": {"search": "streak"}})
    assert [e["node"]["subject"] for e in by_text["tickets"]["edges"]] == ["Toner streaks"]
    by_number = await customer.data(LIST, {"f": {"search": second["number"]}})
    assert by_number["tickets"]["totalCount"] == 1
    by_category = await customer.data(LIST, {"f": {"category": ["ACCOUNT_QUESTION"]}})
    assert by_category["tickets"]["totalCount"] == 1
    assert (await customer.data(LIST, {"f": {"status": ["CLOSED"]}}))["tickets"]["totalCount"] == 0
    nested = await api.as_(world.tokens["admin_a"]).data(
        "query ($id: ID!) { node(id: $id) { ... on Device {"
        " tickets { edges { node { subject } } } } } }",
        {"id": world.ids["a2"]},
    )
    assert nested["node"]["tickets"]["edges"] == [{"node": {"subject": "Fax"}}]
    assert on_a2["device"] == {"serialNumber": "SN-A2"}


async def test_progress_mails_go_to_the_creator_and_to_admins_who_follow(
    api: Api, world: World, database: Database
) -> None:
    async with database.session() as session, session.begin():
        await session.execute(
            update(User)
            .where(User.email == "admin_a@world.example")
            .values(notify_account_ticket_updates=True)
        )
    ticket = (await raise_case(api, world))["id"]
    staff = api.as_(world.tokens["staff"])
    await staff.data(SET_STATUS, {"t": ticket, "s": "OPEN"})
    await staff.data(ADD_MESSAGE, {"t": ticket, "body": "Internal only", "internal": True})
    await staff.data(ADD_MESSAGE, {"t": ticket, "body": "We have ordered the part."})
    async with database.session() as session:
        sent = sorted(
            (row.template, row.to_address) for row in await session.scalars(select(OutboxEmail))
        )
    assert sent == [
        ("ticket_created", "customer_a@world.example"),
        ("ticket_reply", "admin_a@world.example"),
        ("ticket_reply", "customer_a@world.example"),
        ("ticket_status_changed", "admin_a@world.example"),
        ("ticket_status_changed", "customer_a@world.example"),
    ]


async def test_a_creator_who_opted_out_of_case_mails_gets_none(
    api: Api, world: World, database: Database
) -> None:
    async with database.session() as session, session.begin():
        await session.execute(
            update(User)
            .where(User.email == "customer_a@world.example")
            .values(notify_ticket_updates=False)
        )
    ticket = (await raise_case(api, world))["id"]
    staff = api.as_(world.tokens["staff"])
    await staff.data(SET_STATUS, {"t": ticket, "s": "OPEN"})
    await staff.data(ADD_MESSAGE, {"t": ticket, "body": "On our way."})
    assert await count(database, OutboxEmail) == 0
