"""The toolkit's config file and `ORDERMESH_*` variables: where they are found, what they may hold.

One table (`RUN_KEYS`, `AUTH_KEYS`) names every setting, its type and its variable, so the file,
the environment and the README cannot disagree. A file is `--config FILE`, else
`ordermesh-conformance.toml` in the working directory, else `[tool.ordermesh-conformance]` in its
`pyproject.toml`. Unknown keys and values of the wrong type are usage errors naming the key.
Schemathesis' own knobs (checks, per-operation overrides, headers, TLS) stay in
`schemathesis.toml`, which Schemathesis finds itself (see conformance/suites/schema.py).
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from conformance.config.settings import ENV_CREDENTIALS, ENV_SETTINGS, ConfigError
from conformance.config.suggestions import closest
from conformance.node_tools import NODE_MODULES_ENV

OWN_FILE = "ordermesh-conformance.toml"
PYPROJECT_TABLE = "ordermesh-conformance"
ENV_PREFIX = "ORDERMESH_"

# [run] keys: type, and the variable when it is not ORDERMESH_<KEY>
RUN_KEYS: dict[str, type] = {
    "base_url": str,
    "spec": str,
    "overlay": list,
    "profile": str,
    "seed": int,
    "workers": int,
    "concurrency": int,
    "include": list,
    "exclude": list,
    "scenario": list,
    "suite": list,
    "read_only": bool,
    "rate_limit": float,
    "cleanup": bool,
    "reports_dir": str,
    "allow_production": bool,
    "poll_timeout": float,
    "clock_skew": float,
    "lifecycle_threshold": float,
    "coverage_floor": str,
    "changes": str,
    "history": str,
    "quiet": bool,
    "max_failures": int,
    "max_duration": float,
    "max_examples": int,
    "baseline": str,
    "request_timeout": float,
    "tls_verify": bool,
    "ca_bundle": str,
    "request_cert": str,
    "request_cert_key": str,
}
# A variable's list separator, where not a comma: scenario names hold commas.
LIST_SEPARATORS = {"scenario": ";"}
# [auth] and [auth.tenant_b] keys (tenant B's variables are ORDERMESH_TENANT_B_<KEY>)
AUTH_KEYS = ("merchant_id", "client_id", "client_secret", "username", "password", "token")
TRUE, FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off")
AUTO = "auto"  # `workers = "auto"`, ORDERMESH_WORKERS=auto, --workers auto: one per core
AUTO_KEYS = ("workers",)
TENANT_B_PREFIX = ENV_PREFIX + "TENANT_B_"
RESTRICTED_PREFIX = ENV_PREFIX + "RESTRICTED_"
# The identities besides the run's own: [auth.<table>] and their variables' prefix.
IDENTITIES = {"tenant_b": TENANT_B_PREFIX, "restricted": RESTRICTED_PREFIX}
# A variable this close to one of ours is taken for a typo of it (ORDERMESH_READONLY); a less
# similar ORDERMESH_* name is a pipeline's own variable (ORDERMESH_STAGING_URL), left alone.
TYPO_CUTOFF = 0.8


def env_name(key: str, prefix: str = ENV_PREFIX) -> str:
    return prefix + key.upper()


def find_config(explicit: str | None, cwd: Path | None = None) -> tuple[dict[str, Any], str]:
    """The config and where it came from ('' when there is none)."""
    if explicit:
        return _read(Path(explicit), f"--config {explicit}"), explicit
    cwd = cwd or Path.cwd()
    own = cwd / OWN_FILE
    if own.is_file():
        return _read(own, OWN_FILE), str(own)
    pyproject = cwd / "pyproject.toml"
    if pyproject.is_file():
        table = _read(pyproject, "pyproject.toml").get("tool", {}).get(PYPROJECT_TABLE)
        if table is not None:
            return table, f"{pyproject} [tool.{PYPROJECT_TABLE}]"
    return {}, ""


def _read(path: Path, label: str) -> dict[str, Any]:
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except OSError as exc:
        raise ConfigError(f"{label}: {exc.strerror}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{label}: not valid TOML: {exc}") from exc


def validate(config: dict[str, object], source: str) -> dict[str, object]:
    """Refuse unknown tables, keys and mistyped values, naming them; returns `config`."""
    _known(config, {"run", "auth"}, source, "")
    run = _table(config, "run", source)
    _known(run, set(RUN_KEYS), source, "run.")
    for key, value in run.items():
        _typed(f"run.{key}", value, RUN_KEYS[key], source)
    auth = _table(config, "auth", source)
    _known(auth, {*AUTH_KEYS, *IDENTITIES}, source, "auth.")
    tables = [("auth.", auth)]
    for name in IDENTITIES:
        tables.append((f"auth.{name}.", _table(auth, name, source)))
        _known(tables[-1][1], set(AUTH_KEYS), source, tables[-1][0])
    for prefix, table in tables:
        for key in AUTH_KEYS:
            if key in table:
                _typed(prefix + key, table[key], str, source)
    return config


def _table(config: dict[str, object], name: str, source: str) -> dict[str, object]:
    value = config.get(name, {})
    if not isinstance(value, dict):
        raise ConfigError(f"{source}: `{name}` must be a table")
    return value


def _known(table: dict[str, object], allowed: set[str], source: str, prefix: str) -> None:
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise ConfigError(
            f"{source}: unknown key `{prefix}{unknown[0]}`; known: {', '.join(sorted(allowed))}"
        )


def _typed(key: str, value: object, kind: type, source: str) -> None:
    ok = isinstance(value, kind) and not (kind is not bool and isinstance(value, bool))
    if key.removeprefix("run.") in AUTO_KEYS and value == AUTO:
        return
    if kind is float:
        ok = isinstance(value, int | float) and not isinstance(value, bool)
    if kind is list:
        ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
    if not ok:
        raise ConfigError(
            f"{source}: `{key}` must be {kind.__name__}, got {type(value).__name__} {value!r}"
        )


def from_env(key: str, kind: type, environ: dict[str, str]) -> object:
    """ORDERMESH_<KEY> converted to the key's type, or None when unset or empty."""
    name = env_name(key)
    raw = environ.get(name, "").strip()
    if not raw:
        return None
    if kind is bool:
        if raw.lower() in TRUE + FALSE:
            return raw.lower() in TRUE
        raise ConfigError(f"{name}={raw!r} is not a boolean (use 1/0, true/false)")
    if kind is list:
        separator = LIST_SEPARATORS.get(key, ",")
        return [item.strip() for item in raw.split(separator) if item.strip()]
    if key in AUTO_KEYS and raw.lower() == AUTO:
        return AUTO
    try:
        return kind(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not a valid {kind.__name__}") from None


def known_variables() -> set[str]:
    """Every ORDERMESH_* variable the toolkit reads."""
    credentials = {
        p + suffix
        for p in (ENV_PREFIX, *IDENTITIES.values())
        for suffix in ENV_CREDENTIALS.values()
    }
    return {env_name(key) for key in RUN_KEYS} | credentials | {ENV_SETTINGS, NODE_MODULES_ENV}


def check_variables(environ: dict[str, str]) -> None:
    """A misspelt ORDERMESH_* variable is a usage error naming the one meant: left unread, it
    would quietly change the run (ORDERMESH_READONLY=1 would still write)."""
    known = known_variables()
    suffixes = {name.removeprefix(ENV_PREFIX): name for name in known}
    for name in sorted(environ):
        if not name.upper().startswith(ENV_PREFIX) or name in known:
            continue
        meant = closest(name[len(ENV_PREFIX) :], suffixes, TYPO_CUTOFF)
        if meant:
            raise ConfigError(
                f"{name} is not a variable of ours; did you mean {suffixes[meant[0]]}?"
            )
