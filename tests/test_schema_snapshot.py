"""schema.graphql, committed for front-end code generation, is the schema the server serves."""

from __future__ import annotations

from pathlib import Path

from schema.root import build_schema

SNAPSHOT = Path(__file__).resolve().parent.parent / "schema.graphql"


def test_committed_sdl_matches_the_served_schema() -> None:
    assert SNAPSHOT.read_text() == build_schema().as_str() + "\n", (
        "the schema changed: run `make schema` and commit schema.graphql"
    )
