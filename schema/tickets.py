"""Cases: the Ticket type and its messages and history, the case mutations, and the live
`ticketEvents` subscription."""

from __future__ import annotations

import datetime
import time
import uuid
from collections.abc import AsyncGenerator
from typing import TYPE_CHECKING, Annotated

import strawberry

import models
from auth.authentication import InvalidToken, reload_viewer
from auth.policies import ensure_signed_in
from auth.visibility import visible_accounts, visible_tickets
from events.hub import SubscriptionEnded
from events.messages import TicketEventKind
from portal.errors import ApiError, ErrorCode, NotFound, Unauthenticated
from resolvers import ticket_rules, tickets
from resolvers.pagination import ChildPages
from schema.base import Info, Node, decode_id_of, encode_id, required
from schema.errors import UserError
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
from schema.sync import LocationInput
from schema.users import User

if TYPE_CHECKING:
    from schema.accounts import Account
    from schema.devices import Device, Location

strawberry.enum(models.TicketCategory, name="TicketCategory")
strawberry.enum(models.TicketStatus, name="TicketStatus")
strawberry.enum(models.TicketPriority, name="TicketPriority")
strawberry.enum(models.Department, name="Department", description="The queue a case is routed to.")
strawberry.enum(TicketEventKind, name="TicketEventKind")

# How often a subscriber's roles and assignments are read again from the database.
VIEWER_REFRESH_SECONDS = 30.0


async def _user(info: Info, user_id: uuid.UUID | None) -> User | None:
    if user_id is None:
        return None
    row = await info.context.loaders.user_by_id.load(user_id)
    return User.from_row(row) if row else None


@strawberry.type
class TicketMessage(Node):
    row: strawberry.Private[models.TicketMessage]
    id: strawberry.ID
    loader = "message_by_id"
    body: str
    created_at: datetime.datetime
    internal: bool = strawberry.field(description="Staff-only note; never shown to customers.")

    @classmethod
    def from_row(cls, row: models.TicketMessage) -> TicketMessage:
        return cls(
            row=row,
            id=encode_id("TicketMessage", row.id),
            body=row.body,
            created_at=row.created_at,
            internal=row.internal,
        )

    @strawberry.field
    async def author(self, info: Info) -> User | None:
        return await _user(info, self.row.author_id)


@strawberry.type
class TicketStatusChange:
    row: strawberry.Private[models.TicketStatusChange]
    from_: models.TicketStatus | None = strawberry.field(name="from")
    to: models.TicketStatus
    at: datetime.datetime
    note: str | None

    @strawberry.field
    async def by(self, info: Info) -> User | None:
        return await _user(info, self.row.by_id)


@strawberry.input
class TicketFilter:
    status: list[models.TicketStatus] | None = None
    category: list[models.TicketCategory] | None = None
    search: str | None = strawberry.field(
        default=None, description="Words in the subject, the description or the case number."
    )
    department: list[models.Department] | None = None

    def to_filter(self) -> tickets.TicketFilter:
        return tickets.TicketFilter(
            statuses=tuple(self.status) if self.status is not None else None,
            categories=tuple(self.category) if self.category is not None else None,
            departments=tuple(d.value for d in self.department) if self.department else None,
            search=self.search,
        )


@strawberry.type(description="A case raised by a customer, and where it stands.")
class Ticket(Node):
    row: strawberry.Private[models.Ticket]
    id: strawberry.ID
    loader = "ticket_by_id"
    number: str = strawberry.field(description="Human-friendly case number, unique.")
    subject: str
    description: str
    category: models.TicketCategory
    status: models.TicketStatus
    priority: models.TicketPriority
    department: models.Department
    created_at: datetime.datetime
    updated_at: datetime.datetime
    response_due_at: datetime.datetime | None = strawberry.field(
        description="When the contracted response is due, counted in office hours."
    )
    first_responded_at: datetime.datetime | None = strawberry.field(
        description="The first staff reply or status change out of NEW."
    )
    requested_date: datetime.date | None = strawberry.field(
        description="Move and removal requests: the day asked for."
    )
    request_reason: str | None

    @classmethod
    def from_row(cls, row: models.Ticket) -> Ticket:
        return cls(
            row=row,
            id=encode_id("Ticket", row.id),
            number=row.number,
            subject=row.subject,
            description=row.description,
            category=row.category,
            status=row.status,
            priority=row.priority,
            department=row.department,
            created_at=row.created_at,
            updated_at=row.updated_at,
            response_due_at=row.response_due_at,
            first_responded_at=row.first_responded_at,
            requested_date=row.requested_date,
            request_reason=row.request_reason,
        )

    @strawberry.field(
        description="Whether the contracted response came in time; null while it still may."
    )
    def response_met(self) -> bool | None:
        return ticket_rules.response_met(
            self.row.response_due_at,
            self.row.first_responded_at,
            datetime.datetime.now(datetime.UTC),
        )

    @strawberry.field
    async def account(self, info: Info) -> Annotated[Account, strawberry.lazy("schema.accounts")]:
        from schema.accounts import Account

        row = await info.context.loaders.account_by_id.load(self.row.account_id)
        return Account.from_row(required(row, "this case's account"))

    @strawberry.field
    async def device(
        self, info: Info
    ) -> Annotated[Device, strawberry.lazy("schema.devices")] | None:
        from schema.devices import Device

        if self.row.device_id is None:
            return None
        row = await info.context.loaders.device_by_id.load(self.row.device_id)
        return Device.from_row(row) if row else None

    @strawberry.field
    async def created_by(self, info: Info) -> User | None:
        return await _user(info, self.row.created_by)

    @strawberry.field(description="Staff member handling the case.")
    async def assignee(self, info: Info) -> User | None:
        return await _user(info, self.row.assignee_id)

    @strawberry.field(description="Newest first; staff also see internal notes.")
    async def messages(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[TicketMessage]:
        page = await info.context.loaders.messages_of_ticket.page(self.row.id, first, after)
        return connection(page, TicketMessage.from_row)

    @strawberry.field(description="Every status change, oldest first.")
    async def status_history(self, info: Info) -> list[TicketStatusChange]:
        rows = await info.context.loaders.status_changes_of_ticket.load(self.row.id)
        return [
            TicketStatusChange(row=r, from_=r.from_status, to=r.to_status, at=r.at, note=r.note)
            for r in rows
        ]

    @strawberry.field(description="Move requests: where the device is to go.")
    def requested_location(
        self,
    ) -> Annotated[Location, strawberry.lazy("schema.devices")] | None:
        from schema.accounts import Address
        from schema.devices import Location

        place = self.row.requested_location
        if not place:
            return None
        return Location(
            address=Address(
                street=place["location_street"],
                postal_code=place["location_postal_code"],
                city=place["location_city"],
                country=place["location_country"],
            ),
            building=place.get("location_building"),
            floor=place.get("location_floor"),
            room=place.get("location_room"),
            note=place.get("location_note"),
        )


async def tickets_of(
    pages: ChildPages[models.Ticket],
    parent: uuid.UUID,
    first: int | None,
    after: str | None,
    filter: TicketFilter | None,
) -> Connection[Ticket]:
    """A page of an account's or a device's cases (one statement for all parents)."""
    page = await pages.page(parent, first, after, filter.to_filter() if filter else None)
    return connection(page, Ticket.from_row)


@strawberry.type
class TicketEvent:
    kind: TicketEventKind
    ticket: Ticket
    at: datetime.datetime


@strawberry.input
class CreateTicketInput:
    account_id: strawberry.ID
    category: models.TicketCategory
    subject: str
    description: str
    device_id: strawberry.ID | None = None
    priority: models.TicketPriority | None = None
    guide_id: strawberry.ID | None = strawberry.field(
        default=None, description="The self-help guide tried before raising the case, if any."
    )
    idempotency_key: str | None = idempotency_key_field()


@strawberry.type
class TicketPayload:
    ticket: Ticket | None
    user_errors: list[UserError]


@strawberry.input
class RequestDeviceMoveInput:
    device_id: strawberry.ID
    new_location: LocationInput
    requested_date: datetime.date
    note: str | None = None
    idempotency_key: str | None = idempotency_key_field()


@strawberry.input
class RequestDeviceRemovalInput:
    device_id: strawberry.ID
    requested_date: datetime.date
    reason: str
    idempotency_key: str | None = idempotency_key_field()


@strawberry.input
class AddTicketMessageInput:
    ticket_id: strawberry.ID
    body: str
    internal: bool | None = strawberry.field(default=None, description="Staff only.")


@strawberry.type
class TicketMessagePayload:
    message: TicketMessage | None
    user_errors: list[UserError]


@strawberry.input
class SetTicketStatusInput:
    ticket_id: strawberry.ID
    status: models.TicketStatus
    note: str | None = None


@strawberry.input
class AssignTicketInput:
    ticket_id: strawberry.ID
    assignee_id: strawberry.ID | None = None


@strawberry.type
class TicketQueries:
    @strawberry.field(description="Every ticket the viewer may see, newest first.")
    async def tickets(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        filter: TicketFilter | None = None,
    ) -> Connection[Ticket]:
        page = await tickets.list_tickets(
            info.context, first, after, filter.to_filter() if filter else None
        )
        return connection(page, Ticket.from_row)


@strawberry.type
class TicketMutations:
    @strawberry.mutation(description="Raise a case on a device or on the account.")
    async def create_ticket(self, info: Info, input: CreateTicketInput) -> TicketPayload:
        ensure_signed_in(info.context.viewer)
        return payload(
            TicketPayload,
            "ticket",
            await run_once(
                info,
                "createTicket",
                input,
                lambda: tickets.create_ticket(
                    info.context,
                    input_id(input.account_id, "Account", "input", "accountId"),
                    input_id(input.device_id, "Device", "input", "deviceId")
                    if input.device_id
                    else None,
                    input.category,
                    input.subject,
                    input.description,
                    input.priority,
                    input_id(input.guide_id, "Guide", "input", "guideId")
                    if input.guide_id
                    else None,
                ),
                row_id,
                reloaded(info, "ticket_by_id"),
            ),
            Ticket.from_row,
        )

    @strawberry.mutation(description="Ask for a device to be moved; its status changes at once.")
    async def request_device_move(self, info: Info, input: RequestDeviceMoveInput) -> TicketPayload:
        ensure_signed_in(info.context.viewer)
        return payload(
            TicketPayload,
            "ticket",
            await run_once(
                info,
                "requestDeviceMove",
                input,
                lambda: tickets.request_device_move(
                    info.context,
                    input_id(input.device_id, "Device", "input", "deviceId"),
                    input.new_location.to_input(),
                    input.requested_date,
                    input.note,
                ),
                row_id,
                reloaded(info, "ticket_by_id"),
            ),
            Ticket.from_row,
        )

    @strawberry.mutation(
        description="Ask for a device to be taken away; its status changes at once."
    )
    async def request_device_removal(
        self, info: Info, input: RequestDeviceRemovalInput
    ) -> TicketPayload:
        ensure_signed_in(info.context.viewer)
        return payload(
            TicketPayload,
            "ticket",
            await run_once(
                info,
                "requestDeviceRemoval",
                input,
                lambda: tickets.request_device_removal(
                    info.context,
                    input_id(input.device_id, "Device", "input", "deviceId"),
                    input.requested_date,
                    input.reason,
                ),
                row_id,
                reloaded(info, "ticket_by_id"),
            ),
            Ticket.from_row,
        )

    @strawberry.mutation(description="Write on a case; staff may write internal notes.")
    async def add_ticket_message(
        self, info: Info, input: AddTicketMessageInput
    ) -> TicketMessagePayload:
        ensure_signed_in(info.context.viewer)
        return payload(
            TicketMessagePayload,
            "message",
            await run(
                info,
                lambda: tickets.add_message(
                    info.context,
                    input_id(input.ticket_id, "Ticket", "input", "ticketId"),
                    input.body,
                    bool(input.internal),
                ),
            ),
            TicketMessage.from_row,
        )

    @strawberry.mutation(
        description=(
            "Staff move a case through its workflow; a customer may only cancel an open case "
            "of theirs or reopen a resolved one."
        )
    )
    async def set_ticket_status(self, info: Info, input: SetTicketStatusInput) -> TicketPayload:
        ensure_signed_in(info.context.viewer)
        return payload(
            TicketPayload,
            "ticket",
            await run(
                info,
                lambda: tickets.set_status(
                    info.context,
                    input_id(input.ticket_id, "Ticket", "input", "ticketId"),
                    input.status,
                    input.note,
                ),
            ),
            Ticket.from_row,
        )

    @strawberry.mutation(description="Staff only.")
    async def assign_ticket(self, info: Info, input: AssignTicketInput) -> TicketPayload:
        ensure_signed_in(info.context.viewer)
        return payload(
            TicketPayload,
            "ticket",
            await run(
                info,
                lambda: tickets.assign(
                    info.context,
                    input_id(input.ticket_id, "Ticket", "input", "ticketId"),
                    input_id(input.assignee_id, "User", "input", "assigneeId")
                    if input.assignee_id
                    else None,
                ),
            ),
            Ticket.from_row,
        )


class StreamEnded(ApiError):
    """The subscriber fell behind, or events may have been missed: subscribe again."""

    code = ErrorCode.SERVICE_UNAVAILABLE


@strawberry.type
class Subscription:
    @strawberry.subscription(
        description=(
            "Events on the tickets the viewer may see; narrowed to one ticket or one account "
            "when given. A viewer never receives an event on a ticket it may not see."
        )
    )
    async def ticket_events(
        self,
        info: Info,
        ticket_id: strawberry.ID | None = None,
        account_id: strawberry.ID | None = None,
    ) -> AsyncGenerator[TicketEvent, None]:
        ctx = info.context
        ensure_signed_in(ctx.viewer)
        # Hours may pass between events: hold no pooled connection while waiting.
        ctx.statement_sessions = True
        ticket_key = decode_id_of(ticket_id, "Ticket") if ticket_id else None
        account_key = decode_id_of(account_id, "Account") if account_id else None
        if ticket_key and not await ctx.first(
            visible_tickets(ctx.viewer).where(models.Ticket.id == ticket_key)
        ):
            raise NotFound("No such ticket")
        if account_key and not await ctx.first(
            visible_accounts(ctx.viewer).where(models.Account.id == account_key)
        ):
            raise NotFound("No such account")
        assert ctx.events is not None
        # While the LISTEN connection is down, a new stream would be silently stale.
        if not await ctx.events.wait_until_listening():
            raise StreamEnded("Live events are unavailable right now; subscribe again shortly")
        subscriber = ctx.events.subscribe(ctx.viewer, ticket_key, account_key)
        refreshed = time.monotonic()
        try:
            while True:
                try:
                    delivery = await subscriber.next()
                except SubscriptionEnded as ended:
                    raise StreamEnded(ended.reason) from None
                # Nested fields resolve against fresh data, not the last event's.
                await ctx.reset()
                if time.monotonic() - refreshed > VIEWER_REFRESH_SECONDS:
                    try:
                        async with ctx.database.session() as session:
                            ctx.viewer = subscriber.viewer = await reload_viewer(
                                session, ctx.viewer
                            )
                    except InvalidToken:
                        raise Unauthenticated("The session has ended") from None
                    refreshed = time.monotonic()
                # The hub read the ticket once for everyone it admitted, checking each
                # subscriber's (periodically refreshed) viewer: no query per subscriber.
                message = delivery.message
                yield TicketEvent(
                    kind=message.kind, ticket=Ticket.from_row(delivery.ticket), at=message.at
                )
        finally:
            ctx.events.unsubscribe(subscriber)
