"""Answers whose timing must not tell whether an e-mail address belongs to someone.

Register and password reset do different work for a known address (a notice or a token and
an e-mail) than for an unknown one; both do the expensive part (argon2) either way, and the
answer is held back to a common floor so the few milliseconds of database work left over
do not show either.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator

# Above what either path takes on a loaded machine (argon2 included), so both answer at it.
ANSWER_FLOOR_SECONDS = 0.4


@contextlib.asynccontextmanager
async def answer_no_sooner(seconds: float = ANSWER_FLOOR_SECONDS) -> AsyncIterator[None]:
    started = time.monotonic()
    try:
        yield
    finally:
        left = seconds - (time.monotonic() - started)
        if left > 0:
            await asyncio.sleep(left)
