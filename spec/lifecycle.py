"""The state table of `lifecycle.yaml` as lookups.

The mock asks `refusal()` before it acts; the stateful model asks `next_state()` to predict; the
coverage report counts `transitions` and `states`. All three read the same file.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from spec.loader import LIFECYCLE_PATH, SpecError, load_yaml
from spec.vocabulary import Vocabulary


@dataclass(frozen=True)
class Transition:
    id: str
    entity: str
    source: str | None  # None: the resource is being created
    target: str
    operations: tuple[str, ...]
    when: str | None


@dataclass(frozen=True)
class Refusal:
    rule: str
    entity: str
    states: tuple[str, ...]
    operation: str
    status: int
    reason: str
    when: str | None

    @property
    def message(self) -> str:
        return f"{self.reason} [{self.rule}]"


@dataclass(frozen=True)
class BusinessRule:
    rule: str
    operation: str
    status: int
    reason: str


class Lifecycle:
    def __init__(self, document: dict[str, Any]) -> None:
        try:
            self.entities: dict[str, dict[str, Any]] = document["entities"]
            self.transitions = tuple(
                Transition(
                    id=t["id"],
                    entity=t["entity"],
                    source=t["from"],
                    target=t["to"],
                    operations=tuple(t["operations"]),
                    when=t.get("when"),
                )
                for t in document["transitions"]
            )
            self.refusals = tuple(
                Refusal(
                    rule=f["rule"],
                    entity=f["entity"],
                    states=tuple(f["from"]),
                    operation=f["operation"],
                    status=int(f["status"]),
                    reason=f["reason"],
                    when=f.get("when"),
                )
                for f in document["forbidden"]
            )
            self.rules = {
                r["rule"]: BusinessRule(r["rule"], r["operation"], int(r["status"]), r["reason"])
                for r in document.get("rules", [])
            }
            self.noops = tuple(document.get("noops", []))
        except (KeyError, TypeError) as exc:
            raise SpecError(f"lifecycle table is missing {exc}") from exc
        self._check_states()

    def _check_states(self) -> None:
        for t in self.transitions:
            known = self.states(t.entity)
            for state in (t.source, t.target):
                if state is not None and state not in known:
                    raise SpecError(f"transition {t.id}: unknown {t.entity} state {state!r}")
        for r in self.refusals:
            unknown = set(r.states) - set(self.states(r.entity))
            if unknown:
                raise SpecError(f"rule {r.rule}: unknown {r.entity} states {sorted(unknown)}")

    # ------------------------------------------------------------------ states
    def states(self, entity: str) -> tuple[str, ...]:
        return tuple(self.entities[entity]["states"])

    @staticmethod
    def derive_order_status(item_statuses: list[str], held: bool) -> str:
        """`entities.order.derived` of lifecycle.yaml, the one implementation the mock and the
        lifecycle model both use: the order status from its items' statuses and the hold."""
        if item_statuses and all(s == "Cancelled" for s in item_statuses):
            return "Cancelled"
        if held:
            return "CustomerCareHold"
        live = [s for s in item_statuses if s != "Cancelled"]
        if live and all(s == "Fulfilled" for s in live):
            return "Fulfilled"
        if any(s in ("Processing", "Fulfilled") for s in live):
            return "Processing"
        return "Open"

    def schema_of(self, entity: str) -> str:
        """The spec schema that puts `entity`'s states on the wire (`ShipmentStatus`)."""
        return str(self.entities[entity]["schema"])

    def wire(self, words: Vocabulary, entity: str, state: str) -> Any:
        """What the API sends for `state`, as the spec (after any overlay) spells it."""
        return words.wire(self.schema_of(entity), state)

    def state_of(self, words: Vocabulary, entity: str, value: Any) -> str | None:
        """The state a wire value stands for, however the spec spells it; None if unknown."""
        name = words.name_of(self.schema_of(entity), value)
        return name if name in self.states(entity) else None

    # ------------------------------------------------------------------ lookups
    def refusal(
        self, entity: str, state: str, operation: str, when: str | None = None
    ) -> Refusal | None:
        """The rule that forbids `operation` on an `entity` in `state`, if any.

        A refusal with a `when` applies only to that variant of the operation (e.g. setting a
        package's shippedDate); one without applies to every call.
        """
        for r in self.refusals:
            applies = r.entity == entity and r.operation == operation and state in r.states
            if applies and r.when in (None, when):
                return r
        return None

    def rule(self, name: str) -> BusinessRule:
        return self.rules[name]

    def find_transition(
        self, entity: str, source: str | None, target: str, operation: str
    ) -> Transition | None:
        for t in self.transitions:
            if (
                t.entity == entity
                and t.source == source
                and t.target == target
                and operation in t.operations
            ):
                return t
        return None

    def target_of(self, entity: str, operation: str) -> str | None:
        """The one state `operation` moves an existing `entity` to, or None (several, none)."""
        targets = {
            t.target
            for t in self.transitions
            if t.entity == entity and operation in t.operations and t.source is not None
        }
        return targets.pop() if len(targets) == 1 else None

    def sources_of(self, entity: str, operation: str) -> set[str | None]:
        """The states from which `operation` moves an `entity` (None: creates it)."""
        return {
            t.source for t in self.transitions if t.entity == entity and operation in t.operations
        }

    def created_state(self, entity: str) -> str:
        """The state an `entity` is created in."""
        return next(t.target for t in self.transitions if t.entity == entity and t.source is None)

    def all_states(self) -> tuple[tuple[str, str], ...]:
        return tuple((e, s) for e in self.entities for s in self.states(e))


@functools.lru_cache(maxsize=4)
def _load_cached(path: str) -> Lifecycle:
    try:
        document = load_yaml(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise SpecError(f"cannot read lifecycle table {path}: {exc.strerror}") from exc
    return Lifecycle(document)


def load_lifecycle(path: Path | str = LIFECYCLE_PATH) -> Lifecycle:
    return _load_cached(str(Path(path).resolve()))


def names_rule(body: object, rules: set[str]) -> bool:
    """Whether an error body names one of `rules`, as a value of its own (`rule: ...`) or as
    `[rule]` in a text, wherever its shape puts it: the error body's shape is the spec's."""
    if isinstance(body, dict):
        return any(names_rule(value, rules) for value in body.values())
    if isinstance(body, list):
        return any(names_rule(value, rules) for value in body)
    return isinstance(body, str) and (body in rules or any(f"[{r}]" in body for r in rules))
