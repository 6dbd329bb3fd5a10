"""The served schema holds the contract: graphql-core finds no breaking change.

PENDING lists the breaking changes not yet closed, by graphql-core's description. Each
issue that serves a part of the contract removes its entries; the set may only shrink,
and an entry that no longer breaks anything fails the test, so it cannot linger.
"""

from __future__ import annotations

from pathlib import Path

from graphql import build_schema, find_breaking_changes

from schema.root import build_schema as build_portal_schema

CONTRACT = Path(__file__).resolve().parents[2] / "shared" / "contract" / "portal.graphql"

# Empty since consumables and self-help: the whole contract is served. It stays as the
# place to list a breaking change deliberately accepted (with its reason), should one come.
PENDING: set[str] = set()


def breaking_changes() -> set[str]:
    contract = build_schema(CONTRACT.read_text())
    served = build_schema(build_portal_schema().as_str())
    return {
        f"{change.type.name}: {change.description}"
        for change in find_breaking_changes(contract, served)
    }


def test_the_served_schema_breaks_nothing_in_the_contract_but_what_is_pending() -> None:
    assert breaking_changes() - PENDING == set()


def test_pending_lists_only_what_is_still_missing() -> None:
    assert PENDING - breaking_changes() == set(), "served now: remove these from PENDING"
