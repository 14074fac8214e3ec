"""Print a pip constraints file pinning every runtime dependency of a pyproject.toml to its
declared floor: `click>=8.1` → `click==8.1`, markers kept. A dependency without a `>=` floor
is an error, since nothing would say which oldest version it supports.

    python .ci/floors.py [pyproject.toml] > constraints.txt
"""

from __future__ import annotations

import re
import sys

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10: the runtime dependency the package declares for it
    import tomli as tomllib

_REQUIREMENT = re.compile(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*(.*?)\s*")
_FLOOR = re.compile(r">=\s*([0-9][0-9A-Za-z.+!-]*)")


def floors(dependencies: list[str]) -> list[str]:
    """One `name==floor[; marker]` line per dependency; ValueError naming those without."""
    lines: list[str] = []
    missing: list[str] = []
    for dep in dependencies:
        spec, _, marker = dep.partition(";")
        m = _REQUIREMENT.fullmatch(spec)
        floor = _FLOOR.search(m.group(2)) if m else None
        if m is None or floor is None:
            missing.append(dep)
            continue
        pin = f"{m.group(1)}=={floor.group(1)}"
        lines.append(f"{pin}; {marker.strip()}" if marker.strip() else pin)
    if missing:
        raise ValueError("runtime dependencies without a `>=` floor: " + ", ".join(missing))
    return lines


def main(argv: list[str]) -> int:
    path = argv[1] if len(argv) > 1 else "pyproject.toml"
    with open(path, "rb") as fh:
        dependencies = tomllib.load(fh)["project"]["dependencies"]
    try:
        print("\n".join(floors(dependencies)))
    except ValueError as exc:
        print(f"{path}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
