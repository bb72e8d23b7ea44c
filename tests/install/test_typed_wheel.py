"""The wheel marks its packages as typed (PEP 561), so a project importing the toolkit's
packages type-checks against their annotations instead of treating them as untyped."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

PACKAGES = ("conformance", "ordermesh_mock", "spec", "strategies")


@pytest.fixture(scope="module")
def wheel_files(tmp_path_factory, repo_root) -> set[str]:
    work = tmp_path_factory.mktemp("typed-wheel")
    build = [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(work)]
    subprocess.run([*build, str(repo_root)], check=True, timeout=300, cwd=work)
    wheel = next(Path(work).glob("ordermesh_conformance-*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        return set(archive.namelist())


@pytest.mark.slow
@pytest.mark.parametrize("package", PACKAGES)
def test_each_package_ships_its_py_typed_marker(wheel_files, package):
    assert f"{package}/py.typed" in wheel_files
