"""Sends what the outbox holds: claimed with SKIP LOCKED, marked in the same transaction.

A row is marked SENT in the transaction that locked it, so two workers never send the same
row, and a crash before the commit leaves it PENDING to be sent again: delivery is at least
once, and the Message-ID (the row id) lets the receiving side recognise a repeat. Each e-mail
has a transaction of its own, so a crash repeats at most the one message in hand.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import timedelta

from sqlalchemy import Select, func, select, text

from models.database import Database
from models.outbox import OutboxEmail, OutboxStatus
from notifications.transport import Mailer, build_message, open_mailer, parse_smtp_url
from portal.settings import Settings

log = logging.getLogger(__name__)

RETRY_FIRST = timedelta(seconds=30)
RETRY_MAX = timedelta(hours=1)
ERROR_MAX_LENGTH = 500


def retry_delay(attempts: int) -> timedelta:
    """30 s after the first failure, doubling with each further one, at most an hour."""
    # Bounded so that a large count cannot overflow timedelta before the cap applies.
    doublings = min(max(attempts - 1, 0), 20)
    return min(RETRY_FIRST * (1 << doublings), RETRY_MAX)


class DeliveryWorker:
    """Any number may run, in any processes: SKIP LOCKED shares the due rows out among them."""

    def __init__(
        self,
        database: Database,
        settings: Settings,
        *,
        batch_size: int = 20,
        poll_interval: float = 1.0,
        max_attempts: int = 8,
    ) -> None:
        if batch_size < 1 or max_attempts < 1:
            raise ValueError("batch_size and max_attempts must be at least 1")
        self.database = database
        self.settings = settings
        self.batch_size = batch_size
        self.poll_interval = poll_interval
        self.max_attempts = max_attempts
        # Parsed now, so a malformed PORTAL_SMTP_URL stops start-up rather than every pass.
        self._smtp = parse_smtp_url(settings.smtp_url) if settings.smtp_url else None
        self._mail_dir = settings.data_dir / "mail"

    async def deliver_pending(self) -> int:
        """One pass over the due e-mails (at most batch_size); returns how many were sent."""
        _, sent = await self._pass()
        return sent

    async def run(self, stop: asyncio.Event) -> None:
        """Deliver until `stop` is set; a failed pass is logged and the next one tried."""
        while not stop.is_set():
            try:
                claimed, _ = await self._pass()
            except Exception:
                log.exception("e-mail delivery pass failed")
                claimed = 0
            # A full batch means more may be due: carry on at once rather than sleep.
            if claimed < self.batch_size:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), self.poll_interval)

    async def _pass(self) -> tuple[int, int]:
        claimed = sent = 0
        async with open_mailer(self._smtp, self._mail_dir) as mailer:
            while claimed < self.batch_size:
                outcome = await self._deliver_one(mailer)
                if outcome is None:
                    break
                claimed += 1
                sent += outcome
        return claimed, sent

    async def _deliver_one(self, mailer: Mailer) -> bool | None:
        """Claim the most overdue e-mail, send it, and mark it in that same transaction.

        One transaction per e-mail: a crash between a send and its commit repeats that one
        message, never the rest of a batch. None when nothing is due."""
        async with self.database.session() as session, session.begin():
            email = await session.scalar(self._claim())
            if email is None:
                return None
            try:
                await mailer.send(email.id, build_message(email, self.settings.mail_from))
            # Anything wrong with one e-mail is that e-mail's failure, not the pass's.
            except Exception as error:
                self._record_failure(email, error)
                return False
            email.status = OutboxStatus.SENT
            # The clock, not now(): now() is when the transaction began.
            email.sent_at = func.clock_timestamp()
            return True

    def _claim(self) -> Select[OutboxEmail]:
        return (
            select(OutboxEmail)
            # Spelled as in the partial index ix_outbox_emails_due (a literal, not a bound
            # parameter), so the planner can use that index for both filter and order.
            .where(text("outbox_emails.status = 'PENDING'"))
            .where(OutboxEmail.next_attempt_at <= func.now())
            # Most overdue first: fresh e-mails in the order they were written, retries
            # when their back-off has passed.
            .order_by(OutboxEmail.next_attempt_at, OutboxEmail.created_at)
            .limit(1)
            .with_for_update(skip_locked=True)
        )

    def _record_failure(self, email: OutboxEmail, error: Exception) -> None:
        email.attempts += 1
        email.last_error = _describe(error)
        if email.attempts >= self.max_attempts:
            email.status = OutboxStatus.FAILED
            log.error(
                "e-mail %s (%s) failed %d times, giving up: %s",
                email.id,
                email.template,
                email.attempts,
                email.last_error,
            )
            return
        delay = retry_delay(email.attempts)
        email.next_attempt_at = func.clock_timestamp() + delay
        log.warning(
            "e-mail %s (%s) not sent (attempt %d), next try in %s: %s",
            email.id,
            email.template,
            email.attempts,
            delay,
            email.last_error,
        )


def _describe(error: Exception) -> str:
    message = " ".join(str(error).split())
    described = f"{type(error).__name__}: {message}" if message else type(error).__name__
    return described[:ERROR_MAX_LENGTH]
