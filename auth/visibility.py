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

from sqlalchemy import ColumnElement, Select, false, or_, select, true

from auth.viewer import Scope, Viewer
from models import (
    AccessRequest,
    Account,
    AccountRole,
    AuditEntry,
    Device,
    DeviceModel,
    Membership,
    Payment,
    SupplyItem,
    User,
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
    """Yourself; for admins also the members of their accounts; for staff everyone."""
    stmt = select(User)
    if viewer.is_staff:
        return stmt
    conditions: list[ColumnElement[bool]] = []
    if viewer.user_id is not None:
        conditions.append(User.id == viewer.user_id)
    if admin_of := viewer.account_ids(AccountRole.ADMIN):
        members = select(Membership.user_id).where(Membership.account_id.in_(admin_of))
        conditions.append(User.id.in_(members))
    return stmt.where(or_(*conditions) if conditions else false())


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
