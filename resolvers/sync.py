"""Back-office sync: upserts keyed by the provider's own keys (staff and `sync` tokens).

Each upsert is one INSERT ... ON CONFLICT DO UPDATE that writes only when something differs,
so a repeated identical call changes nothing (not even `updated_at`), and two syncs racing
on the same key end with one row.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, func, insert, select, tuple_
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.exc import IntegrityError

from auth.policies import ensure_can_sync
from auth.visibility import visible_accounts
from models import (
    Account,
    Device,
    DeviceAssignment,
    DeviceModel,
    MeterKind,
    SupplyItem,
    SupplyKind,
    model_supplies,
)
from portal.errors import UserErrorCode, UserInputError
from resolvers.context import Context
from resolvers.validation import Checks

MAX_RESPONSE_HOURS = 720


@dataclasses.dataclass(frozen=True)
class AddressInput:
    street: str
    postal_code: str
    city: str
    country: str


@dataclasses.dataclass(frozen=True)
class LocationInput:
    address: AddressInput
    building: str | None = None
    floor: str | None = None
    room: str | None = None
    note: str | None = None


def check_address(checks: Checks, address: AddressInput, *field: str) -> dict[str, str]:
    return {
        "street": checks.text(address.street, *field, "street", limit=200),
        "postal_code": checks.text(address.postal_code, *field, "postalCode", limit=16),
        "city": checks.text(address.city, *field, "city", limit=100),
        "country": checks.country(address.country, *field, "country"),
    }


def check_location(checks: Checks, location: LocationInput, *field: str) -> dict[str, Any]:
    address = check_address(checks, location.address, *field, "address")
    return {
        "location_street": address["street"],
        "location_postal_code": address["postal_code"],
        "location_city": address["city"],
        "location_country": address["country"],
        "location_building": checks.optional_text(location.building, *field, "building", limit=200),
        "location_floor": checks.optional_text(location.floor, *field, "floor", limit=200),
        "location_room": checks.optional_text(location.room, *field, "room", limit=200),
        "location_note": checks.optional_text(location.note, *field, "note", limit=500),
    }


async def upsert_row(
    ctx: Context,
    model: Any,
    key: str,
    values: dict[str, Any],
    conflicts: dict[str, tuple[str, ...]],
) -> Any:
    """Insert, or update only what differs; a unique violation is ALREADY_EXISTS at its field."""
    table = model.__table__
    changed = [column for column in values if column != key]
    stmt = pg_insert(table).values(**values)
    assignments: dict[str, Any] = {column: stmt.excluded[column] for column in changed}
    if "updated_at" in table.c:
        # The ORM's onupdate does not reach a Core upsert; stamp real changes here.
        assignments["updated_at"] = func.now()
    stmt = stmt.on_conflict_do_update(
        index_elements=[key],
        set_=assignments,
        where=tuple_(*(table.c[column] for column in changed)).is_distinct_from(
            tuple_(*(stmt.excluded[column] for column in changed))
        ),
    )
    try:
        async with ctx.session.begin_nested():
            await ctx.execute(stmt)
    except IntegrityError as error:
        constraint = getattr(error.orig, "constraint_name", None) or str(error.orig)
        for name, field in conflicts.items():
            if name in constraint:
                raise UserInputError.single(
                    UserErrorCode.ALREADY_EXISTS, "already_exists", field, what=field[-1]
                ) from None
        raise
    # populate_existing: the row may sit in the session already, as it was before the upsert.
    return await ctx.first(
        select(model)
        .where(getattr(model, key) == values[key])
        .execution_options(populate_existing=True)
    )


async def upsert_account(
    ctx: Context,
    external_id: str,
    customer_number: str,
    name: str,
    timezone: str,
    billing_address: AddressInput,
    credit_rating: str | None,
) -> Account:
    ensure_can_sync(ctx.viewer)
    checks = Checks("input")
    values: dict[str, Any] = {
        "external_id": checks.text(external_id, "externalId", limit=100),
        "customer_number": checks.text(customer_number, "customerNumber", limit=32),
        "name": checks.text(name, "name", limit=200),
        "timezone": checks.timezone(timezone, "timezone"),
        "credit_rating": checks.optional_text(credit_rating, "creditRating", limit=16),
    }
    address = check_address(checks, billing_address, "billingAddress")
    checks.done()
    values.update({f"billing_{part}": value for part, value in address.items()})
    account: Account = await upsert_row(
        ctx,
        Account,
        "external_id",
        values,
        {"uq_accounts_customer_number": ("input", "customerNumber")},
    )
    return account


async def upsert_supply_item(
    ctx: Context, sku: str, name: str, kind: SupplyKind, colour: str | None
) -> SupplyItem:
    ensure_can_sync(ctx.viewer)
    checks = Checks("input")
    values = {
        "sku": checks.text(sku, "sku", limit=64),
        "name": checks.text(name, "name", limit=200),
        "kind": kind,
        "colour": checks.optional_text(colour, "colour", limit=32),
    }
    checks.done()
    item: SupplyItem = await upsert_row(ctx, SupplyItem, "sku", values, {})
    return item


async def upsert_device_model(
    ctx: Context,
    code: str,
    name: str,
    meter_kinds: Sequence[MeterKind],
    supply_skus: Sequence[str] | None,
) -> DeviceModel:
    ensure_can_sync(ctx.viewer)
    checks = Checks("input")
    values = {
        "code": checks.text(code, "code", limit=64),
        "name": checks.text(name, "name", limit=200),
        "meter_kinds": [kind.value for kind in meter_kinds],
    }
    for index, kind in enumerate(meter_kinds):
        if kind in meter_kinds[:index]:
            checks.invalid("duplicate", "meterKinds", index)
    supplies: list[uuid.UUID] = []
    if supply_skus is not None:
        found = await ctx.all(select(SupplyItem).where(SupplyItem.sku.in_(supply_skus)))
        known = {item.sku: item.id for item in found}
        for index, sku in enumerate(supply_skus):
            if sku not in known:
                checks.fail(UserErrorCode.NOT_FOUND, "not_found", "supplySkus", index)
            elif sku in supply_skus[:index]:
                checks.invalid("duplicate", "supplySkus", index)
            else:
                supplies.append(known[sku])
    checks.done()
    model: DeviceModel = await upsert_row(ctx, DeviceModel, "code", values, {})
    if supply_skus is not None:
        await _replace_model_supplies(ctx, model.id, supplies)
    return model


async def _replace_model_supplies(
    ctx: Context, model_id: uuid.UUID, supply_ids: list[uuid.UUID]
) -> None:
    current = set(
        await ctx.all(
            select(model_supplies.c.supply_item_id).where(model_supplies.c.model_id == model_id)
        )
    )
    if current == set(supply_ids):
        return
    await ctx.execute(
        delete(model_supplies).where(
            model_supplies.c.model_id == model_id,
            model_supplies.c.supply_item_id.not_in(supply_ids),
        )
    )
    missing = [item for item in supply_ids if item not in current]
    if missing:
        await ctx.execute(
            insert(model_supplies).values(
                [{"model_id": model_id, "supply_item_id": item} for item in missing]
            )
        )


async def upsert_device(
    ctx: Context,
    external_id: str,
    account_id: uuid.UUID,
    serial_number: str,
    model_code: str,
    location: LocationInput,
    response_hours: int,
) -> Device:
    ensure_can_sync(ctx.viewer)
    checks = Checks("input")
    values: dict[str, Any] = {
        "external_id": checks.text(external_id, "externalId", limit=100),
        "serial_number": checks.text(serial_number, "serialNumber", limit=64),
        "response_hours": checks.in_range(
            response_hours, "responseHours", low=1, high=MAX_RESPONSE_HOURS
        ),
    }
    values.update(check_location(checks, location, "location"))
    checks.done()
    account = await ctx.first(visible_accounts(ctx.viewer).where(Account.id == account_id))
    if account is None:
        raise UserInputError.single(UserErrorCode.NOT_FOUND, "not_found", ["input", "accountId"])
    model = await ctx.first(select(DeviceModel).where(DeviceModel.code == model_code.strip()))
    if model is None:
        raise UserInputError.single(UserErrorCode.NOT_FOUND, "not_found", ["input", "modelCode"])
    values.update(account_id=account.id, model_id=model.id)
    existing = await ctx.first(select(Device).where(Device.external_id == values["external_id"]))
    if existing is not None and existing.account_id != account.id:
        # Moved to another customer: its old assignments name people of the old account.
        await ctx.execute(delete(DeviceAssignment).where(DeviceAssignment.device_id == existing.id))
    device: Device = await upsert_row(
        ctx, Device, "external_id", values, {"uq_devices_serial_number": ("input", "serialNumber")}
    )
    return device
