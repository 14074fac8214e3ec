"""The built-in validators, and the registry that finds them.

Each validator lives in its own module here and declares ``CODE``, ``NAME``, ``MESSAGE`` and
``SEVERITY``. The core never imports a validator by name: it asks :func:`registry`, which
collects the built-ins listed in ``BUILTIN_MODULES`` and third-party validators published under
the ``orchestrator_tool.validators`` entry-point group.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from importlib.metadata import entry_points
from types import ModuleType

ENTRY_POINT_GROUP = "orchestrator_tool.validators"

# Module names (relative to this package) of the built-in validators.
BUILTIN_MODULES: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ValidatorInfo:
    code: str
    name: str
    module: str
    origin: str  # "builtin" or the entry point's distribution


def _info(module: ModuleType, origin: str) -> ValidatorInfo:
    code = getattr(module, "CODE", None)
    name = getattr(module, "NAME", None)
    if not isinstance(code, str) or not isinstance(name, str):
        raise TypeError(f"validator module {module.__name__} must define CODE and NAME strings")
    return ValidatorInfo(code=code, name=name, module=module.__name__, origin=origin)


def registry() -> list[ValidatorInfo]:
    """Every validator available: built-ins first, then plugins, sorted by code."""
    found: dict[str, ValidatorInfo] = {}
    for rel in BUILTIN_MODULES:
        mod = importlib.import_module(f"{__name__}.{rel}")
        info = _info(mod, "builtin")
        found[info.code] = info
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        mod = ep.load()
        if not isinstance(mod, ModuleType):
            raise TypeError(f"entry point {ep.name} must name a module, not {type(mod).__name__}")
        dist = ep.dist.name if ep.dist is not None else "plugin"
        info = _info(mod, dist)
        found.setdefault(info.code, info)
    return sorted(found.values(), key=lambda v: v.code)
