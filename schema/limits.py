"""Request limits answered before anything runs, in the manner of GitHub and Shopify.

- depth at most 10 (introspection exempt), aliases at most 15, directives at most 50;
- `first`/`last` at most 100 on every connection (an error, not a silent cap);
- a static cost: every connection costs 1, multiplied by the `first` of the connections
  around it; a request above 1,000 points is refused;
- a per-client budget (schema/budget.py) is charged with the cost.

The cost goes back to the client as Shopify does it, in `extensions.cost` of every response
over HTTP (`{"requested", "limit", "remaining"}`; the view puts it there) and in the headers
X-Cost-Requested, X-Cost-Limit and X-Cost-Remaining. There is no `actual`: the budget is
charged the static cost before execution and nothing is refunded afterwards, so a figure
counted from the response would change nothing the client pays, and counting it means walking
the response against the document (aliases, fragments, type conditions) once more.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    value_from_ast_untyped,
)
from graphql import ExecutionResult as GraphQLExecutionResult
from starlette.types import Scope
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from portal.errors import ErrorCode
from resolvers.context import Context
from resolvers.pagination import DEFAULT_FIRST, MAX_FIRST

MAX_DEPTH = 10
MAX_ALIASES = 15
MAX_DIRECTIVES = 50
MAX_COST = 1000
MAX_TOKENS = 2000
PAGE_ARGUMENTS = ("first", "last")


COST_STATE = "cost"


@dataclasses.dataclass(frozen=True)
class Cost:
    """What one request costs and what its client has left, as `extensions.cost` shows it."""

    requested: int
    remaining: int
    limit: int = MAX_COST

    def as_json(self) -> dict[str, int]:
        return {"requested": self.requested, "limit": self.limit, "remaining": self.remaining}


def record_cost(scope: Scope, cost: Cost) -> None:
    """Kept with the request, so every answer to it can say the cost, errors included."""
    scope.setdefault("state", {})[COST_STATE] = cost


def recorded_cost(scope: Scope) -> Cost | None:
    cost = scope.get("state", {}).get(COST_STATE)
    return cost if isinstance(cost, Cost) else None


@dataclasses.dataclass
class Measure:
    depth: int = 0
    aliases: int = 0
    directives: int = 0
    cost: int = 1  # the request itself
    page_errors: list[str] = dataclasses.field(default_factory=list)


def measure(
    document: DocumentNode, operation_name: str | None, variables: Mapping[str, Any]
) -> Measure:
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    operation = next(
        (
            o
            for o in operations
            if operation_name is None or (o.name and o.name.value == operation_name)
        ),
        None,
    )
    result = Measure()
    if operation is None:
        return result
    result.directives = sum(1 for _ in _directives(document))
    values = _with_defaults(operation, variables)
    _walk(operation.selection_set, fragments, values, result, depth=0, multiplier=1, seen=())
    return result


def _with_defaults(
    operation: OperationDefinitionNode, variables: Mapping[str, Any]
) -> Mapping[str, Any]:
    """The variables as execution will see them: the value sent, else the declared default.

    A `$n: Int = 500` the client does not send is 500 to the resolvers, so it must be 500
    to the page-size and cost checks too. An explicit null stays null (it overrides the
    default in GraphQL's coercion, and the resolvers then use their own default page).
    """
    values = dict(variables)
    for definition in operation.variable_definitions or ():
        name = definition.variable.name.value
        if name not in values and definition.default_value is not None:
            values[name] = value_from_ast_untyped(definition.default_value)
    return values


def _directives(node: Any) -> Iterator[Any]:
    yield from getattr(node, "directives", None) or ()
    for attribute in ("definitions", "selections"):
        for child in getattr(node, attribute, None) or ():
            yield from _directives(child)
    if (selection_set := getattr(node, "selection_set", None)) is not None:
        yield from _directives(selection_set)


def _walk(
    selection_set: SelectionSetNode,
    fragments: Mapping[str, FragmentDefinitionNode],
    variables: Mapping[str, Any],
    result: Measure,
    depth: int,
    multiplier: int,
    seen: tuple[str, ...],
) -> None:
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            name = selection.name.value
            if name.startswith("__"):
                continue  # introspection is exempt from depth and cost
            if selection.alias is not None:
                result.aliases += 1
            result.depth = max(result.depth, depth + 1)
            if selection.selection_set is None:
                continue
            size = _page_size(selection, variables, result)
            child_multiplier = multiplier
            if size is not None:  # a connection: it costs its parents' pages
                result.cost += multiplier
                child_multiplier = multiplier * max(size, 1)
            _walk(
                selection.selection_set,
                fragments,
                variables,
                result,
                depth + 1,
                child_multiplier,
                seen,
            )
        elif isinstance(selection, InlineFragmentNode):
            _walk(selection.selection_set, fragments, variables, result, depth, multiplier, seen)
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            if name in seen or name not in fragments:
                continue  # cycles and unknown fragments are validation's business
            _walk(
                fragments[name].selection_set,
                fragments,
                variables,
                result,
                depth,
                multiplier,
                (*seen, name),
            )


def _page_size(field: FieldNode, variables: Mapping[str, Any], result: Measure) -> int | None:
    """The page size of a connection field (first/last, or the default); None if not paged."""
    arguments = {argument.name.value: argument.value for argument in field.arguments or ()}
    paged = [name for name in PAGE_ARGUMENTS if name in arguments]
    if not paged:
        return DEFAULT_FIRST if _looks_like_connection(field) else None
    size = DEFAULT_FIRST
    for name in paged:
        value = arguments[name]
        if isinstance(value, IntValueNode):
            size = int(value.value)
        elif isinstance(value, VariableNode) and isinstance(variables.get(value.name.value), int):
            size = variables[value.name.value]
        if size > MAX_FIRST:
            result.page_errors.append(
                f"`{name}` on `{field.name.value}` is {size}; at most {MAX_FIRST}"
            )
    return size


def _looks_like_connection(field: FieldNode) -> bool:
    selections = field.selection_set.selections if field.selection_set else ()
    return any(
        isinstance(s, FieldNode) and s.name.value in ("edges", "pageInfo", "totalCount")
        for s in selections
    )


def problems_of(found: Measure) -> list[str]:
    """Why a request may not run, one message per limit it breaks; empty when it may."""
    problems = list(found.page_errors)
    if found.depth > MAX_DEPTH:
        problems.append(f"the query is {found.depth} levels deep; at most {MAX_DEPTH}")
    if found.aliases > MAX_ALIASES:
        problems.append(f"{found.aliases} aliases; at most {MAX_ALIASES}")
    if found.directives > MAX_DIRECTIVES:
        problems.append(f"{found.directives} directives; at most {MAX_DIRECTIVES}")
    if found.cost > MAX_COST:
        problems.append(f"the query costs {found.cost} points; at most {MAX_COST}")
    return problems


def limit_error(message: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": ErrorCode.LIMIT_EXCEEDED.value})


class RequestLimits(SchemaExtension):
    """Refuses over-limit requests before execution; records the cost for the response."""

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context.context
        document = self.execution_context.graphql_document
        if document is not None:
            found = measure(
                document,
                self.execution_context.operation_name,
                self.execution_context.variables or {},
            )
            problems = problems_of(found)
            remaining: int | None = None
            if isinstance(context, Context) and context.budget is not None:
                if problems:
                    remaining = context.budget.remaining(context.request, context.viewer)
                else:
                    charged = context.budget.charge(context.request, context.viewer, found.cost)
                    remaining = charged.remaining
                    if charged.retry_after is not None:
                        problems.append(
                            f"rate limit: this request costs {found.cost} points and "
                            f"{charged.remaining} remain; retry in {charged.retry_after} s"
                        )
                        if context.response is not None:
                            context.response.status_code = 429
                            context.response.headers["Retry-After"] = str(charged.retry_after)
            if problems and self.execution_context.operation_type is OperationType.SUBSCRIPTION:
                # Strawberry starts a subscription whatever result this hook sets; an error
                # raised here is what reaches the subscriber instead.
                raise limit_error("; ".join(problems))
            if problems:
                self.execution_context.result = GraphQLExecutionResult(
                    data=None, errors=[limit_error(problem) for problem in problems]
                )
            # Over a WebSocket there is no response to carry it: only HTTP answers say the cost.
            if isinstance(context, Context) and context.response is not None:
                headers = context.response.headers
                headers["X-Cost-Requested"] = str(found.cost)
                headers["X-Cost-Limit"] = str(MAX_COST)
                if remaining is not None:
                    headers["X-Cost-Remaining"] = str(remaining)
                    record_cost(context.request.scope, Cost(found.cost, remaining))
        yield
