"""The baseline: today's findings, accepted, so only new ones fail (a ratchet).

Findings are keyed by their fingerprint — code, path and the offending line's text, not its
number — and counted, so editing elsewhere in a file does not turn an accepted finding into a
new one. A finding one fix resolves wherever it occurs (a dependency missing from a
package.json, however many imports need it) is keyed by its group instead: code, the
importing package's manifest and the dependency (`IMP002:apps/web/package.json:@repo/auth`),
so another import of the same package is the same accepted finding, and fixing the manifest
line removes it. Updating shrinks the counts as findings are fixed and never grows them unless
asked. An update only touches what the run looked at: entries for files it did not check, or
codes it did not run, are kept as they are (a `--staged` or `--select` run cannot wipe the
rest); a group's entry is judged only by a whole-workspace run, the only one that sees every
import of the package.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import InputError
from ..formats.jsonable import dumps_indented
from ..fsio import write_atomic
from .diagnostics import Diagnostic

if TYPE_CHECKING:
    from ..workspace import Workspace
    from .crashes import Crash
    from .results import FileResult
    from .settings import Settings

FORMAT = 1


def load(path: Path) -> Counter[str]:
    if not path.exists():
        return Counter()
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError) as exc:
        raise InputError(
            f"cannot read the baseline: {exc}",
            path=path,
            hint="fix or delete the file, then run with --update-baseline to write it again",
        ) from None
    if (
        not isinstance(doc, dict)
        or doc.get("format") != FORMAT
        or not isinstance(doc.get("findings"), dict)
    ):
        raise InputError(
            "not an orchestrator baseline (format 1)",
            path=path,
            hint="delete it and run with --update-baseline to write a new one",
        )
    findings = doc["findings"]
    return Counter({str(k): int(v) for k, v in findings.items() if isinstance(v, int) and v > 0})


def split(
    diagnostics: Sequence[Diagnostic], accepted: Counter[str]
) -> tuple[list[Diagnostic], list[Diagnostic]]:
    """(new findings, findings the baseline accepts)."""
    left = Counter(accepted)
    new: list[Diagnostic] = []
    old: list[Diagnostic] = []
    for d in diagnostics:
        if left[d.fingerprint] > 0:
            left[d.fingerprint] -= 1
            old.append(d)
        else:
            new.append(d)
    return new, old


def coverage(
    ws: Workspace,
    settings: Settings,
    results: Sequence[FileResult],
    workspace_crashes: Sequence[Crash],
    whole: bool,
) -> Callable[[str, str], bool]:
    """Whether this run judged ``code`` on ``path`` (so a baseline entry for them can be
    updated): a checked file, a code enabled there that did not crash (and the suppression
    check, which every checked file gets); on whole-workspace runs a package's manifest under
    the workspace rules, and under each file rule that ran on every checked file of the
    package (the groups keyed by the manifest: each of its imports was judged); a file, or a
    package, that no longer exists."""
    from ..workspace import manifest_rel
    from .languages import language_of
    from .suppressions import SUPPRESSION_CODE

    file_specs = [s for s in settings.specs if s.scope == "file"]
    file_codes = frozenset(s.code for s in file_specs)
    ran_on: dict[str, set[str]] = {}
    everywhere: dict[str, set[str]] = {}  # manifest -> file codes judged on all its files
    for r in results:
        if not r.checked:
            continue
        crashed = {c.code for c in r.crashes}
        ran_on[r.path] = {
            s.code for s in file_specs if s.code not in crashed and settings.enabled_for(s, r.path)
        }
        if whole:
            owner = ws.owner_of(r.path)
            manifest = manifest_rel(owner.path if owner is not None else ".")
            everywhere[manifest] = everywhere.get(manifest, set(file_codes)) & ran_on[r.path]
        ran_on[r.path].add(SUPPRESSION_CODE)
    if whole:
        crashed = {c.code for c in workspace_crashes}
        manifest_codes = {
            s.code for s in settings.specs if s.scope == "workspace" and s.code not in crashed
        }
        for p in (ws.root_package, *ws.packages):
            manifest = manifest_rel(p.path)
            codes = ran_on.setdefault(manifest, set())
            codes.update(everywhere.get(manifest, file_codes))  # no file: nothing to find
            if p is not ws.root_package:
                codes.update(manifest_codes)
    every = {s.code for s in settings.specs} | {SUPPRESSION_CODE}

    def ran(code: str, path: str) -> bool:
        codes = ran_on.get(path)
        if codes is not None:
            return code in codes
        # a file (or a package) deleted since: its findings cannot come back
        return (
            whole
            and code in every
            and (language_of(path) is not None or path.rpartition("/")[2] == "package.json")
            and not (ws.root / path).exists()
        )

    return ran


def covered_by(ran: Callable[[str, str], bool]) -> Callable[[str], bool]:
    """Whether a fingerprint (`CODE:path:line text`) is one the run judged again: ``ran(code,
    path)`` says which code it ran on which path."""

    def covered(fingerprint: str) -> bool:
        code, _, rest = fingerprint.partition(":")
        at = rest.find(":")
        while at >= 0:  # the path may itself hold a colon
            if ran(code, rest[:at]):
                return True
            at = rest.find(":", at + 1)
        return False

    return covered


def update(
    path: Path,
    accepted: Counter[str],
    diagnostics: Sequence[Diagnostic],
    *,
    grow: bool,
    covered: Callable[[str], bool] = lambda _: True,
) -> str:
    """Write the baseline: created from today's findings when missing; otherwise each count
    the run covered becomes min(accepted, today) — or today's, with ``grow`` — and the entries
    it did not cover stay (with ``grow``, at least as many as the run saw: a partial run sees
    some places of a group it does not cover). Returns what happened."""
    current = Counter(d.fingerprint for d in diagnostics)
    kept = Counter({k: v for k, v in accepted.items() if not covered(k)})
    if not path.exists():
        result, what = current, "created"
    elif grow:
        result = kept | current
        if any(result[k] > accepted[k] for k in result):
            what = "grown"
        else:
            what = "shrunk" if result != accepted else "unchanged"
    else:
        result = kept + Counter(
            {k: min(v, current[k]) for k, v in accepted.items() if covered(k) and current[k] > 0}
        )
        what = "shrunk" if result != accepted else "unchanged"
    doc = {"format": FORMAT, "findings": dict(sorted(result.items()))}
    write_atomic(path, dumps_indented(doc) + "\n")
    return what
