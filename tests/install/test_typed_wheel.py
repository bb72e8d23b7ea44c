"""The wheel marks its packages as typed (PEP 561), so a project importing the toolkit's
packages type-checks against their annotations instead of treating them as untyped."""

from __future__ import annotations

import zipfile

import pytest

from tests.support.wheel import build_wheel

PACKAGES = ("conformance", "ordermesh_mock", "spec", "strategies")


@pytest.fixture(scope="module")
def wheel_files(tmp_path_factory, repo_root) -> set[str]:
    wheel = build_wheel(repo_root, tmp_path_factory.mktemp("typed-wheel"))
    with zipfile.ZipFile(wheel) as archive:
        return set(archive.namelist())


@pytest.mark.slow
@pytest.mark.parametrize("package", PACKAGES)
def test_each_package_ships_its_py_typed_marker(wheel_files, package):
    assert f"{package}/py.typed" in wheel_files
