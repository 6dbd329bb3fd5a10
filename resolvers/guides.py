"""Self-help guides: full-text search in each guide's own language, ranked, preferring the
viewer's; narrowed to a device's model; upserted by sync; counted for whether they helped.

A search string never reaches `to_tsquery` as syntax: it is cut into words (letters and
digits only), each matched as a prefix (search-as-you-type), all of them required. So
`&|!():*'\\` in a search can only find or not find, never raise.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import re
import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    case,
    delete,
    exists,
    func,
    insert,
    literal,
    or_,
    select,
    text,
    update,
)

from auth.policies import ensure_can_sync
from auth.visibility import visible_devices, visible_guides
from models import Device, DeviceModel, Guide, Ticket, guide_models
from models.guide import SEARCH_CONFIG_SQL
from portal.errors import BadUserInput, NotFound, UserErrorCode, UserInputError
from resolvers.context import Context
from resolvers.pagination import page_size
from resolvers.sync import upsert_row
from resolvers.validation import Checks

MAX_WORDS = 8
MAX_STEPS = 30
WORD = re.compile(r"\w+", re.UNICODE)


def prefix_query(search: str) -> str | None:
    """`toner stre` -> `toner:* & stre:*`; None when no word is left."""
    words = WORD.findall(search.lower().replace("_", " "))[:MAX_WORDS]
    return " & ".join(f"{word}:*" for word in words) if words else None


@dataclasses.dataclass
class RankedPage:
    rows: list[Guide]
    offset: int
    has_next_page: bool
    total: int


def _cursor(position: int) -> str:
    return base64.urlsafe_b64encode(f"guide:{position}".encode()).decode()


def _offset(after: str | None) -> int:
    """Ranked results have no stable key to page on: the cursor is a position."""
    if after is None:
        return 0
    try:
        kind, _, position = base64.urlsafe_b64decode(after.encode()).decode().partition(":")
        if kind != "guide":
            raise ValueError(after)
        return int(position) + 1
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise BadUserInput(f"{after!r} is not a cursor of this list") from None


def cursor_at(page: RankedPage, index: int) -> str:
    return _cursor(page.offset + index)


async def search_guides(
    ctx: Context,
    search: str | None,
    device_id: uuid.UUID | None,
    first: int | None,
    after: str | None,
) -> RankedPage:
    size, offset = page_size(first), _offset(after)
    stmt: Select[Guide] = visible_guides(ctx.viewer)
    rank: ColumnElement[Any] = literal(0.0)
    query = prefix_query(search) if search else None
    if query is not None:
        tsquery = func.to_tsquery(text(SEARCH_CONFIG_SQL), query)
        stmt = stmt.where(Guide.search.op("@@")(tsquery))
        rank = func.ts_rank(Guide.search, tsquery)
    if device_id is not None:
        model_id = await ctx.first(
            visible_devices(ctx.viewer)
            .with_only_columns(Device.model_id)
            .where(Device.id == device_id)
        )
        if model_id is None:
            raise NotFound("No such device")
        applies = select(guide_models.c.guide_id).where(guide_models.c.model_id == model_id)
        for_every_model = ~exists().where(guide_models.c.guide_id == Guide.id)
        stmt = stmt.where(or_(Guide.id.in_(applies), for_every_model))
    mine_first = case((Guide.locale == ctx.locale, 0), else_=1)
    ordered = stmt.order_by(mine_first, rank.desc(), Guide.title, Guide.id)
    rows = list(await ctx.all(ordered.offset(offset).limit(size + 1)))
    total = (await ctx.execute(select(func.count()).select_from(stmt.subquery()))).scalar_one()
    return RankedPage(rows[:size], offset, len(rows) > size, int(total))


async def upsert_guide(
    ctx: Context,
    external_id: str,
    title: str,
    summary: str,
    locale: str,
    model_codes: Sequence[str] | None,
    steps: Sequence[str],
) -> Guide:
    ensure_can_sync(ctx.viewer)
    checks = Checks("input")
    values = {
        "external_id": checks.text(external_id, "externalId", limit=100),
        "title": checks.text(title, "title", limit=200),
        "summary": checks.text(summary, "summary", limit=1000),
        "locale": checks.locale(locale, "locale"),
        "steps": [
            checks.text(step, "steps", index, "instruction", limit=1000)
            for index, step in enumerate(steps)
        ],
    }
    if not 1 <= len(steps) <= MAX_STEPS:
        checks.invalid("out_of_range", "steps", low=1, high=MAX_STEPS)
    models: dict[str, uuid.UUID] = {}
    if model_codes:
        found = await ctx.all(select(DeviceModel).where(DeviceModel.code.in_(model_codes)))
        models = {model.code: model.id for model in found}
        for index, code in enumerate(model_codes):
            if code not in models:
                checks.fail(UserErrorCode.NOT_FOUND, "not_found", "modelCodes", index)
    checks.done()
    guide: Guide = await upsert_row(ctx, Guide, "external_id", values, {})
    current = set(
        await ctx.all(select(guide_models.c.model_id).where(guide_models.c.guide_id == guide.id))
    )
    wanted = set(models.values())
    if current != wanted:
        await ctx.execute(delete(guide_models).where(guide_models.c.guide_id == guide.id))
        if wanted:
            await ctx.execute(
                insert(guide_models).values([{"guide_id": guide.id, "model_id": m} for m in wanted])
            )
    return guide


async def record_view(ctx: Context, guide_id: uuid.UUID) -> Guide:
    return await _count(ctx, guide_id, views=Guide.views + 1)


async def record_outcome(ctx: Context, guide_id: uuid.UUID, solved: bool) -> Guide:
    if solved:
        return await _count(ctx, guide_id, solved=Guide.solved + 1)
    return await _count(ctx, guide_id, not_solved=Guide.not_solved + 1)


async def _count(ctx: Context, guide_id: uuid.UUID, **increments: Any) -> Guide:
    row = (
        await ctx.execute(
            update(Guide)
            .where(
                Guide.id == guide_id,
                Guide.id.in_(visible_guides(ctx.viewer).with_only_columns(Guide.id)),
            )
            .values(**increments)
            .returning(Guide)
            .execution_options(synchronize_session=False)
        )
    ).scalar_one_or_none()
    if row is None:
        raise UserInputError.single(UserErrorCode.NOT_FOUND, "not_found", ["input", "guideId"])
    guide: Guide = row
    return guide


async def cases_raised_after(ctx: Context, guide_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, int]:
    rows: list[Any] = list(
        (
            await ctx.execute(
                select(Ticket.guide_id, func.count())
                .where(Ticket.guide_id.in_(guide_ids))
                .group_by(Ticket.guide_id)
            )
        ).all()
    )
    return dict(rows)
