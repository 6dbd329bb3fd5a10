"""Looking things up by what someone proves they know, not by who they are.

Like signing in, these reads cannot start from a viewer's visibility (the point is to
gain it), so they live here, next to authentication, and nowhere else.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from auth.tokens import hash_token
from models import Account, Device, Invitation, TokenPurpose, User, UserToken


async def user_by_email(session: AsyncSession, email: str) -> User | None:
    return (await session.scalars(select(User).where(User.email == email))).first()


async def live_invitation(session: AsyncSession, token: str, secret_key: str) -> Invitation | None:
    """The unused, unexpired invitation for this token, locked against a second acceptance."""
    return (
        await session.scalars(
            select(Invitation)
            .where(
                Invitation.token_hash == hash_token(token, secret_key),
                Invitation.accepted_at.is_(None),
                Invitation.expires_at > datetime.now(UTC),
            )
            .with_for_update()
        )
    ).first()


async def live_user_token(
    session: AsyncSession, token: str, purpose: TokenPurpose, secret_key: str
) -> UserToken | None:
    return (
        await session.scalars(
            select(UserToken)
            .where(
                UserToken.token_hash == hash_token(token, secret_key),
                UserToken.purpose == purpose,
                UserToken.used_at.is_(None),
                UserToken.expires_at > datetime.now(UTC),
            )
            .with_for_update()
        )
    ).first()


async def account_with_device(
    session: AsyncSession, customer_number: str, serial_number: str
) -> Account | None:
    """The account with this customer number that has a device with this serial number."""
    return (
        await session.scalars(
            select(Account)
            .join(Device, Device.account_id == Account.id)
            .where(
                Account.customer_number == customer_number,
                Device.serial_number == serial_number,
            )
        )
    ).first()
