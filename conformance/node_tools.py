"""Where the Node tools the toolkit drives (Allure 3, Spectral, Prism) are found.

`npm ci` puts them in the node_modules of the project that runs the toolkit, not beside the
Python package: an editable install can find them next to its checkout, but a wheel installed
into site-packages cannot. So the lookup follows the user, in this order:

1. the folder named by `ORDERMESH_NODE_MODULES`;
2. `./node_modules` in the working directory;
3. the checkout's own `node_modules` (editable installs and the source tree);
4. the tool on `PATH` (a global `npm install -g`).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

NODE_MODULES_ENV = "ORDERMESH_NODE_MODULES"
CHECKOUT = Path(__file__).resolve().parent.parent


def node_modules_dirs() -> list[Path]:
    """The node_modules folders to search, first match wins (see the module docstring)."""
    dirs = []
    if os.environ.get(NODE_MODULES_ENV):
        dirs.append(Path(os.environ[NODE_MODULES_ENV]).expanduser())
    dirs += [Path.cwd() / "node_modules", CHECKOUT / "node_modules"]
    return [d for i, d in enumerate(dirs) if d not in dirs[:i]]


def package_dir(package: str) -> Path | None:
    """The node_modules folder that holds `package` (e.g. "@allurereport/core"), if any."""
    for folder in node_modules_dirs():
        if (folder / package / "package.json").is_file():
            return folder
    return None


def tool_command(name: str) -> list[str] | None:
    """The command that runs the Node tool `name`, or None when it is nowhere to be found."""
    if not shutil.which("node"):
        return None
    for folder in node_modules_dirs():
        local = folder / ".bin" / name
        if local.exists():
            return [str(local)]
    on_path = shutil.which(name)
    return [on_path] if on_path else None


def not_found(name: str) -> str:
    """One line naming every place that was searched, and how to fill one of them."""
    if not shutil.which("node"):
        return f"{name}: Node.js is not installed (Node >= 18 with npm; then `npm ci`)"
    env = os.environ.get(NODE_MODULES_ENV) or "unset"
    return (
        f"{name}: not found in ${NODE_MODULES_ENV} ({env}), in ./node_modules of the working "
        f"directory, or on PATH: run `npm ci` in the project that holds package.json, or point "
        f"{NODE_MODULES_ENV} at its node_modules"
    )
