"""The import-linter contracts name every part of the package: a new top-level module or
package has a place in the layers (or it would be free of them)."""

from __future__ import annotations

import sys
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]


def test_every_top_level_part_has_a_layer() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    (layers,) = (c for c in config["contracts"] if c["type"] == "layers")
    placed = {
        name.strip().removeprefix("orchestrator_tool.")
        for layer in layers["layers"]
        for name in layer.replace("|", ":").split(":")
    }
    parts = {
        p.stem if p.suffix == ".py" else p.name
        for p in (ROOT / "orchestrator_tool").iterdir()
        if (p.suffix == ".py" or (p / "__init__.py").is_file()) and p.name != "__init__.py"
    }
    # the analyses sit beside the layers: only validators import them (the other contract)
    assert parts - {"analysis"} == placed
