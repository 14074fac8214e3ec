"""The baseline: today's findings, accepted, so only new ones fail (a ratchet).

Findings are keyed by their fingerprint — code, path and the offending line's text, not its
number — and counted, so editing elsewhere in a file does not turn an accepted finding into a
new one. Updating shrinks the counts as findings are fixed and never grows them unless asked.
An update only touches what the run looked at: entries for files it did not check, or codes
it did not run, are kept as they are (a `--staged` or `--select` run cannot wipe the rest).
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

from ..errors import InputError
from .diagnostics import Diagnostic

FORMAT = 1


def load(path: Path) -> Counter[str]:
    if not path.exists():
        return Counter()
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
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
    it did not cover stay. Returns what happened."""
    current = Counter(d.fingerprint for d in diagnostics)
    kept = Counter({k: v for k, v in accepted.items() if not covered(k)})
    if not path.exists():
        result, what = current, "created"
    elif grow:
        result = kept + current
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
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, path)
    return what
