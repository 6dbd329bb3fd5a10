"""People: the User type and the `viewer` field."""

from __future__ import annotations

import uuid
from typing import Any

import strawberry

import models
from resolvers import users
from schema.base import Info, Node, encode_id

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

    @classmethod
    async def resolve_nodes(cls, info: Info, keys: list[uuid.UUID]) -> list[Any]:
        rows = await users.users_by_id(info.context, keys)
        return [cls.from_row(row) if row else None for row in rows]


@strawberry.type
class UserQueries:
    @strawberry.field(description="The signed-in user; null when anonymous.")
    async def viewer(self, info: Info) -> User | None:
        row = await users.viewer_user(info.context)
        return User.from_row(row) if row else None
