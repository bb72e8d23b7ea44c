"""The toolkit's root exception, so a caller can tell the toolkit's own errors from any other.

Every error the toolkit raises on purpose derives from `OrderMeshError`: the failures our checks
report (checks/failures.py), a refused precondition, a bad configuration. An error that carries
a report `category` attribute is filed under it (reporting/categories.py).
"""

from __future__ import annotations


class OrderMeshError(Exception):
    """Base of the toolkit's own errors."""
