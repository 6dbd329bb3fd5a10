"""The models and the migrations agree, and the migrations run down and up again."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, inspect

import models
from models import schema_version
from models.database import Database
from portal.embedded_db import ensure_database


def differences(connection: Connection) -> list[object]:
    context = MigrationContext.configure(
        connection, opts={"compare_type": True, "compare_server_default": True}
    )
    return list(compare_metadata(context, models.Base.metadata))


async def test_autogenerate_finds_no_difference_between_models_and_migrations(
    database: Database,
) -> None:
    async with database.engine.connect() as connection:
        assert await connection.run_sync(differences) == []


async def test_migrations_downgrade_to_nothing_and_upgrade_again(server_url: str) -> None:
    url = await ensure_database(server_url, "portal_test_migrations", recreate=True)
    await schema_version.upgrade(url)
    await schema_version.downgrade(url, "base")
    scratch = Database(url, pool_size=1)
    try:
        async with scratch.engine.connect() as connection:
            tables = await connection.run_sync(lambda sync: inspect(sync).get_table_names())
        assert tables == ["alembic_version"]
        await schema_version.upgrade(url)
        assert await schema_version.current_revision(scratch) == schema_version.head_revision()
    finally:
        await scratch.dispose()
