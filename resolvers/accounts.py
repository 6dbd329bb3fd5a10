"""Reading accounts: the root list, searchable by name and customer number."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import or_

from auth.policies import ensure_can_update_account
from auth.visibility import visible_access_requests, visible_accounts
from models import AccessRequest, Account
from portal.errors import UserErrorCode, UserInputError
from resolvers.context import Context
from resolvers.devices import SEARCH_MAX_LENGTH
from resolvers.pagination import Order, Page, fetch_page
from resolvers.sync import AddressInput, check_address
from resolvers.validation import Checks

ACCOUNT_ORDER = Order((Account.name, Account.id))
MAX_DELIVERY_ADDRESSES = 20


async def list_accounts(
    ctx: Context, first: int | None, after: str | None, search: str | None
) -> Page[Account]:
    stmt = visible_accounts(ctx.viewer)
    if search and search.strip():
        text = search.strip()[:SEARCH_MAX_LENGTH]
        pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        stmt = stmt.where(
            or_(
                Account.name.ilike(pattern, escape="\\"),
                Account.customer_number.ilike(pattern, escape="\\"),
            )
        )
    return await fetch_page(ctx, stmt, ACCOUNT_ORDER, first, after)


async def update_account(
    ctx: Context,
    account_id: uuid.UUID,
    main_contact: str | None,
    phone: str | None,
    invoice_email: str | None,
    delivery_addresses: Sequence[AddressInput] | None,
) -> Account:
    """Contact details, kept by the account's admins; name, number and credit come from sync."""
    account = await ctx.first(
        visible_accounts(ctx.viewer).where(Account.id == account_id).with_for_update()
    )
    if account is None:
        raise UserInputError.single(UserErrorCode.NOT_FOUND, "not_found", ["input", "accountId"])
    ensure_can_update_account(ctx.viewer, account.id)
    checks = Checks("input")
    if main_contact is not None:
        account.main_contact = checks.optional_text(main_contact, "mainContact", limit=200)
    if phone is not None:
        account.phone = checks.optional_text(phone, "phone", limit=40)
    if invoice_email is not None:
        account.invoice_email = (
            checks.email(invoice_email, "invoiceEmail") if invoice_email else None
        )
    if delivery_addresses is not None:
        if len(delivery_addresses) > MAX_DELIVERY_ADDRESSES:
            checks.invalid("too_many", "deliveryAddresses", limit=MAX_DELIVERY_ADDRESSES)
        account.delivery_addresses = [
            check_address(checks, address, "deliveryAddresses", str(index))
            for index, address in enumerate(delivery_addresses)
        ]
    checks.done()
    await ctx.flush()
    return account


ACCESS_REQUEST_ORDER = Order((AccessRequest.created_at, AccessRequest.id), descending=True)


async def access_requests_of(
    ctx: Context, account_id: uuid.UUID, first: int | None, after: str | None
) -> Page[AccessRequest]:
    stmt = visible_access_requests(ctx.viewer).where(AccessRequest.account_id == account_id)
    return await fetch_page(ctx, stmt, ACCESS_REQUEST_ORDER, first, after)
