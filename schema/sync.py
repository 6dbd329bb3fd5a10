"""Back-office sync (staff and `sync` tokens), and the account and device details customers
keep themselves."""

from __future__ import annotations

import strawberry

import models
from auth.policies import ensure_signed_in
from resolvers import accounts, devices, sync
from schema.accounts import Account
from schema.base import Info
from schema.devices import Device, DeviceModel, SupplyItem
from schema.errors import UserError
from schema.mutations import input_id, payload, run


@strawberry.input
class AddressInput:
    street: str
    postal_code: str
    city: str
    country: str

    def to_input(self) -> sync.AddressInput:
        return sync.AddressInput(self.street, self.postal_code, self.city, self.country)


@strawberry.input
class LocationInput:
    address: AddressInput
    building: str | None = None
    floor: str | None = None
    room: str | None = None
    note: str | None = None

    def to_input(self) -> sync.LocationInput:
        return sync.LocationInput(
            self.address.to_input(), self.building, self.floor, self.room, self.note
        )


@strawberry.input
class UpsertAccountInput:
    external_id: str = strawberry.field(
        description="The back-office system's key; the same key updates the same account."
    )
    customer_number: str
    name: str
    timezone: str
    billing_address: AddressInput
    credit_rating: str | None = None


@strawberry.type
class AccountPayload:
    account: Account | None
    user_errors: list[UserError]


@strawberry.input
class UpsertDeviceModelInput:
    code: str
    name: str
    meter_kinds: list[models.MeterKind]
    supply_skus: list[str] | None = strawberry.field(
        default=None, description="SKUs of the supplies that fit this model."
    )


@strawberry.type
class DeviceModelPayload:
    device_model: DeviceModel | None
    user_errors: list[UserError]


@strawberry.input
class UpsertSupplyItemInput:
    sku: str
    name: str
    kind: models.SupplyKind
    colour: str | None = None


@strawberry.type
class SupplyItemPayload:
    supply_item: SupplyItem | None
    user_errors: list[UserError]


@strawberry.input
class UpsertDeviceInput:
    external_id: str
    account_id: strawberry.ID
    serial_number: str
    model_code: str
    location: LocationInput
    response_hours: int


@strawberry.type
class DevicePayload:
    device: Device | None
    user_errors: list[UserError]


@strawberry.input
class UpdateDeviceLocationInput:
    device_id: strawberry.ID
    location: LocationInput


@strawberry.input
class UpdateAccountInput:
    account_id: strawberry.ID
    main_contact: str | None = None
    phone: str | None = None
    invoice_email: str | None = None
    delivery_addresses: list[AddressInput] | None = strawberry.field(
        default=None, description="Replaces the list."
    )


@strawberry.type
class SyncMutations:
    @strawberry.mutation(description="Back-office sync (staff or integration tokens with sync).")
    async def upsert_account(self, info: Info, input: UpsertAccountInput) -> AccountPayload:
        ensure_signed_in(info.context.viewer)
        return payload(
            AccountPayload,
            "account",
            await run(
                info,
                lambda: sync.upsert_account(
                    info.context,
                    input.external_id,
                    input.customer_number,
                    input.name,
                    input.timezone,
                    input.billing_address.to_input(),
                    input.credit_rating,
                ),
            ),
            Account.from_row,
        )

    @strawberry.mutation(description="Back-office sync (staff or integration tokens with sync).")
    async def upsert_device_model(
        self, info: Info, input: UpsertDeviceModelInput
    ) -> DeviceModelPayload:
        ensure_signed_in(info.context.viewer)
        result = await run(
            info,
            lambda: sync.upsert_device_model(
                info.context, input.code, input.name, input.meter_kinds, input.supply_skus
            ),
        )
        return payload(DeviceModelPayload, "device_model", result, DeviceModel.from_row)

    @strawberry.mutation(description="Back-office sync (staff or integration tokens with sync).")
    async def upsert_supply_item(
        self, info: Info, input: UpsertSupplyItemInput
    ) -> SupplyItemPayload:
        ensure_signed_in(info.context.viewer)
        result = await run(
            info,
            lambda: sync.upsert_supply_item(
                info.context, input.sku, input.name, input.kind, input.colour
            ),
        )
        return payload(SupplyItemPayload, "supply_item", result, SupplyItem.from_row)

    @strawberry.mutation(description="Back-office sync (staff or integration tokens with sync).")
    async def upsert_device(self, info: Info, input: UpsertDeviceInput) -> DevicePayload:
        ensure_signed_in(info.context.viewer)
        return payload(
            DevicePayload,
            "device",
            await run(
                info,
                lambda: sync.upsert_device(
                    info.context,
                    input.external_id,
                    input_id(input.account_id, "Account", "input", "accountId"),
                    input.serial_number,
                    input.model_code,
                    input.location.to_input(),
                    input.response_hours,
                ),
            ),
            Device.from_row,
        )

    @strawberry.mutation(description="Admins of the device's account and its assigned customers.")
    async def update_device_location(
        self, info: Info, input: UpdateDeviceLocationInput
    ) -> DevicePayload:
        ensure_signed_in(info.context.viewer)
        return payload(
            DevicePayload,
            "device",
            await run(
                info,
                lambda: devices.update_device_location(
                    info.context,
                    input_id(input.device_id, "Device", "input", "deviceId"),
                    input.location.to_input(),
                ),
            ),
            Device.from_row,
        )

    @strawberry.mutation(
        description=(
            "The account's admins keep its contact details; name, customer number and credit "
            "data change only through sync or staff."
        )
    )
    async def update_account(self, info: Info, input: UpdateAccountInput) -> AccountPayload:
        ensure_signed_in(info.context.viewer)
        return payload(
            AccountPayload,
            "account",
            await run(
                info,
                lambda: accounts.update_account(
                    info.context,
                    input_id(input.account_id, "Account", "input", "accountId"),
                    input.main_contact,
                    input.phone,
                    input.invoice_email,
                    [address.to_input() for address in input.delivery_addresses]
                    if input.delivery_addresses is not None
                    else None,
                ),
            ),
            Account.from_row,
        )
