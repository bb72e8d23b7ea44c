"""The Schemathesis schema a run uses: spec, budget, seed, filters and auth from RunSettings."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from requests.structures import CaseInsensitiveDict
from schemathesis import AuthContext, BaseSchema, GenerationMode
from schemathesis.config import ConfigError as SchemathesisConfigError
from schemathesis.config import HealthCheck, SchemathesisConfig

from conformance.config.selection import is_operation_id
from conformance.config.settings import ConfigError, RunSettings
from conformance.suites.session import current
from conformance.transport.auth import bearer_header
from conformance.transport.limiter import run_throttle
from conformance.transport.transports import throttle_schema
from spec import SAFE_METHODS
from spec.loader import HTTP_METHODS
from strategies.formats import schema_with_formats

if TYPE_CHECKING:
    from schemathesis.specs.openapi.schemas import OpenApiCase

UNSAFE = [method.upper() for method in HTTP_METHODS if method.upper() not in SAFE_METHODS]


@functools.cache
def suite_schema() -> BaseSchema:
    """The run's schema, built once per process and shared by the property and link tests."""
    return build_schema(current().settings)


def schemathesis_config() -> SchemathesisConfig:
    """`schemathesis.toml` (found as `st run` finds it) is the base: checks, per-operation
    overrides, headers, TLS. The profile, seed and filters of the run are layered on top."""
    try:
        return SchemathesisConfig.discover()
    except SchemathesisConfigError as exc:
        raise ConfigError(f"schemathesis.toml: {exc}") from None


def build_schema(settings: RunSettings) -> BaseSchema:
    profile = settings.profile_budget
    config = schemathesis_config()
    config.update(seed=settings.seed, max_failures=None)
    # `include` and `exclude` are typed as returning the base class (an OpenApiSchema at run time).
    schema: BaseSchema = schema_with_formats(settings.load_spec().document, config)
    if settings.base_url:
        schema.config.update(base_url=settings.base_url)
    throttle_schema(schema, run_throttle(settings))
    # "stateful" drives the link-following test (test_links.py); parametrize ignores it.
    schema.config.phases.update(phases=[*profile.phases, "stateful"])
    # No example database: a run is reproduced from its seed, not from what an earlier run left
    # in the working directory's .hypothesis folder.
    schema.config.generation.update(
        modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
        max_examples=profile.max_examples,
        database="none",
    )
    # A link is followed from a success: a negative step (one without its token, say) ends the
    # walk where it is, and the property tests already send negative cases of every operation.
    schema.config.phases.stateful.generation.update(modes=[GenerationMode.POSITIVE])
    # Our strategies and the coverage phase make large, filtered inputs on purpose.
    schema.config.suppress_health_check = [
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
    ]
    for item in settings.include:
        schema = (
            schema.include(operation_id=item) if is_operation_id(item) else schema.include(tag=item)
        )
    for item in settings.exclude:
        schema = (
            schema.exclude(operation_id=item) if is_operation_id(item) else schema.exclude(tag=item)
        )
    if settings.read_only:
        schema = schema.exclude(method=UNSAFE)

    @schema.auth(refresh_interval=None)
    class SuiteAuth:
        """The run's token provider; it renews on expiry and after a 401 by itself."""

        def get(self, case: OpenApiCase, ctx: AuthContext) -> str:
            return current().harness.auth.token()

        def set(self, case: OpenApiCase, data: str, ctx: AuthContext) -> None:
            case.headers = CaseInsensitiveDict({**case.headers, **bearer_header(data)})

    return schema
