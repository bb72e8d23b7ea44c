"""The rule registry: each rule is a small function registered with `@rule`.

A rule has a stable id, a scope (which element pair it is called with) and a level. Schema rules
are called for request and response schemas alike, so they give one level per direction:
tightening a request is breaking while tightening a response is harmless, and the other way
round. A rule that gives no level for a direction is not run in that direction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal, TypeVar

from conformance.diff.context import (
    DocumentPair,
    OperationPair,
    ParameterPair,
    PathPair,
    ResponsePair,
    SchemaPair,
)
from conformance.diff.model import Finding, Level

Scope = Literal["document", "path", "operation", "parameter", "response", "schema"]
SCOPES: tuple[Scope, ...] = ("document", "path", "operation", "parameter", "response", "schema")
Pair = DocumentPair | PathPair | OperationPair | ParameterPair | ResponsePair | SchemaPair
P = TypeVar("P", bound=Pair)
RuleFn = Callable[[P], Iterable[Finding]]  # P: the pair type of the rule's scope
ANY = "any"


@dataclass(frozen=True)
class Rule:
    id: str
    scope: Scope
    levels: Mapping[str, Level]  # direction ("request"/"response") or ANY -> level
    summary: str
    oasdiff: str
    # The pair a rule takes depends on its scope; the comparer hands each rule its scope's pairs.
    fn: Callable[..., Iterable[Finding]] = field(repr=False, compare=False)

    def level_for(self, direction: str | None) -> Level | None:
        if ANY in self.levels:
            return self.levels[ANY]
        if direction is None:
            return None
        return self.levels.get(direction)

    def describe_level(self) -> str:
        if ANY in self.levels:
            return self.levels[ANY]
        return ", ".join(f"{direction}: {level}" for direction, level in self.levels.items())


RULES: dict[str, Rule] = {}


def rule(
    rule_id: str,
    *,
    scope: Scope,
    summary: str,
    oasdiff: str,
    level: Level | None = None,
    request: Level | None = None,
    response: Level | None = None,
) -> Callable[[RuleFn[P]], RuleFn[P]]:
    """Register a rule function under a stable id."""
    levels: dict[str, Level] = {}
    if level is not None:
        levels[ANY] = level
    if request is not None:
        levels["request"] = request
    if response is not None:
        levels["response"] = response
    if not levels:
        raise ValueError(f"rule {rule_id}: give a level or per-direction levels")

    def register(fn: RuleFn[P]) -> RuleFn[P]:
        if rule_id in RULES:
            raise ValueError(f"duplicate rule id {rule_id!r}")
        RULES[rule_id] = Rule(rule_id, scope, levels, summary, oasdiff, fn)
        return fn

    return register


def rules_for(scope: Scope, direction: str | None = None) -> list[Rule]:
    return [
        r
        for r in RULES.values()
        if r.scope == scope and (direction is None or r.level_for(direction) is not None)
    ]
