"""Validation and gate results as JUnit XML, the dialect junitparser, Jenkins and the JUnit
report actions read.

Validation: one testcase per checked file. A file with an error-severity finding fails (the
findings in the failure's text); a file with warnings only passes, its warnings in
``system-out`` (the run's exit code is 0 then, and a red test would contradict it); a file the
checks did not finish, or a validator crashed on, is an error. Gates: one testsuite per task,
one testcase per package. Every text and attribute is cleaned of what XML cannot hold (a
gate's colours and control characters would make a reader reject the whole file).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..formats.words import count
from .diagnostics import with_more
from .sanitize import clean

if TYPE_CHECKING:
    from ..engine.crashes import Crash
    from ..engine.diagnostics import Diagnostic
    from ..gates import GateResult
    from .reports import ValidationReport


@dataclass(frozen=True)
class _Suite:
    name: str
    cases: tuple[str, ...]
    failures: int
    errors: int
    skipped: int
    time: float = 0.0

    def xml(self) -> str:
        attrs = (
            f'name={_attr(self.name)} tests="{len(self.cases)}" failures="{self.failures}" '
            f'errors="{self.errors}" skipped="{self.skipped}" time="{self.time:.3f}"'
        )
        if not self.cases:
            return f"  <testsuite {attrs}/>"
        return f"  <testsuite {attrs}>\n" + "\n".join(self.cases) + "\n  </testsuite>"


def _text(s: str) -> str:
    # (xml.sax.saxutils would do, but importing it costs more than a whole hook run's reports)
    return clean(s).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _attr(s: str) -> str:
    quoted = _text(s).replace('"', "&quot;")
    return '"' + quoted.replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;") + '"'


def _finding_line(d: Diagnostic) -> str:
    return f"{d.line}:{d.column} {d.severity} {d.code} {with_more(d)}"


def _crash_by_path(report: ValidationReport) -> dict[str, list[Crash]]:
    out: dict[str, list[Crash]] = {}
    for crash in report.crashes:
        out.setdefault(crash.where, []).append(crash)
    return out


def validation_suite(report: ValidationReport, prefix: str = "") -> _Suite:
    by_file: dict[str, list[Diagnostic]] = {p: [] for p in report.checked_paths}
    for d in report.diagnostics:
        by_file.setdefault(d.path, []).append(d)
    crashes = _crash_by_path(report)
    for path in crashes:
        by_file.setdefault(path, [])
    cases = []
    failures = errors = 0
    for path in sorted(by_file):
        diags = by_file[path]
        errs = [d for d in diags if d.severity == "error"]
        others = [d for d in diags if d.severity != "error"]
        name = prefix + path if path != "(workspace)" else path
        head = f'    <testcase classname="orchestrator.validate" name={_attr(name)}'
        if path != "(workspace)":
            head += f" file={_attr(name)}"
        body: list[str] = []
        if path in crashes:
            errors += 1
            text = "\n".join([*(c.what for c in crashes[path]), *(_finding_line(d) for d in errs)])
            message = (
                "not checked"
                if any(c.not_checked for c in crashes[path])
                else count(len(crashes[path]), "validator error")
            )
            body.append(f"      <error message={_attr(message)}>{_text(text)}</error>")
        elif errs:
            failures += 1
            text = "\n".join(_finding_line(d) for d in errs)
            message = count(len(errs), "error")
            body.append(
                f"      <failure message={_attr(message)} type={_attr(errs[0].code)}>"
                f"{_text(text)}</failure>"
            )
        if others:
            text = "\n".join(_finding_line(d) for d in others)
            body.append(f"      <system-out>{_text(text)}</system-out>")
        cases.append(f"{head}>\n" + "\n".join(body) + "\n    </testcase>" if body else f"{head}/>")
    return _Suite("validate", tuple(cases), failures, errors, 0)


def gate_suites(results: Sequence[GateResult]) -> list[_Suite]:
    from .gates import status_word

    by_task: dict[str, list[GateResult]] = {}
    for r in results:
        by_task.setdefault(r.task, []).append(r)
    suites = []
    for task, rs in by_task.items():
        cases = []
        for r in rs:
            attrs = (
                f'classname={_attr(task)} name={_attr(r.package or r.path)} time="{r.duration:.3f}"'
            )
            if r.status == "skipped":
                body = f"<skipped message={_attr(r.reason)}/>"
            elif r.ok:
                body = ""
            else:
                text = " ".join(r.command) + "\n" + r.output
                body = (
                    f"<failure message={_attr(status_word(r))} type={_attr(r.status)}>"
                    f"{_text(text)}</failure>"
                )
            cases.append(f"    <testcase {attrs}>{body}</testcase>")
        suites.append(
            _Suite(
                task,
                tuple(cases),
                failures=sum(1 for r in rs if not r.ok),
                errors=0,
                skipped=sum(1 for r in rs if r.status == "skipped"),
                time=sum(r.duration for r in rs),
            )
        )
    return suites


def document(name: str, suites: Sequence[_Suite]) -> str:
    tests = sum(len(s.cases) for s in suites)
    failures = sum(s.failures for s in suites)
    errors = sum(s.errors for s in suites)
    skipped = sum(s.skipped for s in suites)
    time = sum(s.time for s in suites)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<testsuites name={_attr(name)} tests="{tests}" failures="{failures}" '
        f'errors="{errors}" skipped="{skipped}" time="{time:.3f}">\n'
        + "".join(s.xml() + "\n" for s in suites)
        + "</testsuites>\n"
    )


def validation(report: ValidationReport, prefix: str = "") -> str:
    return document("orchestrator validate", [validation_suite(report, prefix)])


def check(report: ValidationReport | None, gates: Sequence[GateResult], prefix: str = "") -> str:
    suites = [validation_suite(report, prefix)] if report is not None else []
    return document("orchestrator check", [*suites, *gate_suites(gates)])
