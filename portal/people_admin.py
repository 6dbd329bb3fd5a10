"""Operator tasks on people, run from the command line."""

from __future__ import annotations

from sqlalchemy import select

from auth.passwords import hash_password_async
from models import User, UserKind
from models.database import Database
from models.user import EMAIL_MAX_LENGTH, NAME_MAX_LENGTH, normalize_email

MIN_PASSWORD_LENGTH = 10


class StaffCreationError(ValueError):
    pass


async def create_staff_user(database: Database, *, email: str, name: str, password: str) -> None:
    email = normalize_email(email)
    name = name.strip()
    if "@" not in email or len(email) > EMAIL_MAX_LENGTH:
        raise StaffCreationError(f"not an e-mail address: {email!r}")
    if not name or len(name) > NAME_MAX_LENGTH:
        raise StaffCreationError(f"a name of 1 to {NAME_MAX_LENGTH} characters is required")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise StaffCreationError(f"the password needs at least {MIN_PASSWORD_LENGTH} characters")
    async with database.session() as session, session.begin():
        if await session.scalar(select(User.id).where(User.email == email)):
            raise StaffCreationError(f"a user with e-mail {email} exists already")
        session.add(
            User(
                email=email,
                name=name,
                kind=UserKind.STAFF,
                password_hash=await hash_password_async(password),
            )
        )
