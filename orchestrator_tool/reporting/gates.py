"""Gate results the way pre-commit prints hooks, and as JSON (JUnit XML: reporting.junit)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from ..formats.jsonable import dumps_indented

if TYPE_CHECKING:
    from ..gates import GateResult

Style = Callable[[str], str]
WIDTH = 79


def _plain(s: str) -> str:
    return s


def status_word(r: GateResult) -> str:
    if r.status == "passed":
        return "Passed"
    if r.status == "skipped":
        return f"Skipped ({r.reason})" if r.reason else "Skipped"
    if r.status == "refused":
        return f"Not run ({r.reason})"
    if r.status == "timeout":
        return "Timed out"
    if r.status == "not-found":
        return "Command not found"
    if r.status == "signal":
        return f"Killed by signal {r.signal}"
    if r.status == "interrupted":
        return "Interrupted"
    return "Failed"


def line(r: GateResult, green: Style = _plain, red: Style = _plain, dim: Style = _plain) -> str:
    label = f"{r.task} ({r.path})"
    word = status_word(r)
    timing = f" {r.duration:.1f}s" if r.status not in ("skipped", "refused") else ""
    dots = "." * max(3, WIDTH - len(label) - len(word) - len(timing) - 2)
    colour = green if r.status == "passed" else dim if r.status == "skipped" else red
    return f"{label} {dots} {colour(word)}{timing}"


def details(r: GateResult) -> list[str]:
    """What to show under a failed gate: the command, the exit code, the output's tail."""
    out = [f"- command: {' '.join(r.command)}"] if r.command else []
    if r.exit_code is not None:
        out.append(f"- exit code: {r.exit_code}")
    if r.truncated:
        out.append(f"- output: {r.output_bytes} bytes, the last {len(r.output.encode())} shown")
    text = r.output.rstrip()
    if text:
        out.append("")
        out.extend("    " + ln for ln in text.splitlines())
        out.append("")
    return out


def text(
    results: Sequence[GateResult], green: Style = _plain, red: Style = _plain, dim: Style = _plain
) -> str:
    lines: list[str] = []
    for r in results:
        lines.append(line(r, green, red, dim))
        if not r.ok:
            lines.extend(details(r))
    return "\n".join(lines) + ("\n" if lines else "")


def as_json(results: Sequence[GateResult]) -> list[dict[str, object]]:
    return [
        {
            "task": r.task,
            "package": r.package,
            "path": r.path,
            "status": r.status,
            "durationSeconds": round(r.duration, 3),
            "exitCode": r.exit_code,
            "signal": r.signal,
            "command": list(r.command),
            "reason": r.reason or None,
            "outputTail": r.output if not r.ok else "",
            "outputBytes": r.output_bytes,
            "truncated": r.truncated,
        }
        for r in results
    ]


def dumps(results: Sequence[GateResult]) -> str:
    return dumps_indented(as_json(results), ensure_ascii=True)
