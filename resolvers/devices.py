"""Reading devices: the root list with its filter, and the device's own relations."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Hashable

from sqlalchemy import Select, or_

from auth.policies import ensure_can_update_device_location
from auth.visibility import visible_devices
from models import Device, DeviceStatus
from portal.errors import UserErrorCode, UserInputError
from resolvers.context import Context
from resolvers.loaders import DEVICE_ORDER
from resolvers.pagination import Page, fetch_page
from resolvers.sync import LocationInput, check_location
from resolvers.validation import Checks

SEARCH_MAX_LENGTH = 100


@dataclasses.dataclass(frozen=True)
class DeviceFilter:
    search: str | None = None
    statuses: tuple[DeviceStatus, ...] | None = None


def apply_device_filter(stmt: Select[Device], filters: Hashable) -> Select[Device]:
    if not isinstance(filters, DeviceFilter):
        return stmt
    if filters.statuses is not None:
        stmt = stmt.where(Device.status.in_(filters.statuses))
    if filters.search and filters.search.strip():
        pattern = "%" + _escape_like(filters.search.strip()[:SEARCH_MAX_LENGTH]) + "%"
        stmt = stmt.where(
            or_(
                Device.serial_number.ilike(pattern, escape="\\"),
                Device.location_street.ilike(pattern, escape="\\"),
                Device.location_city.ilike(pattern, escape="\\"),
                Device.location_building.ilike(pattern, escape="\\"),
                Device.location_room.ilike(pattern, escape="\\"),
            )
        )
    return stmt


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


async def list_devices(
    ctx: Context, first: int | None, after: str | None, filters: DeviceFilter | None
) -> Page[Device]:
    stmt = apply_device_filter(visible_devices(ctx.viewer), filters)
    return await fetch_page(ctx, stmt, DEVICE_ORDER, first, after)


async def update_device_location(
    ctx: Context, device_id: uuid.UUID, location: LocationInput
) -> Device:
    device = await ctx.first(
        visible_devices(ctx.viewer).where(Device.id == device_id).with_for_update()
    )
    if device is None:
        raise UserInputError.single(UserErrorCode.NOT_FOUND, "not_found", ["input", "deviceId"])
    ensure_can_update_device_location(ctx.viewer, device)
    checks = Checks("input")
    values = check_location(checks, location, "location")
    checks.done()
    for column, value in values.items():
        setattr(device, column, value)
    await ctx.flush()
    return device
