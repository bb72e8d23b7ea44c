"""`x-audit` id expressions: which resources a mutating call touches.

The mock (to write the events) and the audit checks (to expect them) both read this, so they can
never disagree on what `$response.body#/results/*/id` means.
"""

from __future__ import annotations

from typing import Any


def _walk(node: Any, parts: list[str]) -> list[Any]:
    if not parts:
        return [node]
    head, rest = parts[0], parts[1:]
    if head == "*":
        if isinstance(node, list):
            return [v for item in node for v in _walk(item, rest)]
        return []
    if isinstance(node, dict) and head in node:
        return _walk(node[head], rest)
    if isinstance(node, list) and head.isdigit() and int(head) < len(node):
        return _walk(node[int(head)], rest)
    return []


def audit_ids(
    expression: str,
    path_params: dict[str, Any],
    body: Any,
    response: Any,
) -> list[str]:
    """Evaluate an `x-audit` id expression (runtime-expression style) to resource ids.

    Bulk envelopes: with `results` in the response, only successful entries count, so
    `$request.body#/bulk/*/x` keeps the inputs whose result succeeded.
    """
    if expression.startswith("$request.path."):
        value = path_params.get(expression.removeprefix("$request.path."))
        return [value] if isinstance(value, str) else []
    source, _, pointer = expression.partition("#")
    parts = [p for p in pointer.split("/") if p]
    root = body if source == "$request.body" else response
    if source not in ("$request.body", "$response.body"):
        raise ValueError(f"unsupported x-audit expression {expression!r}")
    results = response.get("results") if isinstance(response, dict) else None
    if isinstance(results, list) and "*" in parts:
        star = parts.index("*")
        container = _walk(root, parts[:star])
        items = container[0] if container and isinstance(container[0], list) else []
        ids: list[str] = []
        for index, item in enumerate(items):
            ok = index < len(results) and results[index].get("success") is True
            if ok:
                ids.extend(v for v in _walk(item, parts[star + 1 :]) if isinstance(v, str))
        return ids
    return [v for v in _walk(root, parts) if isinstance(v, str)]
