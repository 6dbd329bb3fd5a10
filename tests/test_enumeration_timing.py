"""Whether an e-mail address belongs to someone shows neither in the answers of sign-in,
register and password reset (tests/test_people.py, tests/test_sessions.py) nor in how long
they take: measured here over real HTTP, known and unknown addresses interleaved."""

from __future__ import annotations

import statistics
import time
import uuid
from typing import Any

import pytest

from auth.timing import ANSWER_FLOOR_SECONDS
from tests.support import Api
from tests.world import World

pytestmark = pytest.mark.slow

SAMPLES = 5
# argon2 alone takes 60-80 ms here: a path that skipped it would stand out past this.
ALLOWED_GAP_SECONDS = 0.03

REGISTER = """
mutation ($email: String!) {
  register(input: {email: $email, password: "a long enough passphrase", name: "Someone"}) {
    userErrors { code }
  }
}
"""
RESET = "mutation ($email: String!) { requestPasswordReset(email: $email) }"
SIGN_IN = """
mutation ($email: String!) {
  signIn(input: {email: $email, password: "not the password at all"}) { userErrors { code } }
}
"""


async def timed(api: Api, query: str, email: str) -> tuple[float, dict[str, Any]]:
    started = time.perf_counter()
    result = await api.result(query, {"email": email})
    return time.perf_counter() - started, result


async def medians(api: Api, query: str, known: str) -> tuple[float, float, list[float]]:
    """Median seconds for the known address and for fresh unknown ones, asked in turn."""
    for_known, for_unknown = [], []
    for _ in range(SAMPLES):
        took, answer_known = await timed(api, query, known)
        for_known.append(took)
        took, answer_unknown = await timed(api, query, f"{uuid.uuid4().hex}@nobody.example")
        for_unknown.append(took)
        assert answer_known == answer_unknown, "the answers themselves are the same"
    return statistics.median(for_known), statistics.median(for_unknown), for_known + for_unknown


async def test_register_and_reset_take_as_long_for_known_and_unknown_addresses(
    api: Api, world: World
) -> None:
    known = "customer_a@world.example"
    for query in (REGISTER, RESET):
        known_median, unknown_median, every = await medians(api, query, known)
        assert abs(known_median - unknown_median) < ALLOWED_GAP_SECONDS, (
            known_median,
            unknown_median,
        )
        # Both are held to the floor, so the work each did (a token and an e-mail, or
        # nothing) does not show.
        assert min(every) >= ANSWER_FLOOR_SECONDS


async def test_sign_in_takes_as_long_for_an_unknown_address_as_for_a_wrong_password(
    api: Api, world: World
) -> None:
    # Fewer failures than lock the pair (10), so both stay on the hashing path.
    known_median, unknown_median, _ = await medians(api, SIGN_IN, "customer_a2@world.example")
    assert abs(known_median - unknown_median) < ALLOWED_GAP_SECONDS, (known_median, unknown_median)
