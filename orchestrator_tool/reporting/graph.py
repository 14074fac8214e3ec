"""The package graph as Mermaid or Graphviz DOT."""

from __future__ import annotations

from ..workspace import Workspace

_DASHED_KINDS = ("devDependencies", "peerDependencies")


def _ids(ws: Workspace) -> dict[str, str]:
    return {p.name: f"n{i}" for i, p in enumerate(ws.packages) if p.name}


def mermaid(ws: Workspace) -> str:
    """`graph LR`, one node per package (name and path); dev/peer edges dashed."""
    ids = _ids(ws)
    lines = ["graph LR"]
    for p in ws.packages:
        if p.name:
            lines.append(f'  {ids[p.name]}["{_mermaid_text(p.name)}<br/><small>{p.path}</small>"]')
    seen: set[tuple[str, str]] = set()
    for e in ws.edges:
        if (e.source, e.target) in seen:
            continue
        seen.add((e.source, e.target))
        arrow = "-.->" if e.kind in _DASHED_KINDS else "-->"
        lines.append(f"  {ids[e.source]} {arrow} {ids[e.target]}")
    return "\n".join(lines) + "\n"


def _mermaid_text(s: str) -> str:
    return s.replace('"', "#quot;")


def dot(ws: Workspace) -> str:
    """A `digraph` with package names as node ids; dev/peer edges dashed."""
    lines = ["digraph workspace {", "  rankdir=LR;", "  node [shape=box];"]
    for p in ws.packages:
        if p.name:
            lines.append(f"  {_q(p.name)} [label={_q(p.name + chr(10) + p.path)}];")
    for e in ws.edges:
        style = (
            ' [style=dashed, label="dev"]'
            if e.kind == "devDependencies"
            else (' [style=dashed, label="peer"]' if e.kind == "peerDependencies" else "")
        )
        lines.append(f"  {_q(e.source)} -> {_q(e.target)}{style};")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _q(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
