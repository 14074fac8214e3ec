"""Validation results as text and JSON (SARIF, JUnit and GitHub's formats: their own modules)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from ..formats.jsonable import dumps_indented
from ..formats.words import count

if TYPE_CHECKING:
    from ..engine.crashes import Crash
    from ..engine.diagnostics import Diagnostic, Location
    from ..engine.results import Unparsed
    from ..engine.spec import ValidatorSpec
    from .reports import ValidationReport

Style = Callable[[str], str]
# The other places of a merged finding (engine.aggregate) the text report lists under it.
SHOWN_PLACES = 10


def _plain(s: str) -> str:
    return s


def summary_counts(report: ValidationReport) -> dict[str, object]:
    by_code = Counter(d.code for d in report.diagnostics)
    by_package = Counter(d.package or "(root)" for d in report.diagnostics)
    by_severity = Counter(d.severity for d in report.diagnostics)
    return {
        "files": report.files_checked,
        "cached": report.cached,
        "diagnostics": len(report.diagnostics),
        "errors": by_severity.get("error", 0),
        "warnings": by_severity.get("warning", 0),
        "suppressed": report.suppressed,
        "baselined": report.baselined,
        "newFromRev": report.new_from_rev,
        "preexisting": report.preexisting,  # present at newFromRev: not reported
        "byCode": dict(sorted(by_code.items())),
        "byPackage": dict(sorted(by_package.items())),
        # every file in "unparsed", by path: the shape before regions were reported
        "parseErrors": list(report.parse_errors),
        "unparsed": [_unparsed_json(u) for u in report.unparsed],
        "crashes": [str(c) for c in report.crashes],
        "skipped": [{"path": p, "reason": r} for p, r in report.skipped],
        "excluded": report.excluded,
        "fixed": [{"path": p, "fixes": n} for p, n in report.fixed],
        "nestedProjects": list(report.nested_projects),
    }


def crash_line(crash: Crash, where: Style = _plain) -> str:
    """A line of the report for a crash: a validator's error, or a file the checks did not
    finish ("path: not checked: timed out after 5s"). ``where`` shows its path."""
    line = f"{crash.where if crash.path is None else where(crash.path)}: {crash.what}"
    return line if crash.not_checked else f"validator error: {line}"


def _unparsed_json(u: Unparsed) -> dict[str, object]:
    out: dict[str, object] = {
        "path": u.path,
        "regions": [{"line": first, "endLine": last} for first, last in u.regions],
    }
    if u.syntax_error:
        out["syntaxError"] = True
    return out


def _unparsed_note(u: Unparsed) -> str:
    """The note for a file the checks could not read completely. A TypeScript region is one
    tree-sitter's grammar could not parse, which TypeScript may well accept: it is not called
    a syntax error. A Python file libcst rejects is one (libcst follows Python's grammar)."""
    if u.syntax_error:
        return f"note: {u.path} has a syntax error; it was not checked"
    spans = [str(a) if a == b else f"{a}\N{EN DASH}{b}" for a, b in u.regions]
    where = spans[0] if len(spans) == 1 else f"{', '.join(spans[:-1])} and {spans[-1]}"
    one_line = len(u.regions) == 1 and u.regions[0][0] == u.regions[0][1]
    return (
        f"note: {u.path}: {'line' if one_line else 'lines'} {where} could not be parsed; "
        "checked everywhere else"
    )


def text(
    report: ValidationReport,
    bold: Style = _plain,
    red: Style = _plain,
    dim: Style = _plain,
    *,
    where: Style = _plain,
    quiet: bool = False,
) -> str:
    """The report for a person: findings by file, then notes and the summary (``quiet``: the
    findings and the crashes alone). ``where`` shows a root-relative path (relative to the
    current folder)."""
    lines: list[str] = []
    current = None
    for d in report.diagnostics:
        if d.path != current:
            if current is not None:
                lines.append("")
            lines.append(bold(where(d.path)))
            current = d.path
        sev = red(d.severity) if d.severity == "error" else d.severity
        fixable = " [fixable]" if d.fix else ""
        lines.append(
            f"  {d.line}:{d.column}  {sev}  {d.message}  {dim(d.code + ' ' + d.name)}{fixable}"
        )
        if d.related:
            lines.append(f"        {_more(d)}:")
            lines.extend(
                dim(f"          {where(p.path)}:{p.line}:{p.column}")
                for p in d.related[:SHOWN_PLACES]
            )
            if len(d.related) > SHOWN_PLACES:
                hidden = len(d.related) - SHOWN_PLACES
                lines.append(dim(f"          … and {hidden} more (--format json lists them)"))
    if report.diagnostics and not (quiet and not report.crashes):
        lines.append("")
    if not quiet:
        for path, n in report.fixed:
            lines.append(f"fixed {n} in {where(path)}")
        for u in report.unparsed:
            lines.append(dim(_unparsed_note(replace(u, path=where(u.path)))))
    for crash in report.crashes:
        lines.append(red(crash_line(crash, where)))
    if quiet:
        return "".join(line + "\n" for line in lines)
    counts = Counter(d.severity for d in report.diagnostics)
    errors, warnings = counts.get("error", 0), counts.get("warning", 0)
    found = f"{count(errors, 'error')}, {count(warnings, 'warning')}"
    extra = []
    if report.cached:
        extra.append(f"{report.cached} from cache")
    if report.suppressed:
        extra.append(f"{report.suppressed} suppressed")
    if report.baselined:
        extra.append(f"{report.baselined} accepted by the baseline")
    if report.new_from_rev is not None:
        extra.append(f"{report.preexisting} already at {report.new_from_rev}")
    if report.skipped:
        # by kind ("static asset", "minified"); the JSON report has each file's full reason
        why = Counter(reason.partition(":")[0] for _, reason in report.skipped)
        said = ", ".join(f"{n} {reason}" for reason, n in sorted(why.items()))
        extra.append(f"{len(report.skipped)} skipped: {said}")
    tail = f" ({', '.join(extra)})" if extra else ""
    lines.append(f"{found} in {count(report.files_checked, 'file')}{tail}")
    if report.nested_projects:
        n = len(report.nested_projects)
        lines.append(
            dim(
                f"{count(n, 'project')} outside the workspace checked against "
                f"{'its' if n == 1 else 'their'} own package.json: "
                + ", ".join(report.nested_projects)
            )
        )
    if report.diagnostics:
        per_code = ", ".join(
            f"{c} {n}" for c, n in sorted(Counter(d.code for d in report.diagnostics).items())
        )
        lines.append(dim(f"by code: {per_code}"))
        packages = Counter(d.package or "(root)" for d in report.diagnostics)
        per_package = ", ".join(f"{p} {n}" for p, n in sorted(packages.items()))
        lines.append(dim(f"by package: {per_package}"))
    return "\n".join(lines) + "\n"


def _more(d: Diagnostic) -> str:
    """`and 138 more imports`: the places a merged finding holds besides its own (every group
    today is imports that need one manifest line)."""
    return f"and {count(len(d.related), 'more import')}"


def with_more(d: Diagnostic) -> str:
    return f"{d.message} ({_more(d)})" if d.related else d.message


def _place_json(p: Location) -> dict[str, object]:
    return {
        "path": p.path,
        "line": p.line,
        "column": p.column,
        "endLine": p.end_line,
        "endColumn": p.end_column,
    }


def _diag_json(d: Diagnostic) -> dict[str, object]:
    out: dict[str, object] = {
        "code": d.code,
        "name": d.name,
        "message": d.message,
        "path": d.path,
        "line": d.line,
        "column": d.column,
        "endLine": d.end_line,
        "endColumn": d.end_column,
        "severity": d.severity,
        "package": d.package,
        "fingerprint": d.fingerprint,
    }
    if d.related:
        # every place of a finding one fix resolves, its own first
        out["locations"] = [_place_json(p) for p in (d.location(), *d.related)]
    if d.fix is not None:
        out["fix"] = {
            "replacement": d.fix.replacement,
            "safe": d.fix.safe,
            "description": d.fix.description,
        }
    return out


def json_document(report: ValidationReport) -> dict[str, object]:
    """The `--format json` document of a validation (`check`'s nests it)."""
    return {
        "schemaVersion": 1,
        "diagnostics": [_diag_json(d) for d in report.diagnostics],
        "summary": summary_counts(report),
    }


def json_doc(report: ValidationReport) -> str:
    return dumps_indented(json_document(report))


def validator_table(specs: Sequence[ValidatorSpec]) -> str:
    """The README's validator table, generated from the validators themselves."""
    from ..engine.spec import precision_text

    lines = [
        "| code | name | default | precision | what it checks | honours eslint-disable for "
        "| honours biome-ignore for | fix |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for s in specs:
        eslint = ", ".join(f"`{e}`" for e in s.eslint_equivalents) or "—"
        biome = ", ".join(f"`{e}`" for e in s.biome_equivalents) or "—"
        fixable = s.fix or "—"
        default = s.severity if s.default_enabled else f"off ({s.severity} when on)"
        if s.tiered:
            default += f" ({s.strict_severity} with `--strict`)"
        measured = precision_text(s.precision) if s.precision else "—"
        lines.append(
            f"| {s.code} | `{s.name}` | {default} | {measured} | {s.summary()} | {eslint} "
            f"| {biome} "
            f"| {fixable} |"
        )
    return "\n".join(lines) + "\n"
