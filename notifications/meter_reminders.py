"""Meter-reading reminders: a device whose last reading is older than its account's interval
gets one e-mail per interval, to its assigned users (or the account's admins when it has
none), honouring their `meterReadingReminders` preference and locale.

Run by the delivery worker every hour, and once by `portal remind-meters`. Devices are claimed
with SKIP LOCKED, so several workers never remind twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import UTC, datetime

from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    Account,
    Device,
    DeviceModel,
    DeviceStatus,
    MeterReading,
    User,
)
from models.database import Database
from notifications.outbox import enqueue_email
from notifications.recipients import people_of_device
from portal.settings import Settings

log = logging.getLogger(__name__)

CHECK_EVERY_SECONDS = 3600.0
BATCH = 200


async def send_meter_reminders(database: Database, settings: Settings) -> int:
    """One pass over the due devices; returns how many devices were reminded about."""
    now = datetime.now(UTC)
    interval = func.make_interval(0, 0, 0, Account.meter_reading_interval_days)
    last_read = (
        select(func.max(MeterReading.read_on))
        .where(MeterReading.device_id == Device.id, MeterReading.voided_at.is_(None))
        .scalar_subquery()
    )
    due = (
        select(Device, Account, DeviceModel.name, last_read)
        .join(Account, Account.id == Device.account_id)
        .join(DeviceModel, DeviceModel.id == Device.model_id)
        .where(
            Device.status != DeviceStatus.REMOVED,
            func.cardinality(DeviceModel.meter_kinds) > 0,
            or_(
                and_(last_read.is_(None), Device.created_at < func.now() - interval),
                last_read < func.current_date() - Account.meter_reading_interval_days,
            ),
            or_(
                Device.meter_reminded_at.is_(None), Device.meter_reminded_at < func.now() - interval
            ),
        )
        .limit(BATCH)
        .with_for_update(of=Device, skip_locked=True)
    )
    reminded = 0
    async with database.session() as session, session.begin():
        for device, account, model_name, last_read_on in (await session.execute(due)).all():
            for person in await _recipients(session, device):
                await enqueue_email(
                    session,
                    to=person.email,
                    locale=person.locale,
                    template="meter_reading_reminder",
                    name=person.name,
                    serial_number=device.serial_number,
                    model_name=model_name,
                    account_name=account.name,
                    location=_where(device),
                    last_read_on=last_read_on,
                    interval_days=account.meter_reading_interval_days,
                    link=f"{settings.public_url}/devices/{device.serial_number}/meter-readings",
                )
            device.meter_reminded_at = now
            reminded += 1
    return reminded


async def _recipients(session: AsyncSession, device: Device) -> list[User]:
    people = await session.scalars(people_of_device(device.id, device.account_id))
    return [person for person in people if person.notify_meter_reading_reminders]


def _where(device: Device) -> str:
    parts = [device.location_street, device.location_city]
    if device.location_floor:
        parts.append(f"floor {device.location_floor}")
    if device.location_room:
        parts.append(device.location_room)
    return ", ".join(parts)


async def run_reminders(database: Database, settings: Settings, stop: asyncio.Event) -> None:
    while not stop.is_set():
        try:
            count = await send_meter_reminders(database, settings)
            if count:
                log.info("meter-reading reminders queued for %d devices", count)
        except Exception:
            log.exception("meter-reading reminder pass failed")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), CHECK_EVERY_SECONDS)
