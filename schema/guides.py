"""Guided self-help: troubleshooting guides, searched before a case is raised."""

from __future__ import annotations

import strawberry

import models
from auth.policies import ensure_signed_in
from portal.errors import Forbidden
from resolvers import guides
from schema.base import Info, Node, decode_id_of, encode_id
from schema.errors import UserError
from schema.mutations import input_id, payload, run
from schema.pagination import Edge, PageInfo


@strawberry.type
class GuideStep:
    position: int
    instruction: str


@strawberry.type(description="Staff only: whether a guide deflects cases.")
class GuideStats:
    views: int
    solved: int
    not_solved: int
    cases_raised: int = strawberry.field(description="Cases raised naming this guide as tried.")


@strawberry.type(description="A troubleshooting guide: tried before a case is raised.")
class Guide(Node):
    row: strawberry.Private[models.Guide]
    id: strawberry.ID
    loader = "guide_by_id"
    title: str
    summary: str
    locale: str = strawberry.field(description="sv or en")

    @classmethod
    def from_row(cls, row: models.Guide) -> Guide:
        return cls(
            row=row,
            id=encode_id("Guide", row.id),
            title=row.title,
            summary=row.summary,
            locale=row.locale,
        )

    @strawberry.field
    def steps(self) -> list[GuideStep]:
        return [
            GuideStep(position=index + 1, instruction=text)
            for index, text in enumerate(self.row.steps)
        ]

    @strawberry.field(description="Staff only.")
    async def stats(self, info: Info) -> GuideStats | None:
        if not info.context.viewer.is_staff:
            raise Forbidden("Staff only")
        raised = await info.context.loaders.cases_after_guide.load(self.row.id)
        return GuideStats(
            views=self.row.views,
            solved=self.row.solved,
            not_solved=self.row.not_solved,
            cases_raised=raised,
        )


@strawberry.type(name="GuideConnection")
class GuideConnection:
    edges: list[Edge[Guide]]
    page_info: PageInfo
    total_count: int


@strawberry.input
class UpsertGuideStepInput:
    instruction: str


@strawberry.input
class UpsertGuideInput:
    external_id: str
    title: str
    summary: str
    locale: str = strawberry.field(description="sv or en")
    steps: list[UpsertGuideStepInput]
    model_codes: list[str] | None = None


@strawberry.type
class GuidePayload:
    guide: Guide | None
    user_errors: list[UserError]


@strawberry.input
class RecordGuideOutcomeInput:
    guide_id: strawberry.ID
    solved: bool


@strawberry.type
class GuideQueries:
    @strawberry.field(
        description=(
            "Full-text search over guides (prefix matching, so it works while typing), in the "
            "viewer's language first; deviceId narrows to guides for its model."
        )
    )
    async def guides(
        self,
        info: Info,
        search: str | None = None,
        device_id: strawberry.ID | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> GuideConnection:
        device = decode_id_of(device_id, "Device") if device_id else None
        page = await guides.search_guides(info.context, search, device, first, after)
        edges = [
            Edge(cursor=guides.cursor_at(page, index), node=Guide.from_row(row))
            for index, row in enumerate(page.rows)
        ]
        return GuideConnection(
            edges=edges,
            page_info=PageInfo(
                has_next_page=page.has_next_page,
                has_previous_page=page.offset > 0,
                start_cursor=edges[0].cursor if edges else None,
                end_cursor=edges[-1].cursor if edges else None,
            ),
            total_count=page.total,
        )


@strawberry.type
class GuideMutations:
    @strawberry.mutation(description="Staff and sync tokens: the same externalId updates.")
    async def upsert_guide(self, info: Info, input: UpsertGuideInput) -> GuidePayload:
        ensure_signed_in(info.context.viewer)
        return payload(
            GuidePayload,
            "guide",
            await run(
                info,
                lambda: guides.upsert_guide(
                    info.context,
                    input.external_id,
                    input.title,
                    input.summary,
                    input.locale,
                    input.model_codes,
                    [step.instruction for step in input.steps],
                ),
            ),
            Guide.from_row,
        )

    @strawberry.mutation(description="A guide was opened.")
    async def record_guide_view(self, info: Info, guide_id: strawberry.ID) -> GuidePayload:
        ensure_signed_in(info.context.viewer)
        return payload(
            GuidePayload,
            "guide",
            await run(
                info,
                lambda: guides.record_view(info.context, input_id(guide_id, "Guide", "guideId")),
            ),
            Guide.from_row,
        )

    @strawberry.mutation(description="Whether the guide solved the problem.")
    async def record_guide_outcome(
        self, info: Info, input: RecordGuideOutcomeInput
    ) -> GuidePayload:
        ensure_signed_in(info.context.viewer)
        return payload(
            GuidePayload,
            "guide",
            await run(
                info,
                lambda: guides.record_outcome(
                    info.context,
                    input_id(input.guide_id, "Guide", "input", "guideId"),
                    input.solved,
                ),
            ),
            Guide.from_row,
        )
