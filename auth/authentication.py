"""Who is asking: token -> Viewer (shared by HTTP and WebSocket), and the sign-in checks.

Reads here are by credential (an e-mail with its password, a token's hash), not by viewer,
so they are the one place that looks at users without a `visible_*` scope.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from auth.passwords import verify_password
from auth.tokens import hash_token, new_session_token
from auth.viewer import Viewer
from models import AuthSession, User
from models.user import normalize_email
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
    """One statement: the live session for this token and the user it belongs to."""
    row = (
        await session.execute(
            select(AuthSession.id, User.id, User.kind, User.locale)
            .join(User, User.id == AuthSession.user_id)
            .where(
                AuthSession.token_hash == hash_token(token, secret_key),
                AuthSession.revoked_at.is_(None),
                AuthSession.expires_at > func.now(),
            )
        )
    ).first()
    if row is None:
        raise InvalidToken
    session_id, user_id, kind, locale = row
    return Viewer(user_id=user_id, kind=kind, session_id=session_id, locale=locale)


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
