"""The domain's errors: the ground floor that auth/, resolvers/ and schema/ all raise.

Two families, as the contract describes:
- `UserInputError`: a business rule said no. It becomes a `userErrors` entry in the
  mutation's payload, and the mutation's transaction is rolled back.
- `ApiError` and its subclasses: top-level GraphQL errors with `extensions.code`
  (authentication, authorization, malformed input). The code list is documented in
  docs/errors.md and mirrored by `ErrorCode`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from enum import StrEnum


class ErrorCode(StrEnum):
    """`extensions.code` of top-level GraphQL errors: the one documented list."""

    GRAPHQL_PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
    GRAPHQL_VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
    BAD_REQUEST = "BAD_REQUEST"
    BAD_USER_INPUT = "BAD_USER_INPUT"
    UNAUTHENTICATED = "UNAUTHENTICATED"
    FORBIDDEN = "FORBIDDEN"
    NOT_FOUND = "NOT_FOUND"
    LIMIT_EXCEEDED = "LIMIT_EXCEEDED"
    SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE"
    INTERNAL = "INTERNAL"


class UserErrorCode(StrEnum):
    """Codes of `userErrors` entries; the names are the contract's `UserErrorCode`."""

    INVALID_INPUT = "INVALID_INPUT"
    NOT_FOUND = "NOT_FOUND"
    FORBIDDEN = "FORBIDDEN"
    ALREADY_EXISTS = "ALREADY_EXISTS"
    INVALID_CREDENTIALS = "INVALID_CREDENTIALS"
    EMAIL_NOT_VERIFIED = "EMAIL_NOT_VERIFIED"
    TOKEN_INVALID = "TOKEN_INVALID"
    LAST_ADMIN = "LAST_ADMIN"
    METER_VALUE_DECREASED = "METER_VALUE_DECREASED"
    METER_ALREADY_SUBMITTED_TODAY = "METER_ALREADY_SUBMITTED_TODAY"
    METER_KIND_NOT_SUPPORTED = "METER_KIND_NOT_SUPPORTED"
    METER_READING_IMPLAUSIBLE = "METER_READING_IMPLAUSIBLE"
    SUPPLY_NOT_COMPATIBLE = "SUPPLY_NOT_COMPATIBLE"
    DUPLICATE_OPEN_ORDER = "DUPLICATE_OPEN_ORDER"
    INVALID_STATUS_TRANSITION = "INVALID_STATUS_TRANSITION"
    DEVICE_NOT_ACTIVE = "DEVICE_NOT_ACTIVE"


@dataclasses.dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the input: a code, a message key (portal.messages) and where."""

    code: UserErrorCode
    message_key: str
    field: tuple[str, ...] | None = None
    params: Mapping[str, object] = dataclasses.field(default_factory=dict)


class UserInputError(Exception):
    """Business rules refused the input; reported in the payload's `userErrors`."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__(", ".join(problem.code.value for problem in problems))
        self.problems = list(problems)

    @classmethod
    def single(
        cls,
        code: UserErrorCode,
        message_key: str,
        field: Sequence[str] | None = None,
        **params: object,
    ) -> UserInputError:
        return cls([Problem(code, message_key, tuple(field) if field else None, params)])


class ApiError(Exception):
    """A top-level GraphQL error carrying `extensions.code`."""

    code: ErrorCode = ErrorCode.INTERNAL
    default_message = "Internal server error"

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or self.default_message)
        self.message = message or self.default_message

    @property
    def extensions(self) -> dict[str, str]:
        # graphql-core copies this onto the GraphQLError it wraps us in, on every path
        # (subscriptions included), so the code never depends on an extension running.
        return {"code": self.code.value}


class Unauthenticated(ApiError):
    code = ErrorCode.UNAUTHENTICATED
    default_message = "Sign in to do this"


class Forbidden(ApiError):
    code = ErrorCode.FORBIDDEN
    default_message = "You may not see or do this"


class NotFound(ApiError):
    code = ErrorCode.NOT_FOUND
    default_message = "Not found"


class BadUserInput(ApiError):
    code = ErrorCode.BAD_USER_INPUT
    default_message = "Invalid input"


class BadRequest(ApiError):
    """The HTTP request itself is wrong (method, body, content type)."""

    code = ErrorCode.BAD_REQUEST
    default_message = "Bad request"


class ServiceUnavailable(ApiError):
    code = ErrorCode.SERVICE_UNAVAILABLE
    default_message = "The service is unavailable; try again shortly"
