"""Every report of one `validate` or `check` run: ``--report FORMAT[:FILE]``, repeatable.

``--format F`` and ``-o FILE`` are the shorthand for one report (``--report F:FILE``). At most
one report goes to standard output; each file gets one report. The paths in the CI formats
(sarif, github, junit) are relative to the root of the git repository, where CI reads them,
so they stay right when the workspace is a subfolder of the repository. The `github` report
also appends its summary to ``$GITHUB_STEP_SUMMARY`` when that is set.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import UsageError
from ..formats.jsonable import dumps_indented
from ..formats.words import count

if TYPE_CHECKING:
    from ..engine.spec import ValidatorSpec
    from ..gates import GateResult
    from .check_reports import CheckReport
    from .reports import ValidationReport

FORMATS = ("text", "json", "sarif", "github", "junit")
CI_FORMATS = frozenset({"sarif", "github", "junit"})
Style = Callable[[str], str]
Echo = Callable[[str], None]


def _plain(s: str) -> str:
    return s


@dataclass(frozen=True)
class Styles:
    """How the text report marks things on a terminal (plain in a file)."""

    bold: Style = _plain
    dim: Style = _plain
    red: Style = _plain
    green: Style = _plain


@dataclass(frozen=True)
class TextOptions:
    """How the text report reads: ``where`` shows a root-relative path (relative to the
    current folder), ``quiet`` keeps the findings and crashes alone, ``closing`` is its last
    line (`Checked 504 files in 1.92 s`)."""

    where: Style = _plain
    quiet: bool = False
    closing: str = ""


@dataclass(frozen=True)
class Report:
    fmt: str
    path: Path | None  # None: standard output

    def describe(self) -> str:
        return f"{self.fmt}:{self.path}" if self.path is not None else self.fmt


@dataclass(frozen=True)
class Reports:
    """The reports one run writes, checked before the run starts."""

    items: tuple[Report, ...]

    @property
    def text_on_stdout(self) -> bool:
        return any(r.fmt == "text" and r.path is None for r in self.items)

    def wants(self, fmt: str) -> bool:
        return any(r.fmt == fmt for r in self.items)


def parse(
    reports: Sequence[str],
    fmt: str | None = None,
    output: Path | None = None,
    formats: Sequence[str] = FORMATS,
) -> Reports:
    """The reports of ``--report`` values, with ``--format``/``-o`` as one more (text to
    standard output when nothing is asked). Refuses what cannot be written as asked."""
    items: list[Report] = []
    if fmt is not None or output is not None or not reports:
        path = None if output is None or str(output) == "-" else output
        items.append(Report(fmt or "text", path))
    for value in reports:
        name, sep, target = value.partition(":")
        name = name.strip().lower()
        if name not in formats:
            raise UsageError(
                f"--report {value}: unknown format {name!r}",
                hint="formats: " + ", ".join(formats) + " (--report FORMAT[:FILE])",
            )
        if sep and not target:
            raise UsageError(
                f"--report {value}: no file after the colon",
                hint=f"--report {name}:FILE, or --report {name} for standard output",
            )
        items.append(Report(name, None if target in ("", "-") else Path(target)))
    on_stdout = [r.fmt for r in items if r.path is None]
    if len(on_stdout) > 1:
        raise UsageError(
            f"{len(on_stdout)} reports to standard output ({', '.join(on_stdout)}): one at most",
            hint=f"give the others a file, e.g. --report {on_stdout[1]}:FILE",
        )
    seen: dict[Path, Report] = {}
    for r in items:
        if r.path is None:
            continue
        key = r.path.resolve()
        if key in seen:
            raise UsageError(
                f"two reports to one file ({seen[key].fmt} and {r.fmt})",
                path=r.path,
                hint="give each report a file of its own",
            )
        seen[key] = r
        if not key.parent.is_dir():
            raise UsageError(
                f"the folder {r.path.parent} does not exist",
                path=r.path,
                hint="create the folder or pick another report file",
            )
    if sum(1 for r in items if r.fmt == "github") > 1:
        raise UsageError(
            "--report github given twice: the step summary would be written twice",
            hint="one github report is enough (annotations go to standard output)",
        )
    return Reports(tuple(items))


def repo_prefix(root: Path) -> str:
    """The workspace's folder inside its git repository (``"sub/"``; ``""`` at the top or
    without git): what the paths of CI reports start with."""
    from .. import git
    from ..errors import GitError

    try:
        return git.repo_prefix(root)
    except (GitError, ValueError):  # no git; a top level git names by another path
        return ""


def _write(reports: Reports, render: Callable[[str], str], echo: Echo) -> None:
    """Render each report once and put it where it goes."""
    for r in reports.items:
        out = render(r.fmt)
        if r.path is None:
            echo(out)
            continue
        try:
            # surrogateescape: a path read from --files-from that is not UTF-8 stays its bytes
            r.path.write_text(out, encoding="utf-8", errors="surrogateescape")
        except OSError as exc:
            raise UsageError(
                f"cannot write the {r.fmt} report: {exc.strerror}",
                path=r.path,
                hint="pick another report file",
            ) from None


def _append_summary(markdown: str, env: Mapping[str, str]) -> None:
    summary = env.get("GITHUB_STEP_SUMMARY")
    if not summary:
        return
    try:
        with open(summary, "a", encoding="utf-8", errors="surrogateescape") as fh:
            fh.write(markdown)
    except OSError as exc:
        raise UsageError(f"cannot write the step summary: {exc.strerror}", path=summary) from None


def _specs() -> list[ValidatorSpec]:
    from ..engine.selection import select_specs

    return select_specs()


def write_validate(
    reports: Reports,
    report: ValidationReport,
    root: Path,
    version: str,
    *,
    styles: Styles,
    echo: Echo,
    text: TextOptions | None = None,
    env: Mapping[str, str] | None = None,
) -> None:
    """Write every report of a `validate` run (``styles`` colour the text on standard
    output, never in a file)."""
    text = text or TextOptions()
    from . import diagnostics

    env = os.environ if env is None else env
    prefix = repo_prefix(root) if any(r.fmt in CI_FORMATS for r in reports.items) else ""
    text_styles = styles if reports.text_on_stdout else Styles()

    # each format's module imported only when asked for: a hook run pays for none of them
    def render(fmt: str) -> str:
        if fmt == "json":
            return diagnostics.json_doc(report) + "\n"
        if fmt == "sarif":
            from . import sarif

            return sarif.render(report, _specs(), version, prefix, sarif.docs_url()) + "\n"
        if fmt == "github":
            from . import github

            return github.commands(report, prefix=prefix)
        if fmt == "junit":
            from . import junit

            return junit.validation(report, prefix)
        s = text_styles
        out = diagnostics.text(report, s.bold, s.red, s.dim, where=text.where, quiet=text.quiet)
        return out + (text.closing + "\n" if text.closing else "")

    _write(reports, render, echo)
    if reports.wants("github"):
        from . import github

        _append_summary(github.validate_summary(report, prefix), env)


def check_json(report: CheckReport) -> str:
    from . import diagnostics, gates

    doc = {
        "ok": report.ok,
        "changedFiles": [f.path for f in report.changes.files],
        "affected": [p.name or p.path for p in report.affected.packages],
        "validation": diagnostics.json_document(report.validation) if report.validation else None,
        "gates": gates.as_json(report.gates),
        "skippedStages": list(report.skipped_stages),
        "gatesError": report.gates_error.message if report.gates_error else None,
        "gateNotes": list(report.gate_notes),
    }
    return dumps_indented(doc, ensure_ascii=True) + "\n"


@dataclass
class CheckText:
    """`check`'s text report. On standard output it is printed as the stages finish (the
    validators' findings before the gates start, each gate when it ends); for a file it is
    kept and written at the end."""

    styles: Styles
    stream: Echo | None  # standard output, when the text report goes there
    where: Style = _plain  # a root-relative path as shown (relative to the current folder)
    quiet: bool = False  # findings, crashes and failed gates alone
    parts: list[str] = field(default_factory=list)

    def _add(self, text: str) -> None:
        self.parts.append(text)
        if self.stream is not None:
            self.stream(text)

    def validation(self, v: ValidationReport) -> None:
        from . import diagnostics

        s = self.styles
        errors = sum(1 for d in v.diagnostics if d.severity == "error")
        word = "Passed" if errors == 0 else f"Failed ({count(errors, 'error')})"
        if errors == 0 and not v.complete:
            word = "Incomplete"  # a file not checked, a validator crash: listed below
        label = f"validate ({count(v.files_checked, 'file')})"
        dots = "." * max(3, 79 - len(label) - len(word) - 2)
        block = "" if self.quiet else f"{label} {dots} {(s.green if v.passed else s.red)(word)}\n"
        if v.diagnostics or v.crashes:
            block += diagnostics.text(v, s.bold, s.red, s.dim, where=self.where, quiet=self.quiet)
        if block:
            self._add(block)

    def gate(self, result: GateResult) -> None:
        from . import gates

        if self.quiet and result.ok:
            return
        s = self.styles
        block = gates.line(result, s.green, s.red, s.dim) + "\n"
        if not result.ok:
            block += "\n".join(gates.details(result)) + "\n"
        self._add(block)


def write_check(
    reports: Reports,
    report: CheckReport,
    text: CheckText,
    root: Path,
    version: str,
    *,
    echo: Echo,
    footer: str = "",
    env: Mapping[str, str] | None = None,
) -> None:
    """Write every report of a `check` run; ``text`` has what was streamed so far, and
    ``footer`` closes the text report (what was affected, the gates, the time)."""
    env = os.environ if env is None else env
    prefix = repo_prefix(root) if any(r.fmt in CI_FORMATS for r in reports.items) else ""
    v = report.validation
    gates_run = "gates" not in report.skipped_stages

    def render(fmt: str) -> str:
        if fmt == "json":
            return check_json(report)
        if fmt == "sarif":
            from . import sarif

            return sarif.render(v, _specs(), version, prefix, sarif.docs_url()) + "\n"
        if fmt == "github":
            from . import github

            return github.commands(v, report.gates, prefix=prefix)
        if fmt == "junit":
            from . import junit

            return junit.check(v, report.gates, prefix)
        # on standard output the rest was printed as it happened
        return footer if text.stream is not None else "".join(text.parts) + footer

    _write(reports, render, echo)
    if reports.wants("github"):
        from . import github

        summary = github.check_summary(
            v, report.gates if gates_run else None, prefix, report.gate_notes
        )
        _append_summary(summary, env)
