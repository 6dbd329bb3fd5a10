"""Who sees what: one `visible_<entity>(viewer)` per entity, the only code that knows.

Every read of an entity starts from its function here: root fields, `node`, loaders and
mutations alike. Children derive from their parent's scope. Deny by default: a viewer that
no branch recognises sees nothing.

- Staff see everything.
- An ADMIN member sees their account, all its devices, members and what hangs off them.
- A CUSTOMER member sees their account and the devices assigned to them.
- Integration tokens see the back-office data their scopes name (sync: accounts and
  devices; meters: devices), never people.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, and_, false, or_, select, true

from auth.viewer import Scope, Viewer
from models import (
    AccessRequest,
    Account,
    AccountRole,
    AuditEntry,
    Device,
    DeviceModel,
    Guide,
    Membership,
    MeterReading,
    Payment,
    SupplyItem,
    SupplyOrder,
    Ticket,
    TicketMessage,
    TicketStatusChange,
    User,
    UserKind,
)


def account_scope(viewer: Viewer) -> ColumnElement[bool]:
    if viewer.is_staff or viewer.has_scope(Scope.SYNC):
        return true()
    if viewer.roles:
        return Account.id.in_(viewer.account_ids())
    return false()


def visible_accounts(viewer: Viewer) -> Select[Account]:
    return select(Account).where(account_scope(viewer))


def device_scope(viewer: Viewer) -> ColumnElement[bool]:
    if viewer.is_staff or viewer.has_scope(Scope.SYNC) or viewer.has_scope(Scope.METERS):
        return true()
    conditions: list[ColumnElement[bool]] = []
    if admin_of := viewer.account_ids(AccountRole.ADMIN):
        conditions.append(Device.account_id.in_(admin_of))
    if viewer.assigned_device_ids:
        conditions.append(Device.id.in_(viewer.assigned_device_ids))
    return or_(*conditions) if conditions else false()


def visible_devices(viewer: Viewer) -> Select[Device]:
    return select(Device).where(device_scope(viewer))


def membership_scope(viewer: Viewer) -> ColumnElement[bool]:
    """Admins see their accounts' members; everyone sees their own memberships."""
    if viewer.is_staff:
        return true()
    conditions: list[ColumnElement[bool]] = []
    if admin_of := viewer.account_ids(AccountRole.ADMIN):
        conditions.append(Membership.account_id.in_(admin_of))
    if viewer.user_id is not None:
        conditions.append(Membership.user_id == viewer.user_id)
    return or_(*conditions) if conditions else false()


def visible_memberships(viewer: Viewer) -> Select[Membership]:
    return select(Membership).where(membership_scope(viewer))


def visible_users(viewer: Viewer) -> Select[User]:
    """Yourself, the people of your accounts (who share devices and cases with you), the
    provider's staff (who handle your cases) and, for admins, the people asking to join
    their accounts (whom they must decide on); for staff everyone."""
    stmt = select(User)
    if viewer.is_staff:
        return stmt
    if viewer.user_id is None:
        return stmt.where(false())
    conditions: list[ColumnElement[bool]] = [
        User.id == viewer.user_id,
        User.kind == UserKind.STAFF,
    ]
    if viewer.roles:
        members = select(Membership.user_id).where(Membership.account_id.in_(viewer.account_ids()))
        conditions.append(User.id.in_(members))
    if admin_of := viewer.account_ids(AccountRole.ADMIN):
        asking = select(AccessRequest.user_id).where(AccessRequest.account_id.in_(admin_of))
        conditions.append(User.id.in_(asking))
    return stmt.where(or_(*conditions))


def ticket_scope(viewer: Viewer) -> ColumnElement[bool]:
    """Admins: every case of their accounts. Customers: cases on their assigned devices, and
    the account-level cases they raised themselves (while still a member)."""
    if viewer.is_staff:
        return true()
    conditions: list[ColumnElement[bool]] = []
    if admin_of := viewer.account_ids(AccountRole.ADMIN):
        conditions.append(Ticket.account_id.in_(admin_of))
    if viewer.assigned_device_ids:
        conditions.append(Ticket.device_id.in_(viewer.assigned_device_ids))
    if viewer.user_id is not None and viewer.roles:
        conditions.append(
            and_(
                Ticket.device_id.is_(None),
                Ticket.created_by == viewer.user_id,
                Ticket.account_id.in_(viewer.account_ids()),
            )
        )
    return or_(*conditions) if conditions else false()


def visible_tickets(viewer: Viewer) -> Select[Ticket]:
    return select(Ticket).where(ticket_scope(viewer))


def visible_ticket_messages(viewer: Viewer) -> Select[TicketMessage]:
    """Messages of visible cases; internal notes for staff only."""
    stmt = select(TicketMessage).join(Ticket, Ticket.id == TicketMessage.ticket_id)
    stmt = stmt.where(ticket_scope(viewer))
    return stmt if viewer.is_staff else stmt.where(TicketMessage.internal.is_(False))


def visible_ticket_status_changes(viewer: Viewer) -> Select[TicketStatusChange]:
    return (
        select(TicketStatusChange)
        .join(Ticket, Ticket.id == TicketStatusChange.ticket_id)
        .where(ticket_scope(viewer))
    )


def visible_meter_readings(viewer: Viewer) -> Select[MeterReading]:
    """Readings of visible devices; voided ones for staff only (they are history to them)."""
    stmt = select(MeterReading).join(Device, Device.id == MeterReading.device_id)
    stmt = stmt.where(device_scope(viewer))
    return stmt if viewer.is_staff else stmt.where(MeterReading.voided_at.is_(None))


def visible_supply_orders(viewer: Viewer) -> Select[SupplyOrder]:
    """Admins: their accounts' orders. Customers: orders on the devices assigned to them."""
    if viewer.is_staff:
        return select(SupplyOrder)
    conditions: list[ColumnElement[bool]] = []
    if admin_of := viewer.account_ids(AccountRole.ADMIN):
        conditions.append(SupplyOrder.account_id.in_(admin_of))
    if viewer.assigned_device_ids:
        conditions.append(SupplyOrder.device_id.in_(viewer.assigned_device_ids))
    return select(SupplyOrder).where(or_(*conditions) if conditions else false())


def visible_guides(viewer: Viewer) -> Select[Guide]:
    """Self-help is for everyone, signed in or not: it is tried before anything else."""
    return select(Guide)


def visible_payments(viewer: Viewer) -> Select[Payment]:
    return select(Payment).where(true() if viewer.is_staff else false())


def visible_audit_entries(viewer: Viewer) -> Select[AuditEntry]:
    return select(AuditEntry).where(true() if viewer.is_staff else false())


def visible_access_requests(viewer: Viewer) -> Select[AccessRequest]:
    if viewer.is_staff:
        return select(AccessRequest)
    conditions: list[ColumnElement[bool]] = []
    if admin_of := viewer.account_ids(AccountRole.ADMIN):
        conditions.append(AccessRequest.account_id.in_(admin_of))
    if viewer.user_id is not None:
        conditions.append(AccessRequest.user_id == viewer.user_id)
    return select(AccessRequest).where(or_(*conditions) if conditions else false())


def catalogue_scope(viewer: Viewer) -> ColumnElement[bool]:
    """Device models and supply items are the provider's catalogue: any signed-in viewer."""
    return false() if viewer.is_anonymous else true()


def visible_device_models(viewer: Viewer) -> Select[DeviceModel]:
    return select(DeviceModel).where(catalogue_scope(viewer))


def visible_supply_items(viewer: Viewer) -> Select[SupplyItem]:
    return select(SupplyItem).where(catalogue_scope(viewer))
