"""Disallow `typing.Any` in the annotations of Python code.

## What it does
The Python counterpart of ANY001 for Python packages and scripts in the monorepo: reports
`Any` (imported from `typing` or `typing_extensions`, under any alias) and `typing.Any` in
parameter, return and variable annotations, including inside other types
(`dict[str, Any]`, `list[Any]`). Honours `# noqa: ANN401` (ruff's and flake8-annotations'
code for the same check) and a bare `# noqa` on the line.

## Why
`Any` turns the type checker off just as TypeScript's `any` does: mypy and pyright stop
checking everything that flows through it.

## Example
```python
from typing import Any

def handle(event: Any) -> dict[str, Any]: ...
```

## Use instead
```python
from typing import TypedDict

class Event(TypedDict):
    id: str

def handle(event: Event) -> dict[str, object]: ...
```

## Precision
0 of 40 findings judged by hand on the held-out corpus (24 public monorepos never used to tune
the rules, `tests/benchmarks/precision/`) were real defects (0%; Wilson 95% lower bound 0%).
Under 95%, so it runs as a warning by default; `--strict` or `[validators.ANY002] severity =
"error"` makes it an error. Nearly every finding was `Dict[str, Any]`/`Mapping[str, Any]` for
JSON payloads or headers, or a parameter mirroring a library's own `Any`: idiomatic Python where
the suggested `object` breaks callers.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from orchestrator_tool.engine.validator import Invalid, Valid

if TYPE_CHECKING:
    import libcst

    from orchestrator_tool.engine.validator import Context

CODE = "ANY002"
NAME = "no-python-any"
MESSAGE = "Unexpected typing.Any. Specify a different type."
SEVERITY = "error"
PRECISION = (0, 40)  # held-out corpus: (real defects, judged)
LANGUAGES = ("python",)
PREFILTER = rb"Any\b"
_NOQA = re.compile(r"#\s*noqa(?::\s*(?P<codes>[A-Z0-9, ]+))?", re.I)

VALID = [
    Valid(
        "from typing import Optional\n\ndef f(x: Optional[int]) -> object: ...\n",
        filename="tool.py",
    ),
    Valid("Any = 1\n\ndef f(x: 'str') -> None:\n    y: int = Any\n", filename="tool.py"),
    Valid(
        "from typing import Any\n\ndef f(x: Any) -> None:  # noqa: ANN401\n    pass\n",
        filename="tool.py",
    ),
]
INVALID = [
    Invalid(
        "from typing import Any\n\ndef f(x: Any) -> dict[str, Any]: ...\n",
        positions=((3, 10), (3, 28)),
        filename="tool.py",
    ),
    Invalid("import typing as t\n\nvalue: t.Any = None\n", positions=((3, 8),), filename="tool.py"),
    Invalid(
        "from typing_extensions import Any as Whatever\n\ndef g(*args: Whatever) -> None: ...\n",
        positions=((3, 14),),
        filename="tool.py",
    ),
]


def _any_names(module: libcst.Module) -> tuple[set[str], set[str]]:
    """(local names bound to Any, local names bound to the typing modules)."""
    import libcst as cst

    names: set[str] = set()
    modules: set[str] = set()
    for stmt in module.body:
        if not isinstance(stmt, cst.SimpleStatementLine):
            continue
        for small in stmt.body:
            if isinstance(small, cst.ImportFrom) and isinstance(
                small.module, (cst.Name, cst.Attribute)
            ):
                mod = cst.helpers.get_full_name_for_node(small.module)
                if mod in ("typing", "typing_extensions") and not isinstance(
                    small.names, cst.ImportStar
                ):
                    for alias in small.names:
                        if isinstance(alias.name, cst.Name) and alias.name.value == "Any":
                            local = alias.asname.name if alias.asname else alias.name
                            if isinstance(local, cst.Name):
                                names.add(local.value)
            elif isinstance(small, cst.Import):
                for alias in small.names:
                    full = cst.helpers.get_full_name_for_node(alias.name)
                    if full in ("typing", "typing_extensions"):
                        bound: cst.CSTNode = alias.asname.name if alias.asname else alias.name
                        local_name = cst.helpers.get_full_name_for_node(bound)
                        if local_name:
                            modules.add(local_name)
    return names, modules


def check(ctx: Context) -> None:
    import libcst as cst
    from libcst.metadata import MetadataWrapper, PositionProvider

    module = ctx.source.python_module()
    if module is None:
        return
    names, modules = _any_names(module)
    if not names and not modules:
        return
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    positions = wrapper.resolve(PositionProvider)
    found: list[cst.CSTNode] = []

    class Finder(cst.CSTVisitor):
        def __init__(self) -> None:
            self.depth = 0

        def visit_Annotation(self, node: cst.Annotation) -> None:
            self.depth += 1

        def leave_Annotation(self, node: cst.Annotation) -> None:
            self.depth -= 1

        def visit_Name(self, node: cst.Name) -> None:
            if self.depth and node.value in names:
                found.append(node)

        def visit_Attribute(self, node: cst.Attribute) -> bool:
            if self.depth and node.attr.value == "Any":
                owner = cst.helpers.get_full_name_for_node(node.value)
                if owner in modules:
                    found.append(node)
                    return False
            return True

    wrapper.module.visit(Finder())
    lines = ctx.source.data.decode("utf-8", "replace").splitlines()
    for node in found:
        pos = positions[node]
        line = pos.start.line
        noqa = _NOQA.search(lines[line - 1]) if line <= len(lines) else None
        if noqa and (not noqa.group("codes") or "ANN401" in noqa.group("codes").upper()):
            continue
        start = ctx.source.line_starts()[line - 1]
        # byte span of the node, for the report's columns and fingerprint
        col_bytes = len(lines[line - 1][: pos.start.column].encode())
        end_line = pos.end.line
        end_bytes = ctx.source.line_starts()[end_line - 1] + len(
            lines[end_line - 1][: pos.end.column].encode()
        )
        ctx.report(span=(start + col_bytes, end_bytes))
