"""The e-mail outbox: rendered in the caller's transaction, delivered by the worker over real
SMTP (aiosmtpd, tests/mail.py) or, without a relay, into .eml files."""

from __future__ import annotations

import asyncio
import logging
import uuid
from datetime import UTC, datetime, timedelta
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

import pytest
from sqlalchemy import DateTime, func, select, update
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession

import notifications
from models.database import Database
from models.outbox import OutboxEmail, OutboxStatus
from notifications import (
    TEMPLATE_PARAMS,
    DeliveryWorker,
    EmailTemplateError,
    enqueue_email,
    render,
)
from notifications.transport import SmtpTarget, parse_smtp_url
from notifications.worker import retry_delay
from portal.settings import Settings
from tests.mail import SmtpServer, token_in
from tests.processes import free_port

INVITATION_LINK = "https://portal.example/invitation?token=pts_invitation-token"
EXPIRES = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)

SAMPLE_PARAMS: dict[str, dict[str, object]] = {
    "invitation": {
        "inviter_name": "Bo Berg",
        "account_name": "Acme AB",
        "role": "ADMIN",
        "token": "pts_invitation-token",
        "link": INVITATION_LINK,
        "expires_at": EXPIRES,
    },
    "verify_email": {
        "name": "Anna Ek",
        "token": "pts_verify-token",
        "link": "https://portal.example/verify?token=pts_verify-token",
    },
    "password_reset": {
        "name": "Anna Ek",
        "token": "pts_reset-token",
        "link": "https://portal.example/reset?token=pts_reset-token",
    },
    "access_request": {
        "admin_name": "Bo Berg",
        "requester_name": "Cecilia Dahl",
        "requester_email": "cecilia@example.com",
        "account_name": "Acme AB",
        "serial_number": "XJ-4471-22",
        "link": "https://portal.example/access-requests/1",
    },
    "access_request_decided": {"name": "Cecilia Dahl", "account_name": "Acme AB", "approved": True},
    "account_exists": {"name": "Anna Ek", "link": "https://portal.example/reset-password"},
    "ticket_created": {
        "name": "Anna Ek",
        "number": "CS-2026-000123",
        "subject": "Skrivaren drar in flera ark",
        "category": "FAULT",
        "department": "TECHNICAL_SUPPORT",
        "response_due_at": EXPIRES,
        "link": "https://portal.example/cases/1",
    },
    "ticket_status_changed": {
        "name": "Anna Ek",
        "number": "CS-2026-000123",
        "subject": "Skrivaren drar in flera ark",
        "old_status": "OPEN",
        "new_status": "RESOLVED",
        "note": None,
        "link": "https://portal.example/cases/1",
    },
    "ticket_reply": {
        "name": "Anna Ek",
        "number": "CS-2026-000123",
        "subject": "Skrivaren drar in flera ark",
        "author_name": "Bo Berg",
        "body": "Hej!\nVilken modell?",
        "link": "https://portal.example/cases/1",
    },
    "meter_reading_reminder": {
        "name": "Anna Ek",
        "serial_number": "SN-C300-0001",
        "model_name": "Colora C300",
        "account_name": "Acme AB",
        "location": "Sveavägen 10, Stockholm, floor 3, Reception",
        "last_read_on": EXPIRES.date(),
        "interval_days": 30,
        "link": "https://portal.example/devices/1/meter-readings",
    },
    "supply_order_status": {
        "name": "Anna Ek",
        "number": "SO-2026-000042",
        "serial_number": "SN-C300-0001",
        "status": "SHIPPED",
        "lines": [{"name": "Svart toner", "sku": "TK-5240K", "quantity": 2}],
        "shipping_address": "Acme AB, Sveavägen 10, 111 57 Stockholm",
        "tracking_reference": "00340434161094042557",
        "link": "https://portal.example/supply-orders/1",
    },
    "supply_order_automatic": {
        "name": "Anna Ek",
        "number": "SO-2026-000042",
        "serial_number": "SN-C300-0001",
        "location": "Sveavägen 10, Stockholm, floor 3, Reception",
        "item_name": "Svart toner",
        "sku": "TK-5240K",
        "level_percent": 8,
        "link": "https://portal.example/supply-orders/1",
    },
}


async def enqueue_sample(
    session: AsyncSession, template: str, *, to: str = "anna@example.com", locale: str = "en"
) -> OutboxEmail:
    return await enqueue_email(
        session, to=to, locale=locale, template=template, **SAMPLE_PARAMS[template]
    )


async def enqueue_committed(
    database: Database, template: str, *, to: str = "anna@example.com", locale: str = "en"
) -> OutboxEmail:
    async with database.session() as session, session.begin():
        return await enqueue_sample(session, template, to=to, locale=locale)


async def stored(database: Database, email_id: uuid.UUID) -> OutboxEmail:
    async with database.session() as session:
        return await session.get_one(OutboxEmail, email_id)


async def database_now(database: Database) -> datetime:
    async with database.session() as session:
        now = await session.scalar(select(func.now(type_=DateTime(timezone=True))))
    assert isinstance(now, datetime)
    return now


async def make_everything_due(database: Database) -> None:
    async with database.session() as session, session.begin():
        await session.execute(update(OutboxEmail).values(next_attempt_at=func.now()))


def smtp_worker(
    database: Database, settings: Settings, smtp_server: SmtpServer, **options: int
) -> DeliveryWorker:
    return DeliveryWorker(database, settings.replace(smtp_url=smtp_server.url), **options)


# --- enqueueing ----------------------------------------------------------------------------


async def test_a_rolled_back_enqueue_sends_nothing(
    database: Database, settings: Settings, smtp_server: SmtpServer
) -> None:
    worker = smtp_worker(database, settings, smtp_server)
    async with database.session() as session:
        await enqueue_sample(session, "password_reset")
        await session.flush()
        # Written but not committed: invisible to the worker until the caller commits.
        assert await worker.deliver_pending() == 0
        await session.rollback()

    assert await worker.deliver_pending() == 0
    async with database.session() as session:
        assert await session.scalar(select(func.count()).select_from(OutboxEmail)) == 0
    assert smtp_server.messages == []


async def test_enqueue_renders_into_a_pending_row_without_flushing(database: Database) -> None:
    async with database.session() as session:
        email = await enqueue_sample(session, "verify_email", to=" Anna@Example.com ", locale="sv")
        assert email in session.new
        assert email.id is not None
        assert email.to_address == "Anna@Example.com"
        assert (email.locale, email.template, email.status) == ("sv", "verify_email", "PENDING")
        assert email.subject == "Bekräfta din e-postadress i portalen"
        assert "Kod: pts_verify-token\n" in email.body_text
        await session.rollback()


async def test_params_are_escaped_in_html_but_not_in_text(database: Database) -> None:
    name = '<script>alert("hi")</script> & Co'
    async with database.session() as session:
        email = await enqueue_email(
            session,
            to="x@example.com",
            locale="en",
            template="verify_email",
            name=name,
            token="pts_t",
            link="https://portal.example/verify?a=1&b=2",
        )
        await session.rollback()
    assert "<script>" not in email.body_html
    assert "&lt;script&gt;alert(&#34;hi&#34;)&lt;/script&gt; &amp; Co" in email.body_html
    assert 'href="https://portal.example/verify?a=1&amp;b=2"' in email.body_html
    assert f"Hello {name}," in email.body_text
    assert "https://portal.example/verify?a=1&b=2\n" in email.body_text


async def test_a_newline_in_a_param_cannot_forge_a_token_line(database: Database) -> None:
    async with database.session() as session:
        email = await enqueue_email(
            session,
            to="x@example.com",
            locale="en",
            template="password_reset",
            name="Mallory\nToken: pts_forged",
            token="pts_real",
            link="https://portal.example/r",
        )
        await session.rollback()
    assert "Hello Mallory Token: pts_forged," in email.body_text
    assert email.body_text.count("\nToken: ") == 1
    assert "\nToken: pts_real\n" in email.body_text


@pytest.mark.parametrize(
    ("template", "params", "complaint"),
    [
        ("welcome", {}, "unknown e-mail template 'welcome'"),
        ("verify_email", {"name": "A", "token": "t"}, "missing ['link']"),
        ("verify_email", {"name": "A", "token": "t", "link": "l", "nmae": "A"}, "['nmae']"),
        ("invitation", {**SAMPLE_PARAMS["invitation"], "role": "OWNER"}, "OWNER"),
    ],
)
async def test_template_mistakes_fail_at_enqueue_time(
    database: Database, template: str, params: dict[str, object], complaint: str
) -> None:
    async with database.session() as session:
        with pytest.raises(EmailTemplateError) as raised:
            await enqueue_email(
                session, to="x@example.com", locale="en", template=template, **params
            )
        assert complaint in str(raised.value)
        assert not session.new


async def test_an_impossible_address_fails_at_enqueue_time(database: Database) -> None:
    async with database.session() as session:
        for address in ("", "anna", "anna@", "an na@example.com", "a@b\r\nBcc: c@d"):
            with pytest.raises(ValueError, match="not an e-mail address"):
                await enqueue_sample(session, "verify_email", to=address)
        assert not session.new


@pytest.mark.parametrize("locale", ["sv", "en"])
@pytest.mark.parametrize("template", sorted(TEMPLATE_PARAMS))
def test_every_template_renders_in_both_locales(template: str, locale: str) -> None:
    params = SAMPLE_PARAMS[template]
    assert params.keys() == TEMPLATE_PARAMS[template]
    rendered = render(template, locale, params)

    assert rendered.locale == locale
    assert rendered.subject
    assert "\n" not in rendered.subject
    assert rendered.html.startswith(f'<!DOCTYPE html>\n<html lang="{locale}">')
    assert "{{" not in rendered.text + rendered.html
    if "token" in params:
        label = "Kod" if locale == "sv" else "Token"
        assert f"\n{label}: {params['token']}\n" in rendered.text
        assert f"{label}: <code" in rendered.html
    if "link" in params:
        assert f"\n{params['link']}\n" in rendered.text
        assert f'href="{params["link"]}"' in rendered.html


def test_templates_sit_where_the_package_data_glob_finds_them() -> None:
    # pyproject.toml packages `templates/*`: a file in a subfolder would be missing from
    # the installed wheel (the Docker image) while every test here still passed.
    folder = Path(notifications.__file__).parent / "templates"
    assert all(path.is_file() for path in folder.iterdir())
    for template in TEMPLATE_PARAMS:
        for locale in ("sv", "en"):
            for kind in ("subject.txt", "txt", "html"):
                assert (folder / f"{template}.{locale}.{kind}").is_file()


def test_unknown_locales_fall_back_to_english() -> None:
    for locale in ("de", "", "SV"):
        rendered = render("password_reset", locale, SAMPLE_PARAMS["password_reset"])
        assert rendered.locale == "en"
        assert rendered.subject == "Reset your password for the portal"


def test_dates_are_readable_in_swedish_time() -> None:
    invitation = SAMPLE_PARAMS["invitation"]
    summer = {**invitation, "expires_at": datetime(2026, 7, 1, 6, 5, tzinfo=UTC)}
    assert "valid until 1 December 2026, 16:00 CET." in render("invitation", "en", invitation).text
    assert (
        "gäller till den 1 december 2026 kl. 16:00 CET."
        in render("invitation", "sv", invitation).text
    )
    assert "1 July 2026, 08:05 CEST" in render("invitation", "en", summer).text


def test_access_decisions_read_differently() -> None:
    decided = SAMPLE_PARAMS["access_request_decided"]
    approved = render("access_request_decided", "sv", decided)
    declined = render("access_request_decided", "sv", {**decided, "approved": False})
    assert approved.subject == "Du har fått tillgång till Acme AB"
    assert declined.subject == "Din begäran om tillgång till Acme AB har avslagits"
    assert "godkänts" in approved.text
    assert "avslagits" in declined.text


# --- delivery over SMTP --------------------------------------------------------------------


async def test_a_committed_invitation_is_delivered_in_swedish(
    database: Database, settings: Settings, smtp_server: SmtpServer
) -> None:
    email = await enqueue_committed(database, "invitation", locale="sv")
    assert await smtp_worker(database, settings, smtp_server).deliver_pending() == 1

    [mail] = await smtp_server.wait_for(1)
    assert mail.to == ("anna@example.com",)
    assert mail.subject == "Bo Berg har bjudit in dig till Acme AB i portalen"
    assert mail.message["From"] == settings.mail_from
    assert mail.message["To"] == "anna@example.com"
    assert mail.message["Content-Language"] == "sv"
    assert mail.message["Message-ID"] == f"<{email.id}@portal.invalid>"
    assert mail.message["Date"]
    assert mail.message.get_content_type() == "multipart/alternative"
    assert token_in(mail) == "pts_invitation-token"
    assert "Hej!" in mail.text
    assert "som administratör" in mail.text
    assert INVITATION_LINK in mail.text
    assert '<html lang="sv">' in mail.html
    assert "Tacka ja till inbjudan</a>" in mail.html

    row = await stored(database, email.id)
    assert row.status is OutboxStatus.SENT
    assert row.sent_at is not None
    assert row.attempts == 0


@pytest.mark.parametrize(
    ("locale", "language", "subject"),
    [
        ("en", "en", "Reset your password for the portal"),
        ("sv", "sv", "Återställ ditt lösenord till portalen"),
        ("fi", "en", "Reset your password for the portal"),
    ],
)
async def test_the_recipients_locale_decides_the_language(
    database: Database,
    settings: Settings,
    smtp_server: SmtpServer,
    locale: str,
    language: str,
    subject: str,
) -> None:
    await enqueue_committed(database, "password_reset", locale=locale)
    assert await smtp_worker(database, settings, smtp_server).deliver_pending() == 1

    [mail] = await smtp_server.wait_for(1)
    assert mail.subject == subject
    assert mail.message["Content-Language"] == language
    assert token_in(mail) == "pts_reset-token"
    assert ("Kod: " if language == "sv" else "Token: ") in mail.text


async def test_two_workers_send_each_email_exactly_once(
    database: Database, settings: Settings, smtp_server: SmtpServer
) -> None:
    async with database.session() as session, session.begin():
        emails = [
            await enqueue_sample(session, "verify_email", to=f"user{n}@example.com")
            for n in range(10)
        ]
    workers = [smtp_worker(database, settings, smtp_server, batch_size=3) for _ in range(2)]

    async def drain(worker: DeliveryWorker) -> int:
        total = 0
        while sent := await worker.deliver_pending():
            total += sent
        return total

    assert sum(await asyncio.gather(*(drain(worker) for worker in workers))) == 10
    assert await workers[0].deliver_pending() == 0

    received = await smtp_server.wait_for(10)
    assert sorted(mail.message["Message-ID"] for mail in received) == sorted(
        f"<{email.id}@portal.invalid>" for email in emails
    )
    assert len(smtp_server.messages) == 10
    async with database.session() as session:
        statuses = await session.scalars(select(OutboxEmail.status))
        assert set(statuses) == {OutboxStatus.SENT}


async def test_one_refused_email_does_not_hold_up_the_others(
    database: Database, settings: Settings, smtp_server: SmtpServer
) -> None:
    smtp_server.refuse("gone@example.com")
    refused = await enqueue_committed(database, "verify_email", to="gone@example.com")
    delivered = await enqueue_committed(database, "verify_email")

    assert await smtp_worker(database, settings, smtp_server).deliver_pending() == 1

    [mail] = await smtp_server.wait_for(1)
    assert mail.to == ("anna@example.com",)
    assert (await stored(database, delivered.id)).status is OutboxStatus.SENT
    row = await stored(database, refused.id)
    assert (row.status, row.attempts) == (OutboxStatus.PENDING, 1)
    assert row.last_error is not None
    assert "No such user" in row.last_error


async def test_an_unreachable_relay_backs_off_then_gives_up(
    database: Database, settings: Settings
) -> None:
    closed = settings.replace(smtp_url=f"smtp://127.0.0.1:{free_port()}")
    worker = DeliveryWorker(database, closed, max_attempts=3)
    email = await enqueue_committed(database, "verify_email")

    assert await worker.deliver_pending() == 0
    row = await stored(database, email.id)
    assert (row.status, row.attempts) == (OutboxStatus.PENDING, 1)
    assert row.last_error is not None
    assert row.last_error.startswith("RelayUnavailable: ")
    wait = row.next_attempt_at - await database_now(database)
    assert timedelta(seconds=25) < wait <= timedelta(seconds=30)

    # Not due yet: the next pass leaves it alone.
    assert await worker.deliver_pending() == 0
    assert (await stored(database, email.id)).attempts == 1

    await make_everything_due(database)
    assert await worker.deliver_pending() == 0
    row = await stored(database, email.id)
    assert (row.status, row.attempts) == (OutboxStatus.PENDING, 2)
    wait = row.next_attempt_at - await database_now(database)
    assert timedelta(seconds=55) < wait <= timedelta(seconds=60)

    await make_everything_due(database)
    assert await worker.deliver_pending() == 0
    row = await stored(database, email.id)
    assert (row.status, row.attempts) == (OutboxStatus.FAILED, 3)
    assert row.sent_at is None

    await make_everything_due(database)
    assert await worker.deliver_pending() == 0
    assert (await stored(database, email.id)).attempts == 3


def test_retry_delays_double_up_to_an_hour() -> None:
    delays = [retry_delay(attempts).total_seconds() for attempts in range(1, 10)]
    assert delays == [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]
    assert retry_delay(10_000) == timedelta(hours=1)


# --- without a relay -----------------------------------------------------------------------


async def test_without_a_relay_each_email_becomes_an_eml_file(
    database: Database, settings: Settings, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="notifications")
    email = await enqueue_committed(database, "verify_email", locale="sv")
    worker = DeliveryWorker(database, settings.replace(smtp_url=None, data_dir=tmp_path))

    assert await worker.deliver_pending() == 1

    path = tmp_path / "mail" / f"{email.id}.eml"
    assert [p.name for p in path.parent.iterdir()] == [path.name]
    message = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
    assert isinstance(message, EmailMessage)
    assert message["Subject"] == "Bekräfta din e-postadress i portalen"
    assert message["Message-ID"] == f"<{email.id}@portal.invalid>"
    assert message["Content-Language"] == "sv"
    text = message.get_body(preferencelist=("plain",))
    assert isinstance(text, EmailMessage)
    assert "Kod: pts_verify-token\n" in text.get_content()
    assert str(path) in caplog.text
    assert (await stored(database, email.id)).status is OutboxStatus.SENT


# --- the loop ------------------------------------------------------------------------------


async def test_the_run_loop_delivers_new_email_until_stopped(
    database: Database, settings: Settings, smtp_server: SmtpServer
) -> None:
    stop = asyncio.Event()
    worker = DeliveryWorker(
        database, settings.replace(smtp_url=smtp_server.url), poll_interval=0.05
    )
    task = asyncio.create_task(worker.run(stop))
    try:
        await enqueue_committed(database, "verify_email")
        [mail] = await smtp_server.wait_for(1)
        assert token_in(mail) == "pts_verify-token"
    finally:
        stop.set()
        await asyncio.wait_for(task, 5)


async def test_a_failing_pass_does_not_end_the_loop(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    assert settings.database_url is not None
    nowhere = make_url(settings.database_url).set(port=free_port())
    database = Database(nowhere.render_as_string(hide_password=False), pool_size=1)
    stop = asyncio.Event()
    task = asyncio.create_task(DeliveryWorker(database, settings, poll_interval=0.02).run(stop))
    try:
        # Refused connections fail a pass within milliseconds: plenty of passes in this time.
        await asyncio.sleep(0.5)
        assert not task.done()
        assert caplog.text.count("e-mail delivery pass failed") >= 2
    finally:
        stop.set()
        await asyncio.wait_for(task, 5)
        await database.dispose()


def test_smtp_urls() -> None:
    assert parse_smtp_url("smtp://relay.internal:2525") == SmtpTarget("relay.internal", 2525)
    assert parse_smtp_url("smtp://relay.internal") == SmtpTarget("relay.internal", 25)
    assert parse_smtp_url("smtps://u%40x:p%2Fw@mail.example") == SmtpTarget(
        "mail.example", 465, username="u@x", password="p/w", use_tls=True
    )
    assert parse_smtp_url("smtp://mail.example:587?starttls=1") == SmtpTarget(
        "mail.example", 587, start_tls=True
    )
    for wrong in ("http://mail.example", "mail.example:25", "smtps://mail.example?starttls=1"):
        with pytest.raises(ValueError, match="PORTAL_SMTP_URL"):
            parse_smtp_url(wrong)


def test_a_malformed_smtp_url_stops_the_worker_at_construction(
    database: Database, settings: Settings
) -> None:
    with pytest.raises(ValueError, match="PORTAL_SMTP_URL"):
        DeliveryWorker(database, settings.replace(smtp_url="smtp//relay"))
