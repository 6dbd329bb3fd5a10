"""What a viewer may do to something it can see: `ensure_can_<verb>_<entity>`.

Seeing comes first (auth/visibility.py: what is invisible does not exist, NOT_FOUND);
these say whether a visible thing may be changed (FORBIDDEN when not).
"""

from __future__ import annotations

import uuid

from auth.viewer import Scope, Viewer
from models import Device
from portal.errors import Unauthenticated, UserErrorCode, UserInputError


def ensure_signed_in(viewer: Viewer) -> None:
    if viewer.is_anonymous:
        raise Unauthenticated


def ensure_person(viewer: Viewer) -> uuid.UUID:
    """The signed-in person's id; integrations are not people."""
    if viewer.user_id is None:
        if viewer.is_integration:
            raise UserInputError.single(UserErrorCode.FORBIDDEN, "forbidden")
        raise Unauthenticated
    return viewer.user_id


def forbidden() -> UserInputError:
    return UserInputError.single(UserErrorCode.FORBIDDEN, "forbidden")


def ensure_can_manage_members(viewer: Viewer, account_id: uuid.UUID) -> None:
    ensure_signed_in(viewer)
    if not (viewer.is_staff or viewer.is_admin_of(account_id)):
        raise forbidden()


def ensure_can_update_account(viewer: Viewer, account_id: uuid.UUID) -> None:
    ensure_can_manage_members(viewer, account_id)


def ensure_can_sync(viewer: Viewer) -> None:
    """Back-office sync: staff, or an integration token with the sync scope."""
    ensure_signed_in(viewer)
    if not (viewer.is_staff or viewer.has_scope(Scope.SYNC)):
        raise forbidden()


def ensure_can_update_device_location(viewer: Viewer, device: Device) -> None:
    ensure_signed_in(viewer)
    if viewer.is_staff or viewer.is_admin_of(device.account_id):
        return
    if device.id in viewer.assigned_device_ids:
        return
    raise forbidden()


def can_see_members(viewer: Viewer, account_id: uuid.UUID) -> bool:
    return viewer.is_staff or viewer.is_admin_of(account_id)
