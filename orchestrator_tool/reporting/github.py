"""GitHub Actions: workflow-command annotations and the Markdown step summary.

Annotations: GitHub shows 10 errors and 10 warnings per step (50 per job), so failing gates
and files not checked come first, then the findings, then one notice that counts the rest.
Every value is escaped by GitHub's rules (data: ``%``, CR, LF; properties also ``:`` and
``,``): a path or a package name holding a newline cannot start a command of its own
(``::stop-commands::``, another ``::error``).

Step summary: the counts by code and by package first, at most ``MAX_ROWS`` findings (errors
first) and a line that says how many were left out, then the gates with each failing gate's
output tail in a ``<details>`` block. Every part is capped so the whole stays far below the
1 MiB GitHub accepts per step, whatever the size of the run.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..formats.words import count
from .diagnostics import with_more
from .sanitize import clean, tail

if TYPE_CHECKING:
    from ..gates import GateResult
    from .reports import ValidationReport

MAX_ROWS = 200  # findings in the summary's table
MAX_PACKAGES = 100  # rows of the by-package counts
MAX_NOT_CHECKED = 50
MAX_GATE_ROWS = 300  # the gates' table: the failing ones always
CELL_CHARS = 400  # a message cell
# A failing gate's output: in an annotation, and in the summary's <details>.
ANNOTATION_LINES, ANNOTATION_CHARS = 30, 4_000
DETAILS_LINES, DETAILS_CHARS = 200, 16_000
# Bytes the summary's findings and the gates' outputs may take (GitHub refuses a step's
# summary over 1 MiB, and a job's over 1 MiB in all).
ROWS_BUDGET = 160_000
DETAILS_BUDGET = 256_000


def data(s: str) -> str:
    """A workflow command's message."""
    return clean(s).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def prop(s: str) -> str:
    """A workflow command's property value (``file=``, ``title=``)."""
    return data(s).replace(":", "%3A").replace(",", "%2C")


def _gate_label(g: GateResult) -> str:
    return f"{g.task} ({g.package or g.path})"


def _gate_message(g: GateResult, max_lines: int, max_chars: int) -> tuple[str, str]:
    """What a failing gate's annotation or details say: a headline, the output's tail."""
    from .gates import status_word

    head = status_word(g)
    if g.exit_code is not None and g.status == "failed":
        head += f" (exit code {g.exit_code})"
    if g.command:
        head += f": {' '.join(g.command)}"
    head = " ".join(clean(head).split())
    text, left_out = tail(clean(g.output), max_lines, max_chars)
    if left_out or g.truncated:
        text = f"[… the output's first lines left out, {g.output_bytes} bytes in all]\n" + text
    return head, text


def commands(
    report: ValidationReport | None,
    gates: Sequence[GateResult] = (),
    prefix: str = "",
    per_severity: int = 10,
    total: int = 50,
) -> str:
    """``::error file=…,line=…::`` workflow commands: failing gates (with their output's
    tail), files not checked and validator crashes, then findings; at most ``per_severity``
    of each severity and ``total`` in all, and a notice counting the rest."""
    out: list[str] = []
    used: Counter[str] = Counter()
    hidden = 0

    def emit(level: str, props: str, message: str) -> None:
        nonlocal hidden
        if used[level] >= per_severity or sum(used.values()) >= total:
            hidden += 1
            return
        used[level] += 1
        out.append(f"::{level} {props}::{data(message)}")

    for g in gates:
        if not g.ok:
            head, text = _gate_message(g, ANNOTATION_LINES, ANNOTATION_CHARS)
            emit("error", f"title={prop('gate ' + _gate_label(g))}", f"{head}\n{text}".rstrip())
    if report is not None:
        for crash in report.crashes:
            title = "not checked" if crash.not_checked else "validator error"
            where = f"file={prop(prefix + crash.path)}," if crash.path else ""
            emit("error", f"{where}title={prop(title)}", str(crash))
        for d in report.diagnostics:
            level = {"error": "error", "warning": "warning"}.get(d.severity, "notice")
            props = (
                f"file={prop(prefix + d.path)},line={d.line},col={d.column},"
                f"endLine={d.end_line},endColumn={d.end_column},"
                f"title={prop(d.code + ' ' + d.name)}"
            )
            emit(level, props, with_more(d))
    if hidden > 0:
        out.append(
            f"::notice::{hidden} more finding(s) not annotated (GitHub shows "
            f"{per_severity} per severity); see the step summary"
        )
    return "".join(line + "\n" for line in out)


# ----------------------------------------------------------------------------- summary


def _cell(s: str, limit: int = CELL_CHARS) -> str:
    """Text for a Markdown table cell: one line, no HTML, no column break."""
    s = " ".join(clean(s).split())
    if len(s) > limit:
        s = s[: limit - 1] + "…"
    return html.escape(s, quote=False).replace("\\", "\\\\").replace("|", "\\|")


def _code(s: str, limit: int = CELL_CHARS) -> str:
    return f"<code>{_cell(s, limit)}</code>"


def _fence(text: str) -> str:
    """A code fence longer than any run of backticks in ``text``."""
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    return "`" * max(3, longest + 1)


def _validation_summary(report: ValidationReport, prefix: str, level: str) -> list[str]:
    diags = report.diagnostics
    errors = sum(1 for d in diags if d.severity == "error")
    warnings = sum(1 for d in diags if d.severity == "warning")
    others = len(diags) - errors - warnings
    said = f"{count(errors, 'error')}, {count(warnings, 'warning')}"
    if others:
        said += f", {count(others, 'note')}"
    not_checked = [c for c in report.crashes if c.not_checked]
    crashed = len(report.crashes) - len(not_checked)
    lines = [f"**{said}** in {count(report.files_checked, 'file')}."]
    if report.crashes:
        parts = []
        if not_checked:
            parts.append(f"{count(len(not_checked), 'file')} not checked")
        if crashed:
            parts.append(count(crashed, "validator error"))
        lines.append(f"**Incomplete:** {', '.join(parts)} (the run fails).")
    if report.baselined or report.suppressed:
        lines.append(
            f"{report.baselined} accepted by the baseline, {report.suppressed} suppressed."
        )
    if diags:
        by_code: dict[str, Counter[str]] = {}
        names: dict[str, str] = {}
        by_package: dict[str, Counter[str]] = {}
        for d in diags:
            by_code.setdefault(d.code, Counter())[d.severity] += 1
            names[d.code] = d.name
            by_package.setdefault(d.package or "(root)", Counter())[d.severity] += 1
        lines += ["", "| code | name | errors | warnings |", "| --- | --- | ---: | ---: |"]
        for code, c in sorted(by_code.items()):
            lines.append(f"| {code} | {_cell(names[code])} | {c['error']} | {c['warning']} |")
        packages = sorted(by_package.items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))
        lines += ["", "| package | errors | warnings |", "| --- | ---: | ---: |"]
        for name, c in packages[:MAX_PACKAGES]:
            lines.append(f"| {_code(name, 220)} | {c['error']} | {c['warning']} |")
        if len(packages) > MAX_PACKAGES:
            lines.append(f"\n{len(packages) - MAX_PACKAGES} more packages not shown.")
    if report.crashes:
        lines += ["", f"{level} Not checked", ""]
        for crash in report.crashes[:MAX_NOT_CHECKED]:
            where = _code(prefix + crash.path) if crash.path else crash.where
            lines.append(f"- {where}: {_cell(crash.what)}")
        if len(report.crashes) > MAX_NOT_CHECKED:
            lines.append(f"- … and {len(report.crashes) - MAX_NOT_CHECKED} more")
    if diags:
        # errors first: with a cap, they are the rows worth seeing
        ordered = sorted(diags, key=lambda d: d.severity != "error")
        rows: list[str] = []
        size = 0
        for d in ordered[:MAX_ROWS]:
            row = (
                f"| {_code(prefix + d.path)} | {d.line}:{d.column} | {d.code} | {d.severity} "
                f"| {_cell(with_more(d))} |"
            )
            size += len(row.encode()) + 1
            if size > ROWS_BUDGET:
                break
            rows.append(row)
        shown = f"the first {len(rows)} of {len(diags)}" if len(rows) < len(diags) else "all"
        lines += ["", f"{level} Findings ({shown}, errors first)", ""]
        lines += ["| file | line | code | severity | message |", "| --- | --- | --- | --- | --- |"]
        lines += rows
        if len(rows) < len(diags):
            lines.append(
                f"\n{len(diags) - len(rows)} more findings not shown here: the annotations, "
                "the SARIF and JUnit reports and `--report json` list every one."
            )
    return lines


def _gates_summary(gates: Sequence[GateResult], level: str) -> list[str]:
    from .gates import status_word

    passed = sum(1 for g in gates if g.status == "passed")
    failed = [g for g in gates if not g.ok]
    skipped = sum(1 for g in gates if g.status == "skipped")
    lines = [f"**{passed} passed, {len(failed)} failed, {skipped} skipped.**"]
    if not gates:
        return lines
    lines += ["", "| task | package | result | time |", "| --- | --- | --- | ---: |"]
    # the failing ones always; the others while there is room
    shown = [*failed, *(g for g in gates if g.ok)][: max(MAX_GATE_ROWS, len(failed))]
    for g in shown:
        lines.append(
            f"| {_cell(g.task)} | {_code(g.package or g.path, 220)} | {_cell(status_word(g))} "
            f"| {g.duration:.1f}s |"
        )
    if len(shown) < len(gates):
        lines.append(f"\n{len(gates) - len(shown)} more gates passed or skipped.")
    size = 0
    for i, g in enumerate(failed):
        head, text = _gate_message(g, DETAILS_LINES, DETAILS_CHARS)
        fence = _fence(text)
        block = [
            "",
            "<details>",
            f"<summary>{html.escape(clean(_gate_label(g)))}: {html.escape(head)}</summary>",
            "",
            f"{fence}text",
            text,
            fence,
            "",
            "</details>",
        ]
        size += sum(len(b.encode()) + 1 for b in block)
        if size > DETAILS_BUDGET:
            lines.append(
                f"\nThe output of {count(len(failed) - i, 'more failing gate')} is left out "
                "here: the JUnit report and `--report json` hold it."
            )
            break
        lines += block
    return lines


def validate_summary(report: ValidationReport, prefix: str = "") -> str:
    """The Markdown `validate` appends to ``$GITHUB_STEP_SUMMARY``."""
    lines = ["## orchestrator validate", "", *_validation_summary(report, prefix, "###")]
    return "\n".join(lines) + "\n"


def check_summary(
    report: ValidationReport | None,
    gates: Sequence[GateResult] | None,
    prefix: str = "",
    notes: Sequence[str] = (),
) -> str:
    """The Markdown `check` appends to ``$GITHUB_STEP_SUMMARY``: the validators' part, then
    the gates' (None: that stage did not run), then ``notes`` on them (a gate that ran
    nowhere)."""
    lines = ["## orchestrator check", "", "### Validators", ""]
    lines += (
        _validation_summary(report, prefix, "####")
        if report is not None
        else ["Nothing validated."]
    )
    lines += ["", "### Gates", ""]
    lines += _gates_summary(gates, "####") if gates is not None else ["Not run."]
    lines += ["", *(f"> [!WARNING]\n> {_cell(note, 1000)}" for note in notes)] if notes else []
    return "\n".join(lines) + "\n"
