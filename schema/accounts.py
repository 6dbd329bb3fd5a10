"""Accounts: the customer, its addresses and contacts, members, and staff-only finances."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

import models
from auth.policies import can_see_members
from portal.errors import Forbidden
from resolvers import accounts
from schema.base import Info, Node, encode_id
from schema.pagination import Connection, connection

if TYPE_CHECKING:
    from schema.devices import Device, DeviceFilter
    from schema.people import AccessRequest
    from schema.tickets import Ticket, TicketFilter
    from schema.users import Membership

strawberry.enum(models.AccountRole, name="AccountRole")


@strawberry.type
class Address:
    street: str
    postal_code: str
    city: str
    country: str = strawberry.field(description="ISO 3166-1 alpha-2, e.g. SE")


@strawberry.type(description="One invoice and whether it was paid. Staff only.")
class Payment(Node):
    id: strawberry.ID
    loader = "payment_by_id"
    invoice_number: str
    amount_cents: int
    currency: str
    due_on: datetime.date
    paid_on: datetime.date | None

    @classmethod
    def from_row(cls, row: models.Payment) -> Payment:
        return cls(
            id=encode_id("Payment", row.id),
            invoice_number=row.invoice_number,
            amount_cents=row.amount_cents,
            currency=row.currency,
            due_on=row.due_on,
            paid_on=row.paid_on,
        )


@strawberry.type(description="A customer of the provider, with its devices and people.")
class Account(Node):
    row: strawberry.Private[models.Account]
    id: strawberry.ID
    loader = "account_by_id"
    customer_number: str
    name: str
    timezone: str = strawberry.field(
        description="IANA zone the account's office hours and meter-reading days are reckoned in."
    )
    billing_address: Address
    main_contact: str | None
    phone: str | None
    invoice_email: str | None

    @classmethod
    def from_row(cls, row: models.Account) -> Account:
        return cls(
            row=row,
            id=encode_id("Account", row.id),
            customer_number=row.customer_number,
            name=row.name,
            timezone=row.timezone,
            billing_address=Address(
                street=row.billing_street,
                postal_code=row.billing_postal_code,
                city=row.billing_city,
                country=row.billing_country,
            ),
            main_contact=row.main_contact,
            phone=row.phone,
            invoice_email=row.invoice_email,
        )

    @strawberry.field(description="Where deliveries may go, besides the devices' own locations.")
    def delivery_addresses(self) -> list[Address]:
        return [Address(**address) for address in self.row.delivery_addresses]

    @strawberry.field(description="The viewer's role on this account; null for staff.")
    def viewer_role(self, info: Info) -> models.AccountRole | None:
        return info.context.viewer.roles.get(self.row.id)

    @strawberry.field
    async def devices(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        filter: Annotated[DeviceFilter, strawberry.lazy("schema.devices")] | None = None,
    ) -> Connection[Annotated[Device, strawberry.lazy("schema.devices")]]:
        from schema.devices import Device

        page = await info.context.loaders.devices_of_account.page(
            self.row.id, first, after, filter.to_filter() if filter else None
        )
        return connection(page, Device.from_row)

    @strawberry.field(description="The account's cases the viewer may see, newest first.")
    async def tickets(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        filter: Annotated[TicketFilter, strawberry.lazy("schema.tickets")] | None = None,
    ) -> Connection[Annotated[Ticket, strawberry.lazy("schema.tickets")]]:
        from schema.tickets import tickets_of

        return await tickets_of(
            info.context.loaders.tickets_of_account, self.row.id, first, after, filter
        )

    @strawberry.field(
        description="Admins of this account and staff; null plus FORBIDDEN for others."
    )
    async def members(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[Annotated[Membership, strawberry.lazy("schema.users")]] | None:
        from schema.users import Membership

        if not can_see_members(info.context.viewer, self.row.id):
            raise Forbidden("Only the account's admins and staff see its members")
        page = await info.context.loaders.members_of_account.page(self.row.id, first, after)
        return connection(page, Membership.from_row)

    @strawberry.field(
        description="Admins of this account and staff: people asking to join, newest first."
    )
    async def access_requests(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[Annotated[AccessRequest, strawberry.lazy("schema.people")]] | None:
        from schema.people import AccessRequest

        if not can_see_members(info.context.viewer, self.row.id):
            raise Forbidden("Only the account's admins and staff see requests to join it")
        page = await accounts.access_requests_of(info.context, self.row.id, first, after)
        return connection(page, AccessRequest.from_row)

    @strawberry.field(description="Staff only.")
    def credit_rating(self, info: Info) -> str | None:
        if not info.context.viewer.is_staff:
            raise Forbidden("Staff only")
        return self.row.credit_rating

    @strawberry.field(description="Staff only: invoices, newest due date first.")
    async def payments(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[Payment] | None:
        if not info.context.viewer.is_staff:
            raise Forbidden("Staff only")
        page = await info.context.loaders.payments_of_account.page(self.row.id, first, after)
        return connection(page, Payment.from_row)


@strawberry.type
class AccountQueries:
    @strawberry.field(description="Accounts the viewer belongs to; every account for staff.")
    async def accounts(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        search: str | None = None,
    ) -> Connection[Account]:
        page = await accounts.list_accounts(info.context, first, after, search)
        return connection(page, Account.from_row)
