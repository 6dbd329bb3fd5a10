"""Checking input before anything is written: every problem found at once, each with its path."""

from __future__ import annotations

import re
import zoneinfo
from typing import Any

from models.user import LOCALES
from portal.errors import Problem, UserErrorCode, UserInputError

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
COUNTRY = re.compile(r"^[A-Z]{2}$")
MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 256
# Long enough to catch an e-mail's name or a person's name inside a password.
SIMILARITY_MIN_LENGTH = 3


class Checks:
    """Collects problems with an input; `done()` raises them together, or returns."""

    def __init__(self, *prefix: str) -> None:
        self.prefix = prefix
        self.problems: list[Problem] = []

    def path(self, *field: str | int) -> tuple[str, ...]:
        return (*self.prefix, *(str(part) for part in field))

    def fail(self, code: UserErrorCode, key: str, *field: str | int, **params: Any) -> None:
        self.problems.append(Problem(code, key, self.path(*field), params))

    def invalid(self, key: str, *field: str | int, **params: Any) -> None:
        self.fail(UserErrorCode.INVALID_INPUT, key, *field, **params)

    def text(self, value: str | None, *field: str | int, limit: int) -> str:
        """A required text: trimmed, not empty, not longer than `limit`."""
        cleaned = (value or "").strip()
        if not cleaned:
            self.invalid("required", *field)
        elif len(cleaned) > limit:
            self.invalid("too_long", *field, limit=limit)
        return cleaned

    def optional_text(self, value: str | None, *field: str | int, limit: int) -> str | None:
        cleaned = (value or "").strip()
        if len(cleaned) > limit:
            self.invalid("too_long", *field, limit=limit)
        return cleaned or None

    def email(self, value: str | None, *field: str | int) -> str:
        cleaned = (value or "").strip().lower()
        if len(cleaned) > 254:
            self.invalid("too_long", *field, limit=254)
        elif not EMAIL.match(cleaned):
            self.invalid("invalid_email", *field)
        return cleaned

    def password(self, value: str, *field: str | int, email: str, name: str) -> str:
        if len(value) < MIN_PASSWORD_LENGTH:
            self.invalid("password_too_short", *field, limit=MIN_PASSWORD_LENGTH)
        elif len(value) > MAX_PASSWORD_LENGTH:
            self.invalid("password_too_long", *field, limit=MAX_PASSWORD_LENGTH)
        else:
            lowered = value.lower()
            parts = [email.split("@")[0], *name.lower().split()]
            if (email and email in lowered) or any(
                len(part) >= SIMILARITY_MIN_LENGTH and part.lower() in lowered for part in parts
            ):
                self.invalid("password_too_similar", *field)
        return value

    def locale(self, value: str | None, *field: str | int) -> str | None:
        if value is None:
            return None
        if value not in LOCALES:
            self.invalid("invalid_locale", *field)
        return value

    def timezone(self, value: str, *field: str | int) -> str:
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            self.invalid("invalid_timezone", *field)
        return value

    def country(self, value: str, *field: str | int) -> str:
        cleaned = value.strip().upper()
        if not COUNTRY.match(cleaned):
            self.invalid("invalid_country", *field)
        return cleaned

    def in_range(self, value: int, *field: str | int, low: int, high: int) -> int:
        if not low <= value <= high:
            self.invalid("out_of_range", *field, low=low, high=high)
        return value

    def done(self) -> None:
        if self.problems:
            raise UserInputError(self.problems)
