"""The real parts every test runs against.

- PostgreSQL: PORTAL_DATABASE_URL's server when set, else the embedded one under .portal/;
  either way the suite works in its own database, `portal_test`, created afresh.
- The app: served by a real uvicorn on a free loopback port, in the tests' event loop, so
  tests use real HTTP and WebSocket clients and can still count the app's SQL statements.
- Isolation: every table is emptied after each test (tests commit for real, as clients do).
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text
from starlette.applications import Starlette

import models
from models import schema_version
from models.database import Database
from portal import demo
from portal.app import create_app
from portal.embedded_db import embedded_postgres, ensure_database
from portal.settings import Settings
from tests.servers import serving
from tests.support import Api

pytest_plugins = ["tests.mail", "tests.world"]
REPO = Path(__file__).resolve().parent.parent
# Another name lets two suites share one server (PORTAL_TEST_DATABASE=portal_test_mine).
TEST_DATABASE = os.environ.get("PORTAL_TEST_DATABASE", "portal_test")


@dataclasses.dataclass(frozen=True)
class LiveServer:
    url: str
    app: Starlette

    @property
    def ws_url(self) -> str:
        return self.url.replace("http://", "ws://", 1) + "/graphql"


@pytest.fixture(scope="session")
def server_url() -> Iterator[str]:
    """A PostgreSQL server to create test databases on."""
    configured = os.environ.get("PORTAL_DATABASE_URL")
    if configured:
        yield configured
        return
    data_dir = Path(os.environ.get("PORTAL_DATA_DIR") or REPO / ".portal")
    with embedded_postgres(data_dir) as url:
        yield url


@pytest.fixture(scope="session")
async def database_url(server_url: str) -> str:
    url = await ensure_database(server_url, TEST_DATABASE, recreate=True)
    await schema_version.upgrade(url)
    return url


@pytest.fixture(scope="session")
def settings(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    # The tests drive the e-mail worker themselves (tests/mail.py), pass by pass.
    return Settings(
        database_url=database_url, data_dir=tmp_path_factory.mktemp("data"), run_worker=False
    )


@pytest.fixture(scope="session")
async def database(settings: Settings) -> AsyncIterator[Database]:
    """Direct access for arranging and checking what the API stored."""
    assert settings.database_url is not None
    db = Database(settings.database_url, pool_size=2)
    yield db
    await db.dispose()


@pytest.fixture(scope="session")
async def live_server(settings: Settings) -> AsyncIterator[LiveServer]:
    app = create_app(settings)
    async with serving(app) as url:
        yield LiveServer(url=url, app=app)


@pytest.fixture(autouse=True)
async def _empty_tables(database: Database) -> AsyncIterator[None]:
    yield
    tables = ", ".join(table.name for table in models.Base.metadata.sorted_tables)
    async with database.engine.begin() as connection:
        await connection.execute(text(f"TRUNCATE {tables} CASCADE"))


@pytest.fixture
async def http(live_server: LiveServer) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=live_server.url, timeout=10) as client:
        yield client


@pytest.fixture
def api(http: httpx.AsyncClient) -> Api:
    """An anonymous client; `api.as_(token)` for someone signed in."""
    return Api(http)


@pytest.fixture
async def demo_users(database: Database) -> tuple[demo.DemoUser, ...]:
    await demo.seed_demo(database)
    return demo.DEMO_USERS
