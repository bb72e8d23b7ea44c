"""The spec covers exactly the docs sidebar, and keeps the docs-confirmed paths verbatim."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

SEED_DIR = Path(__file__).resolve().parents[2] / "spec" / "sources" / "seed-pages"
SECTIONS = {"Notes", "OrderItems", "Orders", "Packing Slip", "Shipments", "Client", "User"}


def sidebar_entries(page: Path) -> list[tuple[str, str]]:
    """(section, entry) pairs of the operations part of a seed page's sidebar."""
    entries, section = [], None
    for line in page.read_text(encoding="utf-8").splitlines():
        if match := re.fullmatch(r"  • (.+)", line):
            section = match.group(1) if match.group(1) in SECTIONS else None
        elif section and (match := re.fullmatch(r"    • (.+)", line)):
            entries.append((section, match.group(1)))
    return entries


@pytest.fixture(scope="module")
def sidebar() -> list[tuple[str, str]]:
    pages = sorted(SEED_DIR.glob("*.txt"))
    assert len(pages) == 2, f"expected the two seed pages in {SEED_DIR}"
    first, second = (sidebar_entries(p) for p in pages)
    assert first == second, "the two seed pages disagree on the sidebar"
    return first


def test_sidebar_has_49_operations(sidebar):
    counts = Counter(section for section, _ in sidebar)
    assert counts == {
        "Notes": 6,
        "OrderItems": 1,
        "Orders": 17,
        "Packing Slip": 1,
        "Shipments": 21,
        "Client": 1,
        "User": 2,
    }


def test_docs_titles_match_the_sidebar_exactly(spec, sidebar):
    from_spec = Counter((op.tag, op.docs_title) for op in spec.operations)
    assert from_spec == Counter(sidebar)


def test_operation_ids_are_unique_and_one_tag_each(spec):
    ids = [op.operation_id for op in spec.operations]
    assert len(ids) == len(set(ids)) == 49
    for op in spec.operations:
        assert len(op.raw["tags"]) == 1, op.operation_id


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/v1/orders"),
        ("POST", "/v1/orders/{orderId}/cancel"),
        ("POST", "/v1/orders/refund"),
        ("POST", "/user/v1/login"),
        ("POST", "/user/v1/clients/token"),
        ("POST", "/v1/notes"),
        ("GET", "/v1/notes"),
        ("GET", "/v1/notes/{noteId}"),
        ("PUT", "/v1/notes/{id}"),
        ("DELETE", "/v1/notes/{id}"),
        ("GET", "/v1/notes/{id}/auditLogs"),
    ],
)
def test_confirmed_paths_are_verbatim(spec, method, path):
    matches = [op for op in spec.operations if op.method == method and op.docs_path == path]
    assert len(matches) == 1
    assert matches[0].provenance in ("docs", "seed")


def test_notes_are_titled_by_their_docs_path(spec):
    for op in spec.operations:
        if op.tag == "Notes":
            assert op.docs_title == op.docs_path


def test_a_docs_path_differs_from_the_path_only_in_parameter_names(spec):
    renamed = [op for op in spec.operations if op.docs_path != op.path]
    assert {op.operation_id for op in renamed} == {"updateNote", "deleteNote"}
    for op in renamed:
        assert spec.resource_path(op.docs_path) == spec.resource_path(op.path)


def test_duplicate_audit_title_is_two_distinct_operations(spec):
    twins = [
        op for op in spec.operations if op.docs_title == "Retrieve audit logs for a specific order."
    ]
    assert len(twins) == 2
    assert len({op.path for op in twins}) == 2
    assert all(op.provenance_note for op in twins), "the reason they differ must be recorded"


def test_cancel_and_refund_answer_exactly_the_seed_codes(spec):
    assert spec.operation("cancelOrder").documented_statuses == (200, 400, 401, 403, 404, 500)
    assert spec.operation("addRefund").documented_statuses == (204, 401, 403, 500)
    assert spec.operation("addRefund").responses["204"] == {}
