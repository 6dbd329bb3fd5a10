"""`userErrors`: business rules that said no, in the viewer's language."""

from __future__ import annotations

import strawberry

from portal import errors
from portal.messages import translate

strawberry.enum(errors.UserErrorCode, name="UserErrorCode")


@strawberry.type(description="A business rule that refused the input; nothing was changed.")
class UserError:
    field: list[str] | None = strawberry.field(
        description='Path to the offending input field, e.g. ["input", "values", "0", "value"].'
    )
    code: errors.UserErrorCode
    message: str = strawberry.field(
        description="Human-readable, in the viewer's locale (sv or en)."
    )


def user_errors(error: errors.UserInputError, locale: str) -> list[UserError]:
    return [
        UserError(
            field=list(problem.field) if problem.field else None,
            code=problem.code,
            message=translate(problem.message_key, locale, **problem.params),
        )
        for problem in error.problems
    ]
