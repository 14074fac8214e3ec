"""What a change affects: changed files → owning packages → dependents, each affected package
with its reasons, the lockfile's changes attributed to the packages whose dependencies moved."""

from __future__ import annotations

from .models import Affected, AffectedPackage, Reason
from .propagation import compute

__all__ = ["Affected", "AffectedPackage", "Reason", "compute"]
