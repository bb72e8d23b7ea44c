"""The embedded OrderMesh mock: a stateful, spec-validated ASGI app with seeded faults."""

from typing import TYPE_CHECKING

from ordermesh_mock.config import MockConfig

if TYPE_CHECKING:
    from starlette.applications import Starlette

__all__ = ["MockConfig", "create_app"]


def create_app(config: MockConfig | None = None) -> "Starlette":
    from ordermesh_mock.app import create_app as _create

    return _create(config or MockConfig())
