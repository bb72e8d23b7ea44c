"""`ordermesh-conformance selftest` end to end: two real faults and one clean seed, tiny budget."""

from __future__ import annotations

import json

import pytest

from conformance.cli import main
from conformance.selftest import combos
from tests.support.summary_schema import read_summary


def test_unknown_fault_is_a_usage_error_naming_it(tmp_path, capsys):
    code = main(["selftest", "--fault", "no-such-fault", "--reports-dir", str(tmp_path)])
    assert code == 2
    assert "--fault 'no-such-fault': no such fault" in capsys.readouterr().err
    assert not (tmp_path / "selftest.json").exists()


def test_list_rows_names_every_row_and_its_faults(capsys):
    assert main(["selftest", "--list-rows"]) == 0
    lines = capsys.readouterr().out.splitlines()
    rows = combos.deal()
    assert [line.split(" ")[0] for line in lines] == [row.name for row in rows]
    assert all(e.fault in lines[row.index] for row in rows for e in row.faults)


def test_unknown_row_and_row_with_fault_are_usage_errors(tmp_path, capsys):
    assert main(["selftest", "--row", "no-such-row", "--reports-dir", str(tmp_path)]) == 2
    assert "unknown row(s): no-such-row" in capsys.readouterr().err
    argv = ["selftest", "--row", "faults-1", "--fault", "create-order-200"]
    assert main([*argv, "--reports-dir", str(tmp_path)]) == 2
    assert "--row and --fault" in capsys.readouterr().err


def test_bad_numbers_are_usage_errors(tmp_path, capsys):
    assert main(["selftest", "--jobs", "0", "--reports-dir", str(tmp_path)]) == 2
    assert "--jobs must be at least 1" in capsys.readouterr().err


@pytest.mark.slow
def test_two_faults_and_a_clean_seed(tmp_path, capsys):
    code = main(
        [
            "selftest",
            "--profile",
            "smoke",
            "--fault",
            "create-order-200",
            "--fault",
            "search-ignores-auth",
            "--seeds",
            "1",
            "--jobs",
            "2",
            "--reports-dir",
            str(tmp_path),
        ]
    )
    out = capsys.readouterr().out
    data = json.loads((tmp_path / "selftest.json").read_text())
    assert code == 0, out
    assert data["clean_passed"] is True
    by_name = {f["name"]: f for f in data["faults"]}
    assert set(by_name) == {"create-order-200", "search-ignores-auth"}
    assert by_name["create-order-200"]["detected_by"] == ["status_code_conformance"]
    assert by_name["search-ignores-auth"]["detected_by"] == ["ignored_auth"]
    assert all(f["seconds"] > 0 for f in data["faults"])
    # plain Schemathesis has its own default checks: ignored_auth is one of them
    assert by_name["search-ignores-auth"]["plain_schemathesis_detected"] is True
    assert (
        "| search-ignores-auth | auth | smoke | yes | ignored_auth |"
        in (tmp_path / "selftest.md").read_text()
    )
    assert out.count("] ") >= 3  # one progress line per finished run
    assert read_summary(tmp_path / "selftest" / "create-order-200")["passed"] is False


@pytest.mark.slow
def test_a_proxy_fault_and_a_clean_proxy_seed(tmp_path, capsys):
    argv = ["selftest", "--profile", "smoke", "--fault", "proxy-auth-bypass", "--seeds", "1"]
    code = main([*argv, "--jobs", "2", "--reports-dir", str(tmp_path)])
    out = capsys.readouterr().out
    data = json.loads((tmp_path / "selftest.json").read_text())
    assert code == 0, out
    assert [(c["target"], c["passed"]) for c in data["clean"]] == [("proxy", True)]
    (row,) = data["faults"]
    detected = (row["name"], row["detected_by"], row["detected_at"])
    assert detected == ("proxy-auth-bypass", ["ignored_auth"], ["searchOrders"])
    assert row["plain_schemathesis_detected"] is None  # the plain column is the mock's
    run = read_summary(tmp_path / "selftest" / "proxy-auth-bypass")
    assert run["embedded_mock"] is False  # an ordinary live target
