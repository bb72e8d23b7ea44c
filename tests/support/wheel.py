"""The toolkit's wheel, built from a copy of the checkout.

setuptools builds in the source tree's `build/` directory; two tests building at once there (two
xdist workers) delete each other's files. Each build gets its own copy of the sources instead.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

# Not sources: environments, tool caches and earlier builds.
NOT_SOURCES = shutil.ignore_patterns(
    ".git", ".venv", "node_modules", "build", "dist", "reports", "*.egg-info", "__pycache__",
    ".mypy_cache", ".ruff_cache", ".pytest_cache", ".tox",
)  # fmt: skip


def build_wheel(repo_root: Path, work: Path) -> Path:
    """Build the wheel into `work` from a copy of `repo_root`; its path."""
    sources = work / "sources"
    shutil.copytree(repo_root, sources, ignore=NOT_SOURCES)
    out = work / "dist"
    build = [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(out), str(sources)]
    subprocess.run(build, check=True, timeout=300, cwd=work)
    return next(out.glob("ordermesh_conformance-*.whl"))
