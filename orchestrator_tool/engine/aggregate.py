"""One finding per fix: the diagnostics of one group are merged after the run.

Files are checked one by one (in worker processes, each result cached on its own), so an import
rule reports every import that needs a missing package.json line. This step makes the places
of one fix one finding: the first place (by path, line and column) reports it, the others are
its related locations, and its fingerprint is the group's, ``CODE:<manifest>:<what>``, so the
baseline accepts the missing line however many imports need it. Suppressions were applied per
place before: a silenced import is not among the places. The finding is as severe as its most
severe place (a per-path override can lower the severity of some of them).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from .diagnostics import SEVERITIES, Diagnostic


def merge(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """The diagnostics with each group merged into one, sorted by place."""
    out: list[Diagnostic] = []
    groups: dict[tuple[str, str], list[Diagnostic]] = {}
    for d in diagnostics:
        if d.group:
            groups.setdefault((d.code, d.group), []).append(d)
        else:
            out.append(d)
    for (code, group), places in groups.items():
        places.sort(key=Diagnostic.sort_key)
        first = places[0]
        out.append(
            dataclasses.replace(
                first,
                severity=min((p.severity for p in places), key=_rank),
                fingerprint=f"{code}:{group}",
                related=tuple(p.location() for p in places[1:]),
            )
        )
    out.sort(key=Diagnostic.sort_key)
    return out


def _rank(severity: str) -> int:
    return SEVERITIES.index(severity) if severity in SEVERITIES else len(SEVERITIES)
