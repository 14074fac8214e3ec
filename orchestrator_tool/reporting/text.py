"""Human-readable output: tables for `scan`, reasons for `affected`."""

from __future__ import annotations

from collections.abc import Callable

from ..affected import Affected
from ..formats.words import count
from ..workspace import Workspace

Style = Callable[[str], str]


def _plain(s: str) -> str:
    return s


_COLUMN_CAP = 60  # a longer cell runs past its column on its own line, not on every line


def _table(rows: list[list[str]], header: list[str]) -> list[str]:
    widths = [
        max(len(r[i]) for r in [header, *rows] if len(r[i]) <= max(_COLUMN_CAP, len(header[i])))
        for i in range(len(header))
    ]
    out = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip()]
    out.extend("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows)
    return out


def scan_text(ws: Workspace, bold: Style = _plain, dim: Style = _plain) -> str:
    pm = ws.package_manager
    turbo = "no turbo.json"
    if ws.turbo:
        turbo = f"turbo {ws.turbo.path} ({ws.turbo.schema}, {len(ws.turbo.tasks)} tasks)"
    head = (
        f"{bold(ws.root.name)}  {pm.name}{' ' + pm.version if pm.version else ''}"
        f" (from {pm.source})  ·  {count(len(ws.packages), 'package')}  ·  {len(ws.edges)} "
        f"internal dependenc{'y' if len(ws.edges) == 1 else 'ies'}  ·  {turbo}"
    )
    deps: dict[str, list[str]] = {}
    for e in ws.edges:
        label = e.target if e.kind == "dependencies" else f"{e.target} ({_short_kind(e.kind)})"
        if label not in deps.setdefault(e.source, []):
            deps[e.source].append(label)
    rows = [
        [
            p.name or "(unnamed)",
            p.path,
            p.version or "-",
            ", ".join(deps.get(p.name or "", [])) or "-",
        ]
        for p in ws.packages
    ]
    lines = [head, ""]
    lines.extend(_table(rows, ["PACKAGE", "PATH", "VERSION", "WORKSPACE DEPENDENCIES"]))
    if ws.problems:
        lines.append("")
        lines.extend(p.render() for p in ws.problems)
    return "\n".join(lines) + "\n"


def _short_kind(kind: str) -> str:
    return {
        "devDependencies": "dev",
        "peerDependencies": "peer",
        "optionalDependencies": "optional",
    }.get(kind, kind)


def affected_text(result: Affected, total: int, bold: Style = _plain, dim: Style = _plain) -> str:
    cs = result.changes
    if cs.source in ("range", "range+worktree"):
        mb = f", merge base {cs.merge_base[:10]}" if cs.merge_base else ""
        what = f"{cs.base}...{cs.head or 'the work tree'}{mb}"
    elif cs.source == "files":
        what = "files given on the command line"
    else:
        what = f"{cs.source} changes"
    n = len(cs.files)
    lines = [f"{what}: {count(n, 'changed file')}"]
    lines.extend(dim(f"note: {note}") for note in result.notes)
    if not result.packages:
        lines.append("no package is affected")
    else:
        lines.append(f"{len(result.packages)} of {count(total, 'package')} affected:")
        # Packages with their own changes first, then the ones reached through others.
        ordered = sorted(
            result.packages,
            key=lambda p: (p.reasons[0].kind not in ("changed-files", "lockfile"), p.path),
        )
        for p in ordered:
            lines.append(f"  {bold(p.name or p.path)}  {dim(p.path)}")
            for r in p.reasons:
                lines.append(f"    - {r.message}")
                if r.kind == "changed-files":
                    shown = r.files[:5]
                    lines.extend(dim(f"        {f}") for f in shown)
                    if len(r.files) > len(shown):
                        lines.append(dim(f"        … and {len(r.files) - len(shown)} more"))
    if result.unowned_files:
        lines.append(
            dim(
                f"{len(result.unowned_files)} changed file(s) belong to no package "
                "and affect none: "
                + ", ".join(result.unowned_files[:5])
                + (" …" if len(result.unowned_files) > 5 else "")
            )
        )
    return "\n".join(lines) + "\n"
