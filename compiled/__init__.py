"""The compiled read path: a whole query operation planned into one SQL statement whose
single value is the response's `data`, as JSON text built by PostgreSQL.

- `catalogue.py`: the fields that are plain column reads or relations, and nothing else.
- `planner.py`: document -> plan (cached per document text), and the per-request binding of
  arguments and variables; anything unusual means "not compiled".
- `sql.py`: plan + binding + the viewer's scopes (from `auth.visibility`) -> SQL text.
- `execute.py`: `execute_compiled` (returns the response body, or None for the resolver
  path) and `CompiledReads`, the schema extension that serves queries this way.
"""

from __future__ import annotations

from compiled.execute import CompiledReads, compiled_data, execute_compiled

__all__ = ["CompiledReads", "compiled_data", "execute_compiled"]
