"""`ordermesh-conformance drift` on the command line: usage errors and the apply mode."""

from __future__ import annotations

import yaml

from conformance.cli import main as cli_main
from spec import SPEC_PATH


def main(argv: list[str]) -> int:
    return cli_main(["drift", *argv])


def test_usage_errors_name_the_problem(capsys, tmp_path):
    cases = [
        (["--max-examples", "0"], "--max-examples must be at least 1"),
        (["--spec", str(tmp_path / "missing.yaml")], "no such file"),
        (["--base-url", "http://127.0.0.1:9", "--fault", "create-order-200"], "--fault applies"),
        (["--apply-overlay", str(tmp_path / "o.yaml")], "needs --out"),
        (["--base-url", "127.0.0.1:9"], "must start with http"),
    ]
    for argv, message in cases:
        assert main(argv) == 2, argv
        assert message in capsys.readouterr().err


def test_a_live_target_needs_the_merchant_whose_orders_drift_creates(capsys, monkeypatch):
    monkeypatch.setenv("ORDERMESH_TOKEN", "t")
    monkeypatch.delenv("ORDERMESH_MERCHANT_ID", raising=False)
    assert main(["--base-url", "http://127.0.0.1:9", "--reports-dir", "/nonexistent"]) == 2
    assert "ORDERMESH_MERCHANT_ID" in capsys.readouterr().err


def test_unreachable_target_exits_3(capsys, monkeypatch):
    monkeypatch.setenv("ORDERMESH_TOKEN", "t")
    monkeypatch.setenv("ORDERMESH_MERCHANT_ID", "m")
    assert main(["--base-url", "http://127.0.0.1:9", "--reports-dir", "/nonexistent"]) == 3
    assert "unreachable" in capsys.readouterr().err


def test_apply_overlay_writes_the_patched_spec(tmp_path, capsys):
    overlay = {
        "overlay": "1.0.0",
        "info": {"title": "t", "version": "1"},
        "actions": [
            {"target": "$.components.schemas.OrderStatus.enum", "update": "Archived"},
            {"target": "$.components.schemas.NoSuchSchema", "remove": True},
        ],
    }
    overlay_path = tmp_path / "o.yaml"
    overlay_path.write_text(yaml.safe_dump(overlay))
    out = tmp_path / "patched.yaml"
    argv = [
        "drift",
        "--apply-overlay",
        str(overlay_path),
        "--spec",
        str(SPEC_PATH),
        "--out",
        str(out),
    ]
    assert cli_main(argv) == 0
    patched = yaml.safe_load(out.read_text())
    assert patched["components"]["schemas"]["OrderStatus"]["enum"][-1] == "Archived"
    assert "selects nothing" in capsys.readouterr().err


def test_malformed_overlay_is_a_usage_error(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text("actions: []\n")
    argv = ["--apply-overlay", str(bad), "--spec", str(SPEC_PATH), "--out", str(tmp_path / "x")]
    assert main(argv) == 2
    assert "not an Overlay document" in capsys.readouterr().err
