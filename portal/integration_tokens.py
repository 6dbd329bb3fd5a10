"""Tokens for the provider's back-office systems: created, listed and revoked from the CLI."""

from __future__ import annotations

import dataclasses
from datetime import datetime

from sqlalchemy import func, select, update

from auth.tokens import INTEGRATION_TOKEN_PREFIX, hash_token, new_token
from auth.viewer import Scope
from models import IntegrationToken
from models.database import Database


class TokenAdminError(ValueError):
    pass


@dataclasses.dataclass(frozen=True)
class TokenInfo:
    name: str
    scopes: list[str]
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


async def create_token(database: Database, secret_key: str, name: str, scopes: list[str]) -> str:
    """Store a new token; return it in clear, the only time it exists so."""
    name = name.strip()
    if not name or len(name) > 100:
        raise TokenAdminError("a name of 1 to 100 characters is required")
    known = {scope.value for scope in Scope}
    if not scopes or set(scopes) - known:
        raise TokenAdminError(f"scopes must be among: {', '.join(sorted(known))}")
    token = new_token(INTEGRATION_TOKEN_PREFIX)
    async with database.session() as session, session.begin():
        if await session.scalar(select(IntegrationToken.id).where(IntegrationToken.name == name)):
            raise TokenAdminError(f"a token named {name!r} exists already")
        session.add(
            IntegrationToken(
                name=name, token_hash=hash_token(token, secret_key), scopes=sorted(set(scopes))
            )
        )
    return token


async def list_tokens(database: Database) -> list[TokenInfo]:
    async with database.session() as session:
        rows = await session.scalars(select(IntegrationToken).order_by(IntegrationToken.name))
        return [
            TokenInfo(row.name, row.scopes, row.created_at, row.last_used_at, row.revoked_at)
            for row in rows
        ]


async def revoke_token(database: Database, name: str) -> None:
    async with database.session() as session, session.begin():
        revoked = await session.execute(
            update(IntegrationToken)
            .where(IntegrationToken.name == name, IntegrationToken.revoked_at.is_(None))
            .values(revoked_at=func.now())
            .returning(IntegrationToken.id)
        )
        if revoked.first() is None:
            raise TokenAdminError(f"no live token named {name!r}")
