"""The matrix as terminal table, markdown and JSON."""

from __future__ import annotations

import json

from conformance.selftest.matrix import CleanResult, FaultResult, RowResult
from conformance.selftest.plain import PlainResult
from conformance.selftest.render import Matrix, as_json, markdown, terminal, write


def fault(name: str, detected: bool, plain: PlainResult | None) -> FaultResult:
    return FaultResult(
        name=name,
        category="status-code",
        expected_checks=["status_code_conformance"],
        operations=["createOrder"],
        detected=detected,
        detected_by=["status_code_conformance"] if detected else [],
        other_checks=[],
        tests=[],
        seconds=2.5 if detected else None,
        run_seconds=10.0,
        seed=1,
        reports_dir="r",
        profile="smoke",
        problem=None if detected else "no failure in 3 cases",
        plain=plain,
    )


def matrix(clean_ok: bool = True) -> Matrix:
    return Matrix(
        faults=[
            fault("create-order-200", True, PlainResult(False)),
            fault("bad|pipe", False, PlainResult(True, ["not_a_server_error"])),
        ],
        clean=[
            CleanResult(1, True),
            CleanResult(2, clean_ok, problem=None if clean_ok else "1 failures"),
        ],
        profile="smoke",
        seed=1,
        total_seconds=42,
    )


def test_terminal_table_shows_every_fault_and_the_verdict():
    text = terminal(matrix())
    assert "create-order-200" in text and "status_code_conformance" in text
    assert "no failure in 3 cases" in text
    assert "suite detected 1/2; plain Schemathesis 1/2" in text
    assert text.splitlines()[-1] == "FAILED"


def test_markdown_is_a_table_with_escaped_pipes():
    text = markdown(matrix())
    assert "| fault | category | profile | suite |" in text
    assert "| bad\\|pipe | status-code | smoke | NO |" in text


def test_json_has_the_promised_keys(tmp_path):
    md_path, json_path = write(matrix(clean_ok=False), tmp_path)
    data = json.loads(json_path.read_text())
    assert data == as_json(matrix(clean_ok=False))
    assert data["clean_passed"] is False and data["passed"] is False
    first = data["faults"][0]
    for key in (
        "name",
        "category",
        "detected",
        "detected_by",
        "seconds",
        "plain_schemathesis_detected",
    ):
        assert key in first
    assert first["plain_schemathesis_detected"] is False
    assert "Clean mock, seed 2: 1 failures" in md_path.read_text()


def test_all_detected_and_clean_passes():
    passing = matrix()
    passing.faults = passing.faults[:1]
    assert passing.passed and terminal(passing).splitlines()[-1] == "PASSED"


def test_clean_proxy_seeds_have_their_own_part_of_the_totals():
    result = matrix()
    result.clean.append(CleanResult(7, False, problem="2 failures", target="proxy"))
    text = terminal(result)
    assert "clean mock: seed 1 passed, seed 2 passed" in text
    assert "clean proxy: seed 7 FAILED: 2 failures" in text
    assert "Clean proxy, seed 7: 2 failures" in markdown(result)
    assert not result.passed


def row(name: str, missed: dict[str, str], suite_errors: int = 0) -> RowResult:
    return RowResult(
        name=name,
        profile="smoke",
        faults=["create-order-200", "proxy-auth-bypass", *missed],
        named={
            "create-order-200": ["status_code_conformance at createOrder"],
            "proxy-auth-bypass": ["ignored_auth at searchOrders"],
        },
        missed=missed,
        suite_errors=suite_errors,
        run_seconds=61.0,
        seed=1,
        reports_dir="r",
        tested="47/49",
    )


def test_several_faults_rows_are_a_table_of_their_own_and_decide_the_verdict(tmp_path):
    passing = Matrix([], [], "smoke", 1, rows=[row("faults-1", {})])
    assert passing.passed
    text = terminal(passing)
    assert "faults-1" in text and "ignored_auth at searchOrders" in text and "47/49" in text
    assert "several-faults rows: 1/1 passed, 2/2 faults named" in text
    missed = {"refund-over-balance": "no failure in 9 cases"}
    failing = Matrix([], [], "smoke", 1, rows=[row("faults-1", {}), row("faults-2", missed)])
    assert not failing.passed
    assert "refund-over-balance: no failure in 9 cases" in markdown(failing)
    data = as_json(failing)
    assert data["rows_passed"] is False
    assert [r["passed"] for r in data["rows"]] == [True, False]
    # a row that named everything still fails on our own crash
    assert not Matrix([], [], "smoke", 1, rows=[row("faults-3", {}, suite_errors=1)]).passed
    # and rows do not excuse a missed single fault
    assert not Matrix(matrix().faults, matrix().clean, "smoke", 1, rows=[row("r", {})]).passed
