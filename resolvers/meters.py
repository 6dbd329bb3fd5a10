"""Meter readings: checking, submitting (one or many), voiding, and reading them back."""

from __future__ import annotations

import dataclasses
import itertools
import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from auth.policies import ensure_signed_in, forbidden
from auth.visibility import visible_devices, visible_meter_readings
from models import Account, Device, DeviceModel, MeterKind, MeterReading, MeterReadingSource
from models.meter import COLUMNS
from portal.errors import UserErrorCode, UserInputError
from resolvers import audit, meter_rules
from resolvers.context import Context
from resolvers.validation import Checks

MAX_BULK = 200


async def _device_for_reading(
    ctx: Context, device_id: uuid.UUID, lock: bool
) -> tuple[Device, list[MeterKind], str]:
    """The visible device, its model's meter kinds and its account's time zone: one statement."""
    stmt = (
        visible_devices(ctx.viewer)
        .add_columns(DeviceModel.meter_kinds, Account.timezone)
        .join(DeviceModel, DeviceModel.id == Device.model_id)
        .join(Account, Account.id == Device.account_id)
        .where(Device.id == device_id)
    )
    rows: list[Any] = list(
        (await ctx.execute(stmt.with_for_update(of=Device) if lock else stmt)).all()
    )
    if not rows:
        raise UserInputError.single(UserErrorCode.NOT_FOUND, "not_found", ["input", "deviceId"])
    device, kinds, timezone = rows[0]
    return device, [MeterKind(kind) for kind in kinds], timezone


async def _history(ctx: Context, device_id: uuid.UUID) -> list[meter_rules.PastReading]:
    rows = await ctx.all(
        select(MeterReading)
        .where(MeterReading.device_id == device_id, MeterReading.voided_at.is_(None))
        .order_by(MeterReading.read_on.desc())
        .limit(meter_rules.RECENT_READINGS + 1)
    )
    return [meter_rules.PastReading(row.read_on, row.values()) for row in rows]


def today_in(timezone: str) -> date:
    return datetime.now(ZoneInfo(timezone)).date()


async def evaluate(
    ctx: Context,
    device_id: uuid.UUID,
    values: Sequence[tuple[MeterKind, int]],
    confirm_implausible: bool,
    lock: bool = False,
) -> tuple[Device, meter_rules.Evaluation]:
    device, kinds, timezone = await _device_for_reading(ctx, device_id, lock)
    history = await _history(ctx, device.id)
    evaluation = meter_rules.evaluate(
        kinds, values, history, today_in(timezone), device.status, confirm_implausible
    )
    return device, evaluation


def _source(ctx: Context) -> MeterReadingSource:
    if ctx.viewer.is_integration:
        return MeterReadingSource.INTEGRATION
    if ctx.viewer.is_staff:
        return MeterReadingSource.STAFF
    return MeterReadingSource.PORTAL


async def submit(
    ctx: Context,
    device_id: uuid.UUID,
    values: Sequence[tuple[MeterKind, int]],
    confirm_implausible: bool,
) -> MeterReading:
    ensure_signed_in(ctx.viewer)
    if ctx.viewer.is_integration and not ctx.viewer.has_scope_for_meters:
        raise forbidden()
    # Locked: two submissions for one device queue here rather than both pass the checks.
    device, evaluation = await evaluate(ctx, device_id, values, confirm_implausible, lock=True)
    if not evaluation.ok:
        raise UserInputError(evaluation.problems)
    reading = MeterReading(
        device_id=device.id,
        read_on=evaluation.read_on,
        submitted_at=datetime.now(UTC),
        submitted_by=ctx.viewer.user_id,
        integration_token_id=ctx.viewer.integration_id,
        source=_source(ctx),
        flagged_for_review=evaluation.implausible,
        **{COLUMNS[kind]: value for kind, value in values},
    )
    ctx.session.add(reading)
    try:
        await ctx.flush()
    except IntegrityError:
        # The unique index settles a race the lock did not see (another process, say).
        raise UserInputError.single(
            UserErrorCode.METER_ALREADY_SUBMITTED_TODAY,
            "meter_already_today",
            ["input", "deviceId"],
        ) from None
    return reading


@dataclasses.dataclass(frozen=True)
class ReadingRequest:
    # The device, or why the request could not even name one (a malformed ID).
    device: uuid.UUID | UserInputError
    values: Sequence[tuple[MeterKind, int]]
    confirm_implausible: bool


async def submit_many(
    ctx: Context, items: Sequence[ReadingRequest]
) -> list[MeterReading | UserInputError]:
    """Each item on its own: accepted or refused, one bad item never blocking the others."""
    if len(items) > MAX_BULK:
        checks = Checks("input")
        checks.invalid("too_many_readings", "readings", limit=MAX_BULK)
        checks.done()
    results: list[MeterReading | UserInputError] = []
    for item in items:
        if isinstance(item.device, UserInputError):
            results.append(item.device)
            continue
        device_id, values, confirm = item.device, item.values, item.confirm_implausible
        savepoint = await ctx.session.begin_nested()
        try:
            results.append(await submit(ctx, device_id, values, confirm))
            await savepoint.commit()
        except UserInputError as error:
            await savepoint.rollback()
            results.append(error)
    return results


async def void(ctx: Context, reading_id: uuid.UUID, reason: str) -> MeterReading:
    ensure_signed_in(ctx.viewer)
    if not ctx.viewer.is_staff:
        raise forbidden()
    checks = Checks("input")
    reason = checks.text(reason, "reason", limit=1000)
    checks.done()
    reading = await ctx.first(
        visible_meter_readings(ctx.viewer)
        .where(MeterReading.id == reading_id)
        .with_for_update(of=MeterReading)
    )
    if reading is None:
        raise UserInputError.single(UserErrorCode.NOT_FOUND, "not_found", ["input", "readingId"])
    if reading.voided_at is not None:
        raise UserInputError.single(
            UserErrorCode.INVALID_INPUT, "already_decided", ["input", "readingId"]
        )
    reading.voided_at = datetime.now(UTC)
    reading.voided_by = ctx.viewer.user_id
    reading.void_reason = reason
    device = await ctx.session.get(Device, reading.device_id)
    assert device is not None
    audit.record(
        ctx,
        "meter_reading.voided",
        entity_type="MeterReading",
        entity_id=reading.id,
        account_id=device.account_id,
        before={
            "readOn": reading.read_on.isoformat(),
            "values": {k.value: v for k, v in reading.values().items()},
        },
        after={"voided": True, "reason": reason},
    )
    await ctx.flush()
    return reading


async def monthly_volumes(
    ctx: Context, device_id: uuid.UUID, months: int
) -> list[tuple[date, MeterKind, int]]:
    """Pages per month and meter kind: each interval between readings counts for the month of
    its later reading. Readings from `months` back (and the one before, as a baseline)."""
    today = datetime.now(UTC).date()
    start_month = _month_start(today, months - 1)
    rows = await ctx.all(
        visible_meter_readings(ctx.viewer)
        .where(MeterReading.device_id == device_id, MeterReading.voided_at.is_(None))
        .order_by(MeterReading.read_on)
    )
    volumes: dict[tuple[date, MeterKind], int] = {}
    for older, newer in itertools.pairwise(rows):
        month = newer.read_on.replace(day=1)
        if month < start_month:
            continue
        for kind, value in newer.values().items():
            before = older.value(kind)
            if before is not None:
                volumes[(month, kind)] = volumes.get((month, kind), 0) + value - before
    return [(month, kind, pages) for (month, kind), pages in sorted(volumes.items())]


def _month_start(day: date, back: int) -> date:
    index = day.year * 12 + day.month - 1 - back
    return date(index // 12, index % 12 + 1, 1)
