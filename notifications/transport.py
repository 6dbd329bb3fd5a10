"""Handing an outbox e-mail over: to the SMTP relay, or (no relay configured) to a file."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import uuid
from collections.abc import AsyncIterator
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from pathlib import Path
from typing import Protocol
from urllib.parse import parse_qs, unquote, urlsplit

import aiosmtplib

from models.outbox import OutboxEmail

log = logging.getLogger(__name__)

# Per SMTP command; the worker holds its claimed rows locked while it waits.
SMTP_TIMEOUT_SECONDS = 20.0
_DEFAULT_PORTS = {"smtp": 25, "smtps": 465}


@dataclasses.dataclass(frozen=True, slots=True)
class SmtpTarget:
    hostname: str
    port: int
    username: str | None = None
    password: str | None = dataclasses.field(default=None, repr=False)
    use_tls: bool = False  # smtps://: TLS from the first byte
    start_tls: bool = False  # ?starttls=1: upgrade the plain connection, or fail


def parse_smtp_url(url: str) -> SmtpTarget:
    """`smtp://[user:pass@]host[:port][?starttls=1]` or `smtps://...` (implicit TLS)."""
    parts = urlsplit(url)
    if parts.scheme not in _DEFAULT_PORTS or not parts.hostname:
        raise ValueError("PORTAL_SMTP_URL must look like smtp://host:port or smtps://host:port")
    flag = parse_qs(parts.query).get("starttls", ["0"])[-1].lower()
    start_tls = flag in ("1", "true", "yes")
    if start_tls and parts.scheme == "smtps":
        raise ValueError("PORTAL_SMTP_URL: smtps:// is TLS already; starttls=1 needs smtp://")
    return SmtpTarget(
        hostname=parts.hostname,
        port=parts.port or _DEFAULT_PORTS[parts.scheme],
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password is not None else None,
        use_tls=parts.scheme == "smtps",
        # Without the flag, no STARTTLS at all (aiosmtplib would otherwise try it whenever
        # offered, and fail on an internal relay's self-signed certificate).
        start_tls=start_tls,
    )


def build_message(email: OutboxEmail, mail_from: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = mail_from
    message["To"] = email.to_address
    message["Subject"] = email.subject
    # Both fixed by the row, so a resend after a lost acknowledgement is recognisably the
    # same message (mail clients and relays deduplicate on Message-ID).
    message["Date"] = format_datetime(email.created_at)
    message["Message-ID"] = f"<{email.id}@{_domain(mail_from)}>"
    # RFC 3834: out-of-office and other robots should not answer a no-reply sender.
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(email.body_text)
    message.add_alternative(email.body_html, subtype="html")
    # After the body: making the message multipart moves Content-* headers into the first part.
    message["Content-Language"] = email.locale
    return message


class Mailer(Protocol):
    async def send(self, email_id: uuid.UUID, message: EmailMessage) -> None: ...


class RelayUnavailable(ConnectionError):
    """The relay could not be reached during this pass; the rest of the pass does not retry."""


class SmtpMailer:
    """One connection per delivery pass, opened for the first message and reused."""

    def __init__(self, target: SmtpTarget) -> None:
        self._target = target
        self._client: aiosmtplib.SMTP | None = None
        # Once connecting has failed, the other rows of the pass fail at once instead of
        # each waiting out its own connection timeout.
        self._unreachable: str | None = None

    async def send(self, email_id: uuid.UUID, message: EmailMessage) -> None:
        client = await self._connected()
        try:
            await client.send_message(message)
        except BaseException:
            # Whatever the relay made of it, the connection's state is unknown: start afresh.
            self.abort()
            raise

    async def _connected(self) -> aiosmtplib.SMTP:
        if self._unreachable is not None:
            raise RelayUnavailable(self._unreachable)
        if self._client is None:
            target = self._target
            client = aiosmtplib.SMTP(
                hostname=target.hostname,
                port=target.port,
                username=target.username,
                password=target.password,
                use_tls=target.use_tls,
                start_tls=target.start_tls,
                timeout=SMTP_TIMEOUT_SECONDS,
            )
            try:
                await client.connect()
            except (aiosmtplib.SMTPException, OSError) as error:
                self._unreachable = str(error) or type(error).__name__
                raise RelayUnavailable(self._unreachable) from error
            self._client = client
        return self._client

    async def quit(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            with contextlib.suppress(aiosmtplib.SMTPException, OSError):
                await client.quit()

    def abort(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            client.close()


class FileMailer:
    """Development without a relay: each e-mail becomes `<row id>.eml`, openable in a client."""

    def __init__(self, directory: Path) -> None:
        self._directory = directory

    async def send(self, email_id: uuid.UUID, message: EmailMessage) -> None:
        path = self._directory / f"{email_id}.eml"
        await asyncio.to_thread(_write_atomically, path, message.as_bytes())
        log.info("e-mail %s written to %s (no PORTAL_SMTP_URL set)", email_id, path)


@contextlib.asynccontextmanager
async def open_mailer(target: SmtpTarget | None, mail_dir: Path) -> AsyncIterator[Mailer]:
    if target is None:
        yield FileMailer(mail_dir)
        return
    mailer = SmtpMailer(target)
    try:
        yield mailer
    except BaseException:
        mailer.abort()  # cancelled or failed: no polite QUIT that could wait out a timeout
        raise
    else:
        await mailer.quit()


def _domain(mail_from: str) -> str:
    return parseaddr(mail_from)[1].rpartition("@")[2] or "portal.invalid"


def _write_atomically(path: Path, data: bytes) -> None:
    # A reader (a person, a test) never sees half a message.
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".eml.partial")
    partial.write_bytes(data)
    partial.replace(path)
