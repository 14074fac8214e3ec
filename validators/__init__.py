"""The built-in validators, and the registry that finds them.

Each validator lives in its own module here and declares ``CODE``, ``NAME``, ``MESSAGE`` and
``SEVERITY``. The core never imports a validator by name: it asks :func:`registry`, which
collects every public module of this package (found, not listed: see :func:`builtin_modules`) and
third-party validators published under the ``orchestrator_tool.validators`` entry-point group.
"""

from __future__ import annotations

import importlib
import os
import sys
from dataclasses import dataclass
from types import ModuleType

from orchestrator_tool.engine import spec_table
from orchestrator_tool.engine.spec import ValidatorSpec

ENTRY_POINT_GROUP = "orchestrator_tool.validators"


def builtin_modules() -> tuple[str, ...]:
    """Every public module of this package (no leading underscore), by name: a validator
    needs its module and nothing else, no list to register it in. Each must be a validator."""
    return tuple(sorted(_builtin_files()))


def _builtin_files() -> dict[str, str]:
    """The public modules of this package and their files."""
    found: dict[str, str] = {}
    for folder in __path__:  # read as a folder: pkgutil costs more than the listing
        try:
            names = os.listdir(folder)
        except OSError:
            continue
        for n in names:
            if n.endswith(".py") and not n.startswith("_"):
                found.setdefault(n[:-3], os.path.join(folder, n))
    return found


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


def load_specs() -> list[ValidatorSpec]:
    """Every validator: built-ins first, then plugins; sorted by code. Read from the table of
    validators when it was made from these very module files (engine.spec_table), so a run
    imports a validator's module only to check a file with it."""
    builtin = _builtin_files()
    modules: list[tuple[str, str | None]] = [
        (f"{__name__}.{name}", builtin[name]) for name in sorted(builtin)
    ]
    modules += [(target, spec_table.module_file(target)) for _, target in _entry_points()]
    return spec_table.specs(modules, _build_specs)


def _build_specs() -> list[ValidatorSpec]:
    # the validator API, for a table made again: a run that reads the table imports neither
    from orchestrator_tool.engine.validator import spec_from_module

    specs: dict[str, ValidatorSpec] = {}
    for info in registry():
        module = importlib.import_module(info.module)
        spec = spec_from_module(module)
        specs.setdefault(spec.code, spec)
    return sorted(specs.values(), key=lambda s: s.code)


def registry() -> list[ValidatorInfo]:
    """Every validator available: built-ins first, then plugins, sorted by code."""
    found: dict[str, ValidatorInfo] = {}
    for rel in builtin_modules():
        mod = importlib.import_module(f"{__name__}.{rel}")
        info = _info(mod, "builtin")
        found[info.code] = info
    for dist, target in _entry_points():
        mod = importlib.import_module(target.split(":", 1)[0])
        if ":" in target:
            raise TypeError(f"entry point {target} must name a module, not an object in it")
        info = _info(mod, dist)
        found.setdefault(info.code, info)
    return sorted(found.values(), key=lambda v: v.code)


def _entry_points() -> list[tuple[str, str]]:
    """(distribution name, module) for each ``orchestrator_tool.validators`` entry point on
    sys.path. Read straight from ``*.dist-info/entry_points.txt``: importing
    importlib.metadata costs more than a whole cached validate run."""
    header = f"[{ENTRY_POINT_GROUP}]"
    found: list[tuple[str, str]] = []
    seen: set[str] = set()
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for name in names:
            if not name.endswith((".dist-info", ".egg-info")):
                continue
            path = os.path.join(entry or ".", name, "entry_points.txt")
            try:
                with open(path, encoding="utf-8") as fh:
                    text = fh.read()
            except OSError:
                continue
            if header not in text:
                continue
            dist = _dist_name(os.path.join(entry or ".", name), name)
            if dist in seen:
                continue  # the first on sys.path wins, as importlib.metadata does
            seen.add(dist)
            in_group = False
            for raw in text.splitlines():
                line = raw.strip()
                if line.startswith("["):
                    in_group = line == header
                elif in_group and "=" in line and not line.startswith(("#", ";")):
                    found.append((dist, line.split("=", 1)[1].strip()))
    return found


def _dist_name(folder: str, name: str) -> str:
    try:
        with open(os.path.join(folder, "METADATA"), encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("Name:"):
                    return line.split(":", 1)[1].strip()
                if not line.strip():
                    break
    except OSError:
        pass
    return name.rsplit("-", 1)[0] if "-" in name else name.split(".", maxsplit=1)[0]
