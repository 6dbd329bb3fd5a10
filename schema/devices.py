"""Devices, their models and the supplies that fit them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry

import models
from portal.errors import BadUserInput, Forbidden
from resolvers import devices
from resolvers.meters import monthly_volumes as meter_volumes
from schema.base import Info, Node, encode_id, required
from schema.pagination import Connection, connection

if TYPE_CHECKING:
    from schema.accounts import Account, Address
    from schema.meters import MeterReading, MeterReadingCheck, MeterValueInput, MonthlyVolume
    from schema.tickets import Ticket, TicketFilter
    from schema.users import User

strawberry.enum(models.MeterKind, name="MeterKind")
strawberry.enum(models.DeviceStatus, name="DeviceStatus")
strawberry.enum(models.SupplyKind, name="SupplyKind")


@strawberry.type
class DeviceModel(Node):
    id: strawberry.ID
    loader = "device_model_by_id"
    code: str
    name: str
    meter_kinds: list[models.MeterKind]

    @classmethod
    def from_row(cls, row: models.DeviceModel) -> DeviceModel:
        return cls(
            id=encode_id("DeviceModel", row.id),
            code=row.code,
            name=row.name,
            meter_kinds=[models.MeterKind(kind) for kind in row.meter_kinds],
        )


@strawberry.type(description="A consumable (toner, drum, ...) from the provider's catalogue.")
class SupplyItem(Node):
    id: strawberry.ID
    loader = "supply_item_by_id"
    sku: str
    name: str
    kind: models.SupplyKind
    colour: str | None

    @classmethod
    def from_row(cls, row: models.SupplyItem) -> SupplyItem:
        return cls(
            id=encode_id("SupplyItem", row.id),
            sku=row.sku,
            name=row.name,
            kind=row.kind,
            colour=row.colour,
        )


@strawberry.type
class Location:
    address: Annotated[Address, strawberry.lazy("schema.accounts")]
    building: str | None
    floor: str | None
    room: str | None
    note: str | None


@strawberry.type
class ServiceLevel:
    response_hours: int = strawberry.field(
        description="Contracted response time, counted in the account's office hours."
    )


@strawberry.input
class DeviceFilter:
    search: str | None = None
    status: list[models.DeviceStatus] | None = None

    def to_filter(self) -> devices.DeviceFilter:
        return devices.DeviceFilter(
            search=self.search, statuses=tuple(self.status) if self.status is not None else None
        )


@strawberry.type(description="A printer or multifunction device at a customer's site.")
class Device(Node):
    row: strawberry.Private[models.Device]
    id: strawberry.ID
    loader = "device_by_id"
    serial_number: str
    status: models.DeviceStatus

    @classmethod
    def from_row(cls, row: models.Device) -> Device:
        return cls(
            row=row,
            id=encode_id("Device", row.id),
            serial_number=row.serial_number,
            status=row.status,
        )

    @strawberry.field
    async def model(self, info: Info) -> DeviceModel:
        row = await info.context.loaders.device_model_by_id.load(self.row.model_id)
        return DeviceModel.from_row(required(row, "this device's model"))

    @strawberry.field
    async def account(self, info: Info) -> Annotated[Account, strawberry.lazy("schema.accounts")]:
        from schema.accounts import Account

        row = await info.context.loaders.account_by_id.load(self.row.account_id)
        return Account.from_row(required(row, "this device's account"))

    @strawberry.field
    def location(self) -> Location:
        from schema.accounts import Address

        row = self.row
        return Location(
            address=Address(
                street=row.location_street,
                postal_code=row.location_postal_code,
                city=row.location_city,
                country=row.location_country,
            ),
            building=row.location_building,
            floor=row.location_floor,
            room=row.location_room,
            note=row.location_note,
        )

    @strawberry.field
    def service_level(self) -> ServiceLevel:
        return ServiceLevel(response_hours=self.row.response_hours)

    @strawberry.field(
        description="Admins of the device's account and staff; null plus FORBIDDEN for others."
    )
    async def assignees(
        self, info: Info
    ) -> list[Annotated[User, strawberry.lazy("schema.users")]] | None:
        from schema.users import User

        viewer = info.context.viewer
        if not (viewer.is_staff or viewer.is_admin_of(self.row.account_id)):
            raise Forbidden("Only the account's admins and staff see who a device is for")
        rows = await info.context.loaders.assignees_of_device.load(self.row.id)
        return [User.from_row(row) for row in rows]

    @strawberry.field(description="Accepted readings, newest first, with when they were sent.")
    async def meter_readings(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[Annotated[MeterReading, strawberry.lazy("schema.meters")]]:
        from schema.meters import MeterReading

        page = await info.context.loaders.meter_readings_of_device.page(self.row.id, first, after)
        return connection(page, MeterReading.from_row)

    @strawberry.field
    async def latest_meter_reading(
        self, info: Info
    ) -> Annotated[MeterReading, strawberry.lazy("schema.meters")] | None:
        from schema.meters import MeterReading

        row = await info.context.loaders.latest_reading_of_device.load(self.row.id)
        return MeterReading.from_row(row) if row else None

    @strawberry.field(
        description=(
            "Every rule of submitMeterReading run on these values, nothing stored: for forms "
            "that warn while the customer types."
        )
    )
    async def meter_reading_check(
        self,
        info: Info,
        values: list[Annotated[MeterValueInput, strawberry.lazy("schema.meters")]],
        confirm_implausible: bool = False,
    ) -> Annotated[MeterReadingCheck, strawberry.lazy("schema.meters")]:
        from schema.meters import check_reading

        return await check_reading(info, self.row.id, values, confirm_implausible)

    @strawberry.field(description="Pages per month and meter kind, derived from the readings.")
    async def monthly_volumes(
        self, info: Info, months: int = 12
    ) -> list[Annotated[MonthlyVolume, strawberry.lazy("schema.meters")]]:
        from schema.meters import MonthlyVolume

        if not 1 <= months <= 60:
            raise BadUserInput("`months` must be between 1 and 60")
        volumes = await meter_volumes(info.context, self.row.id, months)
        return [MonthlyVolume(month=m, kind=k, pages=p) for m, k, p in volumes]

    @strawberry.field(description="The device's cases the viewer may see, newest first.")
    async def tickets(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        filter: Annotated[TicketFilter, strawberry.lazy("schema.tickets")] | None = None,
    ) -> Connection[Annotated[Ticket, strawberry.lazy("schema.tickets")]]:
        from schema.tickets import tickets_of

        return await tickets_of(
            info.context.loaders.tickets_of_device, self.row.id, first, after, filter
        )

    @strawberry.field(description="The supplies that fit this device's model.")
    async def compatible_supplies(self, info: Info) -> list[SupplyItem]:
        rows = await info.context.loaders.supplies_of_model.load(self.row.model_id)
        return [SupplyItem.from_row(row) for row in rows]


@strawberry.type
class DeviceQueries:
    @strawberry.field(description="Every device the viewer may see.")
    async def devices(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        filter: DeviceFilter | None = None,
    ) -> Connection[Device]:
        page = await devices.list_devices(
            info.context, first, after, filter.to_filter() if filter else None
        )
        return connection(page, Device.from_row)
