"""Each link of the spec followed once (suites/test_spec_links.py).

- On the embedded mock every link is followed, each is a JUnit case of its own, and the
  coverage map shows all of them covered.
- A target whose source operation answers another status than the link's leaves the link not
  followed: the source's answer is judged (a failure at that operation), and the map says why
  the link was not followed instead of counting it.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from e2e_targets import run_conformance, smoke_run_through_proxy, summary_of
from schemathesis import openapi
from starlette.responses import Response

from conformance.coverage.model import key
from conformance.machinery.spec_links import PlannedLink, planned, spec_links
from spec import SPEC_PATH, load_spec

LINKS = ["--suite", "links", "--seed", "3"]
SOURCE = "createShipment"


def link_elements(summary: dict) -> dict[str, dict]:
    return {e["id"]: e for e in summary["coverage"]["elements"] if e["dimension"] == "links"}


def planned_links() -> list[PlannedLink]:
    return [planned(link) for link in spec_links(openapi.from_path(SPEC_PATH)).values()]


def element(summary: dict, link: PlannedLink) -> dict:
    return link_elements(summary)[key("link", link.source, link.status, link.name)]


def test_on_the_mock_every_spec_link_is_followed(tmp_path):
    result = run_conformance("--profile", "smoke", *LINKS, reports=tmp_path)
    summary = summary_of(tmp_path)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    links = link_elements(summary)
    assert len(links) == len(planned_links()) > 0
    assert [name for name, found in links.items() if found["status"] != "covered"] == []
    cases = ET.parse(tmp_path / "junit.xml").getroot().iter("testcase")
    named = {case.get("name") for case in cases}
    assert {f"{link.source}: {link.status} -> {link.name}" for link in planned_links()} <= named


async def shipment_created_as_200(request, body, forward) -> Response:
    """createShipment answers 200 where the spec documents 201 (and links from 201)."""
    answer = await forward()
    source = load_spec().operation(SOURCE)
    if (request.method, request.url.path) == (source.method, source.path):
        answer.status_code = 200
    return answer


def test_a_source_answering_another_status_leaves_its_links_not_followed(tmp_path):
    result = smoke_run_through_proxy(shipment_created_as_200, *LINKS, reports=tmp_path)
    summary = summary_of(tmp_path)
    assert result.returncode == 1, result.stdout[-3000:] + result.stderr[-2000:]
    assert SOURCE in {f["operation"] for f in summary["failures"]}
    from_source = [link for link in planned_links() if link.source == SOURCE]
    assert from_source
    for link in from_source:
        found = element(summary, link)
        assert found["status"] == "uncovered", found
        why = f"answer of {SOURCE} failed its checks"
        assert any(why in what for what in found["tried"]), found
    others = [link for link in planned_links() if link.source != SOURCE]
    assert [link.id for link in others if element(summary, link)["status"] != "covered"] == []
