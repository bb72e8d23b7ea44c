"""The pipeline outputs: JUnit XML, GitHub Actions annotations that point at the spec line,
the Markdown changelog grouped by docs section, and the lifecycle options of the command."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from diff_helpers import run_diff as run

FIXTURES = Path(__file__).resolve().parent / "fixtures"
MULTI = FIXTURES / "multifile"
REPO = Path(__file__).resolve().parents[2]


def _run(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    code = run([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def _levels(capsys: pytest.CaptureFixture[str], old: Path, new: Path) -> list[str]:
    out = _run(capsys, old, new, "--format", "json")[1]
    return [change["level"] for change in json.loads(out)["changes"]]


def test_junit_has_one_case_per_change_and_fails_the_breaking_ones(capsys) -> None:
    old, new = FIXTURES / "v1.yaml", FIXTURES / "v2.yaml"
    levels = _levels(capsys, old, new)
    code, out, _ = _run(capsys, old, new, "--format", "junit")
    suite = ET.fromstring(out).find("testsuite")
    assert code == 1 and suite is not None
    cases = suite.findall("testcase")
    assert len(cases) == len(levels) == int(suite.get("tests", "-1"))
    failed = [case for case in cases if case.find("failure") is not None]
    assert len(failed) == levels.count("breaking") == int(suite.get("failures", "-1")) > 0
    assert failed[0].find("failure").get("type") in failed[0].get("name", "")  # type: ignore[union-attr]


def test_githubactions_annotations_point_at_the_changed_line(capsys, monkeypatch) -> None:
    monkeypatch.chdir(REPO)
    code, out, _ = _run(
        capsys,
        MULTI / "v1" / "openapi.yaml",
        MULTI / "v2" / "openapi.yaml",
        "--format",
        "githubactions",
    )
    assert code == 1
    lines = out.splitlines()
    assert all(
        re.match(r"^::(error|warning|notice) file=[^,]+,line=\d+,title=[a-z-]+::", x) for x in lines
    )
    # The request side is breaking (an error); the response side harmless (a notice).
    max_length = [x for x in lines if x.startswith("::error ") and "max-length-decreased" in x]
    assert max_length
    order = MULTI / "v2" / "schemas" / "order.yaml"
    wanted_line = next(
        n for n, text in enumerate(order.read_text().splitlines(), 1) if "maxLength: 20" in text
    )
    file, line = re.findall(r"file=([^,]+),line=(\d+)", max_length[0])[0]
    assert not Path(file).is_absolute()  # relative to the checkout, as GitHub wants
    assert (Path.cwd() / file).resolve() == order.resolve() and int(line) == wanted_line


def test_githubactions_removed_element_points_into_the_old_file(capsys, monkeypatch) -> None:
    monkeypatch.chdir(REPO)
    old, new = FIXTURES / "v1.yaml", FIXTURES / "v2.yaml"
    out = _run(capsys, old, new, "--format", "githubactions")[1]
    legacy = next(x for x in out.splitlines() if "title=path-removed" in x)
    line = next(
        n for n, t in enumerate(old.read_text().splitlines(), 1) if t.startswith("  /legacy:")
    )
    assert legacy.startswith(f"::notice file={old.relative_to(Path.cwd())},line={line},")


def test_markdown_changelog_is_grouped_by_docs_section(capsys, tmp_path: Path) -> None:
    base = (
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n"
        "  /orders: {get: {tags: [Orders], responses: {'200': {description: ok}}}}\n"
        "  /notes: {get: {tags: [Notes],"
        " parameters: [{name: q, in: query, schema: {type: string}}],"
        " responses: {'200': {description: ok}}}}\n"
    )
    old, new = tmp_path / "old.yaml", tmp_path / "new.yaml"
    old.write_text(
        base + "  /archive: {get: {tags: [Orders], responses: {'200': {description: ok}}}}\n"
    )
    new.write_text(
        base.replace("{get: {tags: [Orders]", "{get: {tags: [Orders], deprecated: true").replace(
            "[{name: q, in: query, schema: {type: string}}]", "[]"
        )
    )
    out = _run(capsys, old, new, "--format", "markdown")[1]
    assert out.index("## Notes") < out.index("## Orders")
    notes, orders = out.split("## Orders")
    assert "`parameter-removed`" in notes and "`operation-deprecated`" in orders
    assert "`operation-deprecated`" not in notes
    assert "`path-removed`" in orders  # a path-level change goes to its operations' section


def test_json_ids_are_the_registered_rule_ids(capsys) -> None:
    from conformance.diff import RULES

    out = _run(capsys, FIXTURES / "v1.yaml", FIXTURES / "v2.yaml", "--format", "json")[1]
    assert {c["id"] for c in json.loads(out)["changes"]} <= set(RULES)


def test_today_and_notice_options_drive_the_sunset_verdict(capsys, tmp_path: Path) -> None:
    old, new = tmp_path / "old.yaml", tmp_path / "new.yaml"
    head = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n"
    old.write_text(
        head
        + (
            "  /a: {get: {deprecated: true, x-sunset: '2026-03-01',"
            " responses: {'200': {description: ok}}}}\n"
        )
    )
    new.write_text(head + "  /b: {get: {responses: {'200': {description: ok}}}}\n")
    before = _run(capsys, old, new, "--today", "2026-02-01", "--format", "json")
    after = _run(capsys, old, new, "--today", "2026-03-02", "--format", "json")
    assert before[0] == 1 and "path-removed-before-sunset" in before[1]
    assert after[0] == 0 and "deprecated-path-removed" in after[1]
    assert _run(capsys, new, new, "--notice", "stable=5,beta=x")[0] == 2


def test_a_webhooks_only_31_document_is_accepted(capsys, tmp_path: Path) -> None:
    hooks = tmp_path / "hooks.yaml"
    hooks.write_text(
        "openapi: 3.1.0\ninfo: {title: t, version: '1'}\n"
        "webhooks: {orderPaid: {post: {responses: {'200': {description: ok}}}}}\n"
    )
    empty = tmp_path / "empty.yaml"
    empty.write_text("openapi: 3.1.0\ninfo: {title: t, version: '1'}\nwebhooks: {}\n")
    assert _run(capsys, hooks, hooks)[0] == 0
    code, out, _ = _run(capsys, hooks, empty)
    assert code == 1 and "webhook-removed" in out
