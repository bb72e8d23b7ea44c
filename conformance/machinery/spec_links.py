"""Each link of the spec, followed once on purpose: the plan, and the linked case.

Schemathesis' link-following phase (suites/test_links.py) walks the links at random within a
budget of steps. A walk starts at any operation, and a start step without real resources is
answered 404, from which no link leads: within a run's budget most links are never followed.
So each link the spec declares is also followed once: its source operation is called with a
prepared positive case, the link's parameters are taken from that answer by Schemathesis' own
`OpenApiLink.extract`, and the target is called with them (suites/test_links.py).

The links are Schemathesis' `collect_transitions` over the run's schema, so `--include`,
`--exclude` and `--read-only` select them as they select the operations; links it infers are
not the spec's and are left to the walks.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from hypothesis import strategies as st
from schemathesis import GenerationMode, Response
from schemathesis.core import NOT_SET
from schemathesis.core.result import Ok
from schemathesis.generation.stateful.state_machine import StepOutput
from schemathesis.specs.openapi.stateful import collect_transitions
from schemathesis.specs.openapi.stateful.links import OpenApiLink

if TYPE_CHECKING:
    from schemathesis import BaseSchema
    from schemathesis.specs.openapi.schemas import OpenApiCase


@dataclass(frozen=True)
class PlannedLink:
    """One link of the spec: from `source`'s `status` answer, by `name`, to `target`."""

    source: str  # operationId
    status: str
    name: str
    target: str  # operationId
    transition: str  # Schemathesis' id of it: "METHOD /path -> [status] Name -> METHOD /path"

    @property
    def id(self) -> str:
        return f"{self.source}-{self.status}-{self.name}"

    @property
    def title(self) -> str:
        return f"{self.source}: {self.status} -> {self.name} -> {self.target}"


def short_title(link_id: str) -> str:
    """`source: status -> Name` from a PlannedLink id (JUnit names a test by its parameter)."""
    source, status, name = link_id.split("-", 2)
    return f"{source}: {status} -> {name}"


def spec_links(schema: BaseSchema) -> dict[str, OpenApiLink]:
    """The spec's links among the schema's operations, by PlannedLink id."""
    # An operation the schema cannot build is the property tests' to report, not the links'.
    operations = [result.ok() for result in schema.get_all_operations() if isinstance(result, Ok)]
    found: dict[str, OpenApiLink] = {}
    for transitions in collect_transitions(operations).operations.values():
        for link in transitions.outgoing:
            if not link.is_inferred:
                found[planned(link).id] = link
    return found


def planned(link: OpenApiLink) -> PlannedLink:
    return PlannedLink(
        _operation_id(link.source.definition.raw, link.source.label),
        link.status_code,
        link.name,
        _operation_id(link.target.definition.raw, link.target.label),
        link.full_name,
    )


def _operation_id(raw: dict[str, Any], label: str) -> str:
    operation_id = raw.get("operationId")
    return operation_id if isinstance(operation_id, str) else label


def linked_strategy(
    link: OpenApiLink, source: OpenApiCase, answer: Response
) -> tuple[st.SearchStrategy[OpenApiCase], dict[str, Any]]:
    """Positive cases of the link's target with what the link takes from `answer` filled in,
    and those values by name. A value the answer did not hold is left to the strategy."""
    transition = link.extract(StepOutput(answer, source))
    filled: dict[str, dict[str, Any]] = {}
    for part, values in transition.parameters.items():
        for name, extracted in values.items():
            if isinstance(extracted.value, Ok):
                filled.setdefault(part, {})[name] = extracted.value.ok()
    body: Any = NOT_SET
    if transition.request_body is not None and isinstance(transition.request_body.value, Ok):
        body = transition.request_body.value.ok()
    strategy = link.target.as_strategy(
        GenerationMode.POSITIVE,
        path_parameters=filled.get("path_parameters"),
        query=filled.get("query"),
        headers=filled.get("headers"),
        cookies=filled.get("cookies"),
        body=body,
    )
    taken = {name: value for values in filled.values() for name, value in values.items()}
    return strategy, taken
