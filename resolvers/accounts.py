"""Reading accounts: the root list, searchable by name and customer number."""

from __future__ import annotations

from sqlalchemy import or_

from auth.visibility import visible_accounts
from models import Account
from resolvers.context import Context
from resolvers.devices import SEARCH_MAX_LENGTH
from resolvers.pagination import Order, Page, fetch_page

ACCOUNT_ORDER = Order((Account.name, Account.id))


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
