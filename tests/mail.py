"""A real SMTP server for the tests: aiosmtpd on a free loopback port, keeping what arrives.

A pytest plugin (tests/conftest.py lists it): the `smtp_server` fixture, plus `token_in`
to read the token out of an e-mail the way a person would, from its `Token:`/`Kod:` line.
"""

from __future__ import annotations

import asyncio
import dataclasses
import re
from collections.abc import AsyncIterator
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from tests.processes import free_port

TOKEN_LINE = re.compile(r"^(?:Token|Kod): (\S+)$", re.MULTILINE)


@dataclasses.dataclass(frozen=True)
class ReceivedMail:
    to: tuple[str, ...]  # the envelope's recipients
    subject: str
    text: str
    html: str
    # Everything else (headers such as Message-ID or Content-Language, the MIME structure).
    message: EmailMessage


def token_in(mail: ReceivedMail) -> str:
    found = TOKEN_LINE.findall(mail.text)
    assert len(found) == 1, f"expected one Token:/Kod: line in:\n{mail.text}"
    token: str = found[0]
    return token


class _Handler:
    """aiosmtpd calls this in its server's own thread and event loop, not the tests' loop."""

    def __init__(self, tests_loop: asyncio.AbstractEventLoop) -> None:
        self.received: list[ReceivedMail] = []
        self.refused: set[str] = set()
        self.arrived = asyncio.Event()  # belongs to the tests' loop: set only through it
        self._tests_loop = tests_loop

    async def handle_RCPT(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        if address in self.refused:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.original_content
        assert content is not None
        message = BytesParser(policy=policy.default).parsebytes(content)
        assert isinstance(message, EmailMessage)
        self.received.append(
            ReceivedMail(
                to=tuple(envelope.rcpt_tos),
                subject=str(message["Subject"]),
                text=_part(message, "plain"),
                html=_part(message, "html"),
                message=message,
            )
        )
        self._tests_loop.call_soon_threadsafe(self.arrived.set)
        return "250 OK"


def _part(message: EmailMessage, subtype: str) -> str:
    part = message.get_body(preferencelist=(subtype,))
    if part is None:
        return ""
    assert isinstance(part, EmailMessage)
    content: str = part.get_content()
    # An 8bit part keeps the CRLFs of the SMTP wire; tests read lines as a mail client shows them.
    return content.replace("\r\n", "\n")


@dataclasses.dataclass(frozen=True)
class SmtpServer:
    host: str
    port: int
    _handler: _Handler

    @property
    def url(self) -> str:
        """For `settings.replace(smtp_url=...)`."""
        return f"smtp://{self.host}:{self.port}"

    @property
    def messages(self) -> list[ReceivedMail]:
        """What has arrived so far, in order."""
        return list(self._handler.received)

    def refuse(self, address: str) -> None:
        """Answer RCPT TO for `address` with a permanent 550, as a relay does for a bad one."""
        self._handler.refused.add(address)

    async def wait_for(self, count: int, within: float = 5.0) -> list[ReceivedMail]:
        """The first `count` messages, once that many have arrived."""
        arrived = self._handler.arrived
        async with asyncio.timeout(within):
            while True:
                # Cleared before counting: an arrival after the count sets it again.
                arrived.clear()
                if len(self._handler.received) >= count:
                    return self.messages[:count]
                await arrived.wait()


@pytest.fixture
async def smtp_server() -> AsyncIterator[SmtpServer]:
    handler = _Handler(asyncio.get_running_loop())
    host, port = "127.0.0.1", free_port()
    controller = Controller(handler, hostname=host, port=port)
    controller.start()
    try:
        yield SmtpServer(host, port, handler)
    finally:
        controller.stop()
