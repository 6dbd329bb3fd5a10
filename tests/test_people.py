"""People: invitations, registration and verification, password resets, requests to join,
roles and assignments. E-mails travel through the outbox to a real SMTP server."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select, update

from auth.passwords import hash_password
from models import AuditEntry, Invitation, OutboxEmail, User
from models.database import Database
from notifications.worker import DeliveryWorker
from portal.settings import Settings
from tests.mail import ReceivedMail, SmtpServer, token_in
from tests.support import SIGN_IN, Api, sign_in
from tests.world import World


class Outbox:
    """Runs the delivery worker on demand and returns what the SMTP server received."""

    def __init__(self, worker: DeliveryWorker, server: SmtpServer) -> None:
        self.worker = worker
        self.server = server

    async def deliver(self, count: int) -> list[ReceivedMail]:
        already = len(self.server.messages)
        await self.worker.deliver_pending()
        return (await self.server.wait_for(already + count))[already:]


@pytest.fixture
def outbox(database: Database, settings: Settings, smtp_server: SmtpServer) -> Outbox:
    return Outbox(DeliveryWorker(database, settings.replace(smtp_url=smtp_server.url)), smtp_server)


async def pending_mail(database: Database) -> int:
    async with database.session() as session:
        return int(await session.scalar(select(func.count()).select_from(OutboxEmail)) or 0)


INVITE = """
mutation ($input: InviteUserInput!) {
  inviteUser(input: $input) { invited userErrors { field code message } }
}
"""
ACCEPT = """
mutation ($input: AcceptInvitationInput!) {
  acceptInvitation(input: $input) { token viewer { email } userErrors { field code } }
}
"""
MY_ACCOUNTS = """
{ viewer { memberships { role account { name } devices { edges { node { serialNumber } } } } } }
"""


def invite_input(world: World, **overrides: Any) -> dict[str, Any]:
    return {
        "accountId": world.ids["account_a"],
        "email": "Newcomer@Example.com",
        "name": "Nina Newcomer",
        "role": "CUSTOMER",
        "deviceIds": [world.ids["a2"]],
    } | overrides


async def test_an_invited_customer_joins_with_the_mailed_token_and_sees_their_devices(
    api: Api, world: World, outbox: Outbox, database: Database
) -> None:
    admin = api.as_(world.tokens["admin_a"])
    assert (await admin.data(INVITE, {"input": invite_input(world)}))["inviteUser"] == {
        "invited": True,
        "userErrors": [],
    }
    (mail,) = await outbox.deliver(1)
    assert mail.to == ("newcomer@example.com",)
    assert "Account A" in mail.text
    token = token_in(mail)
    accepted = (
        await api.data(ACCEPT, {"input": {"token": token, "password": "a good long secret"}})
    )["acceptInvitation"]
    assert accepted["userErrors"] == []
    assert accepted["viewer"] == {"email": "newcomer@example.com"}
    newcomer = api.as_(accepted["token"])
    assert (await newcomer.data(MY_ACCOUNTS))["viewer"]["memberships"] == [
        {
            "role": "CUSTOMER",
            "account": {"name": "Account A"},
            "devices": {"edges": [{"node": {"serialNumber": "SN-A2"}}]},
        }
    ]
    again = await api.data(ACCEPT, {"input": {"token": token, "password": "a good long secret"}})
    assert again["acceptInvitation"]["userErrors"] == [
        {"field": ["input", "token"], "code": "TOKEN_INVALID"}
    ]
    async with database.session() as session:
        actions = set(await session.scalars(select(AuditEntry.action)))
    assert {"member.invited", "member.joined"} <= actions


async def test_an_existing_user_joins_another_account_with_their_own_password(
    api: Api, world: World, outbox: Outbox, database: Database
) -> None:
    async with database.session() as session, session.begin():
        await session.execute(
            update(User)
            .where(User.email == "customer_a@world.example")
            .values(password_hash=hash_password("customer a's password"))
        )
    admin_b = api.as_(world.tokens["admin_b"])
    data = await admin_b.data(
        INVITE,
        {
            "input": invite_input(
                world, accountId=world.ids["account_b"], email="customer_a@world.example",
                role="ADMIN", deviceIds=[],
            )
        },
    )  # fmt: skip
    assert data["inviteUser"]["invited"] is True
    token = token_in((await outbox.deliver(1))[0])
    wrong = await api.data(ACCEPT, {"input": {"token": token, "password": "not my password!"}})
    assert [e["code"] for e in wrong["acceptInvitation"]["userErrors"]] == ["INVALID_CREDENTIALS"]
    right = await api.data(ACCEPT, {"input": {"token": token, "password": "customer a's password"}})
    roles = {
        m["account"]["name"]: m["role"]
        for m in (await api.as_(right["acceptInvitation"]["token"]).data(MY_ACCOUNTS))["viewer"][
            "memberships"
        ]
    }
    assert roles == {"Account A": "CUSTOMER", "Account B": "ADMIN"}


async def test_an_expired_invitation_is_refused(
    api: Api, world: World, outbox: Outbox, database: Database
) -> None:
    await api.as_(world.tokens["admin_a"]).data(INVITE, {"input": invite_input(world)})
    token = token_in((await outbox.deliver(1))[0])
    async with database.session() as session, session.begin():
        await session.execute(update(Invitation).values(expires_at=func.now()))
    result = await api.data(ACCEPT, {"input": {"token": token, "password": "a good long secret"}})
    assert [e["code"] for e in result["acceptInvitation"]["userErrors"]] == ["TOKEN_INVALID"]


@pytest.mark.parametrize(
    ("role", "overrides", "expected"),
    [
        ("admin_a", {"email": "not an e-mail"}, [(["input", "email"], "INVALID_INPUT")]),
        ("admin_a", {"name": "x" * 201}, [(["input", "name"], "INVALID_INPUT")]),
        (
            "admin_a",
            {"email": "customer_a@world.example"},
            [(["input", "email"], "ALREADY_EXISTS")],
        ),
        ("admin_a", {"deviceIds": ["b1"]}, [(["input", "deviceIds", "0"], "NOT_FOUND")]),
        ("admin_a", {"deviceIds": ["admin_b"]}, [(["input", "deviceIds", "0"], "INVALID_INPUT")]),
        ("admin_a", {"accountId": "account_b"}, [(["input", "accountId"], "NOT_FOUND")]),
        ("admin_a", {"accountId": "garbage"}, [(["input", "accountId"], "INVALID_INPUT")]),
        ("customer_a", {}, [(None, "FORBIDDEN")]),
    ],
)
async def test_bad_invitations_are_refused_and_nothing_is_written(
    api: Api,
    world: World,
    database: Database,
    role: str,
    overrides: dict[str, Any],
    expected: list[tuple[list[str] | None, str]],
) -> None:
    def resolve(value: Any) -> Any:
        if isinstance(value, list):
            return [resolve(item) for item in value]
        return world.ids.get(value, value) if isinstance(value, str) else value

    variables = invite_input(world, **{key: resolve(value) for key, value in overrides.items()})
    payload = (await api.as_(world.tokens[role]).data(INVITE, {"input": variables}))["inviteUser"]
    assert payload["invited"] is False
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == expected
    assert all(error["message"] for error in payload["userErrors"])
    async with database.session() as session:
        assert await session.scalar(select(func.count()).select_from(Invitation)) == 0
    assert await pending_mail(database) == 0


async def test_anonymous_callers_cannot_invite(api: Api, world: World) -> None:
    body = await api.result(INVITE, {"input": invite_input(world)})
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


REGISTER = """
mutation ($input: RegisterInput!) {
  register(input: $input) { user { id } userErrors { field code } }
}
"""
VERIFY = """
mutation ($t: String!) { verifyEmail(token: $t) { token viewer { email } userErrors { code } } }
"""


async def test_self_registration_needs_the_mailed_verification_before_signing_in(
    api: Api, outbox: Outbox
) -> None:
    registration = {
        "email": "sal.jones@example.com",
        "password": "registering myself",
        "name": "Sal",
    }
    payload = (await api.data(REGISTER, {"input": registration}))["register"]
    assert payload == {"user": None, "userErrors": []}
    early = await api.data(
        SIGN_IN, {"email": "sal.jones@example.com", "password": "registering myself"}
    )
    assert [e["code"] for e in early["signIn"]["userErrors"]] == ["EMAIL_NOT_VERIFIED"]
    token = token_in((await outbox.deliver(1))[0])
    verified = (await api.data(VERIFY, {"t": token}))["verifyEmail"]
    assert verified["viewer"] == {"email": "sal.jones@example.com"}
    assert (await api.data(VERIFY, {"t": token}))["verifyEmail"]["userErrors"] == [
        {"code": "TOKEN_INVALID"}
    ]
    # Verified, but a member of nothing: sees nothing yet.
    signed_in = await sign_in(api, "sal.jones@example.com", "registering myself")
    assert await signed_in.data("{ accounts { totalCount } devices { totalCount } }") == {
        "accounts": {"totalCount": 0},
        "devices": {"totalCount": 0},
    }


async def test_registering_a_known_address_answers_the_same_and_mails_its_owner(
    api: Api, world: World, outbox: Outbox, database: Database
) -> None:
    known = {"email": "admin_a@world.example", "password": "someone else's try", "name": "Eve"}
    assert (await api.data(REGISTER, {"input": known}))["register"] == {
        "user": None,
        "userErrors": [],
    }
    (notice,) = await outbox.deliver(1)
    assert notice.to == ("admin_a@world.example",)
    async with database.session() as session:
        assert await session.scalar(select(func.count()).select_from(User)) == 5  # the world's


@pytest.mark.parametrize(
    ("password", "field"),
    [("short", ["input", "password"]), ("Sally Sunshine 2026", ["input", "password"])],
)
async def test_weak_passwords_are_refused(api: Api, password: str, field: list[str]) -> None:
    registration = {"email": "sally@example.com", "password": password, "name": "Sally Sunshine"}
    payload = (await api.data(REGISTER, {"input": registration}))["register"]
    assert payload["userErrors"] == [{"field": field, "code": "INVALID_INPUT"}]


RESET = """
mutation ($input: ResetPasswordInput!) {
  resetPassword(input: $input) { token userErrors { code } }
}
"""


async def test_a_password_reset_signs_out_every_other_session(
    api: Api, world: World, outbox: Outbox, database: Database
) -> None:
    async with database.session() as session, session.begin():
        await session.execute(
            update(User)
            .where(User.email == "admin_a@world.example")
            .values(password_hash=hash_password("the old password"))
        )
    ask = "mutation ($e: String!) { requestPasswordReset(email: $e) }"
    assert await api.data(ask, {"e": "nobody@nowhere.example"}) == {"requestPasswordReset": True}
    assert await pending_mail(database) == 0
    assert await api.data(ask, {"e": "ADMIN_A@world.example"}) == {"requestPasswordReset": True}
    token = token_in((await outbox.deliver(1))[0])
    reset = (await api.data(RESET, {"input": {"token": token, "password": "a brand new secret"}}))[
        "resetPassword"
    ]
    assert reset["userErrors"] == []
    assert (await api.as_(world.tokens["admin_a"]).post("{ viewer { id } }")).status_code == 401
    assert (await api.as_(reset["token"]).data("{ viewer { email } }"))["viewer"] is not None
    await sign_in(api, "admin_a@world.example", "a brand new secret")
    reused = await api.data(RESET, {"input": {"token": token, "password": "another new secret"}})
    assert reused["resetPassword"]["userErrors"] == [{"code": "TOKEN_INVALID"}]


REQUEST_ACCESS = """
mutation ($c: String!, $s: String!) {
  requestAccountAccess(input: {customerNumber: $c, serialNumber: $s}) {
    accessRequest { id status } userErrors { field code }
  }
}
"""
DECIDE = """
mutation ($id: ID!) {
  decideAccessRequest(input: {requestId: $id, approve: true}) {
    accessRequest { status } userErrors { code }
  }
}
"""


async def test_naming_a_device_asks_the_accounts_admins_to_let_you_in(
    api: Api, world: World, outbox: Outbox
) -> None:
    await api.data(
        REGISTER,
        {"input": {"email": "joiner@example.com", "password": "joining an account", "name": "Jo"}},
    )
    await api.data(VERIFY, {"t": token_in((await outbox.deliver(1))[0])})
    joiner = await sign_in(api, "joiner@example.com", "joining an account")
    wrong = await joiner.data(REQUEST_ACCESS, {"c": "C-A", "s": "SN-B1"})
    assert wrong["requestAccountAccess"]["userErrors"] == [
        {"field": ["input"], "code": "NOT_FOUND"}
    ]
    asked = (await joiner.data(REQUEST_ACCESS, {"c": "C-A", "s": "SN-A1"}))["requestAccountAccess"]
    assert asked["accessRequest"]["status"] == "PENDING"
    (to_admin,) = await outbox.deliver(1)
    assert to_admin.to == ("admin_a@world.example",)
    assert "joiner@example.com" in to_admin.text
    twice = await joiner.data(REQUEST_ACCESS, {"c": "C-A", "s": "SN-A1"})
    assert [e["code"] for e in twice["requestAccountAccess"]["userErrors"]] == ["ALREADY_EXISTS"]
    # Another account's admin cannot even see the request.
    other = await api.as_(world.tokens["admin_b"]).data(
        DECIDE, {"id": asked["accessRequest"]["id"]}
    )
    assert other["decideAccessRequest"]["userErrors"] == [{"code": "NOT_FOUND"}]
    decided = await api.as_(world.tokens["admin_a"]).data(
        DECIDE, {"id": asked["accessRequest"]["id"]}
    )
    assert decided["decideAccessRequest"]["accessRequest"] == {"status": "APPROVED"}
    (to_joiner,) = await outbox.deliver(1)
    assert to_joiner.to == ("joiner@example.com",)
    memberships = (await joiner.data(MY_ACCOUNTS))["viewer"]["memberships"]
    assert [(m["account"]["name"], m["role"]) for m in memberships] == [("Account A", "CUSTOMER")]


SET_ROLE = """
mutation ($a: ID!, $u: ID!, $r: AccountRole!) {
  setMemberRole(input: {accountId: $a, userId: $u, role: $r}) {
    membership { role } userErrors { field code }
  }
}
"""
REMOVE = """
mutation ($a: ID!, $u: ID!) {
  removeMember(input: {accountId: $a, userId: $u}) { removed userErrors { code } }
}
"""


async def test_an_account_always_keeps_an_admin(api: Api, world: World) -> None:
    admin = api.as_(world.tokens["admin_a"])
    account, me, customer = world.ids["account_a"], world.ids["admin_a"], world.ids["customer_a"]
    alone = await admin.data(SET_ROLE, {"a": account, "u": me, "r": "CUSTOMER"})
    assert alone["setMemberRole"]["userErrors"] == [
        {"field": ["input", "role"], "code": "LAST_ADMIN"}
    ]
    assert (await admin.data(REMOVE, {"a": account, "u": me}))["removeMember"]["userErrors"] == [
        {"code": "LAST_ADMIN"}
    ]
    promoted = await admin.data(SET_ROLE, {"a": account, "u": customer, "r": "ADMIN"})
    assert promoted["setMemberRole"]["membership"] == {"role": "ADMIN"}
    stepped_down = await admin.data(SET_ROLE, {"a": account, "u": me, "r": "CUSTOMER"})
    assert stepped_down["setMemberRole"]["membership"] == {"role": "CUSTOMER"}
    # Now a customer, the former admin may no longer manage members.
    refused = await admin.data(SET_ROLE, {"a": account, "u": customer, "r": "CUSTOMER"})
    assert refused["setMemberRole"]["userErrors"] == [{"field": None, "code": "FORBIDDEN"}]


ASSIGN = """
mutation ($a: ID!, $u: ID!, $d: [ID!]!) {
  assignDevices(input: {accountId: $a, userId: $u, deviceIds: $d}) {
    membership { devices { edges { node { serialNumber } } } } userErrors { field code }
  }
}
"""


async def test_assigning_devices_replaces_what_a_customer_sees(api: Api, world: World) -> None:
    admin = api.as_(world.tokens["admin_a"])
    ids = world.ids
    assigned = await admin.data(
        ASSIGN, {"a": ids["account_a"], "u": ids["customer_a"], "d": [ids["a2"]]}
    )
    assert assigned["assignDevices"]["membership"]["devices"]["edges"] == [
        {"node": {"serialNumber": "SN-A2"}}
    ]
    customer = api.as_(world.tokens["customer_a"])
    serials = await customer.data("{ devices { edges { node { serialNumber } } } }")
    assert serials["devices"]["edges"] == [{"node": {"serialNumber": "SN-A2"}}]
    foreign = await admin.data(
        ASSIGN, {"a": ids["account_a"], "u": ids["customer_a"], "d": [ids["b1"]]}
    )
    assert foreign["assignDevices"]["userErrors"] == [
        {"field": ["input", "deviceIds", "0"], "code": "NOT_FOUND"}
    ]
    not_member = await admin.data(ASSIGN, {"a": ids["account_a"], "u": ids["admin_b"], "d": []})
    assert not_member["assignDevices"]["userErrors"] == [
        {"field": ["input", "userId"], "code": "NOT_FOUND"}
    ]


async def test_staff_read_the_audit_log_with_before_and_after(api: Api, world: World) -> None:
    ids = world.ids
    await api.as_(world.tokens["admin_a"]).data(
        ASSIGN, {"a": ids["account_a"], "u": ids["customer_a"], "d": [ids["a2"]]}
    )
    log = await api.as_(world.tokens["staff"]).data(
        "{ auditLog(first: 5) { edges { node {"
        " action before after actor { email } account { name } } } } }"
    )
    (entry,) = [edge["node"] for edge in log["auditLog"]["edges"]]
    assert entry["action"] == "member.devices_assigned"
    assert entry["actor"] == {"email": "admin_a@world.example"}
    assert entry["account"] == {"name": "Account A"}
    assert len(entry["before"]["deviceIds"]) == 1
    assert entry["after"]["deviceIds"] != entry["before"]["deviceIds"]
    body = await api.as_(world.tokens["admin_a"]).result("{ auditLog { totalCount } }")
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_an_access_request_is_a_node_for_those_who_decide_it(
    api: Api, world: World, outbox: Outbox
) -> None:
    registration = {
        "email": "node.asker@example.com",
        "password": "asking for access",
        "name": "Ned",
    }
    await api.data(REGISTER, {"input": registration})
    await api.data(VERIFY, {"t": token_in((await outbox.deliver(1))[0])})
    asker = await sign_in(api, "node.asker@example.com", "asking for access")
    asked = (await asker.data(REQUEST_ACCESS, {"c": "C-A", "s": "SN-A1"}))["requestAccountAccess"]
    request_id = asked["accessRequest"]["id"]
    query = (
        "query ($id: ID!) { node(id: $id) { ... on AccessRequest { status requester { email } } } }"
    )
    seen = await api.as_(world.tokens["admin_a"]).data(query, {"id": request_id})
    assert seen["node"] == {"status": "PENDING", "requester": {"email": "node.asker@example.com"}}
    assert (await api.as_(world.tokens["admin_b"]).data(query, {"id": request_id}))["node"] is None
