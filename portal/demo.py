"""Demo data for development: loaded by `make run` into an empty database, never in production.

Two customer accounts, so what one tenant may not see can be tried by hand: the demo admin
and customer belong to the first; the second has an admin of its own.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import exists, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from auth.passwords import hash_password_async
from models import (
    Account,
    AccountRole,
    Device,
    DeviceAssignment,
    DeviceModel,
    Guide,
    Membership,
    MeterKind,
    MeterReading,
    MeterReadingSource,
    Payment,
    SupplyItem,
    SupplyKind,
    User,
    UserKind,
    guide_models,
    model_supplies,
)
from models.database import Database
from portal.demo_guides import DEMO_GUIDES


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
OTHER_ADMIN = DemoUser(
    "other-admin@example.com", "Olga Other", UserKind.CUSTOMER, "demo-other-password"
)
DEMO_USERS = (STAFF, ADMIN, CUSTOMER, OTHER_ADMIN)

SUPPLIES = [
    ("TN-421K", "Toner cartridge, black (TN-421K)", SupplyKind.TONER, "black"),
    ("TN-421C", "Toner cartridge, cyan (TN-421C)", SupplyKind.TONER, "cyan"),
    ("TN-421M", "Toner cartridge, magenta (TN-421M)", SupplyKind.TONER, "magenta"),
    ("TN-421Y", "Toner cartridge, yellow (TN-421Y)", SupplyKind.TONER, "yellow"),
    ("DR-421", "Drum unit (DR-421)", SupplyKind.DRUM, None),
    ("WX-105", "Waste toner box (WX-105)", SupplyKind.WASTE_TONER, None),
    ("TN-328K", "Toner cartridge, black (TN-328K)", SupplyKind.TONER, "black"),
    ("SK-602", "Staple cartridge (SK-602)", SupplyKind.STAPLES, None),
]
MODELS = [
    (
        "MFP-C300",
        "Colour MFP C300",
        [MeterKind.TOTAL, MeterKind.BLACK, MeterKind.COLOR, MeterKind.SCAN],
        ["TN-421K", "TN-421C", "TN-421M", "TN-421Y", "DR-421", "WX-105", "SK-602"],
    ),
    ("MFP-B450", "Mono MFP B450", [MeterKind.TOTAL, MeterKind.SCAN], ["TN-328K", "SK-602"]),
    ("LFP-T36", "Large-format plotter T36", [MeterKind.LARGE_FORMAT], []),
]


async def database_is_empty(database: Database) -> bool:
    async with database.session() as session:
        return not await session.scalar(select(exists().where(User.id.is_not(None))))


async def seed_demo(database: Database) -> None:
    now = datetime.now(UTC)
    async with database.session() as session, session.begin():
        users = {
            demo.email: User(
                email=demo.email,
                name=demo.name,
                kind=demo.kind,
                locale=demo.locale,
                password_hash=await hash_password_async(demo.password),
                email_verified_at=now,
            )
            for demo in DEMO_USERS
        }
        session.add_all(users.values())
        supplies = {
            sku: SupplyItem(sku=sku, name=name, kind=kind, colour=colour)
            for sku, name, kind, colour in SUPPLIES
        }
        session.add_all(supplies.values())
        models = {
            code: DeviceModel(code=code, name=name, meter_kinds=[kind.value for kind in kinds])
            for code, name, kinds, _ in MODELS
        }
        session.add_all(models.values())
        nordic = Account(
            external_id="ERP-10001",
            customer_number="10001",
            name="Nordic Print AB",
            timezone="Europe/Stockholm",
            billing_street="Sveavägen 10",
            billing_postal_code="111 57",
            billing_city="Stockholm",
            billing_country="SE",
            credit_rating="A",
            main_contact="Astrid Admin",
            invoice_email="invoices@nordicprint.example",
            consumables_included=True,
        )
        harbour = Account(
            external_id="ERP-10002",
            customer_number="10002",
            name="Harbour Logistics Ltd",
            timezone="Europe/London",
            billing_street="1 Dock Road",
            billing_postal_code="E16 1AA",
            billing_city="London",
            billing_country="GB",
            credit_rating="B",
        )
        session.add_all([nordic, harbour])
        await session.flush()
        await session.execute(
            insert(model_supplies),
            [
                {"model_id": models[code].id, "supply_item_id": supplies[sku].id}
                for code, _, _, skus in MODELS
                for sku in skus
            ],
        )
        session.add_all(
            [
                Membership(
                    account_id=nordic.id, user_id=users[ADMIN.email].id, role=AccountRole.ADMIN
                ),
                Membership(
                    account_id=nordic.id,
                    user_id=users[CUSTOMER.email].id,
                    role=AccountRole.CUSTOMER,
                ),
                Membership(
                    account_id=harbour.id,
                    user_id=users[OTHER_ADMIN.email].id,
                    role=AccountRole.ADMIN,
                ),
            ]
        )
        devices = [
            _device(
                nordic,
                models["MFP-C300"],
                "SN-C300-0001",
                "Sveavägen 10",
                "Stockholm",
                "3",
                "Reception",
            ),
            _device(
                nordic,
                models["MFP-C300"],
                "SN-C300-0002",
                "Sveavägen 10",
                "Stockholm",
                "5",
                "Finance",
            ),
            _device(
                nordic,
                models["MFP-B450"],
                "SN-B450-0003",
                "Kungsgatan 2",
                "Göteborg",
                "1",
                "Warehouse",
            ),
            _device(
                harbour, models["MFP-B450"], "SN-B450-0004", "1 Dock Road", "London", "G", "Office"
            ),
            _device(
                harbour,
                models["LFP-T36"],
                "SN-T36-0005",
                "1 Dock Road",
                "London",
                "1",
                "Drawing room",
            ),
        ]
        session.add_all(devices)
        await session.flush()
        session.add(
            DeviceAssignment(
                device_id=devices[0].id, user_id=users[CUSTOMER.email].id, account_id=nordic.id
            )
        )
        # Three months of readings on the colour devices, so history and volumes show.
        today = date.today()
        for device, base in ((devices[0], 41_000), (devices[1], 12_500)):
            for months_ago in (3, 2, 1):
                total = base + (3 - months_ago) * 2_300
                session.add(
                    MeterReading(
                        device_id=device.id,
                        read_on=today - timedelta(days=30 * months_ago),
                        source=MeterReadingSource.INTEGRATION,
                        total=total,
                        black=total * 7 // 10,
                        color=total - total * 7 // 10,
                        scan=total // 4,
                    )
                )
        await _add_guides(session, models)
        session.add_all(
            Payment(
                account_id=account.id,
                invoice_number=f"INV-{account.customer_number}-{month:02d}",
                amount_cents=125_000 + month * 1_250,
                currency="SEK" if account is nordic else "GBP",
                due_on=date.today().replace(day=1) - timedelta(days=30 * month),
                paid_on=None
                if month == 0
                else date.today().replace(day=1) - timedelta(days=30 * month - 12),
            )
            for account in (nordic, harbour)
            for month in range(4)
        )


def _device(
    account: Account,
    model: DeviceModel,
    serial: str,
    street: str,
    city: str,
    floor: str,
    room: str,
) -> Device:
    return Device(
        external_id=f"ERP-{serial}",
        account_id=account.id,
        serial_number=serial,
        model_id=model.id,
        location_street=street,
        location_postal_code="111 57" if account.billing_country == "SE" else "E16 1AA",
        location_city=city,
        location_country=account.billing_country,
        location_floor=floor,
        location_room=room,
        response_hours=8 if model.code == "MFP-C300" else 16,
    )


async def _add_guides(session: AsyncSession, models: dict[str, DeviceModel]) -> None:
    """The troubleshooting guides of portal/demo_guides.py, in Swedish and English."""
    for demo in DEMO_GUIDES:
        guide = Guide(
            external_id=demo.external_id,
            locale=demo.locale,
            title=demo.title,
            summary=demo.summary,
            steps=list(demo.steps),
        )
        session.add(guide)
        await session.flush()
        if demo.model_codes:
            await session.execute(
                insert(guide_models),
                [{"guide_id": guide.id, "model_id": models[code].id} for code in demo.model_codes],
            )
