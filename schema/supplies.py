"""Consumables orders: ordering for a device, the order workflow, and levels reported by
fleet monitoring."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

import models
from auth.policies import ensure_signed_in
from portal.errors import UserInputError
from resolvers import supplies
from resolvers.transaction import in_transaction
from schema.accounts import Account, Address
from schema.base import Info, Node, encode_id, required
from schema.devices import SupplyItem
from schema.errors import UserError, user_errors
from schema.mutations import (
    idempotency_key_field,
    input_id,
    payload,
    reloaded,
    row_id,
    run,
    run_once,
)
from schema.pagination import Connection, connection
from schema.sync import AddressInput
from schema.users import User

if TYPE_CHECKING:
    from schema.devices import Device

strawberry.enum(models.SupplyOrderStatus, name="SupplyOrderStatus")
strawberry.enum(models.SupplyOrderSource, name="SupplyOrderSource")


@strawberry.type
class SupplyOrderLine:
    row: strawberry.Private[models.SupplyOrderLine]
    quantity: int

    @strawberry.field
    async def item(self, info: Info) -> SupplyItem:
        item = await info.context.loaders.supply_item_by_id.load(self.row.supply_item_id)
        return SupplyItem.from_row(required(item, "this line's item"))


@strawberry.type
class SupplyOrder(Node):
    row: strawberry.Private[models.SupplyOrder]
    id: strawberry.ID
    loader = "supply_order_by_id"
    number: str
    status: models.SupplyOrderStatus
    source: models.SupplyOrderSource
    created_at: datetime.datetime
    shipping_address: Address
    tracking_reference: str | None
    note: str | None

    @classmethod
    def from_row(cls, row: models.SupplyOrder) -> SupplyOrder:
        return cls(
            row=row,
            id=encode_id("SupplyOrder", row.id),
            number=row.number,
            status=row.status,
            source=row.source,
            created_at=row.created_at,
            shipping_address=Address(
                street=row.shipping_street,
                postal_code=row.shipping_postal_code,
                city=row.shipping_city,
                country=row.shipping_country,
            ),
            tracking_reference=row.tracking_reference,
            note=row.note,
        )

    @strawberry.field
    async def lines(self, info: Info) -> list[SupplyOrderLine]:
        rows = await info.context.loaders.lines_of_order.load(self.row.id)
        return [SupplyOrderLine(row=row, quantity=row.quantity) for row in rows]

    @strawberry.field
    async def account(self, info: Info) -> Account:
        row = await info.context.loaders.account_by_id.load(self.row.account_id)
        return Account.from_row(required(row, "this order's account"))

    @strawberry.field
    async def device(self, info: Info) -> Annotated[Device, strawberry.lazy("schema.devices")]:
        from schema.devices import Device

        row = await info.context.loaders.device_by_id.load(self.row.device_id)
        return Device.from_row(required(row, "this order's device"))

    @strawberry.field
    async def ordered_by(self, info: Info) -> User | None:
        if self.row.ordered_by is None:
            return None
        row = await info.context.loaders.user_by_id.load(self.row.ordered_by)
        return User.from_row(row) if row else None


@strawberry.input
class SupplyOrderFilter:
    status: list[models.SupplyOrderStatus] | None = None


@strawberry.input
class SupplyOrderLineInput:
    item_id: strawberry.ID
    quantity: int


@strawberry.input
class OrderSuppliesInput:
    device_id: strawberry.ID
    lines: list[SupplyOrderLineInput]
    note: str | None = None
    shipping_address: AddressInput | None = strawberry.field(
        default=None, description="Where to deliver; by default where the device stands."
    )
    idempotency_key: str | None = idempotency_key_field()


@strawberry.type
class SupplyOrderPayload:
    supply_order: SupplyOrder | None
    user_errors: list[UserError]


@strawberry.input
class SetSupplyOrderStatusInput:
    supply_order_id: strawberry.ID
    status: models.SupplyOrderStatus
    tracking_reference: str | None = strawberry.field(
        default=None, description="The carrier's reference; required when SHIPPED."
    )


@strawberry.input
class SupplyLevelInput:
    sku: str
    level_percent: int


@strawberry.input
class ReportSupplyLevelsInput:
    device_id: strawberry.ID
    levels: list[SupplyLevelInput]


@strawberry.type
class ReportSupplyLevelsPayload:
    orders_raised: list[SupplyOrder] | None = strawberry.field(
        description="Orders placed by themselves because a level ran low (contract permitting)."
    )
    user_errors: list[UserError]


@strawberry.type
class SupplyQueries:
    @strawberry.field(description="Orders the viewer may see, newest first.")
    async def supply_orders(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        filter: SupplyOrderFilter | None = None,
    ) -> Connection[SupplyOrder]:
        statuses = tuple(filter.status) if filter and filter.status else ()
        page = await supplies.list_orders(info.context, first, after, statuses)
        return connection(page, SupplyOrder.from_row)


@strawberry.type
class SupplyMutations:
    @strawberry.mutation(description="Order consumables that fit a device.")
    async def order_supplies(self, info: Info, input: OrderSuppliesInput) -> SupplyOrderPayload:
        ensure_signed_in(info.context.viewer)

        async def work() -> models.SupplyOrder:
            lines = [
                supplies.LineRequest(
                    input_id(line.item_id, "SupplyItem", "input", "lines", index, "itemId"),
                    line.quantity,
                )
                for index, line in enumerate(input.lines)
            ]
            return await supplies.order_supplies(
                info.context,
                input_id(input.device_id, "Device", "input", "deviceId"),
                lines,
                input.note,
                input.shipping_address.to_input() if input.shipping_address else None,
            )

        result = await run_once(
            info,
            "orderSupplies",
            input,
            work,
            row_id,
            reloaded(info, "supply_order_by_id"),
        )
        return payload(SupplyOrderPayload, "supply_order", result, SupplyOrder.from_row)

    @strawberry.mutation(
        description="Staff only, but for a customer's cancelling of a SUBMITTED order."
    )
    async def set_supply_order_status(
        self, info: Info, input: SetSupplyOrderStatusInput
    ) -> SupplyOrderPayload:
        ensure_signed_in(info.context.viewer)
        return payload(
            SupplyOrderPayload,
            "supply_order",
            await run(
                info,
                lambda: supplies.set_status(
                    info.context,
                    input_id(input.supply_order_id, "SupplyOrder", "input", "supplyOrderId"),
                    input.status,
                    input.tracking_reference,
                ),
            ),
            SupplyOrder.from_row,
        )

    @strawberry.mutation(
        description=(
            "Fleet monitoring (meters or sync scope): a device's supply levels. Under 10 % on a "
            "contract that includes consumables, an order is placed by itself."
        )
    )
    async def report_supply_levels(
        self, info: Info, input: ReportSupplyLevelsInput
    ) -> ReportSupplyLevelsPayload:
        ensure_signed_in(info.context.viewer)
        try:
            raised = await in_transaction(
                info.context,
                supplies.report_supply_levels,
                info.context,
                input_id(input.device_id, "Device", "input", "deviceId"),
                [supplies.LevelReport(level.sku, level.level_percent) for level in input.levels],
            )
        except UserInputError as error:
            return ReportSupplyLevelsPayload(
                orders_raised=None, user_errors=user_errors(error, info.context.locale)
            )
        return ReportSupplyLevelsPayload(
            orders_raised=[SupplyOrder.from_row(order) for order in raised], user_errors=[]
        )
