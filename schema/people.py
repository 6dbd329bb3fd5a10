"""Mutations on people: invitations, registration, passwords, roles, assignments, profile,
and asking to join an account."""

from __future__ import annotations

import strawberry

import models
from auth.policies import ensure_signed_in
from auth.timing import answer_no_sooner
from resolvers import people
from schema.accounts import Account
from schema.base import Info, Node, encode_id
from schema.errors import UserError
from schema.mutations import idempotency_key_field, input_id, input_ids, payload, run, run_once
from schema.sessions import SignInPayload, signed_in_payload
from schema.users import Membership, User

strawberry.enum(models.AccessRequestStatus, name="AccessRequestStatus")


@strawberry.input
class InviteUserInput:
    account_id: strawberry.ID
    email: str
    name: str
    role: models.AccountRole
    device_ids: list[strawberry.ID] | None = None
    idempotency_key: str | None = idempotency_key_field()


@strawberry.type
class InviteUserPayload:
    invited: bool = strawberry.field(description="The token travels only in the invitation e-mail.")
    user_errors: list[UserError]


@strawberry.input
class AcceptInvitationInput:
    token: str
    password: str
    name: str | None = None


@strawberry.input
class RegisterInput:
    email: str
    password: str
    name: str
    locale: str | None = None


@strawberry.type
class RegisterPayload:
    user: User | None = strawberry.field(
        description=(
            "Always null: the answer is the same whether or not the e-mail was already "
            "registered, so it tells nobody who has an account. A link to verify (or, for a "
            "known address, a notice) goes to the e-mail."
        )
    )
    user_errors: list[UserError]


@strawberry.input
class ResetPasswordInput:
    token: str
    password: str


@strawberry.input
class SetMemberRoleInput:
    account_id: strawberry.ID
    user_id: strawberry.ID
    role: models.AccountRole


@strawberry.input
class RemoveMemberInput:
    account_id: strawberry.ID
    user_id: strawberry.ID


@strawberry.input
class AssignDevicesInput:
    account_id: strawberry.ID
    user_id: strawberry.ID
    device_ids: list[strawberry.ID] = strawberry.field(
        description="Replaces the member's assigned devices with these."
    )


@strawberry.type
class MembershipPayload:
    membership: Membership | None
    user_errors: list[UserError]


@strawberry.type
class RemoveMemberPayload:
    removed: bool
    user_errors: list[UserError]


@strawberry.input
class NotificationPreferencesInput:
    ticket_updates: bool | None = None
    supply_order_updates: bool | None = None
    meter_reading_reminders: bool | None = None


@strawberry.input
class UpdateProfileInput:
    name: str | None = None
    phone: str | None = strawberry.field(default=None, description="An empty string clears it.")
    locale: str | None = None
    notification_preferences: NotificationPreferencesInput | None = None


@strawberry.type
class UserPayload:
    user: User | None
    user_errors: list[UserError]


@strawberry.input
class RequestAccountAccessInput:
    customer_number: str
    serial_number: str = strawberry.field(description="The serial number of one of its devices.")


@strawberry.type(description="A person asking to join an account; its admins decide.")
class AccessRequest(Node):
    row: strawberry.Private[models.AccessRequest]
    id: strawberry.ID
    loader = "access_request_by_id"
    status: models.AccessRequestStatus
    serial_number: str

    @classmethod
    def from_row(cls, row: models.AccessRequest) -> AccessRequest:
        return cls(
            row=row,
            id=encode_id("AccessRequest", row.id),
            status=row.status,
            serial_number=row.serial_number,
        )

    @strawberry.field
    async def requester(self, info: Info) -> User | None:
        row = await info.context.loaders.user_by_id.load(self.row.user_id)
        return User.from_row(row) if row else None

    @strawberry.field
    async def account(self, info: Info) -> Account | None:
        row = await info.context.loaders.account_by_id.load(self.row.account_id)
        return Account.from_row(row) if row else None


@strawberry.type
class AccessRequestPayload:
    access_request: AccessRequest | None
    user_errors: list[UserError]


@strawberry.input
class DecideAccessRequestInput:
    request_id: strawberry.ID
    approve: bool
    role: models.AccountRole = models.AccountRole.CUSTOMER


@strawberry.type
class PeopleMutations:
    @strawberry.mutation(description="Account admins (for their accounts) and staff.")
    async def invite_user(self, info: Info, input: InviteUserInput) -> InviteUserPayload:
        ensure_signed_in(info.context.viewer)

        async def work() -> None:
            await people.invite_user(
                info.context,
                input_id(input.account_id, "Account", "input", "accountId"),
                input.email,
                input.name,
                input.role,
                input_ids(input.device_ids or [], "Device", "input", "deviceIds"),
            )

        result = await run_once(info, "inviteUser", input, work, lambda _: None, _nothing_to_reload)
        if isinstance(result, list):
            return InviteUserPayload(invited=False, user_errors=result)
        return InviteUserPayload(invited=True, user_errors=[])

    @strawberry.mutation(description="Join the account an invitation names, and sign in.")
    async def accept_invitation(self, info: Info, input: AcceptInvitationInput) -> SignInPayload:
        return signed_in_payload(
            await run(
                info,
                lambda: people.accept_invitation(
                    info.context, input.token, input.password, input.name
                ),
            )
        )

    @strawberry.mutation(
        description="Self-registration; the account is usable once the e-mail is verified."
    )
    async def register(self, info: Info, input: RegisterInput) -> RegisterPayload:
        async with answer_no_sooner():
            result = await run(
                info,
                lambda: people.register(
                    info.context, input.email, input.password, input.name, input.locale
                ),
            )
        return RegisterPayload(user=None, user_errors=result if isinstance(result, list) else [])

    @strawberry.mutation(description="Confirm an e-mail address with the mailed token; signs in.")
    async def verify_email(self, info: Info, token: str) -> SignInPayload:
        return signed_in_payload(await run(info, lambda: people.verify_email(info.context, token)))

    @strawberry.mutation(
        description="Mail a reset link if the address is known. Always answers true."
    )
    async def request_password_reset(self, info: Info, email: str) -> bool:
        async with answer_no_sooner():
            await run(info, lambda: people.request_password_reset(info.context, email))
        return True

    @strawberry.mutation(
        description="Set a new password with the mailed token; signs out elsewhere."
    )
    async def reset_password(self, info: Info, input: ResetPasswordInput) -> SignInPayload:
        return signed_in_payload(
            await run(
                info, lambda: people.reset_password(info.context, input.token, input.password)
            )
        )

    @strawberry.mutation(description="Account admins and staff; an account keeps an ADMIN.")
    async def set_member_role(self, info: Info, input: SetMemberRoleInput) -> MembershipPayload:
        ensure_signed_in(info.context.viewer)
        return payload(
            MembershipPayload,
            "membership",
            await run(
                info,
                lambda: people.set_member_role(
                    info.context,
                    input_id(input.account_id, "Account", "input", "accountId"),
                    input_id(input.user_id, "User", "input", "userId"),
                    input.role,
                ),
            ),
            Membership.from_row,
        )

    @strawberry.mutation(description="Account admins and staff; an account keeps an ADMIN.")
    async def remove_member(self, info: Info, input: RemoveMemberInput) -> RemoveMemberPayload:
        ensure_signed_in(info.context.viewer)
        result = await run(
            info,
            lambda: people.remove_member(
                info.context,
                input_id(input.account_id, "Account", "input", "accountId"),
                input_id(input.user_id, "User", "input", "userId"),
            ),
        )
        if isinstance(result, list):
            return RemoveMemberPayload(removed=False, user_errors=result)
        return RemoveMemberPayload(removed=True, user_errors=[])

    @strawberry.mutation(description="Account admins and staff: which devices a member sees.")
    async def assign_devices(self, info: Info, input: AssignDevicesInput) -> MembershipPayload:
        ensure_signed_in(info.context.viewer)
        return payload(
            MembershipPayload,
            "membership",
            await run(
                info,
                lambda: people.assign_devices(
                    info.context,
                    input_id(input.account_id, "Account", "input", "accountId"),
                    input_id(input.user_id, "User", "input", "userId"),
                    input_ids(input.device_ids, "Device", "input", "deviceIds"),
                ),
            ),
            Membership.from_row,
        )

    @strawberry.mutation(description="Your own name, phone, language and which e-mails you want.")
    async def update_profile(self, info: Info, input: UpdateProfileInput) -> UserPayload:
        ensure_signed_in(info.context.viewer)
        preferences = input.notification_preferences or NotificationPreferencesInput()
        changes = people.ProfileChanges(
            name=input.name,
            phone=input.phone,
            clear_phone=input.phone == "",
            locale=input.locale,
            ticket_updates=preferences.ticket_updates,
            supply_order_updates=preferences.supply_order_updates,
            meter_reading_reminders=preferences.meter_reading_reminders,
        )
        result = await run(info, lambda: people.update_profile(info.context, changes))
        return payload(UserPayload, "user", result, User.from_row)

    @strawberry.mutation(
        description="Ask to join the account with this customer number, naming one of its devices."
    )
    async def request_account_access(
        self, info: Info, input: RequestAccountAccessInput
    ) -> AccessRequestPayload:
        ensure_signed_in(info.context.viewer)
        return payload(
            AccessRequestPayload,
            "access_request",
            await run(
                info,
                lambda: people.request_account_access(
                    info.context, input.customer_number, input.serial_number
                ),
            ),
            AccessRequest.from_row,
        )

    @strawberry.mutation(description="Account admins and staff: let a person in, or not.")
    async def decide_access_request(
        self, info: Info, input: DecideAccessRequestInput
    ) -> AccessRequestPayload:
        ensure_signed_in(info.context.viewer)
        return payload(
            AccessRequestPayload,
            "access_request",
            await run(
                info,
                lambda: people.decide_access_request(
                    info.context,
                    input_id(input.request_id, "AccessRequest", "input", "requestId"),
                    input.approve,
                    input.role,
                ),
            ),
            AccessRequest.from_row,
        )


async def _nothing_to_reload(_: object) -> None:
    return None
