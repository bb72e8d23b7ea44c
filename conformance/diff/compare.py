"""Walk two OpenAPI documents side by side and run every registered rule on each element pair.

The walk goes paths -> operations -> parameters, request body, responses -> media types ->
schemas (recursively through properties, items, additionalProperties and oneOf/anyOf members).
`$ref`s are followed with `spec.loader.Spec.pointer`; a `$ref` already on the current schema
path stops the recursion, so recursive schemas terminate.

Provenance: when the OLD element, or anything above it on the way (operation, parameter,
schema, property), is `x-provenance: inferred`, the change is reported at level info with a
suffix explaining it is a change to our reconstruction, and `inferred=True`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from conformance.diff import (
    rules_api,
    rules_bounds,
    rules_composition,
    rules_content,
    rules_keywords,
    rules_lifecycle,
    rules_messages,
    rules_properties,
    rules_schema,
    rules_stability,
)
from conformance.diff.children import children
from conformance.diff.context import (
    DocumentPair,
    OperationPair,
    ParameterPair,
    ParamRef,
    PathPair,
    Resolved,
    ResponsePair,
    SchemaPair,
    flatten,
    is_inferred,
    join,
    resolve,
)
from conformance.diff.model import INFERRED_SUFFIX, Change, Finding
from conformance.diff.paths import grouped, matched, placeholders
from conformance.diff.policy import Policy, lowering, unstable_level
from conformance.diff.registry import Rule, rules_for
from spec.loader import Spec

# The rule modules register themselves on import.
_RULE_MODULES = (
    rules_api,
    rules_bounds,
    rules_composition,
    rules_content,
    rules_keywords,
    rules_lifecycle,
    rules_messages,
    rules_properties,
    rules_schema,
    rules_stability,
)
METHODS = rules_api.METHODS
# A webhook's request is sent by the API and its response by the client: the other way round.
FLIP = {"request": "response", "response": "request"}


class _Collector:
    def __init__(self) -> None:
        self.changes: list[Change] = []
        self._seen: set[Change] = set()
        self.section: str | None = None  # docs section of the operation being walked
        self.stability: str | None = None  # the walked operation's OLD level, when below stable
        self.found = 0  # findings so far, duplicates included

    def run(
        self,
        rules: Iterable[Rule],
        pair: Any,
        operation: str | None,
        inferred: bool,
        direction: str | None = None,
    ) -> None:
        for rule in rules:
            level = rule.level_for(direction)
            if level is None:
                continue
            for finding in rule.fn(pair):
                self.add(rule, level, finding, operation, inferred, direction)

    def add(
        self,
        rule: Rule,
        level: str,
        finding: Finding,
        operation: str | None,
        inferred: bool,
        direction: str | None = None,
    ) -> None:
        self.found += 1
        inferred = inferred or finding.inferred
        lowered = None if inferred else lowering(rule.id, level, finding.lowered, self.stability)
        message = finding.message + (INFERRED_SUFFIX if inferred else "")
        message += lowered[1] if lowered else ""
        change = Change(
            id=rule.id,
            level="info" if inferred or lowered else level,  # type: ignore[arg-type]
            operation=finding.operation or operation,
            location=finding.location,
            message=message,
            inferred=inferred,
            direction=direction,
            section=self.section,
            lowered=lowered[0] if lowered else None,
        )
        if change not in self._seen:
            self._seen.add(change)
            self.changes.append(change)


class Comparer:
    def __init__(self, old: Spec, new: Spec, policy: Policy | None = None) -> None:
        self.old = old
        self.new = new
        self.policy = policy or Policy()
        self.out = _Collector()
        self.root = "paths"
        self._clean: set[tuple[Any, ...]] = set()
        self._rule_lists: dict[tuple[str, str], list[Rule]] = {}

    def _rules(self, scope: Any, direction: str) -> list[Rule]:
        key = (scope, direction)
        if key not in self._rule_lists:
            self._rule_lists[key] = rules_for(scope, direction)
        return self._rule_lists[key]

    # ------------------------------------------------------------------ top level
    def compare(self) -> list[Change]:
        self.out.run(rules_for("document"), DocumentPair(self.old, self.new), None, False)
        for root in ("paths", "webhooks"):
            self.root = root
            old_groups = grouped(self.old, self.old.document.get(root) or {})
            new_groups = grouped(self.new, self.new.document.get(root) or {})
            for old, new in matched(old_groups, new_groups):
                self._path(
                    old[0] if old else None,
                    new[0] if new else None,
                    old[1] if old else None,
                    new[1] if new else None,
                )
        return sorted(self.out.changes, key=Change.sort_key)

    def _direction(self, direction: str) -> str:
        return FLIP[direction] if self.root == "webhooks" else direction

    def _path(self, old_path: str | None, new_path: str | None, old_raw: Any, new_raw: Any) -> None:
        path = str(new_path or old_path)
        old_ptr = join("", self.root, str(old_path))
        new_ptr = join("", self.root, path)
        ptr = new_ptr if new_raw is not None else old_ptr
        old = resolve(self.old, old_raw, old_ptr) if old_raw is not None else None
        new = resolve(self.new, new_raw, new_ptr) if new_raw is not None else None
        old_item = old.node if old else None
        new_item = new.node if new else None
        old_ops = [old_item[m] for m in METHODS if isinstance(old_item, dict) and m in old_item]
        inferred = bool(old_ops) and all(is_inferred(op) for op in old_ops)
        pair = PathPair(
            path,
            old_item,
            new_item,
            old.pointer if old else ptr,
            new.pointer if new else ptr,
            inferred,
            self.root,
            self.policy,
        )
        self.out.section = _section(old_item) or _section(new_item)
        self.out.run(rules_for("path"), pair, None, inferred)
        if not isinstance(old_item, dict) or not isinstance(new_item, dict) or not old or not new:
            return
        for method in METHODS:
            if isinstance(old_item.get(method), dict) and isinstance(new_item.get(method), dict):
                self._operation(
                    (str(old_path), path), method, old_item, new_item, old.pointer, new.pointer
                )

    # ------------------------------------------------------------------ operation
    def _params(
        self,
        spec: Spec,
        path: str,
        item: dict[str, Any],
        op: dict[str, Any],
        ptrs: tuple[str, str],
    ) -> dict[tuple[str, str], ParamRef]:
        params: dict[tuple[str, str], ParamRef] = {}
        slots = {name: f"{{{index}}}" for index, name in enumerate(placeholders(path))}
        for base, nodes in ((ptrs[0], item.get("parameters")), (ptrs[1], op.get("parameters"))):
            for index, raw in enumerate(nodes or []):
                target = resolve(spec, raw, join(base, "parameters", index))
                if isinstance(target.node, dict):
                    node = target.node
                    slot = slots.get(str(node.get("name"))) if node.get("in") == "path" else None
                    ref = ParamRef(node, target.pointer, target.inferred, slot)
                    params[ref.key] = ref  # operation-level parameters override path-level ones
        return params

    def _operation(
        self,
        paths: tuple[str, str],
        method: str,
        old_item: dict[str, Any],
        new_item: dict[str, Any],
        old_item_ptr: str,
        new_item_ptr: str,
    ) -> None:
        old_op, new_op = old_item[method], new_item[method]
        old_ptr, new_ptr = join(old_item_ptr, method), join(new_item_ptr, method)
        path = paths[1]
        name = (
            f"{method.upper()} {path}"
            if self.root == "paths"
            else f"{method.upper()} {path} (webhook)"
        )
        inferred = is_inferred(old_op)
        self.out.stability = unstable_level(old_op)
        tags = new_op.get("tags") or old_op.get("tags") or []
        self.out.section = str(tags[0]) if tags else new_op.get("x-docs-title")
        pair = OperationPair(
            operation=name,
            old=old_op,
            new=new_op,
            old_pointer=old_ptr,
            new_pointer=new_ptr,
            old_security=old_op.get("security", self.old.document.get("security") or []),
            new_security=new_op.get("security", self.new.document.get("security") or []),
            old_params=self._params(self.old, paths[0], old_item, old_op, (old_item_ptr, old_ptr)),
            new_params=self._params(self.new, path, new_item, new_op, (new_item_ptr, new_ptr)),
            old_body=self._body(self.old, old_op, old_ptr),
            new_body=self._body(self.new, new_op, new_ptr),
            inferred=inferred,
            policy=self.policy,
        )
        self.out.run(rules_for("operation"), pair, name, inferred)
        for key, old_param in pair.old_params.items():
            new_param = pair.new_params.get(key)
            if new_param is None:
                continue
            p_inferred = inferred or old_param.inferred
            self.out.run(
                rules_for("parameter"),
                ParameterPair(name, old_param, new_param, p_inferred),
                name,
                p_inferred,
            )
            self._schema(
                name,
                self._direction("request"),
                f"{key[1]} parameter `{new_param.name}`",
                (old_param.node.get("schema", {}), join(old_param.pointer, "schema")),
                (new_param.node.get("schema", {}), join(new_param.pointer, "schema")),
                p_inferred,
                kind="parameter",
            )
        if pair.old_body is not None and pair.new_body is not None:
            self._content(
                name,
                self._direction("request"),
                "request body",
                pair.old_body,
                pair.new_body,
                inferred or pair.old_body.inferred,
            )
        self._responses(name, old_op, new_op, old_ptr, new_ptr, inferred)
        self.out.stability = None

    def _body(self, spec: Spec, op: dict[str, Any], op_ptr: str) -> Resolved | None:
        if "requestBody" not in op:
            return None
        return resolve(spec, op["requestBody"], join(op_ptr, "requestBody"))

    def _content(
        self, operation: str, direction: str, subject: str, old: Resolved, new: Resolved, inf: bool
    ) -> None:
        old_content = old.node.get("content") or {} if isinstance(old.node, dict) else {}
        new_content = new.node.get("content") or {} if isinstance(new.node, dict) else {}
        for media, old_media in old_content.items():
            new_media = new_content.get(media)
            if not isinstance(old_media, dict) or not isinstance(new_media, dict):
                continue
            if "schema" not in old_media or "schema" not in new_media:
                continue
            label = subject if media == "application/json" else f"{subject} ({media})"
            self._schema(
                operation,
                direction,
                label,
                (old_media["schema"], join(old.pointer, "content", media, "schema")),
                (new_media["schema"], join(new.pointer, "content", media, "schema")),
                inf,
            )

    def _responses(
        self,
        operation: str,
        old_op: dict[str, Any],
        new_op: dict[str, Any],
        old_ptr: str,
        new_ptr: str,
        inferred: bool,
    ) -> None:
        old_responses = old_op.get("responses") or {}
        new_responses = new_op.get("responses") or {}
        for status, old_raw in old_responses.items():
            if status not in new_responses:
                continue
            old = resolve(self.old, old_raw, join(old_ptr, "responses", status))
            new = resolve(self.new, new_responses[status], join(new_ptr, "responses", status))
            if not isinstance(old.node, dict) or not isinstance(new.node, dict):
                continue
            r_inferred = inferred or old.inferred
            pair = ResponsePair(
                operation,
                str(status),
                old,
                new,
                self._links(self.old, old.node),
                self._links(self.new, new.node),
                r_inferred,
            )
            self.out.run(rules_for("response"), pair, operation, r_inferred)
            self._content(
                operation, self._direction("response"), f"response {status}", old, new, r_inferred
            )

    @staticmethod
    def _links(spec: Spec, response: dict[str, Any]) -> dict[str, Any]:
        links = response.get("links") or {}
        return {name: resolve(spec, link, "").node for name, link in links.items()}

    # ------------------------------------------------------------------ schemas
    def _schema(
        self,
        operation: str,
        direction: str,
        subject: str,
        old: tuple[Any, str],
        new: tuple[Any, str],
        inferred: bool,
        path: str = "",
        stacks: tuple[frozenset[str], frozenset[str]] = (frozenset(), frozenset()),
        kind: str = "body",
    ) -> None:
        old_flat = flatten(self.old, old[0], old[1], stacks[0])
        new_flat = flatten(self.new, new[0], new[1], stacks[1])
        if old_flat is None or new_flat is None:
            return  # a $ref cycle: this schema is already being compared further up
        # A shared component reached again the same way found nothing last time either.
        clean_key = (old_flat.pointer, new_flat.pointer, direction, kind, bool(path), stacks)
        if clean_key in self._clean:
            return
        before = self.out.found
        inferred = inferred or old_flat.inferred
        pair = SchemaPair(operation, direction, subject, path, old_flat, new_flat, inferred, kind)
        if not old_flat.same_as(new_flat):
            self.out.run(self._rules("schema", direction), pair, operation, inferred, direction)
        self._children(pair, (stacks[0] | old_flat.refs, stacks[1] | new_flat.refs))
        if self.out.found == before:
            self._clean.add(clean_key)

    def _children(self, pair: SchemaPair, inner: tuple[frozenset[str], frozenset[str]]) -> None:
        operation, direction, subject = str(pair.operation), pair.direction, pair.subject
        inferred = pair.inferred
        for child_path, old_child, new_child, child_inferred in children(pair):
            self._schema(
                operation,
                direction,
                subject,
                old_child,
                new_child,
                inferred or child_inferred,
                child_path,
                inner,
            )


def _section(item: Any) -> str | None:
    """The docs section of a path item: its first operation's first tag."""
    ops = [item[m] for m in METHODS if isinstance(item, dict) and isinstance(item.get(m), dict)]
    tags = next((op.get("tags") for op in ops if op.get("tags")), None)
    return str(tags[0]) if tags else None


def compare_specs(old: Spec, new: Spec, policy: Policy | None = None) -> list[Change]:
    """All changes from `old` to `new`, most severe first (`policy` carries the date)."""
    return Comparer(old, new, policy).compare()
