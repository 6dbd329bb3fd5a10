"""People: the User type, memberships in accounts, and the `viewer` field."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry

import models
from resolvers import users
from schema.base import Info, Node, encode_id, required
from schema.pagination import Connection, connection

if TYPE_CHECKING:
    from schema.accounts import Account
    from schema.devices import Device

strawberry.enum(models.UserKind, name="UserKind")


@strawberry.type(description="Which e-mails a person wants.")
class NotificationPreferences:
    ticket_updates: bool
    supply_order_updates: bool
    meter_reading_reminders: bool


@strawberry.type(description="A person who signs in: a customer or one of the provider's staff.")
class User(Node):
    row: strawberry.Private[models.User]
    id: strawberry.ID
    loader = "user_by_id"
    email: str
    name: str
    phone: str | None
    locale: str = strawberry.field(description="sv or en")
    kind: models.UserKind

    @classmethod
    def from_row(cls, row: models.User) -> User:
        return cls(
            row=row,
            id=encode_id("User", row.id),
            email=row.email,
            name=row.name,
            phone=row.phone,
            locale=row.locale,
            kind=row.kind,
        )

    @strawberry.field
    def notification_preferences(self) -> NotificationPreferences:
        return NotificationPreferences(
            ticket_updates=self.row.notify_ticket_updates,
            supply_order_updates=self.row.notify_supply_order_updates,
            meter_reading_reminders=self.row.notify_meter_reading_reminders,
        )

    @strawberry.field(description="The accounts this person belongs to, as far as you may see.")
    async def memberships(self, info: Info) -> list[Membership]:
        rows = await info.context.loaders.memberships_of_user.load(self.row.id)
        return [Membership.from_row(row) for row in rows]


@strawberry.type(description="A person's place in an account.")
class Membership:
    row: strawberry.Private[models.Membership]
    role: models.AccountRole

    @classmethod
    def from_row(cls, row: models.Membership) -> Membership:
        return cls(row=row, role=row.role)

    @strawberry.field
    async def account(self, info: Info) -> Annotated[Account, strawberry.lazy("schema.accounts")]:
        from schema.accounts import Account

        row = await info.context.loaders.account_by_id.load(self.row.account_id)
        return Account.from_row(required(row, "this membership's account"))

    @strawberry.field
    async def user(self, info: Info) -> User:
        row = await info.context.loaders.user_by_id.load(self.row.user_id)
        return User.from_row(required(row, "this membership's person"))

    @strawberry.field(
        description="Devices assigned to this member (all of the account's for an ADMIN)."
    )
    async def devices(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[Annotated[Device, strawberry.lazy("schema.devices")]]:
        from schema.devices import Device

        loaders = info.context.loaders
        if self.row.role is models.AccountRole.ADMIN:
            page = await loaders.devices_of_account.page(self.row.account_id, first, after)
        else:
            page = await loaders.devices_of_member.page(
                (self.row.account_id, self.row.user_id), first, after
            )
        return connection(page, Device.from_row)


@strawberry.type
class UserQueries:
    @strawberry.field(description="The signed-in user; null when anonymous.")
    async def viewer(self, info: Info) -> User | None:
        row = await users.viewer_user(info.context)
        return User.from_row(row) if row else None
