"""The lifecycle picture: spec/lifecycle.yaml as an SVG state diagram, coloured by this run.

QA looks here first to see what a run exercised: every state, every allowed transition and every
forbidden one (a refusal rule, drawn from each state it applies to), each coloured covered,
failed or not reached. Graphviz lays it out; the DOT is generated, no box is placed by hand.
The renderer is @viz-js/viz under Node (arrives with `npm ci`), else Debian's `dot`.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from conformance.node_tools import package_dir
from spec import Lifecycle

RENDER_SCRIPT = Path(__file__).with_name("render_dot.mjs")
VIZ = "@viz-js/viz"
NO_RENDERER = (
    "no Graphviz renderer (`npm ci` installs @viz-js/viz, or apt-get install graphviz):"
    " skipped lifecycle.svg"
)
COLOURS = {"covered": "#2e7d32", "failed": "#c62828", "unreached": "#9e9e9e"}
FILLS = {"covered": "#c8e6c9", "failed": "#ffcdd2", "unreached": "#eeeeee"}


def status_of(name: str, covered: set[str], failed: set[str]) -> str:
    if name in failed:
        return "failed"
    return "covered" if name in covered else "unreached"


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _attrs(**values: str) -> str:
    return "[" + ", ".join(f"{key}={_quote(value)}" for key, value in values.items()) + "]"


def _entity_lines(lifecycle: Lifecycle, entity: str, coverage: Mapping[str, Any]) -> list[str]:
    covered_states, failed = set(coverage["states"]), set(coverage["failed"])
    covered_moves = set(coverage["transitions"]) | set(coverage["refusals"])
    field = lifecycle.entities[entity].get("field", "status")
    lines = [f"subgraph {_quote('cluster_' + entity)} {{", f"label={_quote(f'{entity}.{field}')};"]
    lines.append(
        f"{_quote(entity + '.new')} {_attrs(shape='point', label='', id='start:' + entity)};"
    )
    lines.append(
        f"{_quote(entity + '.refused')} "
        + _attrs(
            shape="octagon",
            label="refused\n(no change)",
            id="refused:" + entity,
            fontcolor=COLOURS["failed"],
            color=COLOURS["failed"],
            style="dashed",
        )
    )
    for state in lifecycle.states(entity):
        name = f"{entity}.{state}"
        status = status_of(name, covered_states, set())
        lines.append(
            f"{_quote(name)} "
            + _attrs(
                label=state,
                id=f"state:{name}",
                **{"class": status},
                fillcolor=FILLS[status],
                color=COLOURS[status],
            )
        )
    for t in lifecycle.transitions:
        if t.entity != entity:
            continue
        status = status_of(t.id, covered_moves, failed)
        source = f"{entity}.{t.source}" if t.source else f"{entity}.new"
        lines.append(
            f"{_quote(source)} -> {_quote(f'{entity}.{t.target}')} "
            + _attrs(
                label=t.id.split(".", 1)[1],
                id=f"transition:{t.id}",
                **{"class": status},
                color=COLOURS[status],
                fontcolor=COLOURS[status],
                tooltip=f"{t.id}: {', '.join(t.operations)}" + (f" ({t.when})" if t.when else ""),
            )
        )
    for r in lifecycle.refusals:
        if r.entity != entity:
            continue
        status = status_of(r.rule, covered_moves, failed)
        for state in r.states:
            lines.append(
                f"{_quote(f'{entity}.{state}')} -> {_quote(entity + '.refused')} "
                + _attrs(
                    label=r.rule,
                    id=f"refusal:{r.rule}:{state}",
                    **{"class": status},
                    color=COLOURS[status],
                    fontcolor=COLOURS[status],
                    style="dashed",
                    arrowhead="tee",
                    tooltip=f"{r.operation} answers {r.status}: {r.reason}",
                )
            )
    lines.append("}")
    return lines


def dot_source(lifecycle: Lifecycle, coverage: Mapping[str, Any]) -> str:
    """DOT for the state table; `coverage` is summary.json's `lifecycle` (covered and failed)."""
    lines = [
        "digraph lifecycle {",
        'rankdir=LR; fontname="Helvetica"; labelloc=t;',
        'label="OrderMesh lifecycle (spec/lifecycle.yaml): green covered, red failed, grey not'
        ' reached; dashed = forbidden (refusal rule)";',
        'node [shape=box, style="rounded,filled", fontname="Helvetica"];',
        'edge [fontname="Helvetica", fontsize=9];',
    ]
    for entity in lifecycle.entities:
        if any(t.entity == entity for t in lifecycle.transitions):
            lines += _entity_lines(lifecycle, entity, coverage)
    lines.append("}")
    return "\n".join(lines) + "\n"


def renderer() -> list[str] | None:
    """The command that turns DOT on stdin into SVG on stdout, or None."""
    node_modules = package_dir(VIZ)
    if node_modules is not None and shutil.which("node"):
        return ["node", str(RENDER_SCRIPT), str(node_modules)]
    if shutil.which("dot"):
        return ["dot", "-Tsvg"]
    return None


def write_lifecycle_svg(
    path: Path, lifecycle: Lifecycle, coverage: Mapping[str, Any]
) -> str | None:
    """Write the picture. Returns a one-line problem description, or None when written."""
    command = renderer()
    if command is None:
        return NO_RENDERER
    try:
        done = subprocess.run(
            command,
            input=dot_source(lifecycle, coverage),
            capture_output=True,
            text=True,
            timeout=120,
            cwd=RENDER_SCRIPT.parent,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        return f"lifecycle.svg not rendered: {type(exc).__name__}: {exc}"
    if done.returncode != 0 or "<svg" not in done.stdout:
        return f"lifecycle.svg not rendered ({command[0]}): {done.stderr.strip()[:200]}"
    path.write_text(done.stdout, encoding="utf-8")
    return None
