"""A leaky-bucket budget of query cost per client: each viewer (token or session) and each
client address has 2,000 points, refilled at 100 per second. Kept in process memory: each
API process keeps its own buckets, so N processes allow up to N times the rate (documented
in docs/security.md); the per-request limits hold everywhere regardless."""

from __future__ import annotations

import dataclasses
import math
import time

from starlette.requests import HTTPConnection

from auth.viewer import ANONYMOUS, Viewer

CAPACITY = 2000
REFILL_PER_SECOND = 100
MAX_BUCKETS = 100_000


@dataclasses.dataclass
class Charge:
    remaining: int
    retry_after: int | None  # seconds, when refused


class Budget:
    def __init__(self, capacity: int = CAPACITY, refill: float = REFILL_PER_SECOND) -> None:
        self.capacity = capacity
        self.refill = refill
        self._buckets: dict[str, tuple[float, float]] = {}  # key -> (points used, at)

    def charge(self, connection: HTTPConnection, viewer: Viewer, cost: int) -> Charge:
        now = time.monotonic()
        used = {key: self._level(key, now) for key in _keys(connection, viewer)}
        fullest = max(used.values())
        if fullest + cost > self.capacity:
            wait = math.ceil((fullest + cost - self.capacity) / self.refill)
            return Charge(int(self.capacity - fullest), max(wait, 1))
        if len(self._buckets) > MAX_BUCKETS:
            self._forget_full_refills(now)
        for key, level in used.items():
            self._buckets[key] = (level + cost, now)
        return Charge(int(self.capacity - fullest - cost), None)

    def refund(self, connection: HTTPConnection, viewer: Viewer, cost: int) -> None:
        """Gives back a charge for work that did not happen here after all (the request is
        handed on, to be charged where it runs)."""
        now = time.monotonic()
        for key in _keys(connection, viewer):
            self._buckets[key] = (max(0.0, self._level(key, now) - cost), now)

    def remaining(self, connection: HTTPConnection, viewer: Viewer = ANONYMOUS) -> int:
        """The points this client has left now, charging nothing."""
        now = time.monotonic()
        return int(self.capacity - max(self._level(key, now) for key in _keys(connection, viewer)))

    def _level(self, key: str, now: float) -> float:
        level, at = self._buckets.get(key, (0.0, now))
        return max(0.0, level - (now - at) * self.refill)

    def _forget_full_refills(self, now: float) -> None:
        # Bounded memory: a bucket that has drained completely is the same as no bucket.
        for key in [k for k in self._buckets if self._level(k, now) == 0.0]:
            del self._buckets[key]


def _keys(connection: HTTPConnection, viewer: Viewer) -> list[str]:
    client = connection.client
    keys = [f"address:{client.host if client else 'unknown'}"]
    if viewer.session_id is not None:
        keys.append(f"session:{viewer.session_id}")
    elif viewer.integration_id is not None:
        keys.append(f"integration:{viewer.integration_id}")
    return keys
