"""Who is asking: token -> Viewer (shared by HTTP and WebSocket), and the sign-in checks.

Reads here are by credential (an e-mail with its password, a token's hash), not by viewer,
so they are the one place that looks at users without a `visible_*` scope.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, Update, func, select, update
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.ext.asyncio import AsyncSession

from auth.passwords import verify_password
from auth.tokens import INTEGRATION_TOKEN_PREFIX, hash_token, new_session_token
from auth.viewer import Scope, Viewer
from models import (
    AccountRole,
    AuthSession,
    DeviceAssignment,
    IntegrationToken,
    Membership,
    User,
)
from models.user import UserKind, normalize_email
from portal.settings import Settings

SESSION_COOKIE = "portal_session"


class InvalidToken(Exception):
    """A token was presented but names no live session (unknown, expired or revoked)."""


def bearer_token(authorization: str | None) -> str | None:
    """The token of an `Authorization: Bearer <token>` value; None when absent or another scheme."""
    if not authorization:
        return None
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


async def authenticate(session: AsyncSession, token: str, secret_key: str) -> Viewer:
    if token.startswith(INTEGRATION_TOKEN_PREFIX):
        return await _authenticate_integration(session, token, secret_key)
    return await _authenticate_user(session, token, secret_key)


async def _authenticate_user(session: AsyncSession, token: str, secret_key: str) -> Viewer:
    return await _viewer_where(session, AuthSession.token_hash == hash_token(token, secret_key))


async def reload_viewer(session: AsyncSession, viewer: Viewer) -> Viewer:
    """The same session's viewer as the database has it now (roles and assignments change
    under long-lived subscriptions); raises InvalidToken once the session has ended."""
    if viewer.session_id is None:
        return viewer
    return await _viewer_where(session, AuthSession.id == viewer.session_id)


async def _viewer_where(session: AsyncSession, which: ColumnElement[bool]) -> Viewer:
    row = (await session.execute(viewer_statement(which))).first()
    if row is None:
        raise InvalidToken
    return viewer_of(tuple(row))


def viewer_statement(which: ColumnElement[bool]) -> Select[Any]:
    """One statement: the live session, its user, their memberships and assigned devices."""
    roles = (
        select(func.array_agg(aggregate_order_by(Membership.account_id, Membership.account_id)))
        .where(Membership.user_id == User.id)
        .scalar_subquery()
    )
    role_names = (
        select(func.array_agg(aggregate_order_by(Membership.role, Membership.account_id)))
        .where(Membership.user_id == User.id)
        .scalar_subquery()
    )
    devices = (
        select(func.array_agg(DeviceAssignment.device_id))
        .where(DeviceAssignment.user_id == User.id)
        .scalar_subquery()
    )
    return (
        select(AuthSession.id, User.id, User.kind, User.locale, roles, role_names, devices)
        .join(User, User.id == AuthSession.user_id)
        .where(which, AuthSession.revoked_at.is_(None), AuthSession.expires_at > func.now())
    )


def viewer_of(row: Sequence[Any]) -> Viewer:
    """The viewer of a row of `viewer_statement`."""
    session_id, user_id, kind, locale, account_ids, role_values, device_ids = row
    return Viewer(
        user_id=user_id,
        kind=UserKind(kind),
        session_id=session_id,
        locale=locale,
        roles={
            account_id: AccountRole(role)
            for account_id, role in zip(account_ids or (), role_values or (), strict=True)
        },
        assigned_device_ids=frozenset(device_ids or ()),
    )


async def _authenticate_integration(session: AsyncSession, token: str, secret_key: str) -> Viewer:
    row = (
        await session.execute(
            integration_statement(IntegrationToken.token_hash == hash_token(token, secret_key))
        )
    ).first()
    if row is None:
        raise InvalidToken
    await session.commit()
    return integration_viewer_of(tuple(row))


def integration_statement(which: ColumnElement[bool]) -> Update:
    """One statement: the live integration token, its use recorded."""
    return (
        update(IntegrationToken)
        .where(which, IntegrationToken.revoked_at.is_(None))
        .values(last_used_at=func.now())
        .returning(IntegrationToken.id, IntegrationToken.scopes)
    )


def integration_viewer_of(row: Sequence[Any]) -> Viewer:
    """The viewer of a row of `integration_statement`."""
    token_id, scopes = row
    known = {scope.value for scope in Scope}
    return Viewer(
        integration_id=token_id,
        scopes=frozenset(Scope(scope) for scope in scopes if scope in known),
    )


async def check_credentials(session: AsyncSession, email: str, password: str) -> User | None:
    user = (await session.scalars(select(User).where(User.email == normalize_email(email)))).first()
    if not await verify_password(user.password_hash if user else None, password):
        return None
    return user


async def open_session(session: AsyncSession, user_id: uuid.UUID, settings: Settings) -> str:
    """Store a new session for the user; return its token (the only time it exists in clear)."""
    token = new_session_token()
    session.add(
        AuthSession(
            user_id=user_id,
            token_hash=hash_token(token, settings.secret_key),
            expires_at=datetime.now(UTC) + settings.session_ttl,
        )
    )
    await session.flush()
    return token


async def revoke_session(session: AsyncSession, session_id: uuid.UUID) -> bool:
    result = await session.execute(
        update(AuthSession)
        .where(AuthSession.id == session_id, AuthSession.revoked_at.is_(None))
        .values(revoked_at=func.now())
        .returning(AuthSession.id)
    )
    return result.first() is not None
