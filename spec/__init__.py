"""The OrderMesh spec and its state table, as Python objects.

`spec/ordermesh.yaml` and `spec/lifecycle.yaml` are the single source of truth; this package only
reads them. The mock, the strategies, the suites and the diff tool all load them from here.
"""

from spec.lifecycle import Lifecycle, load_lifecycle
from spec.loader import (
    LIFECYCLE_PATH,
    SAFE_METHODS,
    SPEC_PATH,
    Operation,
    Parameter,
    Spec,
    load_spec,
)

__all__ = [
    "LIFECYCLE_PATH",
    "SAFE_METHODS",
    "SPEC_PATH",
    "Lifecycle",
    "Operation",
    "Parameter",
    "Spec",
    "load_lifecycle",
    "load_spec",
]
