"""Signing in and out, bearer tokens and cookies; secrets stored only as hashes."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy import func, select, update

from auth.authentication import SESSION_COOKIE
from models import AuthSession, User
from models.database import Database
from portal import demo
from tests.conftest import LiveServer
from tests.support import SIGN_IN, Api, sign_in

VIEWER = "{ viewer { email kind } }"


@pytest.mark.parametrize("who", demo.DEMO_USERS, ids=lambda user: user.email)
async def test_each_demo_user_signs_in_and_is_the_viewer(
    api: Api, demo_users: tuple[demo.DemoUser, ...], who: demo.DemoUser
) -> None:
    signed_in = await sign_in(api, who.email, who.password)
    assert signed_in.token is not None
    assert signed_in.token.startswith("pts_")
    assert await signed_in.data(VIEWER) == {"viewer": {"email": who.email, "kind": who.kind.value}}


async def test_email_is_matched_without_regard_to_case(
    api: Api, demo_users: tuple[demo.DemoUser, ...]
) -> None:
    signed_in = await sign_in(api, "  Admin@EXAMPLE.com ", demo.ADMIN.password)
    assert (await signed_in.data(VIEWER))["viewer"]["email"] == demo.ADMIN.email


async def test_wrong_password_and_unknown_email_get_the_same_answer(
    api: Api, database: Database, demo_users: tuple[demo.DemoUser, ...]
) -> None:
    wrong_password = await api.data(
        SIGN_IN, {"email": demo.ADMIN.email, "password": "not-the-password"}
    )
    unknown_email = await api.data(
        SIGN_IN, {"email": "nobody@example.com", "password": demo.ADMIN.password}
    )
    assert wrong_password == unknown_email
    payload = wrong_password["signIn"]
    assert payload["token"] is None
    assert payload["viewer"] is None
    assert [error["code"] for error in payload["userErrors"]] == ["INVALID_CREDENTIALS"]
    async with database.session() as session:
        assert await session.scalar(select(func.count()).select_from(AuthSession)) == 0


async def test_user_errors_speak_the_requested_language(
    http: httpx.AsyncClient, demo_users: tuple[demo.DemoUser, ...]
) -> None:
    swedish = Api(http, headers={"accept-language": "sv-SE,sv;q=0.9,en;q=0.5"})
    payload = (
        await swedish.data(SIGN_IN, {"email": demo.ADMIN.email, "password": "wrong-password"})
    )["signIn"]
    assert payload["userErrors"][0]["message"] == "E-postadressen eller lösenordet är fel."


async def test_sign_in_sets_an_http_only_same_site_cookie_that_authenticates(
    live_server: object, http: httpx.AsyncClient, demo_users: tuple[demo.DemoUser, ...]
) -> None:
    response = await http.post(
        "/graphql",
        json={
            "query": SIGN_IN,
            "variables": {"email": demo.CUSTOMER.email, "password": demo.CUSTOMER.password},
        },
    )
    set_cookie = response.headers["set-cookie"]
    assert set_cookie.startswith(f"{SESSION_COOKIE}=pts_")
    assert "HttpOnly" in set_cookie
    assert "SameSite=lax" in set_cookie
    assert "Path=/" in set_cookie
    # The client kept the cookie: with no Authorization header, it signs the request in.
    viewer = await http.post("/graphql", json={"query": VIEWER})
    assert viewer.json()["data"] == {"viewer": {"email": demo.CUSTOMER.email, "kind": "CUSTOMER"}}


async def test_sign_out_revokes_the_token_and_clears_the_cookie(
    api: Api, demo_users: tuple[demo.DemoUser, ...]
) -> None:
    signed_in = await sign_in(api, demo.STAFF.email, demo.STAFF.password)
    response = await signed_in.post("mutation { signOut }")
    assert response.json()["data"] == {"signOut": True}
    assert f'{SESSION_COOKIE}=""' in response.headers["set-cookie"]
    after = await signed_in.post(VIEWER)
    assert after.status_code == 401
    assert after.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert (await api.data("mutation { signOut }")) == {"signOut": False}


async def test_signing_out_ends_only_that_session(
    api: Api, demo_users: tuple[demo.DemoUser, ...]
) -> None:
    laptop = await sign_in(api, demo.ADMIN.email, demo.ADMIN.password)
    phone = await sign_in(api, demo.ADMIN.email, demo.ADMIN.password)
    await laptop.data("mutation { signOut }")
    assert (await phone.data(VIEWER))["viewer"]["email"] == demo.ADMIN.email


async def test_an_unknown_or_expired_bearer_token_is_401(
    api: Api, database: Database, demo_users: tuple[demo.DemoUser, ...]
) -> None:
    unknown = await api.as_("pts_made-up").post(VIEWER)
    assert unknown.status_code == 401
    assert unknown.headers["www-authenticate"].startswith("Bearer")
    assert unknown.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"

    signed_in = await sign_in(api, demo.ADMIN.email, demo.ADMIN.password)
    async with database.session() as session, session.begin():
        await session.execute(update(AuthSession).values(expires_at=func.now()))
    expired = await signed_in.post(VIEWER)
    assert expired.status_code == 401


async def test_a_stale_cookie_just_means_anonymous(http: httpx.AsyncClient) -> None:
    http.cookies.set(SESSION_COOKIE, "pts_long-gone")
    response = await http.post("/graphql", json={"query": VIEWER})
    assert response.json()["data"] == {"viewer": None}


async def test_tokens_and_passwords_are_stored_only_as_hashes(
    api: Api, database: Database, demo_users: tuple[demo.DemoUser, ...]
) -> None:
    signed_in = await sign_in(api, demo.ADMIN.email, demo.ADMIN.password)
    assert signed_in.token is not None
    async with database.session() as session:
        stored = (await session.scalars(select(AuthSession.token_hash))).one()
        user = (await session.scalars(select(User).where(User.email == demo.ADMIN.email))).one()
    assert len(stored) == 32
    assert signed_in.token.encode() not in stored
    assert user.password_hash is not None
    assert user.password_hash.startswith("$argon2id$")
    assert demo.ADMIN.password not in user.password_hash


async def test_ten_failures_lock_that_email_from_that_address_for_a_while(
    api: Api, demo_users: tuple[demo.DemoUser, ...]
) -> None:
    for _ in range(10):
        wrong = await api.data(
            SIGN_IN, {"email": demo.ADMIN.email, "password": "guess-guess-guess"}
        )
        assert wrong["signIn"]["userErrors"][0]["code"] == "INVALID_CREDENTIALS"
    # The right password now gets the very same answer: the lock tells a guesser nothing.
    locked = await api.data(SIGN_IN, {"email": demo.ADMIN.email, "password": demo.ADMIN.password})
    assert locked["signIn"]["token"] is None
    assert [e["code"] for e in locked["signIn"]["userErrors"]] == ["INVALID_CREDENTIALS"]
    # Someone else signing in from the same address is not affected.
    await sign_in(api, demo.CUSTOMER.email, demo.CUSTOMER.password)


@contextlib.asynccontextmanager
async def from_address(live_server: LiveServer, address: str) -> AsyncIterator[Api]:
    """A client whose connections come from `address` (any 127.x.y.z is this machine)."""
    transport = httpx.AsyncHTTPTransport(local_address=address)
    async with httpx.AsyncClient(
        base_url=live_server.url, transport=transport, timeout=30
    ) as client:
        yield Api(client)


async def fail(api: Api, email: str) -> None:
    wrong = await api.data(SIGN_IN, {"email": email, "password": "guess-guess-guess"})
    assert [e["code"] for e in wrong["signIn"]["userErrors"]] == ["INVALID_CREDENTIALS"]


async def test_fifty_failures_for_one_email_from_many_addresses_lock_that_email(
    live_server: LiveServer, demo_users: tuple[demo.DemoUser, ...]
) -> None:
    # Seven failures from each of seven addresses: no pair comes near its own lock of ten.
    async def seven_from(n: int) -> None:
        async with from_address(live_server, f"127.0.1.{n}") as guesser:
            for _ in range(7):
                await fail(guesser, demo.ADMIN.email)

    await asyncio.gather(*(seven_from(n) for n in range(1, 8)))
    async with from_address(live_server, "127.0.2.1") as owner:
        # 49 failures: not yet locked.
        await sign_in(owner, demo.ADMIN.email, demo.ADMIN.password)
        async with from_address(live_server, "127.0.1.8") as guesser:
            await fail(guesser, demo.ADMIN.email)
        # The fiftieth locks the e-mail: from an address that never failed, the right
        # password gets the same refusal as a wrong one.
        locked = await owner.data(
            SIGN_IN, {"email": demo.ADMIN.email, "password": demo.ADMIN.password}
        )
        assert locked["signIn"]["token"] is None
        assert [e["code"] for e in locked["signIn"]["userErrors"]] == ["INVALID_CREDENTIALS"]
        # The lock is the e-mail's: another person signs in from that address as usual.
        await sign_in(owner, demo.CUSTOMER.email, demo.CUSTOMER.password)


async def test_fifty_failures_from_one_address_for_many_emails_lock_that_address(
    live_server: LiveServer, demo_users: tuple[demo.DemoUser, ...]
) -> None:
    async with from_address(live_server, "127.0.3.1") as guesser:
        # One failure each for 49 e-mails (nobody's): no e-mail comes near its own lock.
        for start in range(0, 49, 7):
            await asyncio.gather(
                *(fail(guesser, f"someone{n}@guess.example") for n in range(start, start + 7))
            )
        # 49 failures: a real user still signs in from that address.
        await sign_in(guesser, demo.CUSTOMER.email, demo.CUSTOMER.password)
        await fail(guesser, "someone49@guess.example")
        # The fiftieth locks the address: the right password is refused from it...
        locked = await guesser.data(
            SIGN_IN, {"email": demo.CUSTOMER.email, "password": demo.CUSTOMER.password}
        )
        assert locked["signIn"]["token"] is None
        assert [e["code"] for e in locked["signIn"]["userErrors"]] == ["INVALID_CREDENTIALS"]
    # ...while from another address the same sign-in works.
    async with from_address(live_server, "127.0.3.2") as elsewhere:
        await sign_in(elsewhere, demo.CUSTOMER.email, demo.CUSTOMER.password)
