"""Run settings: profiles, target, credentials and budgets, from flags, env vars or a config file.

Precedence, highest first: command-line flags, then `ORDERMESH_*` environment variables, then the
config file (conformance/config/file.py), then defaults. The CLI builds a `RunSettings`, passes
it to the pytest run through the environment (`to_env`), and the suites read it back with
`RunSettings.from_env()`.
"""

from __future__ import annotations

import ipaddress
import json
import os
import secrets
import urllib.parse
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from typing import TYPE_CHECKING, Any

from conformance.errors import UsageError
from spec import SPEC_PATH, Spec, load_spec
from spec.loader import SpecError

if TYPE_CHECKING:
    from hypothesis.vendor.pretty import RepresentationPrinter

ENV_SETTINGS = "ORDERMESH_RUN_SETTINGS"  # JSON, written by the CLI for the pytest run
PRODUCTION_HOSTS = ("api.ordermesh.io",)
# Requests in flight by default against a target across a network, where a run waits on round
# trips rather than on the CPU (bench/README.md has the measurements behind the number).
REMOTE_CONCURRENCY = 8


class ConfigError(UsageError, ValueError):
    """A usage or configuration problem; the message names the flag, variable or key."""


@dataclass(frozen=True)
class Profile:
    name: str
    max_examples: int  # fuzzing examples per operation
    phases: tuple[str, ...]
    link_scenarios: int  # Schemathesis link-following state machine
    link_steps: int
    lifecycle_scenarios: int  # our Hypothesis state machine
    lifecycle_steps: int


PROFILES = {
    "smoke": Profile("smoke", 3, ("examples", "fuzzing"), 3, 4, 4, 12),
    "ci": Profile("ci", 12, ("examples", "coverage", "fuzzing"), 10, 6, 25, 20),
    "full": Profile("full", 100, ("examples", "coverage", "fuzzing"), 50, 10, 200, 40),
}
DEFAULT_PROFILE = "ci"
PROFILE_COLUMNS = ("profile", "examples per operation", "phases", "link-following", "lifecycle")


def profile_cells(profile: Profile) -> tuple[str, ...]:
    """One profile's budget in words; `run --help` and the README's table both show these."""
    return (
        profile.name,
        str(profile.max_examples),
        ", ".join(profile.phases),
        f"{profile.link_scenarios} runs of {profile.link_steps} steps",
        f"{profile.lifecycle_scenarios} walks of {profile.lifecycle_steps} steps",
    )


def profiles_help() -> str:
    """The profiles' budgets for `--profile`'s help."""
    return "; ".join(
        f"{name}{' (default)' if name == DEFAULT_PROFILE else ''}: {cells[1]} examples per "
        f"operation, link-following {cells[3]}, lifecycle {cells[4]}"
        for name, cells in ((n, profile_cells(p)) for n, p in PROFILES.items())
    )


def profiles_table() -> str:
    """The profiles' budgets as the README's Markdown table (a test keeps the README in step)."""
    rows = [PROFILE_COLUMNS, *(profile_cells(p) for p in PROFILES.values())]
    lines = ["| " + " | ".join(row) + " |" for row in rows]
    lines.insert(1, "|" + "---|" * len(PROFILE_COLUMNS))
    return "\n".join(lines)


@dataclass(frozen=True)
class Credentials:
    """Secrets for one merchant. `repr` never shows them."""

    def _repr_pretty_(self, printer: RepresentationPrinter, cycle: bool) -> None:
        # Hypothesis prints test arguments with its own pretty-printer, which walks dataclass
        # fields and ignores `repr=False`; this keeps the secrets out of a falsifying example.
        printer.text(repr(self))

    merchant_id: str | None = None  # whose data this is; needed to create orders
    client_id: str | None = None
    client_secret: str | None = field(default=None, repr=False)
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    token: str | None = field(default=None, repr=False)

    @property
    def kind(self) -> str | None:
        if self.token:
            return "token"
        if self.client_id and self.client_secret:
            return "client"
        if self.username and self.password:
            return "user"
        return None

    def secrets(self) -> list[str]:
        return [s for s in (self.client_secret, self.password, self.token) if s]

    def validate(self, prefix: str) -> None:
        if self.client_id and not self.client_secret:
            raise ConfigError(f"{prefix}CLIENT_ID is set but {prefix}CLIENT_SECRET is missing")
        if self.client_secret and not self.client_id:
            raise ConfigError(f"{prefix}CLIENT_SECRET is set but {prefix}CLIENT_ID is missing")
        if self.username and not self.password:
            raise ConfigError(f"{prefix}USERNAME is set but {prefix}PASSWORD is missing")
        if self.password and not self.username:
            raise ConfigError(f"{prefix}PASSWORD is set but {prefix}USERNAME is missing")


# The embedded mock's pre-provisioned merchants (see ordermesh_mock/auth.py and the README).
MOCK_MERCHANT_A = Credentials(
    merchant_id="0b6f2f9e-43a4-4a3e-9d7e-1f2a3b4c5d6e",
    client_id="om-client-a",
    client_secret="om-secret-a",
    username="qa-a@ordermesh.test",
    password="password-a",
)
MOCK_MERCHANT_B = Credentials(
    merchant_id="7c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f",
    client_id="om-client-b",
    client_secret="om-secret-b",
)
# Merchant A's client that the mock granted no permission (ordermesh_mock/auth.py).
MOCK_RESTRICTED = Credentials(
    merchant_id=MOCK_MERCHANT_A.merchant_id,
    client_id="om-client-none",
    client_secret="om-secret-none",
)


def mock_credentials_like(other: Credentials) -> Credentials:
    """Merchant A of the embedded mock, signed in only the ways `other` is: a client, a user, a
    bearer token (a fresh one; start the mock with `MockConfig(token=...)`). `compare` uses it
    when the other target is live, so both answer the login operations with the same kind of
    credentials: a user login succeeds on both sides or on neither."""
    a = MOCK_MERCHANT_A
    client, user = bool(other.client_id), bool(other.username)
    return Credentials(
        merchant_id=a.merchant_id,
        client_id=a.client_id if client else None,
        client_secret=a.client_secret if client else None,
        username=a.username if user else None,
        password=a.password if user else None,
        token=secrets.token_urlsafe(24) if other.token else None,
    )


@dataclass(frozen=True)
class RunSettings:
    base_url: str | None = None  # None: start the embedded mock
    embedded: bool = False  # base_url is the embedded mock this run started
    config_path: str | None = None  # --config, as given (a replay line repeats it)
    spec_path: str = str(SPEC_PATH)
    overlays: tuple[str, ...] = ()  # OpenAPI Overlays applied to the spec as it loads
    profile: str = DEFAULT_PROFILE
    seed: int = 0
    workers: int = 1
    concurrency: int = 1  # requests in flight at most, from at least as many test processes
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    scenarios: tuple[str, ...] = ()  # lifecycle scenarios named with --scenario
    suites: tuple[str, ...] = ()  # --suite: properties, links, lifecycle; empty: all
    read_only: bool = False
    rate_limit: float | None = None  # requests per second, for the whole run
    limiter_path: str | None = None  # the SQLite bucket the run's processes share the limit in
    cleanup: bool = True
    reports_dir: str = "reports"
    allow_production: bool = False
    run_id: str = ""
    poll_timeout: float = 5.0  # read-after-write: how long to wait for a write to show
    clock_skew: float = 300.0  # seconds the target's clock may differ from ours (timestamps)
    credentials: Credentials = Credentials()
    tenant_b: Credentials = Credentials()  # a second merchant, for tenant isolation
    # A client the target granted no permission: it provokes the documented 403s
    restricted: Credentials = Credentials()
    mock_faults: tuple[str, ...] = ()
    lifecycle_threshold: float = 1.0  # share of states and transitions that must be covered
    coverage_floor: str | None = None  # DIMENSION=PERCENT,... (coverage/floor.py); None: default
    changes: str | None = None  # a `diff --format json` file whose changes the report maps
    max_failures: int | None = None  # stop starting new work after this many failed tests
    max_duration: float | None = None  # seconds; the CLI turns it into `deadline`
    deadline: float | None = None  # epoch seconds after which no new work starts
    shard_index: int = 1  # this machine's share of the tests (pytest-split group), 1-based
    shard_count: int = 1
    history_path: str | None = None  # Allure history kept across runs; None: in reports_dir
    quiet: bool = False  # print the summary only, no progress lines
    max_examples: int | None = None  # --max-examples: the profile's examples per operation
    baseline: str | None = None  # known failures that do not fail the run (baseline.py)
    baseline_update: bool = False  # add this run's new failures to the baseline file
    # How requests reach the target (conformance/transport/connection.py): staging behind TLS and
    # proxies
    request_timeout: float | None = None  # seconds, every request; None: each client's default
    tls_verify: bool = True
    ca_bundle: str | None = None
    request_cert: str | None = None  # client certificate, for mutual TLS
    request_cert_key: str | None = None

    def load_spec(self) -> Spec:
        """The spec this run holds the target to: --spec with every --overlay applied."""
        try:
            return load_spec(self.spec_path, self.overlays)
        except SpecError as exc:  # spec/ sits below our errors: the run's spec is the user's
            raise ConfigError(str(exc)) from exc

    @property
    def profile_budget(self) -> Profile:
        profile = PROFILES[self.profile]
        if self.max_examples is None:
            return profile
        return replace(profile, max_examples=self.max_examples)

    @property
    def processes(self) -> int:
        """pytest processes: one per stream of concurrent work, or --workers for the CPU."""
        return max(self.workers, self.concurrency)

    @property
    def target_url(self) -> str:
        """The base URL the run talks to: --base-url, or the embedded mock's once it started."""
        if not self.base_url:
            raise RuntimeError("no target URL yet: no --base-url and no embedded mock started")
        return self.base_url

    @property
    def is_production(self) -> bool:
        return bool(self.base_url and any(h in self.base_url for h in PRODUCTION_HOSTS))

    def secrets(self) -> list[str]:
        return self.credentials.secrets() + self.tenant_b.secrets() + self.restricted.secrets()

    def check_can_create_data(self) -> RunSettings:
        """Commands that create test data on a live target (run, compare, drift) need the
        merchant it belongs to: without one every setup call is refused, one case at a time."""
        if self.base_url and not self.read_only and not self.credentials.merchant_id:
            raise ConfigError(
                f"ORDERMESH_MERCHANT_ID (or --merchant-id) names the merchant whose test data is"
                f" created on {self.base_url}; set it (`run` can also go --read-only)"
            )
        return self

    def check(self) -> RunSettings:
        if self.profile not in PROFILES:
            raise ConfigError(
                f"--profile must be one of {', '.join(PROFILES)}, got {self.profile!r}"
            )
        if self.max_examples is not None and self.max_examples < 1:
            raise ConfigError(f"--max-examples must be at least 1, got {self.max_examples}")
        if self.baseline_update and not self.baseline:
            raise ConfigError("--baseline-update needs the baseline file: add --baseline FILE")
        if self.workers < 1:
            raise ConfigError(f"--workers must be at least 1, got {self.workers}")
        if self.concurrency < 1:
            raise ConfigError(f"--concurrency must be at least 1, got {self.concurrency}")
        if not 1 <= self.shard_index <= self.shard_count:
            raise ConfigError(
                f"--shard must be K/N with 1 <= K <= N, got {self.shard_index}/{self.shard_count}"
            )
        if self.max_failures is not None and self.max_failures < 1:
            raise ConfigError(f"--max-failures must be at least 1, got {self.max_failures}")
        if self.max_duration is not None and self.max_duration <= 0:
            raise ConfigError(f"--max-duration must be positive, got {self.max_duration}")
        if self.rate_limit is not None and self.rate_limit <= 0:
            raise ConfigError(f"--rate-limit must be positive, got {self.rate_limit}")
        if self.base_url and not self.base_url.startswith(("http://", "https://")):
            raise ConfigError(
                f"--base-url must start with http:// or https://, got {self.base_url!r}"
            )
        if self.is_production and not self.allow_production and not self.read_only:
            raise ConfigError(
                "--base-url points at production; writes there need --allow-production "
                "(or use --read-only)"
            )
        if self.base_url and self.credentials.kind is None:
            raise ConfigError(
                "no credentials for the target: "
                "set ORDERMESH_CLIENT_ID and ORDERMESH_CLIENT_SECRET, "
                "ORDERMESH_USERNAME and ORDERMESH_PASSWORD, or ORDERMESH_TOKEN"
            )
        self.credentials.validate("ORDERMESH_")
        self.tenant_b.validate("ORDERMESH_TENANT_B_")
        self.restricted.validate("ORDERMESH_RESTRICTED_")
        return self

    # ------------------------------------------------------------------ transport to pytest
    def to_env(self) -> dict[str, str]:
        return {ENV_SETTINGS: json.dumps(asdict(self))}

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> RunSettings:
        environ = os.environ if environ is None else environ
        raw = environ.get(ENV_SETTINGS)
        if not raw:
            return cls(run_id=new_run_id())
        data = json.loads(raw)
        data["credentials"] = Credentials(**data["credentials"])
        data["tenant_b"] = Credentials(**data["tenant_b"])
        data["restricted"] = Credentials(**data.get("restricted", {}))
        for key in ("include", "exclude", "scenarios", "suites", "mock_faults", "overlays"):
            data[key] = tuple(data.get(key, ()))
        return cls(**data)

    def with_target(self, base_url: str) -> RunSettings:
        return replace(self, base_url=base_url, embedded=False)


def default_concurrency(base_url: str | None, workers: int) -> int:
    """One request at a time per worker on loopback (the embedded mock, a local server), where a
    run is CPU-bound and every extra process costs its start-up; REMOTE_CONCURRENCY elsewhere."""
    host = urllib.parse.urlsplit(base_url).hostname or "" if base_url else "localhost"
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    return workers if loopback else max(workers, REMOTE_CONCURRENCY)


def new_run_id() -> str:
    """Short tag put on everything a run creates, so it can be found and cleaned up."""
    return "omct-" + secrets.token_hex(4)


ENV_CREDENTIALS = {
    "merchant_id": "MERCHANT_ID",
    "client_id": "CLIENT_ID",
    "client_secret": "CLIENT_SECRET",
    "username": "USERNAME",
    "password": "PASSWORD",
    "token": "TOKEN",
}


def credentials_from(
    flags: dict[str, Any], environ: dict[str, str], config: dict[str, Any], prefix: str
) -> Credentials:
    """Merge one merchant's credentials: flags, then env vars, then the config file."""
    values = {}
    for key, env_suffix in ENV_CREDENTIALS.items():
        values[key] = flags.get(key) or environ.get(prefix + env_suffix) or config.get(key) or None
    return Credentials(**values)
