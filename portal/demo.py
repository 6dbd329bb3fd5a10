"""Demo data for development: loaded by `make run` into an empty database, never in production."""

from __future__ import annotations

import dataclasses

from sqlalchemy import exists, select

from auth.passwords import hash_password_async
from models import User, UserKind
from models.database import Database


@dataclasses.dataclass(frozen=True, slots=True)
class DemoUser:
    email: str
    name: str
    kind: UserKind
    password: str
    locale: str = "en"


# Documented in the README; public on purpose, so never loaded in production.
STAFF = DemoUser("staff@example.com", "Sam Staff", UserKind.STAFF, "demo-staff-password")
ADMIN = DemoUser(
    "admin@example.com", "Astrid Admin", UserKind.CUSTOMER, "demo-admin-password", "sv"
)
CUSTOMER = DemoUser(
    "customer@example.com", "Carl Customer", UserKind.CUSTOMER, "demo-customer-password"
)
DEMO_USERS = (STAFF, ADMIN, CUSTOMER)


async def database_is_empty(database: Database) -> bool:
    async with database.session() as session:
        return not await session.scalar(select(exists().where(User.id.is_not(None))))


async def seed_demo(database: Database) -> None:
    async with database.session() as session, session.begin():
        for demo in DEMO_USERS:
            session.add(
                User(
                    email=demo.email,
                    name=demo.name,
                    kind=demo.kind,
                    locale=demo.locale,
                    password_hash=await hash_password_async(demo.password),
                )
            )
