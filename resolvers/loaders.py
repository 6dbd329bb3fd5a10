"""DataLoaders, built per operation; each starts from its entity's visibility query."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from aiodataloader import DataLoader
from sqlalchemy import Select, select
from sqlalchemy.dialects.postgresql import distinct_on
from sqlalchemy.orm import InstrumentedAttribute

from auth import visibility
from models import (
    AccessRequest,
    Account,
    Device,
    DeviceAssignment,
    DeviceModel,
    Guide,
    Membership,
    MeterReading,
    Payment,
    SupplyItem,
    SupplyOrder,
    SupplyOrderLine,
    Ticket,
    TicketMessage,
    TicketStatusChange,
    User,
    model_supplies,
)
from resolvers.pagination import ChildPages, Children, Order

if TYPE_CHECKING:
    from resolvers.context import Context

K = TypeVar("K", bound=Hashable)
R = TypeVar("R")
M = TypeVar("M")

DEVICE_ORDER = Order((Device.serial_number, Device.id))
MEMBER_ORDER = Order((Membership.created_at, Membership.user_id))
PAYMENT_ORDER = Order((Payment.due_on, Payment.id), descending=True)
TICKET_ORDER = Order((Ticket.created_at, Ticket.id), descending=True)
MESSAGE_ORDER = Order((TicketMessage.created_at, TicketMessage.id), descending=True)
READING_ORDER = Order((MeterReading.read_on, MeterReading.id), descending=True)


def in_key_order(rows: Iterable[R], keys: Sequence[K], key_of: Callable[[R], K]) -> list[R | None]:
    """DataLoader wants one answer per key, in order; keys the viewer may not see get None."""
    by_key = {key_of(row): row for row in rows}
    return [by_key.get(key) for key in keys]


def grouped(rows: Iterable[tuple[K, R]], keys: Sequence[K]) -> list[list[R]]:
    groups: dict[K, list[R]] = defaultdict(list)
    for key, row in rows:
        groups[key].append(row)
    return [groups.get(key, []) for key in keys]


class Loaders:
    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx
        viewer = ctx.viewer
        self.user_by_id = self._by_id(visibility.visible_users(viewer), User.id)
        self.account_by_id = self._by_id(visibility.visible_accounts(viewer), Account.id)
        self.device_by_id = self._by_id(visibility.visible_devices(viewer), Device.id)
        self.device_model_by_id = self._by_id(
            visibility.visible_device_models(viewer), DeviceModel.id
        )
        self.supply_item_by_id = self._by_id(visibility.visible_supply_items(viewer), SupplyItem.id)
        self.payment_by_id = self._by_id(visibility.visible_payments(viewer), Payment.id)
        self.ticket_by_id = self._by_id(visibility.visible_tickets(viewer), Ticket.id)
        self.message_by_id = self._by_id(
            visibility.visible_ticket_messages(viewer), TicketMessage.id
        )
        self.tickets_of_account = ChildPages(
            ctx, Children(self._tickets_filtered, (Ticket.account_id,), TICKET_ORDER)
        )
        self.tickets_of_device = ChildPages(
            ctx, Children(self._tickets_filtered, (Ticket.device_id,), TICKET_ORDER)
        )
        self.messages_of_ticket = ChildPages(
            ctx,
            Children(
                lambda _: visibility.visible_ticket_messages(viewer),
                (TicketMessage.ticket_id,),
                MESSAGE_ORDER,
            ),
        )
        self.status_changes_of_ticket: DataLoader[uuid.UUID, list[TicketStatusChange]] = DataLoader(
            self._status_changes_of_tickets
        )
        self.supply_order_by_id = self._by_id(
            visibility.visible_supply_orders(viewer), SupplyOrder.id
        )
        self.guide_by_id = self._by_id(visibility.visible_guides(viewer), Guide.id)
        self.access_request_by_id = self._by_id(
            visibility.visible_access_requests(viewer), AccessRequest.id
        )
        self.lines_of_order: DataLoader[uuid.UUID, list[SupplyOrderLine]] = DataLoader(
            self._lines_of_orders
        )
        self.cases_after_guide: DataLoader[uuid.UUID, int] = DataLoader(self._cases_after_guides)
        self.meter_reading_by_id = self._by_id(
            visibility.visible_meter_readings(viewer), MeterReading.id
        )
        self.meter_readings_of_device = ChildPages(
            ctx,
            Children(
                lambda _: visibility.visible_meter_readings(viewer),
                (MeterReading.device_id,),
                READING_ORDER,
            ),
        )
        self.latest_reading_of_device: DataLoader[uuid.UUID, MeterReading | None] = DataLoader(
            self._latest_readings
        )
        self.memberships_of_user: DataLoader[uuid.UUID, list[Membership]] = DataLoader(
            self._memberships_of_users
        )
        self.assignees_of_device: DataLoader[uuid.UUID, list[User]] = DataLoader(
            self._assignees_of_devices
        )
        self.supplies_of_model: DataLoader[uuid.UUID, list[SupplyItem]] = DataLoader(
            self._supplies_of_models
        )
        self.devices_of_account = ChildPages(
            ctx, Children(self._devices_filtered, (Device.account_id,), DEVICE_ORDER)
        )
        # Keyed by (account, member): every customer member's devices in one statement.
        self.devices_of_member = ChildPages(
            ctx,
            Children(
                self._assigned_devices,
                (DeviceAssignment.account_id, DeviceAssignment.user_id),
                DEVICE_ORDER,
            ),
        )
        self.members_of_account = ChildPages(
            ctx,
            Children(
                lambda _: visibility.visible_memberships(viewer),
                (Membership.account_id,),
                MEMBER_ORDER,
            ),
        )
        self.payments_of_account = ChildPages(
            ctx,
            Children(
                lambda _: visibility.visible_payments(viewer), (Payment.account_id,), PAYMENT_ORDER
            ),
        )

    def _by_id(
        self, scoped: Select[M], key: InstrumentedAttribute[uuid.UUID]
    ) -> DataLoader[uuid.UUID, M | None]:
        async def load(ids: Sequence[uuid.UUID]) -> list[M | None]:
            rows = await self._ctx.all(scoped.where(key.in_(ids)))
            return in_key_order(rows, ids, lambda row: getattr(row, "id"))  # noqa: B009

        return DataLoader(load)

    def _devices_filtered(self, filters: Hashable) -> Select[Device]:
        from resolvers.devices import apply_device_filter

        return apply_device_filter(visibility.visible_devices(self._ctx.viewer), filters)

    async def _lines_of_orders(self, order_ids: Sequence[uuid.UUID]) -> list[list[SupplyOrderLine]]:
        # Lines of orders already loaded through visible_supply_orders: their scope.
        rows = await self._ctx.all(
            select(SupplyOrderLine)
            .where(SupplyOrderLine.order_id.in_(order_ids))
            .order_by(SupplyOrderLine.position)
        )
        return grouped(((row.order_id, row) for row in rows), order_ids)

    async def _cases_after_guides(self, guide_ids: Sequence[uuid.UUID]) -> list[int]:
        from resolvers.guides import cases_raised_after

        counts = await cases_raised_after(self._ctx, guide_ids)
        return [counts.get(guide_id, 0) for guide_id in guide_ids]

    async def _latest_readings(self, device_ids: Sequence[uuid.UUID]) -> list[MeterReading | None]:
        rows = await self._ctx.all(
            visibility.visible_meter_readings(self._ctx.viewer)
            .where(MeterReading.device_id.in_(device_ids), MeterReading.voided_at.is_(None))
            .ext(distinct_on(MeterReading.device_id))
            .order_by(MeterReading.device_id, MeterReading.read_on.desc())
        )
        return in_key_order(rows, device_ids, lambda row: row.device_id)

    def _tickets_filtered(self, filters: Hashable) -> Select[Ticket]:
        from resolvers.tickets import apply_ticket_filter

        return apply_ticket_filter(visibility.visible_tickets(self._ctx.viewer), filters)

    async def _status_changes_of_tickets(
        self, ticket_ids: Sequence[uuid.UUID]
    ) -> list[list[TicketStatusChange]]:
        rows = await self._ctx.all(
            visibility.visible_ticket_status_changes(self._ctx.viewer)
            .where(TicketStatusChange.ticket_id.in_(ticket_ids))
            .order_by(TicketStatusChange.at, TicketStatusChange.id)
        )
        return grouped(((row.ticket_id, row) for row in rows), ticket_ids)

    def _assigned_devices(self, _: Hashable) -> Select[Device]:
        return visibility.visible_devices(self._ctx.viewer).join(
            DeviceAssignment, DeviceAssignment.device_id == Device.id
        )

    async def _memberships_of_users(self, user_ids: Sequence[uuid.UUID]) -> list[list[Membership]]:
        rows = await self._ctx.all(
            visibility.visible_memberships(self._ctx.viewer)
            .where(Membership.user_id.in_(user_ids))
            .order_by(Membership.created_at, Membership.account_id)
        )
        return grouped(((row.user_id, row) for row in rows), user_ids)

    async def _assignees_of_devices(self, device_ids: Sequence[uuid.UUID]) -> list[list[User]]:
        result = await self._ctx.execute(
            visibility.visible_users(self._ctx.viewer)
            .add_columns(DeviceAssignment.device_id)
            .join(DeviceAssignment, DeviceAssignment.user_id == User.id)
            .where(DeviceAssignment.device_id.in_(device_ids))
            .order_by(User.name, User.id)
        )
        pairs: list[Any] = list(result.all())
        return grouped(((device_id, user) for user, device_id in pairs), device_ids)

    async def _supplies_of_models(self, model_ids: Sequence[uuid.UUID]) -> list[list[SupplyItem]]:
        result = await self._ctx.execute(
            visibility.visible_supply_items(self._ctx.viewer)
            .add_columns(model_supplies.c.model_id)
            .join(model_supplies, model_supplies.c.supply_item_id == SupplyItem.id)
            .where(model_supplies.c.model_id.in_(model_ids))
            .order_by(SupplyItem.kind, SupplyItem.sku)
        )
        pairs: list[Any] = list(result.all())
        return grouped(((model_id, item) for item, model_id in pairs), model_ids)
