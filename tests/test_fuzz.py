"""Fuzzing the served schema as a signed-in customer of account A, over real HTTP.

hypothesis-graphql writes queries and mutations from schema.graphql (kept equal to the served
schema by test_schema_snapshot). IDs, strings, dates and cursors are drawn from pools that
hold real objects and keys of both accounts, so the fuzzer keeps reaching for account B.
Every answer must be JSON under 500, with documented error codes, no masked INTERNAL error,
nothing internal in its messages, and nothing of account B (nor what account A hides from
this customer) anywhere in it. A query naming hidden objects must answer as it does for
objects that do not exist, and no connection may be left in a transaction afterwards.

CI runs a fixed, derandomized number of examples (about 35 s). A wider local search:
PORTAL_FUZZ_SEED=7 PORTAL_FUZZ_EXAMPLES=3000 pytest tests/test_fuzz.py -s
"""

from __future__ import annotations

import asyncio
import base64
import collections
import contextlib
import dataclasses
import json
import os
import re
import uuid
from collections.abc import AsyncIterator, Iterable, Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import graphql
import httpx
import pytest
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from hypothesis_graphql import mutations, nodes, queries
from sqlalchemy import text

from models.database import Database
from portal.app import create_app
from portal.errors import ErrorCode
from portal.settings import Settings
from schema.base import decode_id, encode_id
from tests.conftest import LiveServer
from tests.servers import serving
from tests.support import Api
from tests.world import World

SCHEMA = graphql.build_schema((Path(__file__).parent.parent / "schema.graphql").read_text())
CODES = {code.value for code in ErrorCode}
SEED = os.environ.get("PORTAL_FUZZ_SEED")
EXAMPLES = os.environ.get("PORTAL_FUZZ_EXAMPLES")
QUERY_EXAMPLES = int(EXAMPLES) if EXAMPLES else 1000
MUTATION_EXAMPLES = int(EXAMPLES) if EXAMPLES else 400
assert SCHEMA.query_type is not None
assert SCHEMA.mutation_type is not None
QUERY_FIELDS = list(SCHEMA.query_type.fields)
# Ending the session would leave the rest of the run anonymous: a different, smaller surface.
MUTATION_FIELDS = [name for name in SCHEMA.mutation_type.fields if name != "signOut"]

# What must never reach a client: tracebacks, SQL, Python's names for things.
INTERNALS = re.compile(
    r"Traceback|sqlalchemy|asyncpg|psycopg|strawberry\.|graphql\.|File \"|"
    r"\b[A-Z][A-Za-z]*(?:Error|Exception|Violation)\b:?|<class |object at 0x|"
    r"\b(?:portal|resolvers|schema|models|auth|events|notifications)\.[a-z_]+\b|"
    r"\bSELECT\b|\bINSERT INTO\b|\bUPDATE \w+ SET\b|\bDELETE FROM\b|\bWHERE\b|"
    r"\brelation \"|\bcolumn \"|\bconstraint \""
)
ENUM = re.compile(r"^[A-Z_]+$")
DATEISH = re.compile(r"^\d{4}-\d{2}-\d{2}([T ][\d:.+-]+Z?)?$")
IDLE_IN_TRANSACTION = (
    "FROM pg_stat_activity WHERE datname = current_database()"
    " AND state = 'idle in transaction' AND pid <> pg_backend_pid()"
)


# --- a server of our own: the shared one refuses a fast client with 429 past its budget ---


@pytest.fixture(scope="module")
async def fuzz_server(settings: Settings) -> AsyncIterator[LiveServer]:
    app = create_app(settings.replace(cost_budget=10**9, cost_refill_per_second=10**9))
    async with serving(app) as url:
        yield LiveServer(url=url, app=app)


# --- the world, filled out: cases, notes, orders and readings on both accounts ---

CREATE_TICKET = """mutation ($input: CreateTicketInput!) {
  createTicket(input: $input) { ticket { id } userErrors { code } } }"""
ADD_MESSAGE = """mutation ($input: AddTicketMessageInput!) {
  addTicketMessage(input: $input) { message { id } userErrors { code } } }"""
ORDER = """mutation ($input: OrderSuppliesInput!) {
  orderSupplies(input: $input) { supplyOrder { id } userErrors { code } } }"""
READ_METERS = """mutation ($input: SubmitMeterReadingInput!) {
  submitMeterReading(input: $input) { meterReading { id } userErrors { code } } }"""
UPDATE_ACCOUNT = """mutation ($input: UpdateAccountInput!) {
  updateAccount(input: $input) { account { id } userErrors { code } } }"""
MOVE_DEVICE = """mutation ($input: UpdateDeviceLocationInput!) {
  updateDeviceLocation(input: $input) { device { id } userErrors { code } } }"""
INVITE = """mutation ($input: InviteUserInput!) {
  inviteUser(input: $input) { invited userErrors { code } } }"""
ASK_ACCESS = """mutation ($input: RequestAccountAccessInput!) {
  requestAccountAccess(input: $input) { accessRequest { id } userErrors { code } } }"""
UPSERT_GUIDE = """mutation ($input: UpsertGuideInput!) {
  upsertGuide(input: $input) { guide { id } userErrors { code } } }"""

# Everything staff can see of one account: where the values to look out for come from.
HARVEST = """query ($id: ID!) { node(id: $id) { ... on Account {
  id customerNumber name timezone mainContact phone invoiceEmail creditRating
  billingAddress { street postalCode city country }
  deliveryAddresses { street postalCode city country }
  members(first: 20) { edges { node { user { id email name phone } } } }
  accessRequests(first: 20) { edges { node { id serialNumber requester { id email name } } } }
  payments(first: 20) { edges { node { id invoiceNumber } } }
  devices(first: 20) { edges { node {
    id serialNumber model { id code name } compatibleSupplies { id sku name }
    location { address { street postalCode city country } building floor room note }
    meterReadings(first: 10) { edges { node { id } } }
  } } }
  tickets(first: 20) { edges { node {
    id number subject description requestReason
    messages(first: 20) { edges { node { id body author { id email name } } } }
  } } }
} } }"""
ORDERS = """{ supplyOrders(first: 100) { edges { node {
  id number note trackingReference account { id } } } } }"""


@dataclasses.dataclass
class Target:
    """What the fuzzer aims at, and what must never come back to customer_a."""

    ids: list[str]  # real global IDs of both accounts
    keys: list[str]  # strings a person could type that name real things
    secret_ids: set[str]
    secret_values: set[str]


async def ok(api: Api, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    data = await api.data(query, variables)
    (payload,) = data.values()
    assert payload["userErrors"] == [], (query, payload)
    result: dict[str, Any] = payload
    return result


def leaves(value: object) -> Iterator[str]:
    if isinstance(value, dict):
        for item in value.values():
            yield from leaves(item)
    elif isinstance(value, list):
        for item in value:
            yield from leaves(item)
    elif isinstance(value, str):
        yield value


def telling(value: str) -> bool:
    """Whether a value says something of its own: not an enum, a date or a short word."""
    return len(value) >= 4 and not ENUM.match(value) and not DATEISH.match(value)


async def fill_world(api: Api, world: World) -> Target:
    as_ = {role: api.as_(token) for role, token in world.tokens.items()}
    ids = dict(world.ids)
    for key, admin, customer, device, account in (
        ("A", "admin_a", "customer_a", "a1", "account_a"),
        ("B", "admin_b", "admin_b", "b1", "account_b"),
    ):
        # The customer's own case on their device, an admin's account-level case.
        case = await ok(
            as_[customer],
            CREATE_TICKET,
            {
                "input": {
                    "accountId": world.ids[account],
                    "deviceId": world.ids[device],
                    "category": "FAULT",
                    "subject": f"Streaks on every page {key}",
                    "description": f"Grey streaks down the left edge, {key}",
                }
            },
        )
        ids[f"ticket_{key}"] = case["ticket"]["id"]
        question = await ok(
            as_[admin],
            CREATE_TICKET,
            {
                "input": {
                    "accountId": world.ids[account],
                    "category": "ACCOUNT_QUESTION",
                    "subject": f"Invoice address question {key}",
                    "description": f"Where do invoices go, {key}?",
                }
            },
        )
        ids[f"question_{key}"] = question["ticket"]["id"]
        for role, body, internal in (
            (customer, f"Still streaky after cleaning {key}", None),
            ("staff", f"Technician booked for Tuesday {key}", None),
            ("staff", f"Customer sounded annoyed, note {key}", True),
        ):
            message = await ok(
                as_[role],
                ADD_MESSAGE,
                {"input": {"ticketId": case["ticket"]["id"], "body": body, "internal": internal}},
            )
            ids[f"message_{key}_{len(ids)}"] = message["message"]["id"]
        order = await ok(
            as_[customer],
            ORDER,
            {
                "input": {
                    "deviceId": world.ids[device],
                    "lines": [{"itemId": world.ids["toner"], "quantity": 1}],
                    "note": f"Leave at reception desk {key}",
                }
            },
        )
        ids[f"order_{key}"] = order["supplyOrder"]["id"]
        reading = await ok(
            as_[customer],
            READ_METERS,
            {
                "input": {
                    "deviceId": world.ids[device],
                    "values": [{"kind": "TOTAL", "value": 1000}],
                }
            },
        )
        ids[f"reading_{key}"] = reading["meterReading"]["id"]
        await ok(
            as_[admin],
            UPDATE_ACCOUNT,
            {
                "input": {
                    "accountId": world.ids[account],
                    "mainContact": f"Main contact person {key}",
                    "phone": f"+46 8 555 0{ord(key)}",
                    "invoiceEmail": f"invoices_{key.lower()}@world.example",
                    "deliveryAddresses": [
                        {
                            "street": f"Loading dock {key}",
                            "postalCode": "222 33",
                            "city": "Malmö",
                            "country": "SE",
                        }
                    ],
                }
            },
        )
        await ok(
            as_[admin],
            MOVE_DEVICE,
            {
                "input": {
                    "deviceId": world.ids[device],
                    "location": {
                        "address": {
                            "street": "Street 1",
                            "postalCode": "111 22",
                            "city": "Stockholm",
                            "country": "SE",
                        },
                        "building": f"House {key}",
                        "room": f"Print room {key}",
                    },
                }
            },
        )
        await ok(
            as_[admin],
            INVITE,
            {
                "input": {
                    "accountId": world.ids[account],
                    "email": f"invited_{key.lower()}@world.example",
                    "name": f"Invited {key}",
                    "role": "CUSTOMER",
                }
            },
        )
    # A person of account A asking to join B: a request only B's admins and staff see.
    asked = await ok(
        as_["customer_a2"],
        ASK_ACCESS,
        {"input": {"customerNumber": "C-B", "serialNumber": world.serials["b1"]}},
    )
    ids["access_request_b"] = asked["accessRequest"]["id"]
    # A case on a2, which customer_a is not assigned: hidden from them inside their account.
    hidden = await ok(
        as_["admin_a"],
        CREATE_TICKET,
        {
            "input": {
                "accountId": world.ids["account_a"],
                "deviceId": world.ids["a2"],
                "category": "FAULT",
                "subject": "Paper jams in tray two",
                "description": "Every tenth sheet jams in tray two",
            }
        },
    )
    ids["ticket_a2"] = hidden["ticket"]["id"]
    guide = await ok(
        as_["staff"],
        UPSERT_GUIDE,
        {
            "input": {
                "externalId": "jam-en",
                "locale": "en",
                "title": "Clearing a paper jam",
                "summary": "Paper stuck in tray 2.",
                "steps": [{"instruction": "Open the front door."}],
                "modelCodes": ["M-1"],
            }
        },
    )
    ids["guide"] = guide["guide"]["id"]
    staff = as_["staff"]
    seen = {
        key: await staff.data(HARVEST, {"id": world.ids[f"account_{key}"]}) for key in ("a", "b")
    }
    orders = (await staff.data(ORDERS))["supplyOrders"]["edges"]
    for edge in orders:
        account = "a" if edge["node"]["account"]["id"] == world.ids["account_a"] else "b"
        seen[account].setdefault("orders", []).append(edge["node"])
    # Staff hold cases of both accounts; who they are is no secret.
    staff_user = {world.ids["staff"], "staff@world.example", "Staff"}
    of_a = set(leaves(seen["a"])) | staff_user
    secrets = {value for value in leaves(seen["b"]) if telling(value)} - of_a
    hidden_in_a = {
        world.ids["a2"],
        world.serials["a2"],
        ids["ticket_a2"],
        "Paper jams in tray two",
        "Every tenth sheet jams in tray two",
        world.ids["pay_a"],
        "INV-A",
        "Customer sounded annoyed, note A",
        "invited_a@world.example",
        "Invited A",
    }
    secrets |= hidden_in_a
    assert {world.ids["account_b"], "Account B", "SN-B1", "admin_b@world.example"} <= secrets
    # In the order they were made, not by value: the same draws pick the same objects each run.
    all_ids = list(dict.fromkeys([*ids.values(), *leaves_of_ids(seen)]))
    keys = sorted(
        {"C-A", "C-B", "EXT-A", "EXT-B", "M-1", "T-1", "sv", "en", "SE", "Europe/Stockholm"}
        | set(world.serials.values())
        | {f"{name}@world.example" for name in ("staff", "admin_a", "customer_a", "admin_b")}
        | {"customer_a2@world.example", "invited_b@world.example"}
    )
    return Target(
        ids=all_ids,
        keys=keys,
        secret_ids={value for value in secrets if value in all_ids},
        secret_values=secrets,
    )


def leaves_of_ids(seen: dict[str, Any]) -> Iterator[str]:
    def walk(value: object) -> Iterator[str]:
        if isinstance(value, dict):
            for key, item in value.items():
                if key == "id" and isinstance(item, str):
                    yield item
                else:
                    yield from walk(item)
        elif isinstance(value, list):
            for item in value:
                yield from walk(item)

    return walk(seen)


# --- what the fuzzer draws arguments from ---


def cursor(values: list[object]) -> str:
    """A cursor the way resolvers/pagination.py writes them: its sort key, as JSON, base64."""
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


def cursors(target: Target) -> st.SearchStrategy[str]:
    """Cursors are sort keys a client can forge: keys of every shape the orders use, and not."""
    offsets = [None, UTC, timezone(timedelta(hours=14)), timezone(timedelta(hours=-14))]
    edges = ["\x00", "SN-\x00", "", "9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00"]
    key_parts = st.one_of(
        st.uuids().map(str),
        st.datetimes(timezones=st.sampled_from(offsets)).map(datetime.isoformat),
        st.dates().map(date.isoformat),
        st.sampled_from(target.keys),
        st.sampled_from(edges),
        st.text(max_size=10),
        st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False),
    )
    pairs = st.tuples(key_parts, st.uuids().map(str)).map(list)  # the shape of every order
    return st.one_of(pairs, pairs, pairs, st.lists(key_parts, max_size=3)).map(cursor)


def scalars(target: Target) -> dict[str, st.SearchStrategy[graphql.ValueNode]]:
    type_names = ["Account", "Device", "Ticket", "TicketMessage", "User", "SupplyOrder"]
    type_names += ["MeterReading", "Payment", "Guide", "AccessRequest", "NoSuchType", ""]
    # No U+0000 in most text: it is refused up front, whole document and all.
    characters = st.characters(min_codepoint=1, exclude_categories=["Cs"])
    text = st.text(characters, max_size=30)
    made_up_ids = st.one_of(
        st.builds(encode_id, st.sampled_from(type_names), st.uuids()),
        st.sampled_from(["", "x", "=", "not an id", "RGV2aWNlOm5vcGU", "QWNjb3VudDo"]),
        text,
    )
    real_ids = st.sampled_from(target.ids)
    ids = st.one_of(real_ids, real_ids, real_ids, made_up_ids)
    vocabulary = ["the", "printer", "jams", "toner", "please", "call", "tray", "Skrivaren", "är"]
    prose = st.lists(st.sampled_from(vocabulary), min_size=1, max_size=8).map(" ".join)
    strings = st.one_of(
        st.sampled_from(target.keys),
        prose,
        st.emails(),
        text,
        cursors(target),
        st.sampled_from(["", " ", "a\x00b", "%", "_", "\\", "'", "a & b", "x:*", "é" * 300]),
        st.text(characters, min_size=1000, max_size=3000),
    )
    ints = st.one_of(
        st.integers(min_value=-3, max_value=120),
        st.integers(min_value=-(2**31), max_value=2**31 - 1),
    )
    today = date.today()
    dates = st.one_of(
        st.dates().map(date.isoformat),
        st.integers(min_value=-400, max_value=400).map(
            lambda days: (today + timedelta(days=days)).isoformat()
        ),
        st.sampled_from(["", "today", "2026-02-30", "2026-13-01", "99999-01-01", "0000-01-01"]),
    )
    return {
        "ID": ids.map(nodes.String),
        "String": strings.map(nodes.String),
        "Int": ints.map(nodes.Int),
        "Date": dates.map(nodes.String),
        # No argument takes these today; they are here for when one does.
        "DateTime": st.datetimes().map(datetime.isoformat).map(nodes.String),
        "JSON": st.text(max_size=20).map(nodes.String),
    }


# Arguments that name an object of one type: given a real one of that type (of either
# account) four times in five, so mutations get past "not a Device" to the visibility checks.
ID_ARGUMENTS = {
    "accountId": "Account",
    "assigneeId": "User",
    "deviceId": "Device",
    "deviceIds": "Device",
    "guideId": "Guide",
    "itemId": "SupplyItem",
    "readingId": "MeterReading",
    "requestId": "AccessRequest",
    "supplyOrderId": "SupplyOrder",
    "ticketId": "Ticket",
    "userId": "User",
}


def keep(document: graphql.DocumentNode) -> graphql.DocumentNode:
    return document


USER_ERRORS = graphql.parse("{ userErrors { field code message } }").definitions[0]


def with_user_errors(document: graphql.DocumentNode) -> graphql.DocumentNode:
    """Every payload asks for its userErrors: their messages are checked like any other."""
    assert SCHEMA.mutation_type is not None
    (operation,) = document.definitions
    assert isinstance(operation, graphql.OperationDefinitionNode)
    if operation.operation is not graphql.OperationType.MUTATION:
        return document
    fields = []
    for field in operation.selection_set.selections:
        assert isinstance(field, graphql.FieldNode)
        payload = graphql.get_named_type(SCHEMA.mutation_type.fields[field.name.value].type)
        selections = field.selection_set.selections if field.selection_set else ()
        if isinstance(payload, graphql.GraphQLObjectType) and "userErrors" in payload.fields:
            asked = {s.name.value for s in selections if isinstance(s, graphql.FieldNode)}
            if "userErrors" not in asked:
                extra = USER_ERRORS.selection_set.selections  # type: ignore[attr-defined]
                selection_set = graphql.SelectionSetNode(selections=(*selections, *extra))
                field = dataclasses.replace(field, selection_set=selection_set)
        fields.append(field)
    selection_set = graphql.SelectionSetNode(selections=tuple(fields))
    return graphql.DocumentNode(
        definitions=(dataclasses.replace(operation, selection_set=selection_set),)
    )


def aimed(
    documents: st.SearchStrategy[graphql.DocumentNode], target: Target
) -> st.SearchStrategy[str]:
    by_type: dict[str, list[str]] = collections.defaultdict(list)
    for global_id in target.ids:
        by_type[decode_id(global_id)[0]].append(global_id)
    forged = cursors(target)

    @st.composite
    def strategy(draw: st.DrawFn) -> str:
        def real(kind: str, value: graphql.ValueNode) -> graphql.ValueNode:
            if isinstance(value, graphql.StringValueNode) and draw(st.integers(0, 4)):
                return graphql.StringValueNode(value=draw(st.sampled_from(by_type[kind])))
            return value

        class Aim(graphql.Visitor):
            def enter_argument(self, node: graphql.ArgumentNode, *_: object) -> Any:
                if node.name.value == "after":
                    # Random text is refused before anything is read: mostly leave it out,
                    # else give a cursor of the right shape with a forged key.
                    choice = draw(st.integers(0, 3))
                    if choice < 2:
                        return graphql.REMOVE if choice == 0 else None
                    return dataclasses.replace(
                        node, value=graphql.StringValueNode(value=draw(forged))
                    )
                return self.aim(node)

            def enter_object_field(self, node: graphql.ObjectFieldNode, *_: object) -> Any:
                return self.aim(node)

            def aim(self, node: graphql.ArgumentNode | graphql.ObjectFieldNode) -> Any:
                kind = ID_ARGUMENTS.get(node.name.value)
                if kind is None:
                    return None
                if isinstance(node.value, graphql.ListValueNode):
                    values = tuple(real(kind, value) for value in node.value.values)
                    return dataclasses.replace(node, value=graphql.ListValueNode(values=values))
                return dataclasses.replace(node, value=real(kind, node.value))

        return graphql.print_ast(with_user_errors(graphql.visit(draw(documents), Aim())))

    return strategy()


# --- the properties every answer must have ---


@dataclasses.dataclass
class Fuzzer:
    url: str
    token: str
    target: Target
    sent: int = 0
    # Queries only: they change nothing, so asking twice must answer the same.
    twins: bool = False
    outcomes: collections.Counter[str] = dataclasses.field(default_factory=collections.Counter)
    failures: dict[str, str] = dataclasses.field(default_factory=dict)
    stuck: bool = False

    def send(self, client: httpx.Client, document: str) -> None:
        response = self.post(client, document)
        if response is None or not self.twins:
            return
        # Asked again, a query the compiled path answered comes from the fast lane
        # (portal/fast_reads.py): the answer must not change, the cost left aside.
        again = self.post(client, document)
        if again is not None and _without_cost(again) != _without_cost(response):
            self.failures.setdefault(
                "a query asked again answers otherwise",
                f"{document}\n=> {response.text}\nthen => {again.text}",
            )
        hidden = [value for value in self.target.secret_ids if value in document]
        if not hidden:
            return
        # The same question about objects that do not exist must get the same answer (IDs
        # aside): anything else tells the customer that the hidden ones do.
        stand_ins = {value: encode_id(decode_id(value)[0], uuid.uuid4()) for value in hidden}
        twin = document
        for value, stand_in in stand_ins.items():
            twin = twin.replace(value, stand_in)
        twin_response = self.post(client, twin)
        if twin_response is None:
            return
        answer = twin_response.text
        for value, stand_in in stand_ins.items():
            answer = answer.replace(stand_in, value)
        if _gist(answer) != _gist(response.text):
            self.failures.setdefault(
                "a hidden object answers unlike a missing one",
                f"{document}\n=> {response.text}\nwhile missing ones => {answer}",
            )

    def post(self, client: httpx.Client, document: str) -> httpx.Response | None:
        if self.stuck:
            return None
        try:
            response = client.post(
                "/graphql",
                json={"query": document},
                headers={"Authorization": f"Bearer {self.token}"},
            )
        except httpx.TimeoutException:
            # Past the operation timeout the server owes an answer; once it is stuck, every
            # further request would wait as long, so the run ends here.
            self.stuck = True
            self.failures["no answer in time"] = document
            return None
        self.sent += 1
        if response.status_code == 503:
            # The database turned the server away (say, the pool ran dry): later answers
            # would each wait out the pool's timeout and tell nothing new.
            self.stuck = True
        for problem in self.problems(document, response):
            # One example of each kind of problem is enough to go on.
            self.failures.setdefault(
                problem, f"{document}\n=> {response.status_code} {response.text}"
            )
        return response

    def problems(self, document: str, response: httpx.Response) -> Iterable[str]:
        if response.status_code >= 500:
            yield f"HTTP {response.status_code}"
        try:
            body = response.json()
        except json.JSONDecodeError:
            yield "not JSON"
            return
        if not isinstance(body, dict) or not ({"data", "errors"} & body.keys()):
            yield "not a GraphQL response"
            return
        errors = body.get("errors") or []
        codes = [(error.get("extensions") or {}).get("code") for error in errors]
        refused = [
            refusal.get("code")
            for refusals in _values_of(body.get("data"), "userErrors")
            if isinstance(refusals, list)
            for refusal in refusals
        ]
        outcome = codes[0] if codes else f"userError {refused[0]}" if refused else "ok"
        self.outcomes[f"{response.status_code} {outcome}"] += 1
        for error, code in zip(errors, codes, strict=True):
            if code not in CODES:
                yield f"undocumented code {code!r}: {error.get('message')}"
            elif code == ErrorCode.INTERNAL:
                yield f"INTERNAL at {error.get('path')}"
        messages = [str(error.get("message")) for error in errors]
        messages += [m for m in _values_of(body.get("data"), "message") if isinstance(m, str)]
        for message in messages:
            for match in INTERNALS.finditer(message):
                if match.group() not in document:
                    yield f"internals in a message ({match.group()!r}): {message[:200]}"
        yield from self.leaks(document, body)

    def leaks(self, document: str, body: dict[str, Any]) -> Iterator[str]:
        data_leaves = set(leaves(body.get("data")))
        for value in self.target.secret_ids & data_leaves:
            yield f"a hidden object's ID in data: {value}"
        everything = list(leaves(body))
        for secret in self.target.secret_values:
            if secret in document:
                continue  # an echo of what the client itself sent
            if any(leaf == secret or (len(secret) >= 8 and secret in leaf) for leaf in everything):
                yield f"a hidden value in the answer: {secret!r}"


def _without_cost(response: httpx.Response) -> object:
    try:
        body = response.json()
    except ValueError:
        return response.text
    if isinstance(body, dict):
        body.pop("extensions", None)
    return (response.status_code, body)


def _gist(text: str) -> object:
    """What an answer says: its data and errors, not its cost accounting."""
    with contextlib.suppress(json.JSONDecodeError):
        body = json.loads(text)
        if isinstance(body, dict):
            return body.get("data"), body.get("errors")
    return text


def _values_of(value: object, name: str) -> Iterator[object]:
    if isinstance(value, dict):
        for key, item in value.items():
            if key == name:
                yield item
            yield from _values_of(item, name)
    elif isinstance(value, list):
        for item in value:
            yield from _values_of(item, name)


def run(fuzzer: Fuzzer, strategy: st.SearchStrategy[str], examples: int) -> None:
    """The hypothesis loop; blocking, so it runs in a thread while the server serves."""

    @settings(
        max_examples=examples,
        derandomize=SEED is None,
        database=None,
        deadline=None,
        # Failures are collected, not raised: shrinking would replay mutations on a changed world.
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def fuzz(document: str) -> None:
        fuzzer.send(client, document)

    if SEED is not None:
        fuzz = seed(int(SEED))(fuzz)
    # Longer than the server's operation timeout (10 s), which answers 504 in its place.
    with httpx.Client(base_url=fuzzer.url, timeout=20) as client:
        fuzz()


async def fuzz(
    server: LiveServer, database: Database, world: World, kind: str, examples: int
) -> Fuzzer:
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as http:
        target = await fill_world(Api(http), world)
    token = world.tokens["customer_a"]
    assert token is not None
    fuzzer = Fuzzer(server.url, token, target, twins=kind == "queries")
    custom = scalars(target)
    # Mostly one root field a document: an error that nulls the whole answer then hides no
    # sibling, and every field gets its share. Now and then several, run side by side: one
    # failing while others are still reading is a path of its own.
    make = queries if kind == "queries" else mutations
    names = QUERY_FIELDS if kind == "queries" else MUTATION_FIELDS
    single = st.one_of(
        [make(SCHEMA, fields=[name], custom_scalars=custom, print_ast=keep) for name in names]
    )
    several = make(SCHEMA, fields=names, custom_scalars=custom, print_ast=keep)
    documents = st.one_of(single, single, single, several)
    strategy = aimed(documents, target)
    try:
        await asyncio.to_thread(run, fuzzer, strategy, examples)
    finally:
        # Work abandoned by a failed operation must not keep a connection in its transaction
        # (holding locks): none is left once the last answer is in.
        if left := await transactions_left_open(database):
            fuzzer.failures["connections left in a transaction"] = f"{left} of them"
    outcomes = dict(fuzzer.outcomes.most_common())
    print(f"\n{kind}: {fuzzer.sent} requests; outcomes {outcomes}")  # noqa: T201
    return fuzzer


async def transactions_left_open(database: Database) -> int:
    """Connections idle inside a transaction once every answer is in: work that outlived its
    operation. Each is ended as it shows, so emptying the tables does not wait on its locks."""
    seen = quiet = 0
    while quiet < 10:
        async with database.engine.begin() as connection:
            left = await connection.scalar(text(f"SELECT count(*) {IDLE_IN_TRANSACTION}")) or 0
            if left:
                await connection.execute(
                    text(f"SELECT pg_terminate_backend(pid) {IDLE_IN_TRANSACTION}")
                )
        seen, quiet = max(seen, left), 0 if left else quiet + 1
        await asyncio.sleep(0.05)
    return seen


def report(fuzzer: Fuzzer) -> str:
    lines = [f"{fuzzer.sent} requests, {len(fuzzer.failures)} kinds of problem:"]
    lines += [f"- {problem}\n{example[:2000]}\n" for problem, example in fuzzer.failures.items()]
    return "\n".join(lines)


async def test_fuzzed_queries_as_a_customer(
    fuzz_server: LiveServer, database: Database, world: World
) -> None:
    fuzzer = await fuzz(fuzz_server, database, world, "queries", QUERY_EXAMPLES)
    assert fuzzer.sent >= QUERY_EXAMPLES, report(fuzzer)
    assert not fuzzer.failures, report(fuzzer)


async def test_fuzzed_mutations_as_a_customer(
    fuzz_server: LiveServer, database: Database, world: World
) -> None:
    fuzzer = await fuzz(fuzz_server, database, world, "mutations", MUTATION_EXAMPLES)
    assert fuzzer.sent >= MUTATION_EXAMPLES, report(fuzzer)
    assert not fuzzer.failures, report(fuzzer)
