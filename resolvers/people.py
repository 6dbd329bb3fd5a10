"""People: invitations, self-registration, password resets, roles, assignments, profiles,
and requests to join an account. Every change to people is written to the audit log."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func, select, update

from auth import proofs
from auth.passwords import hash_password_async, verify_password
from auth.policies import ensure_can_manage_members, ensure_person, forbidden
from auth.tokens import EMAIL_TOKEN_PREFIX, hash_token, new_token
from auth.visibility import (
    visible_access_requests,
    visible_accounts,
    visible_devices,
    visible_memberships,
)
from models import (
    AccessRequest,
    AccessRequestStatus,
    Account,
    AccountRole,
    AuthSession,
    Device,
    DeviceAssignment,
    Invitation,
    Membership,
    TokenPurpose,
    User,
    UserKind,
    UserToken,
)
from models.user import NAME_MAX_LENGTH, PHONE_MAX_LENGTH
from notifications.outbox import enqueue_email
from portal.errors import UserErrorCode, UserInputError
from resolvers import audit
from resolvers.context import Context
from resolvers.sessions import SignedIn, start_session
from resolvers.validation import Checks

INVITATION_TTL = timedelta(days=7)
VERIFICATION_TTL = timedelta(days=2)
RESET_TTL = timedelta(hours=1)
MAX_DEVICES_PER_CALL = 500


def _not_found(*field: str | int) -> UserInputError:
    return UserInputError.single(UserErrorCode.NOT_FOUND, "not_found", [str(f) for f in field])


def _link(ctx: Context, path: str, token: str) -> str:
    return f"{ctx.settings.public_url}{path}?token={token}"


async def _visible_account(ctx: Context, account_id: uuid.UUID, *field: str) -> Account:
    account = await ctx.first(visible_accounts(ctx.viewer).where(Account.id == account_id))
    if account is None:
        raise _not_found(*field)
    return account


async def _devices_of_account(
    ctx: Context, account_id: uuid.UUID, device_ids: Sequence[uuid.UUID], *field: str
) -> list[uuid.UUID]:
    """The ids, each checked to be a visible device of the account (NOT_FOUND at its index)."""
    checks = Checks(*field)
    if len(device_ids) > MAX_DEVICES_PER_CALL:
        checks.invalid("too_many", limit=MAX_DEVICES_PER_CALL)
        checks.done()
    found = set(
        await ctx.all(
            visible_devices(ctx.viewer)
            .with_only_columns(Device.id)
            .where(Device.id.in_(device_ids), Device.account_id == account_id)
        )
    )
    seen: set[uuid.UUID] = set()
    for index, device_id in enumerate(device_ids):
        if device_id not in found:
            checks.fail(UserErrorCode.NOT_FOUND, "not_found", index)
        elif device_id in seen:
            checks.invalid("duplicate", index)
        seen.add(device_id)
    checks.done()
    return list(dict.fromkeys(device_ids))


async def _member_ids(ctx: Context, account_id: uuid.UUID) -> set[uuid.UUID]:
    return set(await ctx.all(select(Membership.user_id).where(Membership.account_id == account_id)))


def _email_token(ctx: Context, user_id: uuid.UUID, purpose: TokenPurpose, ttl: timedelta) -> str:
    token = new_token(EMAIL_TOKEN_PREFIX)
    ctx.session.add(
        UserToken(
            user_id=user_id,
            purpose=purpose,
            token_hash=hash_token(token, ctx.settings.secret_key),
            expires_at=datetime.now(UTC) + ttl,
        )
    )
    return token


# ---------------------------------------------------------------- invitations


async def invite_user(
    ctx: Context,
    account_id: uuid.UUID,
    email: str,
    name: str,
    role: AccountRole,
    device_ids: Sequence[uuid.UUID],
) -> None:
    checks = Checks("input")
    email = checks.email(email, "email")
    name = checks.text(name, "name", limit=NAME_MAX_LENGTH)
    checks.done()
    account = await _visible_account(ctx, account_id, "input", "accountId")
    ensure_can_manage_members(ctx.viewer, account.id)
    devices = await _devices_of_account(ctx, account.id, device_ids, "input", "deviceIds")
    existing = await proofs.user_by_email(ctx.session, email)
    if existing is not None and existing.id in await _member_ids(ctx, account.id):
        raise UserInputError.single(
            UserErrorCode.ALREADY_EXISTS, "already_member", ["input", "email"]
        )
    token = new_token(EMAIL_TOKEN_PREFIX)
    expires_at = datetime.now(UTC) + INVITATION_TTL
    invitation = Invitation(
        token_hash=hash_token(token, ctx.settings.secret_key),
        account_id=account.id,
        email=email,
        name=name,
        role=role,
        device_ids=devices if role is AccountRole.CUSTOMER else [],
        invited_by=ctx.viewer.user_id,
        expires_at=expires_at,
    )
    ctx.session.add(invitation)
    inviter = await ctx.session.get(User, ctx.viewer.user_id) if ctx.viewer.user_id else None
    await enqueue_email(
        ctx.session,
        to=email,
        locale=existing.locale if existing else ctx.locale,
        template="invitation",
        inviter_name=inviter.name if inviter else account.name,
        account_name=account.name,
        role=role.value,
        token=token,
        link=_link(ctx, "/invitations/accept", token),
        expires_at=expires_at,
    )
    await ctx.flush()
    audit.record(
        ctx,
        "member.invited",
        entity_type="Invitation",
        entity_id=invitation.id,
        account_id=account.id,
        after={"email": email, "role": role.value, "deviceIds": [str(d) for d in devices]},
    )


async def accept_invitation(ctx: Context, token: str, password: str, name: str | None) -> SignedIn:
    invitation = await proofs.live_invitation(ctx.session, token, ctx.settings.secret_key)
    if invitation is None:
        raise UserInputError.single(
            UserErrorCode.TOKEN_INVALID, "token_invalid", ["input", "token"]
        )
    user = await proofs.user_by_email(ctx.session, invitation.email)
    if user is not None:
        # Joining a second account: the person proves it is them with their own password.
        if not await verify_password(user.password_hash, password):
            raise UserInputError.single(
                UserErrorCode.INVALID_CREDENTIALS, "invalid_credentials", ["input", "password"]
            )
        if user.email_verified_at is None:
            user.email_verified_at = datetime.now(UTC)  # the invitation reached the mailbox
    else:
        checks = Checks("input")
        chosen_name = checks.text(name or invitation.name, "name", limit=NAME_MAX_LENGTH)
        checks.password(password, "password", email=invitation.email, name=chosen_name)
        checks.done()
        user = User(
            email=invitation.email,
            name=chosen_name,
            kind=UserKind.CUSTOMER,
            locale=ctx.locale,
            password_hash=await hash_password_async(password),
            email_verified_at=datetime.now(UTC),
        )
        ctx.session.add(user)
        await ctx.flush()
    if await ctx.session.get(Membership, (invitation.account_id, user.id)) is None:
        ctx.session.add(
            Membership(account_id=invitation.account_id, user_id=user.id, role=invitation.role)
        )
        await ctx.flush()
        if invitation.role is AccountRole.CUSTOMER and invitation.device_ids:
            still_there = await ctx.all(
                select(Device.id).where(
                    Device.id.in_(invitation.device_ids),
                    Device.account_id == invitation.account_id,
                )
            )
            ctx.session.add_all(
                DeviceAssignment(
                    device_id=device_id, user_id=user.id, account_id=invitation.account_id
                )
                for device_id in still_there
            )
    invitation.accepted_at = datetime.now(UTC)
    audit.record(
        ctx,
        "member.joined",
        entity_type="Membership",
        entity_id=user.id,
        account_id=invitation.account_id,
        after={"userId": str(user.id), "role": invitation.role.value, "via": "invitation"},
    )
    return await start_session(ctx, user)


# ---------------------------------------------------------------- self-registration


async def register(ctx: Context, email: str, password: str, name: str, locale: str | None) -> None:
    """Creates an unverified user and mails a link to verify. An e-mail already registered gets
    a notice instead; the answer is the same either way, so it tells nobody who is a user."""
    checks = Checks("input")
    email = checks.email(email, "email")
    name = checks.text(name, "name", limit=NAME_MAX_LENGTH)
    chosen_locale = checks.locale(locale, "locale") or ctx.locale
    checks.password(password, "password", email=email, name=name)
    checks.done()
    existing = await proofs.user_by_email(ctx.session, email)
    if existing is not None:
        # The hashing a new user costs, spent anyway: the answer's timing is the same.
        await hash_password_async(password)
        await enqueue_email(
            ctx.session,
            to=existing.email,
            locale=existing.locale,
            template="account_exists",
            name=existing.name,
            link=f"{ctx.settings.public_url}/reset-password",
        )
        return
    user = User(
        email=email,
        name=name,
        kind=UserKind.CUSTOMER,
        locale=chosen_locale,
        password_hash=await hash_password_async(password),
    )
    ctx.session.add(user)
    await ctx.flush()
    token = _email_token(ctx, user.id, TokenPurpose.VERIFY_EMAIL, VERIFICATION_TTL)
    await enqueue_email(
        ctx.session,
        to=email,
        locale=chosen_locale,
        template="verify_email",
        name=name,
        token=token,
        link=_link(ctx, "/verify-email", token),
    )
    audit.record(
        ctx, "user.registered", entity_type="User", entity_id=user.id, after={"email": email}
    )


async def verify_email(ctx: Context, token: str) -> SignedIn:
    used = await proofs.live_user_token(
        ctx.session, token, TokenPurpose.VERIFY_EMAIL, ctx.settings.secret_key
    )
    if used is None:
        raise UserInputError.single(UserErrorCode.TOKEN_INVALID, "token_invalid", ["token"])
    used.used_at = datetime.now(UTC)
    user = await ctx.session.get(User, used.user_id)
    assert user is not None  # the token's foreign key cascades with the user
    user.email_verified_at = datetime.now(UTC)
    return await start_session(ctx, user)


# ---------------------------------------------------------------- passwords


async def request_password_reset(ctx: Context, email: str) -> None:
    """Always the same answer, whether or not the address belongs to someone."""
    cleaned = email.strip().lower()
    user = await proofs.user_by_email(ctx.session, cleaned) if len(cleaned) <= 254 else None
    if user is None:
        return
    token = _email_token(ctx, user.id, TokenPurpose.RESET_PASSWORD, RESET_TTL)
    await enqueue_email(
        ctx.session,
        to=user.email,
        locale=user.locale,
        template="password_reset",
        name=user.name,
        token=token,
        link=_link(ctx, "/reset-password", token),
    )


async def reset_password(ctx: Context, token: str, password: str) -> SignedIn:
    used = await proofs.live_user_token(
        ctx.session, token, TokenPurpose.RESET_PASSWORD, ctx.settings.secret_key
    )
    if used is None:
        raise UserInputError.single(
            UserErrorCode.TOKEN_INVALID, "token_invalid", ["input", "token"]
        )
    user = await ctx.session.get(User, used.user_id)
    assert user is not None
    checks = Checks("input")
    checks.password(password, "password", email=user.email, name=user.name)
    checks.done()
    used.used_at = datetime.now(UTC)
    user.password_hash = await hash_password_async(password)
    user.email_verified_at = user.email_verified_at or datetime.now(UTC)
    # Whoever knew the old password is signed out everywhere.
    await ctx.execute(
        update(AuthSession)
        .where(AuthSession.user_id == user.id, AuthSession.revoked_at.is_(None))
        .values(revoked_at=func.now())
    )
    audit.record(ctx, "user.password_reset", entity_type="User", entity_id=user.id)
    return await start_session(ctx, user)


# ---------------------------------------------------------------- members


async def _membership(
    ctx: Context, account_id: uuid.UUID, user_id: uuid.UUID, lock: bool = False
) -> Membership:
    stmt = visible_memberships(ctx.viewer).where(
        Membership.account_id == account_id, Membership.user_id == user_id
    )
    membership = await ctx.first(stmt.with_for_update() if lock else stmt)
    if membership is None:
        raise _not_found("input", "userId")
    return membership


async def _ensure_another_admin(ctx: Context, account_id: uuid.UUID, user_id: uuid.UUID) -> None:
    """Locks the account's admin rows, so two admins demoting each other cannot both win."""
    admins = await ctx.all(
        select(Membership.user_id)
        .where(Membership.account_id == account_id, Membership.role == AccountRole.ADMIN)
        .with_for_update()
    )
    if not [admin for admin in admins if admin != user_id]:
        raise UserInputError.single(UserErrorCode.LAST_ADMIN, "last_admin", ["input", "role"])


async def set_member_role(
    ctx: Context, account_id: uuid.UUID, user_id: uuid.UUID, role: AccountRole
) -> Membership:
    await _visible_account(ctx, account_id, "input", "accountId")
    ensure_can_manage_members(ctx.viewer, account_id)
    membership = await _membership(ctx, account_id, user_id, lock=True)
    before = membership.role
    if before is role:
        return membership
    if before is AccountRole.ADMIN:
        await _ensure_another_admin(ctx, account_id, user_id)
    membership.role = role
    audit.record(
        ctx,
        "member.role_changed",
        entity_type="Membership",
        entity_id=user_id,
        account_id=account_id,
        before={"role": before.value},
        after={"role": role.value},
    )
    await ctx.flush()
    return membership


async def remove_member(ctx: Context, account_id: uuid.UUID, user_id: uuid.UUID) -> None:
    await _visible_account(ctx, account_id, "input", "accountId")
    ensure_can_manage_members(ctx.viewer, account_id)
    membership = await _membership(ctx, account_id, user_id, lock=True)
    if membership.role is AccountRole.ADMIN:
        await _ensure_another_admin(ctx, account_id, user_id)
    await ctx.execute(
        delete(Membership).where(Membership.account_id == account_id, Membership.user_id == user_id)
    )
    audit.record(
        ctx,
        "member.removed",
        entity_type="Membership",
        entity_id=user_id,
        account_id=account_id,
        before={"role": membership.role.value},
    )


async def assign_devices(
    ctx: Context, account_id: uuid.UUID, user_id: uuid.UUID, device_ids: Sequence[uuid.UUID]
) -> Membership:
    """Replaces the member's assigned devices with exactly these."""
    await _visible_account(ctx, account_id, "input", "accountId")
    ensure_can_manage_members(ctx.viewer, account_id)
    membership = await _membership(ctx, account_id, user_id)
    wanted = await _devices_of_account(ctx, account_id, device_ids, "input", "deviceIds")
    current = set(
        await ctx.all(
            select(DeviceAssignment.device_id).where(
                DeviceAssignment.account_id == account_id, DeviceAssignment.user_id == user_id
            )
        )
    )
    if current == set(wanted):
        return membership
    await ctx.execute(
        delete(DeviceAssignment).where(
            DeviceAssignment.account_id == account_id,
            DeviceAssignment.user_id == user_id,
            DeviceAssignment.device_id.not_in(wanted),
        )
    )
    ctx.session.add_all(
        DeviceAssignment(device_id=device_id, user_id=user_id, account_id=account_id)
        for device_id in wanted
        if device_id not in current
    )
    audit.record(
        ctx,
        "member.devices_assigned",
        entity_type="Membership",
        entity_id=user_id,
        account_id=account_id,
        before={"deviceIds": sorted(str(d) for d in current)},
        after={"deviceIds": sorted(str(d) for d in wanted)},
    )
    await ctx.flush()
    return membership


# ---------------------------------------------------------------- profile


@dataclasses.dataclass(frozen=True)
class ProfileChanges:
    name: str | None = None
    phone: str | None = None
    clear_phone: bool = False
    locale: str | None = None
    ticket_updates: bool | None = None
    supply_order_updates: bool | None = None
    meter_reading_reminders: bool | None = None


async def update_profile(ctx: Context, changes: ProfileChanges) -> User:
    user_id = ensure_person(ctx.viewer)
    checks = Checks("input")
    name = (
        checks.text(changes.name, "name", limit=NAME_MAX_LENGTH)
        if changes.name is not None
        else None
    )
    phone = checks.optional_text(changes.phone, "phone", limit=PHONE_MAX_LENGTH)
    locale = checks.locale(changes.locale, "locale")
    checks.done()
    user = await ctx.session.get(User, user_id, with_for_update=True)
    assert user is not None
    before = _profile(user)
    if name is not None:
        user.name = name
    if phone is not None or changes.clear_phone:
        user.phone = phone
    if locale is not None:
        user.locale = locale
    if changes.ticket_updates is not None:
        user.notify_ticket_updates = changes.ticket_updates
    if changes.supply_order_updates is not None:
        user.notify_supply_order_updates = changes.supply_order_updates
    if changes.meter_reading_reminders is not None:
        user.notify_meter_reading_reminders = changes.meter_reading_reminders
    after = _profile(user)
    if after != before:
        audit.record(
            ctx,
            "user.profile_updated",
            entity_type="User",
            entity_id=user.id,
            before=before,
            after=after,
        )
    await ctx.flush()
    return user


def _profile(user: User) -> dict[str, object]:
    return {
        "name": user.name,
        "phone": user.phone,
        "locale": user.locale,
        "ticketUpdates": user.notify_ticket_updates,
        "supplyOrderUpdates": user.notify_supply_order_updates,
        "meterReadingReminders": user.notify_meter_reading_reminders,
    }


# ---------------------------------------------------------------- access requests


async def request_account_access(
    ctx: Context, customer_number: str, serial_number: str
) -> AccessRequest:
    user_id = ensure_person(ctx.viewer)
    checks = Checks("input")
    customer_number = checks.text(customer_number, "customerNumber", limit=32)
    serial_number = checks.text(serial_number, "serialNumber", limit=64)
    checks.done()
    account = await proofs.account_with_device(ctx.session, customer_number, serial_number)
    if account is None:
        raise UserInputError.single(UserErrorCode.NOT_FOUND, "no_matching_device", ["input"])
    if account.id in ctx.viewer.roles:
        raise UserInputError.single(UserErrorCode.ALREADY_EXISTS, "already_member", ["input"])
    pending = await ctx.first(
        select(AccessRequest).where(
            AccessRequest.user_id == user_id,
            AccessRequest.account_id == account.id,
            AccessRequest.status == AccessRequestStatus.PENDING,
        )
    )
    if pending is not None:
        raise UserInputError.single(UserErrorCode.ALREADY_EXISTS, "already_requested", ["input"])
    request = AccessRequest(user_id=user_id, account_id=account.id, serial_number=serial_number)
    ctx.session.add(request)
    requester = await ctx.session.get(User, user_id)
    assert requester is not None
    admins = await ctx.all(
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.account_id == account.id, Membership.role == AccountRole.ADMIN)
    )
    for admin in admins:
        await enqueue_email(
            ctx.session,
            to=admin.email,
            locale=admin.locale,
            template="access_request",
            admin_name=admin.name,
            requester_name=requester.name,
            requester_email=requester.email,
            account_name=account.name,
            serial_number=serial_number,
            link=f"{ctx.settings.public_url}/access-requests",
        )
    await ctx.flush()
    audit.record(
        ctx,
        "member.access_requested",
        entity_type="AccessRequest",
        entity_id=request.id,
        account_id=account.id,
        after={"userId": str(user_id), "serialNumber": serial_number},
    )
    return request


async def decide_access_request(
    ctx: Context, request_id: uuid.UUID, approve: bool, role: AccountRole
) -> AccessRequest:
    request = await ctx.first(
        visible_access_requests(ctx.viewer).where(AccessRequest.id == request_id).with_for_update()
    )
    if request is None:
        raise _not_found("input", "requestId")
    if not (ctx.viewer.is_staff or ctx.viewer.is_admin_of(request.account_id)):
        raise forbidden()
    if request.status is not AccessRequestStatus.PENDING:
        raise UserInputError.single(
            UserErrorCode.INVALID_INPUT, "already_decided", ["input", "requestId"]
        )
    request.status = AccessRequestStatus.APPROVED if approve else AccessRequestStatus.DECLINED
    request.decided_by = ctx.viewer.user_id
    request.decided_at = datetime.now(UTC)
    if approve and await ctx.session.get(Membership, (request.account_id, request.user_id)) is None:
        ctx.session.add(
            Membership(account_id=request.account_id, user_id=request.user_id, role=role)
        )
    requester = await ctx.session.get(User, request.user_id)
    account = await ctx.session.get(Account, request.account_id)
    assert requester is not None
    assert account is not None
    await enqueue_email(
        ctx.session,
        to=requester.email,
        locale=requester.locale,
        template="access_request_decided",
        name=requester.name,
        account_name=account.name,
        approved=approve,
    )
    audit.record(
        ctx,
        "member.access_approved" if approve else "member.access_declined",
        entity_type="AccessRequest",
        entity_id=request.id,
        account_id=request.account_id,
        after={"userId": str(request.user_id), "role": role.value if approve else None},
    )
    await ctx.flush()
    return request
