"""Meter readings: the provider's published rules, enforced on submit and shown by the check."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select, update

from models import (
    Account,
    AuditEntry,
    Device,
    DeviceModel,
    DeviceStatus,
    MeterReading,
    MeterReadingSource,
)
from models.database import Database
from tests.support import Api
from tests.world import World

SUBMIT = """
mutation ($input: SubmitMeterReadingInput!) {
  submitMeterReading(input: $input) {
    meterReading { id readOn source flaggedForReview values { kind value } submittedBy { email } }
    userErrors { field code message }
  }
}
"""
CHECK = """
query ($id: ID!, $values: [MeterValueInput!]!, $confirm: Boolean! = false) {
  node(id: $id) { ... on Device { meterReadingCheck(values: $values, confirmImplausible: $confirm) {
    ok readOn implausible problems { field code message }
    previous { kind value readOn } expected { kind minimum typicalMaximum } } } }
}
"""
COLOUR = ["TOTAL", "BLACK", "COLOR"]


async def colour_model(database: Database) -> None:
    """The world's model gets three meters: TOTAL, BLACK and COLOR."""
    async with database.session() as session, session.begin():
        await session.execute(update(DeviceModel).values(meter_kinds=COLOUR))


async def past_readings(
    database: Database, serial: str, readings: list[tuple[int, int, int, int]]
) -> None:
    """(days ago, total, black, color), written as accepted portal readings."""
    async with database.session() as session, session.begin():
        device = (await session.scalars(select(Device).where(Device.serial_number == serial))).one()
        today = datetime.now(ZoneInfo("Europe/Stockholm")).date()
        session.add_all(
            MeterReading(
                device_id=device.id,
                read_on=today - timedelta(days=days),
                source=MeterReadingSource.PORTAL,
                total=total,
                black=black,
                color=color,
            )
            for days, total, black, color in readings
        )


def values(total: int, black: int, color: int) -> list[dict[str, Any]]:
    return [
        {"kind": "TOTAL", "value": total},
        {"kind": "BLACK", "value": black},
        {"kind": "COLOR", "value": color},
    ]


async def submit(
    api: Api, world: World, role: str, device: str, vals: list[dict[str, Any]], **extra: Any
) -> dict[str, Any]:
    result = await api.as_(world.tokens[role]).data(
        SUBMIT, {"input": {"deviceId": world.ids[device], "values": vals, **extra}}
    )
    payload: dict[str, Any] = result["submitMeterReading"]
    return payload


async def test_a_reading_is_accepted_and_shows_in_the_history(
    api: Api, world: World, database: Database
) -> None:
    await colour_model(database)
    accepted = await submit(api, world, "customer_a", "a1", values(1000, 600, 400))
    assert accepted["userErrors"] == []
    reading = accepted["meterReading"]
    assert reading["readOn"] == datetime.now(ZoneInfo("Europe/Stockholm")).date().isoformat()
    assert reading["source"] == "PORTAL"
    assert reading["submittedBy"] == {"email": "customer_a@world.example"}
    history = await api.as_(world.tokens["admin_a"]).data(
        """query ($id: ID!) { node(id: $id) { ... on Device {
            latestMeterReading { id }
            meterReadings { totalCount edges { node { readOn submittedAt values { kind value } } } }
        } } }""",
        {"id": world.ids["a1"]},
    )
    device = history["node"]
    assert device["latestMeterReading"] == {"id": reading["id"]}
    assert device["meterReadings"]["totalCount"] == 1
    assert device["meterReadings"]["edges"][0]["node"]["values"] == values(1000, 600, 400)


@pytest.mark.parametrize(
    ("vals", "expected"),
    [
        (values(1000, 600, 400)[:2], [(["input", "values"], "INVALID_INPUT")]),
        (
            [*values(1000, 600, 400), {"kind": "TOTAL", "value": 1000}],
            [(["input", "values", "3", "kind"], "INVALID_INPUT")],
        ),
        (
            [*values(1000, 600, 400), {"kind": "SCAN", "value": 5}],
            [(["input", "values", "3", "kind"], "METER_KIND_NOT_SUPPORTED")],
        ),
        (values(1000, -1, 400), [(["input", "values", "1", "value"], "INVALID_INPUT")]),
        (values(1000, 600, 1400), [(["input", "values", "2", "value"], "INVALID_INPUT")]),
        ([], [(["input", "values"], "INVALID_INPUT")]),
    ],
)
async def test_bad_values_are_refused_at_their_path_and_nothing_is_stored(
    api: Api, world: World, database: Database, vals: list[dict[str, Any]], expected: Any
) -> None:
    await colour_model(database)
    payload = await submit(api, world, "admin_a", "a1", vals)
    assert payload["meterReading"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == expected
    async with database.session() as session:
        assert await session.scalar(select(func.count()).select_from(MeterReading)) == 0


async def test_a_value_lower_than_the_last_names_it_and_its_date(
    api: Api, world: World, database: Database
) -> None:
    await colour_model(database)
    await past_readings(database, "SN-A1", [(3, 5000, 3000, 2000)])
    payload = await submit(api, world, "admin_a", "a1", values(5100, 2900, 2200))
    (error,) = payload["userErrors"]
    assert (error["field"], error["code"]) == (
        ["input", "values", "1", "value"],
        "METER_VALUE_DECREASED",
    )
    three_days_ago = (
        datetime.now(ZoneInfo("Europe/Stockholm")).date() - timedelta(days=3)
    ).isoformat()
    assert "3000" in error["message"]
    assert three_days_ago in error["message"]


async def test_one_reading_per_day_even_when_submitted_at_once(
    api: Api, world: World, database: Database
) -> None:
    await colour_model(database)
    results = await asyncio.gather(
        # The same values each time: only the one-a-day rule can refuse them.
        *(submit(api, world, "admin_a", "a1", values(1000, 500, 400)) for _ in range(6))
    )
    accepted = [r for r in results if r["meterReading"]]
    refused = [r for r in results if r["userErrors"]]
    assert len(accepted) == 1
    assert {e["code"] for r in refused for e in r["userErrors"]} == {
        "METER_ALREADY_SUBMITTED_TODAY"
    }
    async with database.session() as session:
        assert await session.scalar(select(func.count()).select_from(MeterReading)) == 1


async def test_the_day_is_the_accounts_day(api: Api, world: World, database: Database) -> None:
    await colour_model(database)
    async with database.session() as session, session.begin():
        await session.execute(update(Account).values(timezone="Pacific/Kiritimati"))  # UTC+14
    reading = (await submit(api, world, "admin_a", "a1", values(10, 5, 5)))["meterReading"]
    assert reading["readOn"] == datetime.now(ZoneInfo("Pacific/Kiritimati")).date().isoformat()


async def test_an_implausible_jump_needs_confirming_and_is_then_flagged(
    api: Api, world: World, database: Database
) -> None:
    await colour_model(database)
    # About 100 pages a day for a week and a half.
    await past_readings(
        database,
        "SN-A1",
        [(10, 1000, 600, 400), (7, 1300, 780, 520), (4, 1600, 960, 640), (1, 1900, 1140, 760)],
    )
    jump = values(1900 + 5000, 1140 + 3000, 760 + 2000)  # 5,000 in a day
    refused = await submit(api, world, "admin_a", "a1", jump)
    codes = {(tuple(e["field"]), e["code"]) for e in refused["userErrors"]}
    assert (("input", "values", "0", "value"), "METER_READING_IMPLAUSIBLE") in codes
    assert "5000" in refused["userErrors"][0]["message"]
    confirmed = await submit(api, world, "admin_a", "a1", jump, confirmImplausible=True)
    assert confirmed["userErrors"] == []
    assert confirmed["meterReading"]["flaggedForReview"] is True


async def test_the_check_warns_like_submitting_would_and_stores_nothing(
    api: Api, world: World, database: Database
) -> None:
    await colour_model(database)
    await past_readings(
        database, "SN-A1", [(10, 1000, 600, 400), (7, 1300, 780, 520), (4, 1600, 960, 640)]
    )
    viewer = api.as_(world.tokens["customer_a"])
    bad = (await viewer.data(CHECK, {"id": world.ids["a1"], "values": values(1500, 1000, 700)}))[
        "node"
    ]["meterReadingCheck"]
    assert bad["ok"] is False
    assert [(p["field"], p["code"]) for p in bad["problems"]] == [
        (["input", "values", "0", "value"], "METER_VALUE_DECREASED")
    ]
    assert {p["kind"]: p["value"] for p in bad["previous"]} == {
        "TOTAL": 1600,
        "BLACK": 960,
        "COLOR": 640,
    }
    total_range = next(e for e in bad["expected"] if e["kind"] == "TOTAL")
    assert total_range["minimum"] == 1600
    assert total_range["typicalMaximum"] == 1600 + 10 * 100 * 4
    good = (await viewer.data(CHECK, {"id": world.ids["a1"], "values": values(2000, 1200, 800)}))[
        "node"
    ]["meterReadingCheck"]
    assert good["ok"] is True
    async with database.session() as session:
        assert await session.scalar(select(func.count()).select_from(MeterReading)) == 3


async def test_who_may_submit_and_with_what_source(
    api: Api, world: World, database: Database
) -> None:
    await colour_model(database)
    assert (await submit(api, world, "staff", "a1", values(10, 5, 5)))["meterReading"][
        "source"
    ] == "STAFF"
    assert (await submit(api, world, "meters_token", "a2", values(10, 5, 5)))["meterReading"][
        "source"
    ] == "INTEGRATION"
    assert (await submit(api, world, "customer_a", "a2", values(10, 5, 5)))["userErrors"][0][
        "code"
    ] == "NOT_FOUND"
    assert (await submit(api, world, "sync_token", "b1", values(10, 5, 5)))["userErrors"][0][
        "code"
    ] == "FORBIDDEN"


async def test_removed_devices_and_models_without_meters_take_none(
    api: Api, world: World, database: Database
) -> None:
    async with database.session() as session, session.begin():
        await session.execute(update(DeviceModel).values(meter_kinds=[]))
    no_meters = await submit(api, world, "admin_a", "a1", [{"kind": "TOTAL", "value": 1}])
    assert [(e["field"], e["code"]) for e in no_meters["userErrors"]] == [
        (["input", "deviceId"], "INVALID_INPUT")
    ]
    await colour_model(database)
    async with database.session() as session, session.begin():
        await session.execute(
            update(Device)
            .where(Device.serial_number == "SN-A1")
            .values(status=DeviceStatus.REMOVED)
        )
    removed = await submit(api, world, "admin_a", "a1", values(10, 5, 5))
    assert [e["code"] for e in removed["userErrors"]] == ["DEVICE_NOT_ACTIVE"]


async def test_integers_only(api: Api, world: World) -> None:
    mutation = (
        "mutation ($d: ID!) { submitMeterReading(input: {deviceId: $d,"
        " values: [{kind: TOTAL, value: %s}]}) { userErrors { code } } }"
    )
    for bad in ("1.5", '"100"', "2147483648"):
        body = await api.as_(world.tokens["admin_a"]).result(mutation % bad, {"d": world.ids["a1"]})
        assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


BULK = """
mutation ($input: SubmitMeterReadingsInput!) {
  submitMeterReadings(input: $input) {
    results { meterReading { readOn } userErrors { field code } } userErrors { field code }
  }
}
"""


async def test_bulk_readings_are_accepted_or_refused_each_on_its_own(
    api: Api, world: World, database: Database
) -> None:
    await colour_model(database)
    readings = [
        {"deviceId": world.ids["a1"], "values": values(10, 5, 5)},
        {"deviceId": world.ids["a2"], "values": values(10, 50, 5)},  # BLACK above TOTAL
        {"deviceId": "not-an-id", "values": values(10, 5, 5)},
        {"deviceId": world.ids["b1"], "values": values(10, 5, 5)},
    ]
    result = (
        await api.as_(world.tokens["meters_token"]).data(BULK, {"input": {"readings": readings}})
    )["submitMeterReadings"]
    outcomes = [
        (bool(r["meterReading"]), [(e["field"], e["code"]) for e in r["userErrors"]])
        for r in result["results"]
    ]
    assert outcomes == [
        (True, []),
        (False, [(["input", "readings", "1", "values", "1", "value"], "INVALID_INPUT")]),
        (False, [(["input", "readings", "2", "deviceId"], "INVALID_INPUT")]),
        (True, []),
    ]
    async with database.session() as session:
        assert await session.scalar(select(func.count()).select_from(MeterReading)) == 2
    too_many = await api.as_(world.tokens["meters_token"]).data(
        BULK, {"input": {"readings": readings * 51}}
    )
    assert too_many["submitMeterReadings"]["userErrors"] == [
        {"field": ["input", "readings"], "code": "INVALID_INPUT"}
    ]


VOID = """
mutation ($id: ID!, $reason: String!) { voidMeterReading(input: {readingId: $id, reason: $reason}) {
  meterReading { voided voidReason } userErrors { code } } }
"""


async def test_staff_void_a_wrong_reading_which_then_stops_counting(
    api: Api, world: World, database: Database
) -> None:
    await colour_model(database)
    await past_readings(database, "SN-A1", [(2, 900000, 500000, 400000)])  # a typo: too high
    async with database.session() as session:
        wrong = (await session.scalars(select(MeterReading))).one()
    from schema.base import encode_id

    wrong_id = encode_id("MeterReading", wrong.id)
    refused = await api.as_(world.tokens["admin_a"]).data(VOID, {"id": wrong_id, "reason": "typo"})
    assert refused["voidMeterReading"]["userErrors"] == [{"code": "FORBIDDEN"}]
    voided = await api.as_(world.tokens["staff"]).data(
        VOID, {"id": wrong_id, "reason": "Typo: one zero too many"}
    )
    assert voided["voidMeterReading"]["meterReading"] == {
        "voided": True,
        "voidReason": "Typo: one zero too many",
    }
    # No longer the floor for the next reading, nor in the customer's history...
    assert (await submit(api, world, "admin_a", "a1", values(90000, 50000, 40000)))[
        "userErrors"
    ] == []
    history = await api.as_(world.tokens["admin_a"]).data(
        "query ($id: ID!) { node(id: $id) { ... on Device { meterReadings { totalCount } } } }",
        {"id": world.ids["a1"]},
    )
    assert history["node"]["meterReadings"]["totalCount"] == 1
    # ...but kept for staff, and in the audit log.
    staff_history = await api.as_(world.tokens["staff"]).data(
        "query ($id: ID!) { node(id: $id) { ... on Device { meterReadings { totalCount } } } }",
        {"id": world.ids["a1"]},
    )
    assert staff_history["node"]["meterReadings"]["totalCount"] == 2
    async with database.session() as session:
        assert "meter_reading.voided" in set(await session.scalars(select(AuditEntry.action)))


async def test_monthly_volumes_come_from_the_readings(
    api: Api, world: World, database: Database
) -> None:
    await colour_model(database)
    today = datetime.now(UTC).date()
    first_of_month = today.replace(day=1)
    async with database.session() as session, session.begin():
        device = (
            await session.scalars(select(Device).where(Device.serial_number == "SN-A1"))
        ).one()
        last_month_end = first_of_month - timedelta(days=1)
        for read_on, total in (
            (last_month_end - timedelta(days=20), 1000),
            (last_month_end, 1500),
            (first_of_month, 1600),
        ):
            session.add(
                MeterReading(
                    device_id=device.id,
                    read_on=read_on,
                    source=MeterReadingSource.PORTAL,
                    total=total,
                    black=total // 2,
                    color=total // 2,
                )
            )
    volumes = await api.as_(world.tokens["admin_a"]).data(
        "query ($id: ID!) { node(id: $id) { ... on Device {"
        " monthlyVolumes(months: 3) { month kind pages } } } }",
        {"id": world.ids["a1"]},
    )
    by_month = {(v["month"], v["kind"]): v["pages"] for v in volumes["node"]["monthlyVolumes"]}
    assert by_month[(last_month_end.replace(day=1).isoformat(), "TOTAL")] == 500
    assert by_month[(first_of_month.isoformat(), "TOTAL")] == 100
    assert date.fromisoformat(min(month for month, _ in by_month)) >= last_month_end.replace(day=1)
