"""Validation results as SARIF 2.1.0, the way GitHub code scanning and Microsoft's SARIF
multitool read it.

- An artifact URI is a percent-encoded path relative to ``%SRCROOT%``, the root of the git
  repository: a Next.js ``app/[id]/(group)/page.tsx`` is not a valid URI reference as it is.
- ``partialFingerprints`` are unique within a run: findings with the same code, file and line
  text (two ``any`` on two identical lines) get an occurrence index, as GitHub's own
  ``primaryLocationLineHash`` does, so code scanning keeps them apart.
- A validator crash or a file not checked makes ``invocations[0].executionSuccessful`` false,
  each listed in its ``toolExecutionNotifications``: an empty ``results`` is never a clean
  bill of health unless the run was complete.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING
from urllib.parse import quote, urldefrag

from ..formats.jsonable import dumps_indented
from .diagnostics import with_more

if TYPE_CHECKING:
    from ..engine.diagnostics import Diagnostic, Location
    from ..engine.spec import ValidatorSpec
    from .reports import ValidationReport

FINGERPRINT_KEY = "orchestratorFingerprint/v2"
# The README section that documents every validator (a GitHub heading anchor).
RULES_ANCHOR = "validators"


def uri(path: str) -> str:
    """``path`` as a relative URI reference: every byte but letters, digits, ``-._~`` and
    ``/`` percent-encoded (UTF-8; a path read with surrogateescape keeps its raw bytes)."""
    return quote(path.encode("utf-8", "surrogateescape"), safe="/")


def docs_url() -> str | None:
    """The project's documentation page from the installed distribution's metadata (the
    ``[project.urls]`` of pyproject.toml), without a fragment; None when it names none."""
    from importlib import metadata

    try:
        entries = metadata.metadata("orchestrator-tool").get_all("Project-URL") or []
    except metadata.PackageNotFoundError:
        return None
    urls: dict[str, str] = {}
    for entry in entries:
        label, _, url = entry.partition(",")
        urls[label.strip().lower()] = url.strip()
    for label in ("documentation", "docs", "homepage", "repository", "source"):
        if urls.get(label, "").startswith(("https://", "http://")):
            return urldefrag(urls[label]).url
    return None


def _location(p: Location, prefix: str) -> dict[str, object]:
    return {
        "physicalLocation": {
            "artifactLocation": {"uri": uri(prefix + p.path), "uriBaseId": "%SRCROOT%"},
            "region": {
                "startLine": p.line,
                "startColumn": p.column,
                "endLine": p.end_line,
                "endColumn": p.end_column,
            },
        }
    }


def fingerprints(diagnostics: Sequence[Diagnostic]) -> list[str]:
    """One fingerprint per finding, unique within the run and the same in the next run for
    the same code: a hash of the finding's own fingerprint (code, file, line text) and
    ``:N``, its occurrence among findings that share it, in report order."""
    seen: Counter[str] = Counter()
    out = []
    for d in diagnostics:
        key = d.fingerprint or f"{d.code}:{d.path}:{d.line}"
        seen[key] += 1
        digest = hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()[:32]
        out.append(f"{digest}:{seen[key]}")
    return out


def _notifications(
    report: ValidationReport, prefix: str, index: dict[str, int]
) -> list[dict[str, object]]:
    """A tool execution notification for each validator crash and each file not checked
    (errors), and for each Python file with a syntax error (warnings: it was not checked)."""
    out: list[dict[str, object]] = []
    for crash in report.crashes:
        code, path = crash.code, crash.where
        note: dict[str, object] = {"level": "error"}
        if code is None:
            note["message"] = {"text": f"{path} was not checked: {crash.message}"}
        else:
            note["message"] = {"text": f"validator {code} failed on {path}: {crash.message}"}
            note["associatedRule"] = (
                {"id": code, "index": index[code]} if code in index else {"id": code}
            )
        if crash.path is not None:
            note["locations"] = [
                {
                    "physicalLocation": {
                        "artifactLocation": {
                            "uri": uri(prefix + crash.path),
                            "uriBaseId": "%SRCROOT%",
                        }
                    }
                }
            ]
        out.append(note)
    for u in report.unparsed:
        if u.syntax_error:
            out.append(
                {
                    "level": "warning",
                    "message": {"text": f"{u.path} has a syntax error; it was not checked"},
                    "locations": [
                        {
                            "physicalLocation": {
                                "artifactLocation": {
                                    "uri": uri(prefix + u.path),
                                    "uriBaseId": "%SRCROOT%",
                                }
                            }
                        }
                    ],
                }
            )
    return out


def _level(severity: str) -> str:
    return {"error": "error", "warning": "warning"}.get(severity, "note")


def render(
    report: ValidationReport | None,
    specs: Sequence[ValidatorSpec],
    version: str,
    prefix: str = "",
    docs: str | None = None,
) -> str:
    """The SARIF log of ``report`` (None: nothing was validated, an empty, successful run).
    ``prefix`` is the workspace's folder in the git repository (``"sub/"``); ``docs`` the
    documentation page the rules' ``helpUri`` points into."""
    rules: list[dict[str, object]] = []
    for s in specs:
        help_text = f"{s.doc.strip() or s.message}\n\nMore: `orchestrator rules explain {s.code}`"
        rule: dict[str, object] = {
            "id": s.code,
            "name": s.name,
            "shortDescription": {"text": s.summary()},
            "fullDescription": {"text": s.message},
            "help": {"text": help_text, "markdown": help_text},
            "defaultConfiguration": {"level": _level(s.severity)},
        }
        if docs:
            rule["helpUri"] = f"{docs}#{RULES_ANCHOR}"
        rules.append(rule)
    index = {s.code: i for i, s in enumerate(specs)}
    diagnostics = report.diagnostics if report is not None else ()
    results = []
    for d, fingerprint in zip(diagnostics, fingerprints(diagnostics), strict=True):
        result: dict[str, object] = {
            "ruleId": d.code,
            "level": _level(d.severity),
            "message": {"text": with_more(d)},
            "locations": [_location(d.location(), prefix)],
            "partialFingerprints": {FINGERPRINT_KEY: fingerprint},
        }
        if d.related:
            # the other places one fix resolves (the other imports that need the line)
            result["relatedLocations"] = [
                {"id": i, **_location(p, prefix)} for i, p in enumerate(d.related, start=1)
            ]
        if d.code in index:
            result["ruleIndex"] = index[d.code]
        results.append(result)
    driver: dict[str, object] = {
        "name": "orchestrator-tool",
        "version": version,
        "rules": rules,
    }
    if docs:
        driver["informationUri"] = docs
    doc = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": driver},
                "invocations": [
                    {
                        "executionSuccessful": report is None or report.complete,
                        "toolExecutionNotifications": (
                            _notifications(report, prefix, index) if report is not None else []
                        ),
                    }
                ],
                "originalUriBaseIds": {
                    "%SRCROOT%": {"description": {"text": "The root of the git repository."}}
                },
                "columnKind": "utf16CodeUnits",
                "results": results,
            }
        ],
    }
    # ASCII-only: a path read with surrogateescape cannot be written as UTF-8 otherwise
    return dumps_indented(doc, ensure_ascii=True)
