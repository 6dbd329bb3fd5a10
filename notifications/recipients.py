"""Who hears about a device: the people it is assigned to, or, when it is assigned to nobody,
its account's admins. One statement, shared by every e-mail about a device."""

from __future__ import annotations

import uuid

from sqlalchemy import Select, exists, or_, select

from models import AccountRole, DeviceAssignment, Membership, User


def people_of_device(device_id: uuid.UUID, account_id: uuid.UUID) -> Select[User]:
    assigned = select(DeviceAssignment.user_id).where(DeviceAssignment.device_id == device_id)
    admins = select(Membership.user_id).where(
        Membership.account_id == account_id, Membership.role == AccountRole.ADMIN
    )
    nobody_assigned = ~exists().where(DeviceAssignment.device_id == device_id)
    return (
        select(User)
        .where(or_(User.id.in_(assigned), nobody_assigned & User.id.in_(admins)))
        .order_by(User.email)
    )
