"""Two customer accounts with every kind of viewer, for the tests of who sees what.

Account A: admin_a, customer_a (assigned device a1), customer_a2 (no devices); devices a1, a2.
Account B: admin_b; device b1. Plus staff, and integration tokens with the sync and meters
scopes. Sessions are opened directly (signing in is tested on its own), so building the
world costs no password hashing.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import UTC, date, datetime

import pytest

from auth.authentication import open_session
from models import (
    Account,
    AccountRole,
    Device,
    DeviceAssignment,
    DeviceModel,
    Membership,
    MeterKind,
    Payment,
    SupplyItem,
    SupplyKind,
    User,
    UserKind,
    model_supplies,
)
from models.database import Database
from portal.integration_tokens import create_token
from portal.settings import Settings
from schema.base import encode_id


@dataclasses.dataclass
class World:
    ids: Mapping[str, str]  # name -> global ID
    tokens: dict[str, str | None]  # role -> bearer token (None: anonymous)
    serials: dict[str, str]  # device name -> serial number


def _account(key: str) -> Account:
    return Account(
        external_id=f"EXT-{key}",
        customer_number=f"C-{key}",
        name=f"Account {key}",
        timezone="Europe/Stockholm",
        billing_street="Street 1",
        billing_postal_code="111 22",
        billing_city="Stockholm",
        billing_country="SE",
        credit_rating="A",
    )


def _device(account: Account, model: DeviceModel, serial: str) -> Device:
    return Device(
        external_id=f"EXT-{serial}",
        account_id=account.id,
        serial_number=serial,
        model_id=model.id,
        location_street="Street 1",
        location_postal_code="111 22",
        location_city="Stockholm",
        location_country="SE",
        response_hours=8,
    )


@pytest.fixture
async def world(database: Database, settings: Settings) -> World:
    now = datetime.now(UTC)
    names = ["staff", "admin_a", "customer_a", "customer_a2", "admin_b"]
    async with database.session() as session, session.begin():
        users = {
            name: User(
                email=f"{name}@world.example",
                name=name.replace("_", " ").title(),
                kind=UserKind.STAFF if name == "staff" else UserKind.CUSTOMER,
                email_verified_at=now,
            )
            for name in names
        }
        session.add_all(users.values())
        model = DeviceModel(code="M-1", name="Model One", meter_kinds=[MeterKind.TOTAL.value])
        toner = SupplyItem(sku="T-1", name="Toner One", kind=SupplyKind.TONER, colour="black")
        a, b = _account("A"), _account("B")
        session.add_all([model, toner, a, b])
        await session.flush()
        await session.execute(
            model_supplies.insert().values(model_id=model.id, supply_item_id=toner.id)
        )
        devices = {"a1": _device(a, model, "SN-A1"), "a2": _device(a, model, "SN-A2")}
        devices["b1"] = _device(b, model, "SN-B1")
        session.add_all(devices.values())
        session.add_all(
            [
                Membership(account_id=a.id, user_id=users["admin_a"].id, role=AccountRole.ADMIN),
                Membership(
                    account_id=a.id, user_id=users["customer_a"].id, role=AccountRole.CUSTOMER
                ),
                Membership(
                    account_id=a.id, user_id=users["customer_a2"].id, role=AccountRole.CUSTOMER
                ),
                Membership(account_id=b.id, user_id=users["admin_b"].id, role=AccountRole.ADMIN),
            ]
        )
        await session.flush()
        session.add(
            DeviceAssignment(
                device_id=devices["a1"].id, user_id=users["customer_a"].id, account_id=a.id
            )
        )
        payments = {
            key: Payment(
                account_id=account.id,
                invoice_number=f"INV-{key}",
                amount_cents=1000,
                currency="SEK",
                due_on=date(2026, 10, 1),
            )
            for key, account in (("pay_a", a), ("pay_b", b))
        }
        session.add_all(payments.values())
        await session.flush()
        tokens: dict[str, str | None] = {"anonymous": None}
        for name in names:
            tokens[name] = await open_session(session, users[name].id, settings)
        ids = {name: encode_id("User", user.id) for name, user in users.items()}
        ids |= {"account_a": encode_id("Account", a.id), "account_b": encode_id("Account", b.id)}
        ids |= {name: encode_id("Device", device.id) for name, device in devices.items()}
        ids |= {name: encode_id("Payment", payment.id) for name, payment in payments.items()}
        ids["model"] = encode_id("DeviceModel", model.id)
        ids["toner"] = encode_id("SupplyItem", toner.id)
    tokens["sync_token"] = await create_token(database, settings.secret_key, "erp", ["sync"])
    tokens["meters_token"] = await create_token(database, settings.secret_key, "fleet", ["meters"])
    return World(ids, tokens, {name: device.serial_number for name, device in devices.items()})
