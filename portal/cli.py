"""The `portal` command: serve, migrate, seed-demo, create-staff, schema."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any

import click

from portal.settings import Settings, SettingsError

if TYPE_CHECKING:
    from models.database import Database


def load_settings() -> Settings:
    try:
        return Settings.from_env()
    except SettingsError as error:
        raise click.ClickException(str(error)) from None


def with_database(work: Callable[[Settings], Coroutine[Any, Any, Any]]) -> Any:
    """Run `work` against the configured database, or the embedded one in development."""
    from portal.server import database_settings

    settings = load_settings()
    with database_settings(settings) as ready:
        return asyncio.run(work(ready))


@click.group()
def main() -> None:
    """The customer self-service portal's GraphQL API server."""


@main.command()
@click.option("--host", default=None, help="Address to bind (default: HOST or 127.0.0.1).")
@click.option("--port", type=int, default=None, help="Port (default: PORT or 8000).")
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Server processes sharing the port (one per core suits a multi-core machine).",
)
def serve(host: str | None, port: int | None, workers: int) -> None:
    """Serve the API (in development: on the embedded database, migrated, with demo data)."""
    from portal.server import serve as run_server

    settings = load_settings()
    settings = settings.replace(host=host or settings.host, port=port or settings.port)
    run_server(settings, workers)


@main.command()
def migrate() -> None:
    """Apply the database migrations up to the newest."""
    from models import schema_version

    async def work(settings: Settings) -> None:
        assert settings.database_url is not None
        await schema_version.upgrade(settings.database_url)

    with_database(work)
    click.echo("database at head")


@main.command("seed-demo")
def seed_demo() -> None:
    """Load the demo data into an empty database (refused in production)."""
    from portal.server import prepare_development_database

    if load_settings().is_production:
        raise click.ClickException("demo data is never loaded in production")
    with_database(prepare_development_database)
    click.echo("demo data present")


@main.command("create-staff")
@click.option("--email", required=True)
@click.option("--name", required=True)
def create_staff(email: str, name: str) -> None:
    """Create a staff user; the password comes from PORTAL_PASSWORD or a prompt."""
    from portal.people_admin import StaffCreationError, create_staff_user

    password = os.environ.get("PORTAL_PASSWORD") or click.prompt(
        "Password", hide_input=True, confirmation_prompt=True
    )

    try:
        on_database(lambda db, _: create_staff_user(db, email=email, name=name, password=password))
    except StaffCreationError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"staff user {email.strip().lower()} created")


def on_database(work: Callable[[Database, Settings], Coroutine[Any, Any, Any]]) -> Any:
    """Run `work` with an engine on the configured (or embedded) database, then dispose of it."""
    from models.database import Database

    async def wrapped(settings: Settings) -> Any:
        assert settings.database_url is not None
        database = Database(settings.database_url, pool_size=1, max_overflow=0)
        try:
            return await work(database, settings)
        finally:
            await database.dispose()

    return with_database(wrapped)


@main.command("create-token")
@click.option("--name", required=True, help="Which system the token is for.")
@click.option(
    "--scope",
    "scopes",
    multiple=True,
    required=True,
    type=click.Choice(["sync", "meters"]),
    help="sync: accounts, models, supplies, devices; meters: meter readings. Repeatable.",
)
def create_token(name: str, scopes: tuple[str, ...]) -> None:
    """Create an integration token and print it (once: only its hash is kept)."""
    from portal.integration_tokens import TokenAdminError
    from portal.integration_tokens import create_token as create

    try:
        token = on_database(
            lambda db, settings: create(db, settings.secret_key, name, list(scopes))
        )
    except TokenAdminError as error:
        raise click.ClickException(str(error)) from None
    click.echo(token)


@main.command("list-tokens")
def list_tokens() -> None:
    """List integration tokens (names, scopes, use; never the tokens)."""
    from portal.integration_tokens import list_tokens as listing

    for info in on_database(lambda db, _: listing(db)):
        state = f"revoked {info.revoked_at:%Y-%m-%d}" if info.revoked_at else "live"
        used = f"{info.last_used_at:%Y-%m-%d %H:%M}" if info.last_used_at else "never"
        click.echo(f"{info.name}\t{','.join(info.scopes)}\t{state}\tlast used {used}")


@main.command("revoke-token")
@click.option("--name", required=True)
def revoke_token(name: str) -> None:
    """Revoke an integration token at once."""
    from portal.integration_tokens import TokenAdminError
    from portal.integration_tokens import revoke_token as revoke

    try:
        on_database(lambda db, _: revoke(db, name))
    except TokenAdminError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"revoked {name}")


@main.command()
def worker() -> None:
    """Send the e-mail outbox (for deployments whose API processes run with
    PORTAL_RUN_WORKER=0); stops cleanly on Ctrl-C or SIGTERM."""
    import signal

    from notifications.meter_reminders import run_reminders
    from notifications.worker import DeliveryWorker
    from portal.server import configure_logging

    settings = load_settings()
    configure_logging(settings)

    async def work(database: Database, settings: Settings) -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        await asyncio.gather(
            DeliveryWorker(database, settings).run(stop),
            run_reminders(database, settings, stop),
        )

    on_database(work)


@main.command("remind-meters")
def remind_meters() -> None:
    """Queue meter-reading reminders for every device that is due, once."""
    from notifications.meter_reminders import send_meter_reminders

    count = on_database(send_meter_reminders)
    click.echo(f"reminders queued for {count} devices")


@main.command()
def schema() -> None:
    """Print the served schema (SDL)."""
    from schema.root import build_schema

    sys.stdout.write(build_schema().as_str() + "\n")


if __name__ == "__main__":  # pragma: no cover
    main()
