"""Sign-in throttling: 10 failures for one e-mail from one address within 15 minutes lock
that pair for 15 minutes. A locked pair gets the same INVALID_CREDENTIALS answer, after the
same password-hashing time, so the lock itself tells a guesser nothing.

Kept in PostgreSQL so every API process sees the same count. Failures are recorded in a
session of their own: the refused sign-in's transaction is rolled back."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from sqlalchemy import delete, func, select

from models.database import Database
from models.throttle import SignInFailure
from models.user import normalize_email

MAX_FAILURES = 10
WINDOW = timedelta(minutes=15)


def _email_hash(email: str) -> bytes:
    return hashlib.sha256(normalize_email(email)[:1024].encode()).digest()


async def is_locked(database: Database, email: str, address: str) -> bool:
    async with database.session() as session:
        failures = await session.scalar(
            select(func.count())
            .select_from(SignInFailure)
            .where(
                SignInFailure.email_hash == _email_hash(email),
                SignInFailure.address == address[:64],
                SignInFailure.failed_at > func.now() - WINDOW,
            )
        )
    return (failures or 0) >= MAX_FAILURES


async def record_failure(database: Database, email: str, address: str) -> None:
    async with database.session() as session, session.begin():
        session.add(SignInFailure(email_hash=_email_hash(email), address=address[:64]))
        # Old failures count for nothing: forget them as we go.
        await session.execute(
            delete(SignInFailure).where(SignInFailure.failed_at < func.now() - 2 * WINDOW)
        )
