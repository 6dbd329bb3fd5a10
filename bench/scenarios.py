"""Scenarios Q1-Q4: each a GraphQL request of schema.graphql, whose answer is checked, whose
SQL is replayed from asyncpg for its limit. (Q5, the subscription fan-out, lives in
bench/ticket_events_fanout.py.)

- Q1: the 50 newest cases of an account, each with its device, the device's model and its
  3 latest messages, as that account's admin.
- Q2: a device with its 30 latest meter readings, as its account's admin.
- Q3: `submitMeterReading` with a `meters` integration token, each request for a device of
  its own (a device takes one reading a day).
- Q4: guide search as a customer, as typed ("paper ja").
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import uuid
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

import asyncpg

from auth.tokens import hash_token
from bench import generate
from bench.capture import Capture, Work, run_transactions, same_work
from portal.settings import DEVELOPMENT_SECRET_KEY
from schema.base import decode_id, encode_id

Q1 = """
query Q1($account: ID!) {
  node(id: $account) {
    ... on Account {
      name
      tickets(first: 50) {
        edges {
          node {
            id number subject status priority createdAt
            device { serialNumber model { name } }
            messages(first: 3) { edges { node { body createdAt } } }
          }
        }
      }
    }
  }
}
"""

Q2 = """
query Q2($device: ID!) {
  node(id: $device) {
    ... on Device {
      serialNumber status
      model { name meterKinds }
      meterReadings(first: 30) {
        edges { node { readOn submittedAt source values { kind value } } }
      }
    }
  }
}
"""

Q3 = """
mutation Q3($device: ID!, $values: [MeterValueInput!]!) {
  submitMeterReading(input: {deviceId: $device, values: $values}) {
    meterReading { id readOn values { kind value } }
    userErrors { code message }
  }
}
"""

Q4 = """
query Q4($search: String!) {
  guides(search: $search, first: 10) {
    totalCount
    edges { node { id title summary locale } }
  }
}
"""
Q4_SEARCH = "paper ja"

# Q1 as one hand-written statement returning the finished JSON, the "SQL limit":
# the session's check, the admin's right to the account, the page and everything on it.
_GID = "rtrim(translate(encode(convert_to('{kind}:' || {column}::text, 'UTF8'), 'base64'), '+/', '-_'), '=')"  # noqa: E501
_TS = "to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"+00:00\"')"
Q1_ONE_STATEMENT = f"""
WITH viewer AS (
  SELECT s.user_id FROM auth_sessions s
  WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > now()
), admin_of AS (
  SELECT m.account_id FROM memberships m JOIN viewer v ON v.user_id = m.user_id
  WHERE m.account_id = $2 AND m.role = 'ADMIN'
), page AS (
  SELECT t.* FROM tickets t WHERE t.account_id = (SELECT account_id FROM admin_of)
  ORDER BY t.created_at DESC, t.id DESC LIMIT 50
)
SELECT json_build_object('node', json_build_object(
  'name', a.name,
  'tickets', json_build_object('edges', COALESCE((
    SELECT json_agg(json_build_object('node', json_build_object(
      'id', {_GID.format(kind="Ticket", column="p.id")},
      'number', p.number, 'subject', p.subject, 'status', p.status, 'priority', p.priority,
      'createdAt', {_TS.format(column="p.created_at")},
      'device', (
        SELECT json_build_object('serialNumber', d.serial_number,
                                 'model', json_build_object('name', dm.name))
        FROM devices d JOIN device_models dm ON dm.id = d.model_id WHERE d.id = p.device_id
      ),
      'messages', json_build_object('edges', COALESCE((
        SELECT json_agg(json_build_object('node', json_build_object(
          'body', m.body, 'createdAt', {_TS.format(column="m.created_at")}))
          ORDER BY m.created_at DESC, m.id DESC)
        FROM (SELECT * FROM ticket_messages m
              WHERE m.ticket_id = p.id AND NOT m.internal
              ORDER BY m.created_at DESC, m.id DESC LIMIT 3) m
      ), '[]'::json))
    )) ORDER BY p.created_at DESC, p.id DESC)
    FROM page p
  ), '[]'::json))
))
FROM accounts a WHERE a.id = $2 AND EXISTS (SELECT 1 FROM admin_of)
"""


class WrongAnswer(SystemExit):
    pass


def _expect(condition: bool, what: str, answer: Any) -> None:
    if not condition:
        raise WrongAnswer(f"{what}; the answer was: {json.dumps(answer)[:2000]}")


def count_values(value: Any) -> int:
    """The scalar values in an answer: how many fields it carries."""
    if isinstance(value, dict):
        return sum(count_values(v) for v in value.values())
    if isinstance(value, list):
        return sum(count_values(v) for v in value)
    return 1


@dataclasses.dataclass
class Data:
    """What the scenarios need to know of the bench data, and whom they act as."""

    url: str
    generated_at: datetime
    admin_token: str
    customer_token: str
    meters_token: str
    account_id: uuid.UUID
    device_id: uuid.UUID


class Scenario:
    key = ""
    title = ""
    document = ""
    must_contain = '"data"'
    # Whether every request may be the same (reads) or each needs its own (submissions).
    repeatable = True
    # Whether the compiled read path (PORTAL_COMPILED_READS) is meant to change it.
    compiled_reads = False

    def __init__(self, data: Data) -> None:
        self.data = data

    @property
    def token(self) -> str:
        return self.data.admin_token

    def body(self) -> dict[str, Any]:
        raise NotImplementedError

    def bodies(self, count: int) -> list[dict[str, Any]]:
        return [self.body()]

    def captured_body(self) -> dict[str, Any]:
        """The request whose SQL is recorded (and replayed)."""
        return self.body()

    def remaining(self) -> int:
        """Requests left that have not been sent (for those that may be sent only once)."""
        return 0

    def check(self, answer: dict[str, Any]) -> None:
        _expect("errors" not in answer, "errors in the answer", answer)

    def work(self, capture: Capture) -> Callable[[], Work]:
        return same_work(capture.transactions)

    async def reset(self) -> None:
        """Undo what the scenario stored, so the next run starts from the same data."""


class TicketsPage(Scenario):
    key = "Q1"
    title = "50 newest cases, each with device, model, 3 latest messages (account admin)"
    document = Q1
    must_contain = '"tickets":{"edges":[{'
    compiled_reads = True

    def body(self) -> dict[str, Any]:
        return {"query": Q1, "variables": {"account": encode_id("Account", self.data.account_id)}}

    def check(self, answer: dict[str, Any]) -> None:
        super().check(answer)
        edges = answer["data"]["node"]["tickets"]["edges"]
        _expect(len(edges) == 50, "not 50 cases", answer)
        created = [edge["node"]["createdAt"] for edge in edges]
        _expect(created == sorted(created, reverse=True), "cases not newest first", answer)
        _expect(
            all(len(edge["node"]["messages"]["edges"]) <= 3 for edge in edges),
            "more than 3 messages",
            answer,
        )
        _expect(
            sum(len(edge["node"]["messages"]["edges"]) for edge in edges) >= 100,
            "hardly any messages",
            answer,
        )

    async def one_statement(self) -> Any:
        """Q1's answer from the hand-written statement (to compare with the API's)."""
        connection = await asyncpg.connect(self.data.url)
        try:
            return json.loads(await connection.fetchval(*self.one_statement_args()))
        finally:
            await connection.close()

    def one_statement_args(self) -> tuple[str, bytes, uuid.UUID]:
        token_hash = hash_token(self.data.admin_token, DEVELOPMENT_SECRET_KEY)
        return Q1_ONE_STATEMENT, token_hash, self.data.account_id

    def one_statement_work(self) -> Callable[[], Work]:
        args = self.one_statement_args()

        def make() -> Work:
            async def work(connection: asyncpg.Connection) -> bool:
                await connection.fetchval(*args)
                return True

            return work

        return make


class DeviceReadings(Scenario):
    key = "Q2"
    title = "a device with its 30 latest meter readings (account admin)"
    document = Q2
    must_contain = '"meterReadings":{"edges":[{'
    compiled_reads = True

    def body(self) -> dict[str, Any]:
        return {"query": Q2, "variables": {"device": encode_id("Device", self.data.device_id)}}

    def check(self, answer: dict[str, Any]) -> None:
        super().check(answer)
        edges = answer["data"]["node"]["meterReadings"]["edges"]
        _expect(len(edges) == 30, "not 30 readings", answer)
        days = [edge["node"]["readOn"] for edge in edges]
        _expect(days == sorted(days, reverse=True), "readings not newest first", answer)


@dataclasses.dataclass(frozen=True)
class Submission:
    device_id: uuid.UUID
    values: list[dict[str, Any]]


class MeterSubmission(Scenario):
    key = "Q3"
    title = "submitMeterReading, a device of its own each (meters integration token)"
    document = Q3
    must_contain = '"userErrors":[]'
    repeatable = False

    def __init__(self, data: Data, submissions: Sequence[Submission]) -> None:
        super().__init__(data)
        self.submissions = list(submissions)
        self._position = 0
        self._captured: uuid.UUID | None = None

    @classmethod
    async def prepare(cls, data: Data) -> MeterSubmission:
        """Every active device but Q2's, with values a little above its latest reading (so
        never lower, never implausible), for every meter of its model."""
        await cls(data, []).reset()  # what an interrupted run may have left
        connection = await asyncpg.connect(data.url)
        try:
            rows = await connection.fetch(
                """
                SELECT d.id, m.meter_kinds, r.total, r.black, r.color
                FROM devices d
                JOIN device_models m ON m.id = d.model_id
                JOIN LATERAL (
                  SELECT total, black, color FROM meter_readings
                  WHERE device_id = d.id AND voided_at IS NULL ORDER BY read_on DESC LIMIT 1
                ) r ON true
                WHERE d.status = 'ACTIVE' AND d.id <> $1
                ORDER BY d.external_id
                """,
                data.device_id,
            )
        finally:
            await connection.close()
        columns = {"TOTAL": "total", "BLACK": "black", "COLOR": "color"}
        return cls(
            data,
            [
                Submission(
                    row["id"],
                    [
                        {"kind": kind, "value": (row[columns[kind]] or 0) + 10}
                        for kind in row["meter_kinds"]
                    ],
                )
                for row in rows
            ],
        )

    @property
    def token(self) -> str:
        return self.data.meters_token

    def remaining(self) -> int:
        return len(self.submissions) - self._position

    def _take(self, count: int) -> list[Submission]:
        taken = self.submissions[self._position : self._position + count]
        self._position += len(taken)
        return taken

    def _body(self, submission: Submission) -> dict[str, Any]:
        return {
            "query": Q3,
            "variables": {
                "device": encode_id("Device", submission.device_id),
                "values": submission.values,
            },
        }

    def body(self) -> dict[str, Any]:
        (submission,) = self._take(1)
        return self._body(submission)

    def captured_body(self) -> dict[str, Any]:
        (submission,) = self._take(1)
        self._captured = submission.device_id
        return self._body(submission)

    def bodies(self, count: int) -> list[dict[str, Any]]:
        return [self._body(s) for s in self._take(count)]

    def check(self, answer: dict[str, Any]) -> None:
        super().check(answer)
        payload = answer["data"]["submitMeterReading"]
        _expect(payload["userErrors"] == [], "the reading was refused", answer)
        _expect(payload["meterReading"] is not None, "no reading came back", answer)

    def work(self, capture: Capture) -> Callable[[], Work]:
        """The captured statements with another device and a new reading id each time
        (in place of the captured request's)."""
        payload = capture.answer["data"]["submitMeterReading"]
        captured_reading = decode_id(payload["meterReading"]["id"])[1]
        captured_device = self._captured
        submissions = iter(self._take(self.remaining()))

        def make() -> Work:
            async def work(connection: asyncpg.Connection) -> bool:
                submission = next(submissions, None)
                if submission is None:
                    return False
                await run_transactions(
                    connection,
                    capture.substituted(
                        {captured_device: submission.device_id, captured_reading: uuid.uuid4()}
                    ),
                )
                return True

            return work

        return make

    async def reset(self) -> None:
        """Deletes every reading stored since the data was generated: every device is free
        again. Requests the load generator left in flight finish first."""
        await asyncio.sleep(0.5)
        connection = await asyncpg.connect(self.data.url)
        try:
            for _ in range(100):
                busy = await connection.fetchval(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND state <> 'idle' AND pid <> pg_backend_pid() "
                    "AND backend_type = 'client backend'"
                )
                if not busy:
                    break
                await asyncio.sleep(0.1)
            deleted = await connection.execute(
                "DELETE FROM meter_readings WHERE submitted_at > $1", self.data.generated_at
            )
            if deleted != "DELETE 0":
                # Dead rows of today in the (device, day) index slow every later insert and
                # history read down (measured: the limit halved from one run to the next).
                await connection.execute("VACUUM meter_readings, integration_tokens")
        finally:
            await connection.close()
        self._position = 0


class GuideSearch(Scenario):
    key = "Q4"
    title = f'guide search "{Q4_SEARCH}" (customer)'
    document = Q4
    must_contain = '"guides":{"totalCount":'

    @property
    def token(self) -> str:
        return self.data.customer_token

    def body(self) -> dict[str, Any]:
        return {"query": Q4, "variables": {"search": Q4_SEARCH}}

    def check(self, answer: dict[str, Any]) -> None:
        super().check(answer)
        guides = answer["data"]["guides"]
        _expect(len(guides["edges"]) == 10, "not 10 guides", answer)
        _expect(guides["totalCount"] >= 10, "too few guides found", answer)


async def data_for(url: str, generated_at: datetime) -> Data:
    tokens = await generate.open_sessions(
        url, [generate.admin_email(0), generate.customer_email(0, 0)]
    )
    connection = await asyncpg.connect(url)
    try:
        account_id = await connection.fetchval(
            "SELECT id FROM accounts WHERE external_id = $1", generate.account_external_id(0)
        )
        device_id = await connection.fetchval(
            "SELECT id FROM devices WHERE external_id = $1", generate.device_external_id(0)
        )
    finally:
        await connection.close()
    return Data(
        url=url,
        generated_at=generated_at,
        admin_token=tokens[generate.admin_email(0)],
        customer_token=tokens[generate.customer_email(0, 0)],
        meters_token=await generate.meters_token(url),
        account_id=account_id,
        device_id=device_id,
    )
