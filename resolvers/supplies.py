"""Consumables: ordering for a device, the order workflow, and orders raised by themselves
when fleet monitoring reports a low level on a contract that includes consumables."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Hashable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.dialects.postgresql import insert as pg_insert

from auth.policies import ensure_signed_in, forbidden
from auth.viewer import Scope
from auth.visibility import visible_devices, visible_supply_items, visible_supply_orders
from models import (
    Account,
    Device,
    DeviceStatus,
    SupplyItem,
    SupplyLevel,
    SupplyOrder,
    SupplyOrderLine,
    SupplyOrderSource,
    SupplyOrderStatus,
    User,
    model_supplies,
)
from models.supply import MAX_LINES, MAX_QUANTITY
from notifications.outbox import enqueue_email
from notifications.recipients import people_of_device
from portal.errors import UserErrorCode, UserInputError
from resolvers.context import Context
from resolvers.pagination import Order, Page, fetch_page
from resolvers.sync import AddressInput, check_address
from resolvers.validation import Checks

ORDER_ORDER = Order((SupplyOrder.created_at, SupplyOrder.id), descending=True)
OPEN = (SupplyOrderStatus.SUBMITTED, SupplyOrderStatus.CONFIRMED)
LOW_LEVEL_PERCENT = 10
S = SupplyOrderStatus
STAFF_TRANSITIONS = {
    S.SUBMITTED: {S.CONFIRMED, S.CANCELLED},
    S.CONFIRMED: {S.SHIPPED, S.CANCELLED},
    S.SHIPPED: {S.DELIVERED},
    S.DELIVERED: set(),
    S.CANCELLED: set(),
}


def apply_order_filter(stmt: Select[SupplyOrder], filters: Hashable) -> Select[SupplyOrder]:
    if isinstance(filters, tuple) and filters:
        stmt = stmt.where(SupplyOrder.status.in_(filters))
    return stmt


async def list_orders(
    ctx: Context, first: int | None, after: str | None, statuses: tuple[SupplyOrderStatus, ...]
) -> Page[SupplyOrder]:
    stmt = apply_order_filter(visible_supply_orders(ctx.viewer), statuses)
    return await fetch_page(ctx, stmt, ORDER_ORDER, first, after)


@dataclasses.dataclass(frozen=True)
class LineRequest:
    item_id: uuid.UUID
    quantity: int


def _fail(code: UserErrorCode, key: str, *field: str | int, **params: object) -> UserInputError:
    return UserInputError.single(code, key, [str(f) for f in field], **params)


async def _locked_device(ctx: Context, device_id: uuid.UUID) -> Device:
    device = await ctx.first(
        visible_devices(ctx.viewer).where(Device.id == device_id).with_for_update()
    )
    if device is None:
        raise _fail(UserErrorCode.NOT_FOUND, "not_found", "input", "deviceId")
    return device


async def _open_orders_by_item(ctx: Context, device_id: uuid.UUID) -> dict[uuid.UUID, str]:
    """Items already on a SUBMITTED or CONFIRMED order of this device, with that order's number."""
    rows: list[Any] = list(
        (
            await ctx.execute(
                select(SupplyOrderLine.supply_item_id, SupplyOrder.number)
                .join(SupplyOrder, SupplyOrder.id == SupplyOrderLine.order_id)
                .where(SupplyOrder.device_id == device_id, SupplyOrder.status.in_(OPEN))
            )
        ).all()
    )
    return dict(rows)


async def _compatible(ctx: Context, device: Device) -> set[uuid.UUID]:
    return set(
        await ctx.all(
            select(model_supplies.c.supply_item_id).where(
                model_supplies.c.model_id == device.model_id
            )
        )
    )


async def order_supplies(
    ctx: Context,
    device_id: uuid.UUID,
    lines: Sequence[LineRequest],
    note: str | None,
    shipping_address: AddressInput | None,
) -> SupplyOrder:
    ensure_signed_in(ctx.viewer)
    if ctx.viewer.user_id is None:
        raise forbidden()
    checks = Checks("input")
    if not 1 <= len(lines) <= MAX_LINES:
        checks.invalid("out_of_range", "lines", low=1, high=MAX_LINES)
    seen: set[uuid.UUID] = set()
    for index, line in enumerate(lines):
        if not 1 <= line.quantity <= MAX_QUANTITY:
            checks.invalid("out_of_range", "lines", index, "quantity", low=1, high=MAX_QUANTITY)
        if line.item_id in seen:
            checks.invalid("duplicate", "lines", index, "itemId")
        seen.add(line.item_id)
    note = checks.optional_text(note, "note", limit=2000)
    address = (
        check_address(checks, shipping_address, "shippingAddress") if shipping_address else None
    )
    checks.done()
    device = await _locked_device(ctx, device_id)
    if device.status is not DeviceStatus.ACTIVE:
        raise _fail(UserErrorCode.DEVICE_NOT_ACTIVE, "device_not_active", "input", "deviceId")
    known = set(
        await ctx.all(
            visible_supply_items(ctx.viewer)
            .with_only_columns(SupplyItem.id)
            .where(SupplyItem.id.in_([line.item_id for line in lines]))
        )
    )
    fits = await _compatible(ctx, device)
    open_orders = await _open_orders_by_item(ctx, device.id)
    for index, line in enumerate(lines):
        if line.item_id not in known:
            checks.fail(UserErrorCode.NOT_FOUND, "not_found", "lines", index, "itemId")
        elif line.item_id not in fits:
            checks.fail(
                UserErrorCode.SUPPLY_NOT_COMPATIBLE,
                "supply_not_compatible",
                "lines",
                index,
                "itemId",
            )
        elif line.item_id in open_orders:
            checks.fail(
                UserErrorCode.DUPLICATE_OPEN_ORDER,
                "duplicate_open_order",
                "lines",
                index,
                "itemId",
                number=open_orders[line.item_id],
            )
    checks.done()
    source = SupplyOrderSource.STAFF if ctx.viewer.is_staff else SupplyOrderSource.PORTAL
    return await _create_order(
        ctx, device, [(line.item_id, line.quantity) for line in lines], source, note, address
    )


async def _create_order(
    ctx: Context,
    device: Device,
    lines: Sequence[tuple[uuid.UUID, int]],
    source: SupplyOrderSource,
    note: str | None,
    address: dict[str, str] | None,
) -> SupplyOrder:
    # The shipping address defaults to where the device stands.
    ship_to = address or {
        "street": device.location_street,
        "postal_code": device.location_postal_code,
        "city": device.location_city,
        "country": device.location_country,
    }
    order = SupplyOrder(
        account_id=device.account_id,
        device_id=device.id,
        source=source,
        ordered_by=ctx.viewer.user_id,
        note=note,
        **{f"shipping_{part}": value for part, value in ship_to.items()},
    )
    ctx.session.add(order)
    await ctx.flush()
    ctx.session.add_all(
        SupplyOrderLine(order_id=order.id, supply_item_id=item, quantity=quantity, position=n)
        for n, (item, quantity) in enumerate(lines)
    )
    await ctx.flush()
    return order


async def set_status(
    ctx: Context, order_id: uuid.UUID, target: SupplyOrderStatus, tracking_reference: str | None
) -> SupplyOrder:
    ensure_signed_in(ctx.viewer)
    order = await ctx.first(
        visible_supply_orders(ctx.viewer).where(SupplyOrder.id == order_id).with_for_update()
    )
    if order is None:
        raise _fail(UserErrorCode.NOT_FOUND, "not_found", "input", "supplyOrderId")
    checks = Checks("input")
    tracking = checks.optional_text(tracking_reference, "trackingReference", limit=100)
    checks.done()
    if ctx.viewer.is_staff:
        allowed = target in STAFF_TRANSITIONS[order.status]
    else:
        own = order.ordered_by == ctx.viewer.user_id or ctx.viewer.is_admin_of(order.account_id)
        allowed = own and order.status is S.SUBMITTED and target is S.CANCELLED
    if not allowed:
        raise _fail(
            UserErrorCode.INVALID_STATUS_TRANSITION,
            "invalid_transition",
            "input",
            "status",
            current=order.status.value,
            target=target.value,
        )
    if target is S.SHIPPED:
        if not tracking:
            raise _fail(
                UserErrorCode.INVALID_INPUT, "tracking_required", "input", "trackingReference"
            )
        order.tracking_reference = tracking
    order.status = target
    order.updated_at = datetime.now(UTC)
    if ctx.viewer.is_staff:  # the customer's own cancellation needs no e-mail
        await _mail_order_people(ctx, order)
    await ctx.flush()
    return order


async def _people_of_device(ctx: Context, device: Device) -> list[User]:
    return list(await ctx.all(people_of_device(device.id, device.account_id)))


async def _mail_order_people(ctx: Context, order: SupplyOrder) -> None:
    device = await ctx.session.get(Device, order.device_id)
    assert device is not None
    orderer = await ctx.session.get(User, order.ordered_by) if order.ordered_by else None
    people = [orderer] if orderer else await _people_of_device(ctx, device)
    result = await ctx.execute(
        select(SupplyItem.name, SupplyItem.sku, SupplyOrderLine.quantity)
        .join(SupplyOrderLine, SupplyOrderLine.supply_item_id == SupplyItem.id)
        .where(SupplyOrderLine.order_id == order.id)
        .order_by(SupplyOrderLine.position)
    )
    lines: list[Any] = list(result.all())
    for person in people:
        if not person.notify_supply_order_updates:
            continue
        await enqueue_email(
            ctx.session,
            to=person.email,
            locale=person.locale,
            template="supply_order_status",
            name=person.name,
            number=order.number,
            serial_number=device.serial_number,
            status=order.status.value,
            lines=[{"name": name, "sku": sku, "quantity": qty} for name, sku, qty in lines],
            shipping_address=(
                f"{order.shipping_street}, {order.shipping_postal_code} {order.shipping_city}"
            ),
            tracking_reference=order.tracking_reference,
            link=f"{ctx.settings.public_url}/orders/{order.number}",
        )


@dataclasses.dataclass(frozen=True)
class LevelReport:
    sku: str
    level_percent: int


async def report_supply_levels(
    ctx: Context, device_id: uuid.UUID, levels: Sequence[LevelReport]
) -> list[SupplyOrder]:
    """Store the levels; order what runs low (under 10 %) on a contract with consumables.
    Returns the orders raised."""
    ensure_signed_in(ctx.viewer)
    if not (
        ctx.viewer.is_staff
        or ctx.viewer.has_scope(Scope.METERS)
        or ctx.viewer.has_scope(Scope.SYNC)
    ):
        raise forbidden()
    checks = Checks("input")
    if not 1 <= len(levels) <= 50:
        checks.invalid("out_of_range", "levels", low=1, high=50)
    for index, level in enumerate(levels):
        checks.in_range(level.level_percent, "levels", index, "levelPercent", low=0, high=100)
    checks.done()
    device = await _locked_device(ctx, device_id)
    items = {
        item.sku: item
        for item in await ctx.all(
            select(SupplyItem).where(SupplyItem.sku.in_([report.sku for report in levels]))
        )
    }
    for index, level in enumerate(levels):
        if level.sku not in items:
            checks.fail(UserErrorCode.NOT_FOUND, "not_found", "levels", index, "sku")
    checks.done()
    for level in levels:
        stmt = pg_insert(SupplyLevel).values(
            device_id=device.id,
            supply_item_id=items[level.sku].id,
            level_percent=level.level_percent,
            reported_at=datetime.now(UTC),
        )
        await ctx.execute(
            stmt.on_conflict_do_update(
                index_elements=["device_id", "supply_item_id"],
                set_={
                    "level_percent": stmt.excluded.level_percent,
                    "reported_at": stmt.excluded.reported_at,
                },
            )
        )
    account = await ctx.session.get(Account, device.account_id)
    assert account is not None
    if not account.consumables_included or device.status is not DeviceStatus.ACTIVE:
        return []
    fits = await _compatible(ctx, device)
    open_orders = await _open_orders_by_item(ctx, device.id)
    raised = []
    for level in levels:
        item = items[level.sku]
        if (
            level.level_percent >= LOW_LEVEL_PERCENT
            or item.id not in fits
            or item.id in open_orders
        ):
            continue
        order = await _create_order(
            ctx, device, [(item.id, 1)], SupplyOrderSource.AUTOMATIC, None, None
        )
        open_orders[item.id] = order.number
        raised.append(order)
        for person in await _people_of_device(ctx, device):
            if person.notify_supply_order_updates:
                await enqueue_email(
                    ctx.session,
                    to=person.email,
                    locale=person.locale,
                    template="supply_order_automatic",
                    name=person.name,
                    number=order.number,
                    serial_number=device.serial_number,
                    location=f"{device.location_street}, {device.location_city}",
                    item_name=item.name,
                    sku=item.sku,
                    level_percent=level.level_percent,
                    link=f"{ctx.settings.public_url}/orders/{order.number}",
                )
    return raised
