"""Config as users expect: files found automatically, strict keys and types, an ORDERMESH_*
variable for every setting, secrets from files or stdin, schemathesis.toml as the base."""

from __future__ import annotations

import io
import re
from pathlib import Path

import certifi
import pytest

from conformance.cli import build_parser
from conformance.commands.options import read_secret, settings_from
from conformance.config.file import RUN_KEYS, env_name
from conformance.config.settings import ConfigError
from conformance.suites.schema import build_schema

# A value of the right type for every [run] key, and how it shows in RunSettings.
VALUES = {
    "base_url": ("http://127.0.0.1:9", "http://127.0.0.1:9"),
    "spec": (None, None),
    "overlay": (None, None),  # a file that must exist: test_an_overlay_is_checked_before_running
    "profile": ("smoke", "smoke"),
    "seed": ("12", 12),
    "workers": ("3", 3),
    "concurrency": ("5", 5),
    "include": ("getOrderById,listNotes", ("getOrderById", "listNotes")),
    "exclude": ("Notes", ("Notes",)),
    "scenario": ("create, ship, cancel, refund; notes", ("create, ship, cancel, refund", "notes")),
    "suite": ("lifecycle,links", ("lifecycle", "links")),
    "read_only": ("true", True),
    "rate_limit": ("5", 5.0),
    "cleanup": ("false", False),
    "reports_dir": ("out", "out"),
    "allow_production": ("1", True),
    "poll_timeout": ("2.5", 2.5),
    "clock_skew": ("60", 60.0),
    "lifecycle_threshold": ("0.5", 0.5),
    "coverage_floor": ("operations=90", "operations=90"),
    "changes": (None, None),  # a file that must be a diff's JSON: test_coverage_changes.py
    "max_failures": ("4", 4),
    "max_duration": ("30", 30.0),
    "history": ("h.jsonl", "h.jsonl"),
    "quiet": ("yes", True),
    "max_examples": ("7", 7),
    "baseline": ("known.json", "known.json"),
    "request_timeout": ("7.5", 7.5),
    "tls_verify": ("false", False),
    "ca_bundle": (certifi.where(), certifi.where()),
    "request_cert": (None, None),  # a real certificate: tests/e2e/test_tls.py
    "request_cert_key": (None, None),
}
FIELD = {
    "overlay": "overlays",
    "spec": "spec_path",
    "history": "history_path",
    "scenario": "scenarios",
    "suite": "suites",
}
CREDENTIALS = {"ORDERMESH_TOKEN": "t0ken", "ORDERMESH_MERCHANT_ID": "m-1"}


def parse(*argv: str, env: dict[str, str] | None = None):
    args = build_parser().parse_args(["run", *argv])
    return settings_from(args, environ=env or {})


@pytest.fixture(autouse=True)
def in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no config file of the repository's own is found
    return tmp_path


def test_every_setting_has_a_variable():
    assert set(VALUES) == set(RUN_KEYS)
    for key, (raw, expected) in VALUES.items():
        if raw is None:
            continue
        settings = parse(env={env_name(key): raw, **CREDENTIALS})
        assert getattr(settings, FIELD.get(key, key)) == expected, key


OVERLAY = """overlay: 1.0.0
info: {title: t, version: '1'}
actions:
  - target: $.components.schemas.OrderStatus
    description: seen on staging
    update: {description: respelled}
"""


def test_an_overlay_is_checked_before_running(in_tmp):
    (in_tmp / "good.yaml").write_text(OVERLAY)
    settings = parse(env={"ORDERMESH_OVERLAY": "good.yaml", **CREDENTIALS})
    assert settings.overlays == ("good.yaml",)
    status = settings.load_spec().document["components"]["schemas"]["OrderStatus"]
    assert status["x-provenance"] == "observed" and status["description"] == "respelled"
    with pytest.raises(ConfigError, match=re.escape("--overlay missing.yaml: no such file")):
        parse("--overlay", "missing.yaml", env=CREDENTIALS)
    (in_tmp / "stale.yaml").write_text(OVERLAY.replace("OrderStatus", "NoSuchSchema"))
    with pytest.raises(ConfigError, match=re.escape("stale.yaml: 1 target")):
        parse("--overlay", "stale.yaml", env=CREDENTIALS)


def test_an_unknown_suite_in_a_variable_is_named():
    with pytest.raises(ConfigError, match="--suite 'lifecyle': no such suite"):
        parse(env={"ORDERMESH_SUITE": "lifecyle", **CREDENTIALS})


def test_unknown_key_is_named(in_tmp):
    (in_tmp / "ordermesh-conformance.toml").write_text("[run]\nrate-limit = 5\n")
    with pytest.raises(ConfigError, match=re.escape("`run.rate-limit`")):
        parse()


def test_a_misspelt_key_in_pyproject_is_named(in_tmp):
    (in_tmp / "pyproject.toml").write_text('[tool.ordermesh-conformance.run]\nprofil = "smoke"\n')
    with pytest.raises(ConfigError, match=re.escape("`run.profil`")):
        parse()


def test_wrong_type_is_named(in_tmp):
    (in_tmp / "cfg.toml").write_text('[run]\nseed = "12"\n')
    with pytest.raises(ConfigError, match=re.escape("`run.seed` must be int")):
        parse("--config", "cfg.toml")


def test_precedence_flag_then_variable_then_file(in_tmp):
    (in_tmp / "pyproject.toml").write_text(
        '[tool.ordermesh-conformance.run]\nprofile = "smoke"\nworkers = 2\nseed = 1\n'
    )
    settings = parse("--seed", "3", env={"ORDERMESH_WORKERS": "4"})
    assert (settings.profile, settings.workers, settings.seed) == ("smoke", 4, 3)


def test_secret_from_file_and_stdin(in_tmp, capsys):
    (in_tmp / "secret").write_text("from-file\n")
    assert read_secret(str(in_tmp / "secret"), "token") == "from-file"
    assert read_secret("-", "token", io.StringIO("from-stdin\n")) == "from-stdin"
    settings = parse(
        "--base-url",
        "http://127.0.0.1:9",
        "--merchant-id",
        "m",
        "--token-file",
        str(in_tmp / "secret"),
    )
    assert settings.credentials.token == "from-file"
    assert "warning" not in capsys.readouterr().err


def test_secret_flag_still_works_and_warns(capsys):
    settings = parse("--base-url", "http://127.0.0.1:9", "--merchant-id", "m", "--token", "x")
    assert settings.credentials.token == "x"
    assert "--token is visible" in capsys.readouterr().err


def test_schemathesis_toml_is_the_base_and_the_run_layers_on_it(in_tmp):
    (in_tmp / "schemathesis.toml").write_text(
        '[headers]\nX-From-Toml = "yes"\n\n[generation]\nmax-examples = 77\n'
    )
    settings = parse("--profile", "smoke", "--seed", "9")
    schema = build_schema(settings)
    assert schema.config.headers == {"X-From-Toml": "yes"}
    assert schema.config.generation.max_examples == 3  # the smoke profile wins
    assert schema.config.seed == 9


def test_a_broken_schemathesis_toml_is_a_usage_error(in_tmp):
    (in_tmp / "schemathesis.toml").write_text("[generation]\nmax-examples = 'many'\n")
    with pytest.raises(ConfigError, match=re.escape("schemathesis.toml")):
        parse()


def test_the_cli_exits_2_naming_the_unknown_key(run_cli, in_tmp):
    (in_tmp / "cfg.toml").write_text('[run]\nrate-limit = 5\nprofil = "smoke"\n')
    result = run_cli("run", "--config", str(in_tmp / "cfg.toml"))
    assert result.code == 2
    assert "`run.profil`" in result.stderr


def test_the_readme_config_table_names_every_key_and_variable():
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    table = "\n".join(line for line in readme.splitlines() if line.startswith("| `"))
    for key in RUN_KEYS:
        assert f"`{key}`" in table and f"`{env_name(key)}`" in table, key
