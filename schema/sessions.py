"""Signing in and out."""

from __future__ import annotations

import strawberry

from resolvers import sessions
from resolvers.sessions import SignedIn
from resolvers.transaction import in_transaction
from schema.base import Info
from schema.errors import UserError
from schema.mutations import run
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


def signed_in_payload(result: SignedIn | list[UserError]) -> SignInPayload:
    if isinstance(result, list):
        return SignInPayload(user_errors=result)
    return SignInPayload(token=result.token, viewer=User.from_row(result.user))


@strawberry.type
class SessionMutations:
    @strawberry.mutation(description="Exchange an e-mail and password for a session token.")
    async def sign_in(self, info: Info, input: SignInInput) -> SignInPayload:
        return signed_in_payload(
            await run(info, lambda: sessions.sign_in(info.context, input.email, input.password))
        )

    @strawberry.mutation(description="End the session this request signed in with.")
    async def sign_out(self, info: Info) -> bool:
        return await in_transaction(info.context, sessions.sign_out, info.context)
