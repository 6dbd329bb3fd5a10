"""Sign-in throttling, three locks over the failures of the last 15 minutes:

- 10 for one e-mail from one address lock that pair (someone guessing one password);
- 50 for one e-mail from any addresses lock that e-mail (guessing spread over many machines);
- 50 from one address for any e-mails lock that address (one machine trying many e-mails).

A lock lasts until enough failures have left the window. A locked sign-in gets the same
INVALID_CREDENTIALS answer, after the same password-hashing time, so the lock itself tells a
guesser nothing (nor which of the three it was).

Kept in PostgreSQL so every API process sees the same counts; one statement counts all
three. Failures are recorded in a session of their own: the refused sign-in's transaction is
rolled back."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from sqlalchemy import and_, delete, func, or_, select

from models.database import Database
from models.throttle import SignInFailure
from models.user import normalize_email

MAX_FAILURES = 10  # per e-mail and address
MAX_FAILURES_PER_EMAIL = 50  # from any addresses
MAX_FAILURES_PER_ADDRESS = 50  # for any e-mails
WINDOW = timedelta(minutes=15)


def _email_hash(email: str) -> bytes:
    return hashlib.sha256(normalize_email(email)[:1024].encode()).digest()


async def is_locked(database: Database, email: str, address: str) -> bool:
    email_hash, address = _email_hash(email), address[:64]
    same_email = SignInFailure.email_hash == email_hash
    same_address = SignInFailure.address == address
    async with database.session() as session:
        counts = (
            await session.execute(
                select(
                    func.count().filter(and_(same_email, same_address)),
                    func.count().filter(same_email),
                    func.count().filter(same_address),
                ).where(
                    or_(same_email, same_address),
                    SignInFailure.failed_at > func.now() - WINDOW,
                )
            )
        ).one()
    pair, per_email, per_address = counts
    return (
        pair >= MAX_FAILURES
        or per_email >= MAX_FAILURES_PER_EMAIL
        or per_address >= MAX_FAILURES_PER_ADDRESS
    )


async def record_failure(database: Database, email: str, address: str) -> None:
    async with database.session() as session, session.begin():
        session.add(SignInFailure(email_hash=_email_hash(email), address=address[:64]))
        # Old failures count for nothing: forget them as we go.
        await session.execute(
            delete(SignInFailure).where(SignInFailure.failed_at < func.now() - 2 * WINDOW)
        )
