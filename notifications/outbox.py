"""Putting an e-mail in the outbox, inside the caller's transaction."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from models.outbox import OutboxEmail, OutboxStatus
from models.user import EMAIL_MAX_LENGTH
from notifications.rendering import render


async def enqueue_email(
    session: AsyncSession, *, to: str, locale: str, template: str, **params: object
) -> OutboxEmail:
    """Render `template` for `to` in `locale` (sv or en, else en) and add it to `session`.

    Nothing is sent and nothing is committed here: the e-mail exists exactly when the
    caller's transaction commits, and the delivery worker sends it after that. Raises
    `EmailTemplateError` (a ValueError) for an unknown template or wrong parameters, and
    ValueError for an address that cannot be one.
    """
    address = to.strip()
    if not _plausible_address(address):
        raise ValueError(f"not an e-mail address: {to!r}")
    rendered = render(template, locale, params)
    email = OutboxEmail(
        # Set here rather than at flush, so the caller can refer to the e-mail at once.
        id=uuid.uuid4(),
        to_address=address,
        locale=rendered.locale,
        template=template,
        subject=rendered.subject,
        body_text=rendered.text,
        body_html=rendered.html,
        status=OutboxStatus.PENDING,
        attempts=0,
    )
    # Only add, never flush: resolvers serialise their statements on a shared session
    # (resolvers.context), and a flush from here would slip past that queue.
    session.add(email)
    return email


def _plausible_address(address: str) -> bool:
    # The relay is the judge of an address; this only keeps out what could never be one
    # (and would otherwise be retried until the worker gives up).
    local, at, domain = address.rpartition("@")
    return (
        bool(at and local and domain)
        and len(address) <= EMAIL_MAX_LENGTH
        and not any(char.isspace() or ord(char) < 32 for char in address)
    )
