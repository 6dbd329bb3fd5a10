"""Guided self-help: full-text search by language, narrowed by device model; outcomes."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support import Api
from tests.world import World

UPSERT = """
mutation ($input: UpsertGuideInput!) {
  upsertGuide(input: $input) { guide { id title } userErrors { field code } }
}
"""
SEARCH = """
query ($s: String, $d: ID, $first: Int, $after: String) {
  guides(search: $s, deviceId: $d, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { title locale steps { position instruction } } }
  }
}
"""


def guide(
    external_id: str,
    locale: str,
    title: str,
    summary: str,
    steps: list[str],
    models: list[str] | None = None,
) -> dict[str, Any]:
    return {
        "externalId": external_id,
        "locale": locale,
        "title": title,
        "summary": summary,
        "steps": [{"instruction": step} for step in steps],
        "modelCodes": models,
    }


GUIDES = [
    guide(
        "jam-en",
        "en",
        "Clearing a paper jam",
        "Paper stuck in tray 2 or the duplex unit.",
        ["Open the front door.", "Pull the jammed sheets out gently."],
    ),
    guide(
        "jam-sv",
        "sv",
        "Åtgärda pappersstopp",
        "Papper har fastnat i fack 2 eller duplexenheten.",
        ["Öppna frontluckan.", "Dra försiktigt ut de fastnade arken."],
    ),
    guide(
        "toner-en",
        "en",
        "Replacing a toner cartridge",
        "When the panel says toner is empty.",
        ["Open the toner door.", "Shake the new cartridge."],
        ["M-1"],
    ),
    guide(
        "plotter-en",
        "en",
        "Loading roll media",
        "Roll paper on the plotter.",
        ["Lift the roll cover."],
        ["NO-SUCH-MODEL"],
    ),
]


async def load_guides(api: Api, world: World) -> None:
    sync = api.as_(world.tokens["sync_token"])
    for entry in GUIDES[:3]:
        result = await sync.data(UPSERT, {"input": entry})
        assert result["upsertGuide"]["userErrors"] == [], result


async def titles(api: Api, **variables: Any) -> list[str]:
    data = await api.data(SEARCH, variables)
    return [edge["node"]["title"] for edge in data["guides"]["edges"]]


async def test_search_finds_by_stem_and_prefix_in_the_guides_language(
    api: Api, world: World
) -> None:
    await load_guides(api, world)
    assert await titles(api, s="jammed") == ["Clearing a paper jam"]  # English stemming
    assert await titles(api, s="pappersst") == ["Åtgärda pappersstopp"]  # prefix, as you type
    assert await titles(api, s="tonr") == []
    assert await titles(api, s="toner cart") == ["Replacing a toner cartridge"]


async def test_the_viewers_language_comes_first(api: Api, world: World) -> None:
    await load_guides(api, world)
    swedish = api.as_(None)
    swedish.headers["accept-language"] = "sv"
    found = await titles(swedish, s="fack")  # only the Swedish guide mentions "fack"
    assert found == ["Åtgärda pappersstopp"]
    everything = await titles(swedish)
    assert everything[0] == "Åtgärda pappersstopp"


@pytest.mark.parametrize(
    "search",
    ["&", "|", "!", "()", ":*", "'", "\\", "paper & | !", "a:*b", "'; DROP TABLE guides; --"],
)
async def test_tsquery_syntax_in_a_search_never_raises(api: Api, world: World, search: str) -> None:
    await load_guides(api, world)
    body = await api.result(SEARCH, {"s": search})
    assert "errors" not in body
    assert isinstance(body["data"]["guides"]["totalCount"], int)


async def test_a_device_narrows_to_guides_for_its_model(api: Api, world: World) -> None:
    await load_guides(api, world)
    result = await api.as_(world.tokens["sync_token"]).data(UPSERT, {"input": GUIDES[3]})
    assert result["upsertGuide"]["userErrors"] == [
        {"field": ["input", "modelCodes", "0"], "code": "NOT_FOUND"}
    ]
    customer = api.as_(world.tokens["customer_a"])
    for_a1 = await titles(customer, d=world.ids["a1"], first=10)
    assert sorted(for_a1) == [
        "Clearing a paper jam",
        "Replacing a toner cartridge",
        "Åtgärda pappersstopp",
    ]
    invisible = await customer.result(SEARCH, {"d": world.ids["b1"]})
    assert invisible["errors"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_pages_of_results(api: Api, world: World) -> None:
    await load_guides(api, world)
    first = (await api.data(SEARCH, {"first": 2}))["guides"]
    assert first["totalCount"] == 3
    assert first["pageInfo"]["hasNextPage"] is True
    rest = (await api.data(SEARCH, {"first": 2, "after": first["pageInfo"]["endCursor"]}))["guides"]
    assert len(rest["edges"]) == 1
    assert rest["pageInfo"]["hasNextPage"] is False


async def test_upserting_the_same_guide_updates_it_and_only_staff_and_sync_may(
    api: Api, world: World
) -> None:
    staff = api.as_(world.tokens["staff"])
    created = (await staff.data(UPSERT, {"input": GUIDES[0]}))["upsertGuide"]["guide"]
    renamed = (await staff.data(UPSERT, {"input": GUIDES[0] | {"title": "Clearing paper jams"}}))[
        "upsertGuide"
    ]["guide"]
    assert renamed["id"] == created["id"]
    assert await titles(api, s="jams") == ["Clearing paper jams"]
    refused = await api.as_(world.tokens["admin_a"]).data(UPSERT, {"input": GUIDES[1]})
    assert refused["upsertGuide"]["userErrors"] == [{"field": None, "code": "FORBIDDEN"}]
    bad = await staff.data(UPSERT, {"input": GUIDES[1] | {"locale": "de", "steps": []}})
    assert sorted(tuple(e["field"]) for e in bad["upsertGuide"]["userErrors"]) == [
        ("input", "locale"),
        ("input", "steps"),
    ]


OUTCOME = """
mutation ($g: ID!, $solved: Boolean!) {
  recordGuideOutcome(input: {guideId: $g, solved: $solved}) { userErrors { code } }
}
"""
CREATE = """
mutation ($input: CreateTicketInput!) { createTicket(input: $input) { userErrors { code } } }
"""
STATS = """
query ($id: ID!) { node(id: $id) { ... on Guide { stats { views solved notSolved casesRaised } } } }
"""


async def test_staff_see_which_guides_deflect_cases(api: Api, world: World) -> None:
    staff = api.as_(world.tokens["staff"])
    jam = (await staff.data(UPSERT, {"input": GUIDES[0]}))["upsertGuide"]["guide"]["id"]
    customer = api.as_(world.tokens["customer_a"])
    await customer.data(
        "mutation ($g: ID!) { recordGuideView(guideId: $g) { userErrors { code } } }", {"g": jam}
    )
    await customer.data(OUTCOME, {"g": jam, "solved": True})
    await customer.data(OUTCOME, {"g": jam, "solved": False})
    raised = await customer.data(
        CREATE,
        {
            "input": {
                "accountId": world.ids["account_a"],
                "deviceId": world.ids["a1"],
                "category": "FAULT",
                "subject": "Still jamming",
                "description": "The guide did not help.",
                "guideId": jam,
            }
        },
    )
    assert raised["createTicket"]["userErrors"] == []
    stats = (await staff.data(STATS, {"id": jam}))["node"]["stats"]
    assert stats == {"views": 1, "solved": 1, "notSolved": 1, "casesRaised": 1}
    hidden = await customer.result(STATS, {"id": jam})
    assert hidden["errors"][0]["extensions"]["code"] == "FORBIDDEN"
