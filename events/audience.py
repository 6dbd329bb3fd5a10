"""Who may hear of an event on a ticket, computed once per event per process: the same rules
as auth.visibility.ticket_scope, read from the database as it is now."""

from __future__ import annotations

import dataclasses
import uuid

from sqlalchemy import func, select

from auth.viewer import Viewer
from models import AccountRole, DeviceAssignment, Membership, Ticket
from models.database import Database


@dataclasses.dataclass(frozen=True, slots=True)
class Audience:
    ticket: Ticket  # read once, handed to every subscriber admitted
    account_id: uuid.UUID
    device_id: uuid.UUID | None
    created_by: uuid.UUID | None
    admins: frozenset[uuid.UUID]
    members: frozenset[uuid.UUID]
    assigned: frozenset[uuid.UUID]

    def admits(self, viewer: Viewer, internal: bool) -> bool:
        if viewer.is_staff:
            return True
        if internal or viewer.user_id is None:
            return False
        user = viewer.user_id
        if user in self.admins:
            return True
        if self.device_id is not None:
            return user in self.assigned
        return user == self.created_by and user in self.members


async def load_audience(database: Database, ticket_id: uuid.UUID) -> Audience | None:
    admins = (
        select(func.array_agg(Membership.user_id))
        .where(Membership.account_id == Ticket.account_id, Membership.role == AccountRole.ADMIN)
        .scalar_subquery()
    )
    members = (
        select(func.array_agg(Membership.user_id))
        .where(Membership.account_id == Ticket.account_id)
        .scalar_subquery()
    )
    assigned = (
        select(func.array_agg(DeviceAssignment.user_id))
        .where(DeviceAssignment.device_id == Ticket.device_id)
        .scalar_subquery()
    )
    async with database.session() as session:
        row = (
            await session.execute(
                select(Ticket, admins, members, assigned).where(Ticket.id == ticket_id)
            )
        ).first()
    if row is None:
        return None
    ticket, admin_ids, member_ids, assigned_ids = row
    return Audience(
        ticket=ticket,
        account_id=ticket.account_id,
        device_id=ticket.device_id,
        created_by=ticket.created_by,
        admins=frozenset(admin_ids or ()),
        members=frozenset(member_ids or ()),
        assigned=frozenset(assigned_ids or ()),
    )
