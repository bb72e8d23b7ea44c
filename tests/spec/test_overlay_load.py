"""Overlays apply as the spec loads: changed elements say so, documented ones are listed."""

from __future__ import annotations

import pytest
import yaml

from spec import SPEC_PATH, load_spec
from spec.overlay import OverlayError

ACTIONS = [
    {
        "target": "$.components.schemas.ShipmentStatus",
        "description": "names on staging",
        "update": {"description": "sent by name"},
    },
    {
        "target": "$.paths['/v1/orders'].post.responses",
        "description": "createOrder answers 200 on staging",
        "update": {"200": {"description": "created"}},
    },
]


def overlay_file(tmp_path, actions) -> str:
    path = tmp_path / "o.yaml"
    path.write_text(
        yaml.safe_dump({"overlay": "1.0.0", "info": {"title": "t"}, "actions": actions})
    )
    return str(path)


def test_changed_elements_are_observed_and_documented_ones_listed(tmp_path):
    spec = load_spec(SPEC_PATH, [overlay_file(tmp_path, ACTIONS)])
    status = spec.document["components"]["schemas"]["ShipmentStatus"]
    assert (status["x-provenance"], status["x-provenance-note"]) == ("observed", "names on staging")
    created = spec.operation("createOrder").raw["responses"]["200"]
    assert created["x-provenance"] == "observed"
    assert 200 in spec.operation("createOrder").success_statuses
    # createOrder is documented (docs); ShipmentStatus was an inference of ours
    assert [line.split(":")[0] for line in spec.overrode] == [
        "$.paths['/v1/orders'].post.responses"
    ]
    assert (
        load_spec(SPEC_PATH).document["components"]["schemas"]["ShipmentStatus"].get("x-provenance")
        == "inferred"
    )  # the plain spec is untouched


def test_an_overlay_for_another_spec_is_refused(tmp_path):
    stale = [{"target": "$.components.schemas.Gone", "update": {"x": 1}}]
    with pytest.raises(OverlayError, match="select nothing"):
        load_spec(SPEC_PATH, [overlay_file(tmp_path, stale)])
