"""Meter-reading reminders: once per interval, to the right people, honouring preferences."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update

from models import Device, DeviceModel, MeterReading, MeterReadingSource, OutboxEmail, User
from models.database import Database
from notifications.meter_reminders import send_meter_reminders
from portal.settings import Settings
from tests.world import World


async def age_devices(database: Database, days: int) -> None:
    async with database.session() as session, session.begin():
        await session.execute(update(Device).values(created_at=func.now() - timedelta(days=days)))


async def reminded(database: Database) -> list[tuple[str, str]]:
    async with database.session() as session:
        rows = await session.scalars(
            select(OutboxEmail).where(OutboxEmail.template == "meter_reading_reminder")
        )
        return sorted((row.to_address, row.subject) for row in rows)


async def test_due_devices_remind_their_people_once_per_interval(
    world: World, database: Database, settings: Settings
) -> None:
    await age_devices(database, 40)
    async with database.session() as session, session.begin():
        a2 = (await session.scalars(select(Device).where(Device.serial_number == "SN-A2"))).one()
        today = datetime.now(ZoneInfo("Europe/Stockholm")).date()
        # a2 was read last week: not due. a1 and b1 were never read: due.
        session.add(
            MeterReading(
                device_id=a2.id, read_on=today - timedelta(days=7),
                source=MeterReadingSource.PORTAL, total=10,
            )
        )  # fmt: skip
    assert await send_meter_reminders(database, settings) == 2
    sent = await reminded(database)
    # a1 goes to the customer it is assigned to; b1 (no one assigned) to its account's admin.
    assert [to for to, _ in sent] == ["admin_b@world.example", "customer_a@world.example"]
    assert all("SN-" in subject for _, subject in sent)
    # Not again within the interval.
    assert await send_meter_reminders(database, settings) == 0
    assert len(await reminded(database)) == 2


async def test_people_who_opted_out_get_none_and_models_without_meters_are_skipped(
    world: World, database: Database, settings: Settings
) -> None:
    await age_devices(database, 40)
    async with database.session() as session, session.begin():
        await session.execute(
            update(User)
            .where(User.email == "customer_a@world.example")
            .values(notify_meter_reading_reminders=False)
        )
    await send_meter_reminders(database, settings)
    # a1's only person opted out: nothing. a2 (no one assigned) and b1 go to the admins.
    assert [to for to, _ in await reminded(database)] == [
        "admin_a@world.example",
        "admin_b@world.example",
    ]
    async with database.session() as session, session.begin():
        await session.execute(update(DeviceModel).values(meter_kinds=[]))
        await session.execute(update(Device).values(meter_reminded_at=None))
    assert await send_meter_reminders(database, settings) == 0


async def test_young_devices_are_not_yet_due(
    world: World, database: Database, settings: Settings
) -> None:
    assert await send_meter_reminders(database, settings) == 0
