"""Signing in and out: a session row per sign-in, a bearer token and a cookie carrying it."""

from __future__ import annotations

import dataclasses

from starlette.responses import Response

from auth import throttle
from auth.authentication import SESSION_COOKIE, check_credentials, open_session, revoke_session
from auth.passwords import verify_password
from models import User
from portal.errors import UserErrorCode, UserInputError
from resolvers.context import Context


@dataclasses.dataclass(frozen=True, slots=True)
class SignedIn:
    token: str
    user: User


MAX_CREDENTIAL_LENGTH = 1024


async def sign_in(ctx: Context, email: str, password: str) -> SignedIn:
    address = ctx.request.client.host if ctx.request.client else "unknown"
    if len(email) > MAX_CREDENTIAL_LENGTH or len(password) > MAX_CREDENTIAL_LENGTH:
        user = None  # nobody has such credentials; spare the hashing
    elif await throttle.is_locked(ctx.database, email, address):
        await verify_password(None, password)  # the same time as a real check
        user = None
    else:
        user = await check_credentials(ctx.session, email, password)
        if user is None:
            await throttle.record_failure(ctx.database, email, address)
    if user is None:
        # The same answer for an unknown e-mail and a wrong password.
        raise UserInputError.single(UserErrorCode.INVALID_CREDENTIALS, "invalid_credentials")
    if user.email_verified_at is None:
        # Told only to someone who knows the password, so it reveals nothing to others.
        raise UserInputError.single(UserErrorCode.EMAIL_NOT_VERIFIED, "email_not_verified")
    return await start_session(ctx, user)


async def start_session(ctx: Context, user: User) -> SignedIn:
    """A new session for `user`: its token in the answer, and in an HttpOnly cookie."""
    token = await open_session(ctx.session, user.id, ctx.settings)
    if isinstance(ctx.response, Response):
        ctx.response.set_cookie(
            SESSION_COOKIE,
            token,
            max_age=int(ctx.settings.session_ttl.total_seconds()),
            httponly=True,
            samesite="lax",
            secure=ctx.settings.is_production,
            path="/",
        )
    return SignedIn(token=token, user=user)


async def sign_out(ctx: Context) -> bool:
    """Revoke the session this request authenticated with; False when there was none."""
    if isinstance(ctx.response, Response):
        ctx.response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax")
    if ctx.viewer.session_id is None:
        return False
    return await revoke_session(ctx.session, ctx.viewer.session_id)
