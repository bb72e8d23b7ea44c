#!/usr/bin/env python3
"""One setup entry point for a bare machine: everything the toolkit and its tests need.

It runs with the system's Python 3.11+ and its standard library only, because nothing else is
installed yet. Each step checks first and does only what is missing, so a second run changes
nothing. Where it cannot install something it names what is missing and how to get it, and
exits non-zero: a missing tool must stop setup, not fail a test ten minutes later.

    python3 scripts/setup.py  # .venv, the package with its dev tools, npm ci, Debian tools
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STAMP = ".ordermesh-setup"
MIN_PYTHON = (3, 11)
MIN_NODE = 18
# Debian packages the project's own tests drive: the report browser test, the mock benchmark.
SYSTEM_TOOLS = {"chromium": "chromium", "wrk": "wrk"}


class MissingPrerequisite(Exception):
    """Something setup cannot do by itself; the message says what and how to get it."""


def say(message: str) -> None:
    print(f"setup: {message}", flush=True)


def run(command: list[str], **kwargs: object) -> None:
    say("$ " + " ".join(command))
    subprocess.run(command, check=True, **kwargs)  # type: ignore[call-overload]


def fingerprint(*files: Path) -> str:
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def stamped(folder: Path, value: str) -> bool:
    stamp = folder / STAMP
    return stamp.is_file() and stamp.read_text().strip() == value


def check_python() -> None:
    if sys.version_info < MIN_PYTHON:
        raise MissingPrerequisite(
            f"Python {'.'.join(map(str, MIN_PYTHON))} or newer is needed, this is "
            f"{sys.version.split()[0]}: run this script with a newer python3"
        )


def privilege() -> list[str] | None:
    """The prefix that runs apt-get as root: none when root, sudo when it needs no password."""
    if os.geteuid() == 0:
        return []
    if (
        shutil.which("sudo")
        and subprocess.run(["sudo", "-n", "true"], capture_output=True).returncode == 0
    ):
        return ["sudo"]
    return None


def apt_install(packages: list[str]) -> None:
    """Install Debian packages, or say exactly which are missing and how to get them."""
    prefix = privilege()
    if prefix is None or not shutil.which("apt-get"):
        how = "sudo apt-get install " if shutil.which("apt-get") else "your package manager: "
        raise MissingPrerequisite(
            f"missing system packages: {' '.join(packages)}. Install them with "
            f"{how}{' '.join(packages)} (needs root), then run this script again"
        )
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    run([*prefix, "apt-get", "update", "-qq"], env=env)
    run([*prefix, "apt-get", "install", "-y", "-qq", "--no-install-recommends", *packages], env=env)


def node_major() -> int | None:
    if not (shutil.which("node") and shutil.which("npm")):
        return None
    out = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout
    return int(out.strip().lstrip("v").split(".")[0] or 0)


def ensure_node() -> None:
    major = node_major()
    if major is None:
        apt_install(["nodejs", "npm"])
        major = node_major()
    if major is None or major < MIN_NODE:
        raise MissingPrerequisite(
            f"Node.js {MIN_NODE} or newer with npm is needed (found: {major or 'none'}); "
            "install it from your distribution (apt-get install nodejs npm) or nodejs.org"
        )
    say(f"node {major}: ok")


def ensure_system_tools() -> None:
    missing = [package for tool, package in SYSTEM_TOOLS.items() if not shutil.which(tool)]
    if missing:
        apt_install(missing)
    still = [tool for tool in SYSTEM_TOOLS if not shutil.which(tool)]
    if still:
        raise MissingPrerequisite(f"installed, but still not on PATH: {', '.join(still)}")
    say(f"{', '.join(SYSTEM_TOOLS)}: ok")


def ensure_venv(venv: Path) -> Path:
    python = venv / "bin" / "python"
    if not python.exists():
        run([sys.executable, "-m", "venv", str(venv)])
    wanted = fingerprint(ROOT / "pyproject.toml")
    if stamped(venv, wanted):
        say(f"{venv.name}: the package and its dev tools are installed: ok")
        return python
    run([str(python), "-m", "pip", "install", "-q", "--upgrade", "pip"])
    run([str(python), "-m", "pip", "install", "-q", "-e", f"{ROOT}[dev]"])
    (venv / STAMP).write_text(wanted + "\n")
    return python


def ensure_node_modules() -> None:
    node_modules = ROOT / "node_modules"
    wanted = fingerprint(ROOT / "package.json", ROOT / "package-lock.json")
    if stamped(node_modules, wanted):
        say("node_modules matches package-lock.json: ok")
        return
    run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=ROOT)
    (node_modules / STAMP).write_text(wanted + "\n")


def verify(python: Path) -> None:
    """The installed command runs and finds its Node tools (Allure's version is read there)."""
    out = subprocess.run(
        [str(python), "-m", "conformance.cli", "--version"], capture_output=True, text=True
    )
    if out.returncode != 0 or "not installed" in out.stdout:
        raise MissingPrerequisite(f"the toolkit does not start cleanly:\n{out.stdout}{out.stderr}")
    say("ordermesh-conformance --version:\n  " + out.stdout.strip().replace("\n", "\n  "))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0], allow_abbrev=False)
    parser.add_argument("--venv", type=Path, default=ROOT / ".venv", help="default: ./.venv")
    args = parser.parse_args(argv)
    try:
        check_python()
        ensure_node()
        ensure_system_tools()
        python = ensure_venv(args.venv.resolve())
        ensure_node_modules()
        verify(python)
    except MissingPrerequisite as exc:
        print(f"setup: error: {exc}", file=sys.stderr)
        return 1
    except subprocess.CalledProcessError as exc:
        print(
            f"setup: error: `{' '.join(map(str, exc.cmd))}` failed ({exc.returncode})",
            file=sys.stderr,
        )
        return 1
    say(f"done. Activate the environment with: . {os.path.relpath(args.venv)}/bin/activate")
    return 0


if __name__ == "__main__":
    sys.exit(main())
