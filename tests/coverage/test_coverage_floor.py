"""`--coverage-floor`: a malformed floor is a usage error, a run under its floor fails naming
each uncovered element, and a run of everything meets its profile's default floor."""

from __future__ import annotations

import pytest
import yaml

from conformance.coverage.floor import DEFAULT_FLOORS, parse_floor, shortfall
from spec import load_spec

# Any status the mock never answers; the overlay documents it for one operation.
NEVER_ANSWERED = "418"


def test_a_floor_reads_as_dimension_percent_pairs():
    assert parse_floor("operations=100, status-codes=80") == {
        "operations": 100.0,
        "status-codes": 80.0,
    }
    assert parse_floor("none") == {}
    for profile, text in DEFAULT_FLOORS.items():
        assert parse_floor(text), profile


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("status-code=80", "did you mean status-codes"),
        ("operations=all", "'all' is not a number"),
        ("operations=120", "120 is not a percentage"),
        ("operations", "is not DIMENSION=PERCENT"),
    ],
)
def test_a_malformed_floor_is_a_usage_error_naming_the_problem(run_cli, text, named):
    done = run_cli("run", "--profile", "smoke", "--coverage-floor", text)
    assert done.code == 2, done.stdout + done.stderr
    assert "--coverage-floor" in done.stderr and named in done.stderr


def test_the_variable_and_the_config_key_are_read_too(run_cli, tmp_path):
    done = run_cli("run", env={"ORDERMESH_COVERAGE_FLOOR": "operatoins=100"})
    assert done.code == 2 and "did you mean operations" in done.stderr
    config = tmp_path / "om.toml"
    config.write_text('[run]\ncoverage_floor = "paths=x"\n', encoding="utf-8")
    done = run_cli("run", "--config", str(config))
    assert done.code == 2 and "'x' is not a number" in done.stderr


def test_the_shortfall_names_every_uncovered_element_of_a_short_dimension():
    def element(label: str, status: str) -> dict:
        return {"dimension": "status-codes", "status": status, "operation": "op", "label": label}

    coverage = {"elements": [element("200", "covered"), element("404", "uncovered")]}
    assert shortfall(coverage, {"status-codes": 50}) is None
    problem = shortfall(coverage, {"status-codes": 100})
    assert problem and problem.startswith("coverage below floor: status-codes 50 % < 100 %")
    assert problem.endswith("not covered: op 404")


@pytest.mark.slow
def test_a_run_that_misses_a_documented_status_fails_the_floor(run_cli, tmp_path):
    spec = load_spec()
    op = spec.operation("listNotes")
    assert NEVER_ANSWERED not in op.responses
    overlay = tmp_path / "teapot.yaml"
    action = {
        "target": f"$.paths['{op.path}'].{op.method.lower()}.responses",
        "description": "a status the mock never answers",
        "update": {NEVER_ANSWERED: {"description": "never"}},
    }
    overlay.write_text(
        yaml.safe_dump({"overlay": "1.0.0", "info": {"title": "t"}, "actions": [action]})
    )
    args = ("run", "--profile", "smoke", "--seed", "3", "--suite", "properties")
    args += ("--include", op.operation_id, "--overlay", str(overlay))
    done = run_cli(*args, "--coverage-floor", "status-codes=100")
    assert done.code == 1, done.stdout[-3000:]
    error = done.summary["error"]
    assert error.startswith("coverage below floor: status-codes")
    missed = [
        e
        for e in done.summary["coverage"]["elements"]
        if e["dimension"] == "status-codes"
        and e["status"] == "uncovered"
        and e["operation"] == op.operation_id  # a narrowed run is judged on what it selected
    ]
    assert f"{op.operation_id} {NEVER_ANSWERED}" in {
        f"{e['operation']} {e['label']}" for e in missed
    }
    for element in missed:
        assert f"{element['operation']} {element['label']}" in error
    assert done.summary["coverage"]["floor"] == {"minimums": {"status-codes": 100.0}, "met": False}
    assert "coverage below floor" in done.stdout


@pytest.mark.slow
@pytest.mark.parametrize("profile", ["smoke", "ci"])
def test_a_run_of_everything_meets_its_profiles_default_floor(run_cli, profile):
    done = run_cli("run", "--profile", profile, "--seed", "4", timeout=600)
    assert done.code == 0, done.stdout[-3000:]
    floor = done.summary["coverage"]["floor"]
    assert floor == {"minimums": parse_floor(DEFAULT_FLOORS[profile]), "met": True}
