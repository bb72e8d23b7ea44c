"""The embedded OrderMesh mock: a stateful, spec-validated ASGI app with seeded faults."""

from ordermesh_mock.config import MockConfig

__all__ = ["MockConfig", "create_app"]


def create_app(config: MockConfig | None = None):
    from ordermesh_mock.app import create_app as _create

    return _create(config or MockConfig())
