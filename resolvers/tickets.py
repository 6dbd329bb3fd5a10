"""Cases: raising them (on a device, on an account, as a move or removal request), talking
about them, moving them through the workflow, and assigning them to staff.

Every change writes its status history, publishes its event and queues its e-mails in the
same transaction, so all of it happens, or none of it.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Hashable
from datetime import UTC, date, datetime

from sqlalchemy import Select, or_, select
from sqlalchemy.exc import IntegrityError

from auth.policies import ensure_can_update_device_location, ensure_person, forbidden
from auth.visibility import visible_accounts, visible_devices, visible_tickets
from events.messages import TicketEventKind
from events.publish import publish
from models import (
    Account,
    AccountRole,
    Device,
    DeviceStatus,
    Membership,
    Ticket,
    TicketCategory,
    TicketMessage,
    TicketPriority,
    TicketStatus,
    TicketStatusChange,
    User,
    UserKind,
)
from models.ticket import BODY_MAX_LENGTH, SUBJECT_MAX_LENGTH
from notifications.outbox import enqueue_email
from portal.errors import UserErrorCode, UserInputError
from resolvers import ticket_rules
from resolvers.context import Context
from resolvers.loaders import TICKET_ORDER
from resolvers.office_hours import DEFAULT_ACCOUNT_RESPONSE_HOURS, OfficeHours
from resolvers.pagination import Page, fetch_page
from resolvers.sync import LocationInput, check_location
from resolvers.validation import Checks

SEARCH_MAX_LENGTH = 100


@dataclasses.dataclass(frozen=True)
class TicketFilter:
    statuses: tuple[TicketStatus, ...] | None = None
    categories: tuple[TicketCategory, ...] | None = None
    departments: tuple[str, ...] | None = None
    search: str | None = None


def apply_ticket_filter(stmt: Select[Ticket], filters: Hashable) -> Select[Ticket]:
    if not isinstance(filters, TicketFilter):
        return stmt
    if filters.statuses is not None:
        stmt = stmt.where(Ticket.status.in_(filters.statuses))
    if filters.categories is not None:
        stmt = stmt.where(Ticket.category.in_(filters.categories))
    if filters.departments is not None:
        stmt = stmt.where(Ticket.department.in_(filters.departments))
    if filters.search and filters.search.strip():
        text = filters.search.strip()[:SEARCH_MAX_LENGTH]
        pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        stmt = stmt.where(
            or_(
                Ticket.number.ilike(pattern, escape="\\"),
                Ticket.subject.ilike(pattern, escape="\\"),
                Ticket.description.ilike(pattern, escape="\\"),
            )
        )
    return stmt


async def list_tickets(
    ctx: Context, first: int | None, after: str | None, filters: TicketFilter | None
) -> Page[Ticket]:
    stmt = apply_ticket_filter(visible_tickets(ctx.viewer), filters)
    return await fetch_page(ctx, stmt, TICKET_ORDER, first, after)


# ---------------------------------------------------------------- raising cases


def _not_found(*field: str) -> UserInputError:
    return UserInputError.single(UserErrorCode.NOT_FOUND, "not_found", list(field))


def response_due(account: Account, device: Device | None, raised_at: datetime) -> datetime:
    hours = device.response_hours if device else DEFAULT_ACCOUNT_RESPONSE_HOURS
    office = OfficeHours(timezone=account.timezone, country=account.billing_country)
    return office.add(raised_at, hours)


async def _raise_case(
    ctx: Context,
    account: Account,
    device: Device | None,
    category: TicketCategory,
    subject: str,
    description: str,
    priority: TicketPriority,
    **details: object,
) -> Ticket:
    raised_at = datetime.now(UTC)
    ticket = Ticket(
        account_id=account.id,
        device_id=device.id if device else None,
        category=category,
        department=ticket_rules.department_for(category),
        status=TicketStatus.NEW,
        priority=priority,
        subject=subject,
        description=description,
        created_by=ctx.viewer.user_id,
        created_at=raised_at,
        response_due_at=response_due(account, device, raised_at),
        **details,
    )
    ctx.session.add(ticket)
    try:
        await ctx.flush()
    except IntegrityError:
        # The partial unique index: another open move/removal request won a race.
        raise UserInputError.single(
            UserErrorCode.ALREADY_EXISTS, "device_request_open", ["input", "deviceId"]
        ) from None
    ctx.session.add(
        TicketStatusChange(
            ticket_id=ticket.id, to_status=TicketStatus.NEW, by_id=ctx.viewer.user_id
        )
    )
    await publish(ctx, TicketEventKind.CREATED, ticket.id)
    creator = await ctx.session.get(User, ctx.viewer.user_id) if ctx.viewer.user_id else None
    if creator is not None and creator.notify_ticket_updates:
        await enqueue_email(
            ctx.session,
            to=creator.email,
            locale=creator.locale,
            template="ticket_created",
            name=creator.name,
            number=ticket.number,
            subject=ticket.subject,
            category=ticket.category.value,
            department=ticket.department.value,
            response_due_at=ticket.response_due_at,
            link=_link(ctx, ticket),
        )
    await ctx.flush()
    return ticket


def _link(ctx: Context, ticket: Ticket) -> str:
    return f"{ctx.settings.public_url}/cases/{ticket.number}"


async def create_ticket(
    ctx: Context,
    account_id: uuid.UUID,
    device_id: uuid.UUID | None,
    category: TicketCategory,
    subject: str,
    description: str,
    priority: TicketPriority | None,
    guide_id: uuid.UUID | None,
) -> Ticket:
    ensure_person(ctx.viewer)
    checks = Checks("input")
    subject = checks.text(subject, "subject", limit=SUBJECT_MAX_LENGTH)
    description = checks.text(description, "description", limit=BODY_MAX_LENGTH)
    allowed = ticket_rules.DEVICE_CATEGORIES if device_id else ticket_rules.ACCOUNT_CATEGORIES
    if category not in allowed:
        key = "category_needs_device" if device_id is None else "category_not_for_device"
        checks.invalid(key, "category")
    checks.done()
    account = await ctx.first(visible_accounts(ctx.viewer).where(Account.id == account_id))
    if account is None:
        raise _not_found("input", "accountId")
    device = None
    if device_id is not None:
        device = await ctx.first(
            visible_devices(ctx.viewer).where(
                Device.id == device_id, Device.account_id == account.id
            )
        )
        if device is None:
            raise _not_found("input", "deviceId")
        if device.status is DeviceStatus.REMOVED:
            raise UserInputError.single(
                UserErrorCode.DEVICE_NOT_ACTIVE, "device_not_active", ["input", "deviceId"]
            )
    return await _raise_case(
        ctx,
        account,
        device,
        category,
        subject,
        description,
        priority or TicketPriority.NORMAL,
        guide_id=guide_id,
    )


async def _device_for_request(ctx: Context, device_id: uuid.UUID) -> tuple[Account, Device]:
    ensure_person(ctx.viewer)
    device = await ctx.first(
        visible_devices(ctx.viewer).where(Device.id == device_id).with_for_update()
    )
    if device is None:
        raise _not_found("input", "deviceId")
    ensure_can_update_device_location(ctx.viewer, device)
    if device.status in (DeviceStatus.MOVE_REQUESTED, DeviceStatus.REMOVAL_REQUESTED):
        raise UserInputError.single(
            UserErrorCode.ALREADY_EXISTS, "device_request_open", ["input", "deviceId"]
        )
    if device.status is DeviceStatus.REMOVED:
        raise UserInputError.single(
            UserErrorCode.DEVICE_NOT_ACTIVE, "device_not_active", ["input", "deviceId"]
        )
    account = await ctx.session.get(Account, device.account_id)
    assert account is not None
    return account, device


def _check_requested_date(checks: Checks, requested: date, account: Account) -> None:
    if requested < datetime.now(UTC).date():
        checks.invalid("date_in_past", "requestedDate")


async def request_device_move(
    ctx: Context, device_id: uuid.UUID, location: LocationInput, requested: date, note: str | None
) -> Ticket:
    account, device = await _device_for_request(ctx, device_id)
    checks = Checks("input")
    new_location = check_location(checks, location, "newLocation")
    _check_requested_date(checks, requested, account)
    note = checks.optional_text(note, "note", limit=BODY_MAX_LENGTH)
    checks.done()
    device.status = DeviceStatus.MOVE_REQUESTED
    return await _raise_case(
        ctx,
        account,
        device,
        TicketCategory.MOVE_REQUEST,
        f"Move of device {device.serial_number}",
        note or f"Please move device {device.serial_number} on {requested.isoformat()}.",
        TicketPriority.NORMAL,
        requested_location=new_location,
        requested_date=requested,
        request_reason=note,
    )


async def request_device_removal(
    ctx: Context, device_id: uuid.UUID, requested: date, reason: str
) -> Ticket:
    account, device = await _device_for_request(ctx, device_id)
    checks = Checks("input")
    _check_requested_date(checks, requested, account)
    reason = checks.text(reason, "reason", limit=BODY_MAX_LENGTH)
    checks.done()
    device.status = DeviceStatus.REMOVAL_REQUESTED
    return await _raise_case(
        ctx,
        account,
        device,
        TicketCategory.REMOVAL_REQUEST,
        f"Removal of device {device.serial_number}",
        reason,
        TicketPriority.NORMAL,
        requested_date=requested,
        request_reason=reason,
    )


# ---------------------------------------------------------------- working on cases


async def _ticket_for_update(ctx: Context, ticket_id: uuid.UUID) -> Ticket:
    ticket = await ctx.first(
        visible_tickets(ctx.viewer).where(Ticket.id == ticket_id).with_for_update()
    )
    if ticket is None:
        raise _not_found("input", "ticketId")
    return ticket


async def _change_status(
    ctx: Context, ticket: Ticket, target: TicketStatus, note: str | None
) -> TicketStatus:
    before = ticket.status
    now = datetime.now(UTC)
    ticket.status = target
    ticket.updated_at = now
    if target is TicketStatus.RESOLVED:
        ticket.resolved_at = now
    if ctx.viewer.is_staff and before is TicketStatus.NEW and ticket.first_responded_at is None:
        ticket.first_responded_at = now
    ctx.session.add(
        TicketStatusChange(
            ticket_id=ticket.id,
            from_status=before,
            to_status=target,
            by_id=ctx.viewer.user_id,
            note=note,
        )
    )
    await _settle_device_request(ctx, ticket, target)
    await publish(ctx, TicketEventKind.STATUS_CHANGED, ticket.id)
    return before


async def _settle_device_request(ctx: Context, ticket: Ticket, target: TicketStatus) -> None:
    """A resolved move takes the device to its new place; a resolved removal removes it; a
    cancelled request leaves it as it was."""
    if ticket.category not in (TicketCategory.MOVE_REQUEST, TicketCategory.REMOVAL_REQUEST):
        return
    if target not in (TicketStatus.RESOLVED, TicketStatus.CANCELLED):
        return
    device = await ctx.session.get(Device, ticket.device_id, with_for_update=True)
    assert device is not None
    if target is TicketStatus.CANCELLED:
        device.status = DeviceStatus.ACTIVE
    elif ticket.category is TicketCategory.REMOVAL_REQUEST:
        device.status = DeviceStatus.REMOVED
    else:
        for column, value in (ticket.requested_location or {}).items():
            setattr(device, column, value)
        device.status = DeviceStatus.ACTIVE


async def set_status(
    ctx: Context, ticket_id: uuid.UUID, target: TicketStatus, note: str | None
) -> Ticket:
    person = ensure_person(ctx.viewer)
    checks = Checks("input")
    note = checks.optional_text(note, "note", limit=BODY_MAX_LENGTH)
    checks.done()
    ticket = await _ticket_for_update(ctx, ticket_id)
    if ctx.viewer.is_staff:
        allowed = ticket_rules.staff_may_move(ticket.status, target)
    else:
        own = ticket.created_by == person or ctx.viewer.is_admin_of(ticket.account_id)
        allowed = own and ticket_rules.customer_may_move(
            ticket.status, target, ticket.resolved_at, datetime.now(UTC)
        )
    if not allowed:
        raise UserInputError.single(
            UserErrorCode.INVALID_STATUS_TRANSITION,
            "invalid_transition",
            ["input", "status"],
            current=ticket.status.value,
            target=target.value,
        )
    before = await _change_status(ctx, ticket, target, note)
    await _mail_followers(
        ctx,
        ticket,
        "ticket_status_changed",
        old_status=before.value,
        new_status=target.value,
        note=note,
    )
    await ctx.flush()
    return ticket


async def add_message(
    ctx: Context, ticket_id: uuid.UUID, body: str, internal: bool
) -> TicketMessage:
    person = ensure_person(ctx.viewer)
    if internal and not ctx.viewer.is_staff:
        raise UserInputError.single(
            UserErrorCode.FORBIDDEN, "internal_staff_only", ["input", "internal"]
        )
    checks = Checks("input")
    body = checks.text(body, "body", limit=BODY_MAX_LENGTH)
    checks.done()
    ticket = await _ticket_for_update(ctx, ticket_id)
    if ticket.status in (TicketStatus.CLOSED, TicketStatus.CANCELLED):
        raise UserInputError.single(
            UserErrorCode.INVALID_INPUT, "ticket_closed", ["input", "ticketId"]
        )
    now = datetime.now(UTC)
    message = TicketMessage(
        ticket_id=ticket.id, author_id=person, body=body, internal=internal, created_at=now
    )
    ctx.session.add(message)
    ticket.updated_at = now
    if not ctx.viewer.is_staff and ticket.status is TicketStatus.WAITING_ON_CUSTOMER:
        # The customer answered: the case is the support team's move again.
        await _change_status(ctx, ticket, TicketStatus.OPEN, None)
    if ctx.viewer.is_staff and not internal and ticket.first_responded_at is None:
        ticket.first_responded_at = now
    await ctx.flush()
    await publish(ctx, TicketEventKind.MESSAGE_ADDED, ticket.id, internal=internal)
    if ctx.viewer.is_staff and not internal:
        author = await ctx.session.get(User, person)
        assert author is not None
        await _mail_followers(ctx, ticket, "ticket_reply", author_name=author.name, body=body)
    return message


async def assign(ctx: Context, ticket_id: uuid.UUID, assignee_id: uuid.UUID | None) -> Ticket:
    ensure_person(ctx.viewer)
    if not ctx.viewer.is_staff:
        raise forbidden()
    ticket = await _ticket_for_update(ctx, ticket_id)
    if assignee_id is not None:
        staff = await ctx.first(
            select(User).where(User.id == assignee_id, User.kind == UserKind.STAFF)
        )
        if staff is None:
            raise _not_found("input", "assigneeId")
    if ticket.assignee_id != assignee_id:
        ticket.assignee_id = assignee_id
        ticket.updated_at = datetime.now(UTC)
        await publish(ctx, TicketEventKind.ASSIGNED, ticket.id)
    await ctx.flush()
    return ticket


async def _mail_followers(ctx: Context, ticket: Ticket, template: str, **params: object) -> None:
    for follower in await _followers(ctx, ticket):
        await enqueue_email(
            ctx.session,
            to=follower.email,
            locale=follower.locale,
            template=template,
            name=follower.name,
            number=ticket.number,
            subject=ticket.subject,
            link=_link(ctx, ticket),
            **params,
        )


async def _followers(ctx: Context, ticket: Ticket) -> list[User]:
    """Who hears of progress: the creator (unless they opted out), and the account's admins
    who chose to follow all of its cases."""
    admins_following = select(Membership.user_id).where(
        Membership.account_id == ticket.account_id,
        Membership.role == AccountRole.ADMIN,
    )
    return list(
        await ctx.all(
            select(User).where(
                or_(
                    (User.id == ticket.created_by) & User.notify_ticket_updates,
                    User.id.in_(admins_following) & User.notify_account_ticket_updates,
                )
            )
        )
    )
