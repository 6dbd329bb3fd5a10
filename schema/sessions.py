"""Signing in and out."""

from __future__ import annotations

import strawberry

from portal.errors import UserInputError
from resolvers import sessions
from resolvers.transaction import in_transaction
from schema.base import Info
from schema.errors import UserError, user_errors
from schema.users import User


@strawberry.input
class SignInInput:
    email: str
    password: str


@strawberry.type(
    description=(
        "The token is sent back as `Authorization: Bearer <token>`, over HTTP and in the "
        'WebSocket connection_init payload {"authorization": "Bearer <token>"}.'
    )
)
class SignInPayload:
    token: str | None = None
    viewer: User | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class SessionMutations:
    @strawberry.mutation(description="Exchange an e-mail and password for a session token.")
    async def sign_in(self, info: Info, input: SignInInput) -> SignInPayload:
        try:
            signed_in = await in_transaction(
                info.context, sessions.sign_in, info.context, input.email, input.password
            )
        except UserInputError as error:
            return SignInPayload(user_errors=user_errors(error, info.context.locale))
        return SignInPayload(token=signed_in.token, viewer=User.from_row(signed_in.user))

    @strawberry.mutation(description="End the session this request signed in with.")
    async def sign_out(self, info: Info) -> bool:
        return await in_transaction(info.context, sessions.sign_out, info.context)
