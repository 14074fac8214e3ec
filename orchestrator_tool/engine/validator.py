"""The contract a validator module fulfils, and the context it runs in.

A validator is a module (see ``validators/``) that declares:

- ``CODE`` (``ANY001``), ``NAME`` (kebab-case), ``MESSAGE``, ``SEVERITY``;
- ``LANGUAGES``: which files it reads (``typescript``, ``tsx``, ``javascript``, ``python``);
- optionally ``PREFILTER``: a bytes regex; files it does not match are skipped without a parse
  (start it with a literal: a leading ``\b`` makes the scan of every file several times slower);
- optionally ``PATHS``: a regex searched in the file's path; files it misses are skipped;
- optionally ``PREFILTER_EXEMPT_PATHS``: a path regex; matching files skip the ``PREFILTER``
  (entry-point rules: route files always, other files only with `"use server"` in them);
- optionally ``IMPORTS_ONLY = True``: ``check`` reads nothing of the file but its header:
  its imports (``ctx.imports()``, ``ctx.package_imports()``, ``ctx.resolve()``) and its
  directive (``analysis.nextjs.module_directive``); such validators run last, and a file no other
  validator parsed is not parsed for them when its header can be read without the tree;
- optionally ``OPTIONS`` (defaults), ``GLOB_OPTIONS`` (the options that hold path globs,
  read in the one glob dialect of :mod:`orchestrator_tool.formats.globs` and checked when the
  configuration is loaded), ``ESLINT_EQUIVALENTS`` (eslint rule names whose
  ``eslint-disable`` comments also silence it), ``BIOME_EQUIVALENTS`` (Biome rules, as their
  diagnostic category ``lint/group/rule``, whose ``biome-ignore`` comments also silence it;
  only rules that check the same thing) and ``FIX`` (what ``--fix`` can do, in words);
- optionally ``PRECISION = (right, judged)``: of the findings judged by hand on the held-out
  corpus (tests/benchmarks/precision/), how many were real defects (on the tuning set when the
  held-out corpus gave the rule no finding to judge). A rule whose ``SEVERITY``
  is ``error`` runs as a warning by default when that share is under 95%
  (``PRECISION_FLOOR``): a default error is a real defect. ``--strict`` (or
  ``[validators.CODE] severity``) makes it an error again;
- ``VALID`` and ``INVALID`` examples, run by the test suite and ``orchestrator rules test``;
- ``check(ctx)``, which calls ``ctx.report(...)`` for each finding (with ``group=`` when one
  fix resolves several findings, such as one missing package.json line: they are reported as
  one finding with the others as its related places);
- a docstring with *What it does / Why / Example / Use instead* sections;
- optionally a ``<module>.scm`` tree-sitter query beside it, available as ``ctx.captures()``.

What a validator keeps across the files of a run (an index of another file's exports, say)
lives in the run's state, ``ctx.state`` (engine.run_state), never in a module global: a file
it reads there is recorded with ``ctx.state.reads.record(path)`` so the result cache drops the
verdict when that file changes. The shared analyses are in :mod:`orchestrator_tool.analysis`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

from .diagnostics import Diagnostic, Fix
from .memo import MemoKey
from .queries import nodes_of_types, walk
from .run_state import RunState
from .source import SourceFile
from .spec import Invalid as Invalid  # noqa: PLC0414  (a validator module's examples)
from .spec import Valid as Valid  # noqa: PLC0414
from .spec import ValidatorSpec, default_severity
from .workspace_context import WorkspaceContext as WorkspaceContext  # noqa: PLC0414

if TYPE_CHECKING:
    from tree_sitter import Node

    from ..formats.jsonc import OptionValue
    from ..workspace import Package, Workspace
    from .import_model import Import, Resolution

# Where each import specifier of the file leads; the non-relative imports with theirs.
_RESOLVED: MemoKey[dict[str, Resolution]] = MemoKey("resolved")
_PACKAGE_IMPORTS: MemoKey[list[tuple[Import, Resolution]]] = MemoKey("package_imports")


def _literal_prefix(pattern: bytes) -> tuple[bytes, bool]:
    """The literal text a regex starts with, and whether that is the whole regex
    (``rb"console\\.(log|debug)"`` → ``(b"console.", False)``)."""
    if _top_level_alternation(pattern):
        return b"", False
    out = bytearray()
    i = 0
    while i < len(pattern):
        c = pattern[i : i + 1]
        if c == b"\\" and i + 1 < len(pattern) and not pattern[i + 1 : i + 2].isalnum():
            out += pattern[i + 1 : i + 2]
            i += 2
            continue
        if c in b".^$*+?{}[]|()\\":
            # a quantifier binds to the last character: it is not literal
            if c in b"*+?{" and out:
                out = out[:-1]
            return bytes(out), False
        out += c
        i += 1
    return bytes(out), True


def _top_level_alternation(pattern: bytes) -> bool:
    """Whether the regex has a `|` outside every group (or is too unusual to tell)."""
    depth, i, in_class = 0, 0, False
    while i < len(pattern):
        c = pattern[i : i + 1]
        if c == b"\\":
            i += 2
            continue
        if in_class:
            in_class = c != b"]"
        elif c == b"[":
            in_class = True
            # a `]` first in the class (after an optional `^`) is a literal
            i += 2 if pattern[i + 1 : i + 2] == b"^" else 1
            if pattern[i : i + 1] == b"]":
                i += 1
            continue
        elif c == b"(":
            depth += 1
        elif c == b")":
            depth -= 1
            if depth < 0:
                return True
        elif c == b"|" and depth == 0:
            return True
        i += 1
    return False


# Every attribute a validator module may declare (see the module docstring).
CONTRACT = frozenset(
    {
        "CODE",
        "NAME",
        "MESSAGE",
        "SEVERITY",
        "LANGUAGES",
        "SCOPE",
        "OPTIONS",
        "GLOB_OPTIONS",
        "ESLINT_EQUIVALENTS",
        "BIOME_EQUIVALENTS",
        "FIX",
        "PATHS",
        "PREFILTER",
        "PREFILTER_EXEMPT_PATHS",
        "IMPORTS_ONLY",
        "ENABLED_BY_DEFAULT",
        "PRECISION",
        "VALID",
        "INVALID",
        "WORKSPACE_FIXTURE",
        "FIXTURE_EXAMPLES",
    }
)
_CONSTANT = re.compile(r"[A-Z][A-Z0-9_]*\Z")


def _misspelled(module: ModuleType) -> tuple[str, str] | None:
    """A public constant of ``module`` that looks like a misspelt contract attribute
    (``PREFLITER``), which would otherwise be ignored without a word: (name, meant)."""
    unknown = [n for n in vars(module) if _CONSTANT.match(n) and n not in CONTRACT]
    if not unknown:
        return None
    import difflib

    for name in unknown:
        close = difflib.get_close_matches(name, CONTRACT, n=1, cutoff=0.8)
        if close:
            return name, close[0]
    return None


def spec_from_module(module: ModuleType) -> ValidatorSpec:
    typo = _misspelled(module)
    if typo is not None:
        raise TypeError(
            f"validator {module.__name__}: unknown attribute {typo[0]}: did you mean {typo[1]}? "
            "(name a module constant of its own with a leading underscore)"
        )

    def need(attr: str) -> str:
        value = getattr(module, attr, None)
        if not isinstance(value, str) or not value:
            raise TypeError(f"validator {module.__name__} must define {attr} as a string")
        return value

    scope = getattr(module, "SCOPE", "file")
    check = getattr(module, "check" if scope == "file" else "check_workspace", None)
    if not callable(check):
        raise TypeError(
            f"validator {module.__name__} must define "
            + ("check(ctx)" if scope == "file" else "check_workspace(ctx)")
        )
    prefilter = getattr(module, "PREFILTER", None)
    query_text: str | None = None
    package, _, leaf = module.__name__.rpartition(".")
    try:
        if package:
            from importlib import resources  # only when the validators' table is made

            query_text = resources.files(package).joinpath(f"{leaf}.scm").read_text("utf-8")
        elif getattr(module, "__file__", None):
            query_text = Path(str(module.__file__)).with_suffix(".scm").read_text("utf-8")
    except (FileNotFoundError, ModuleNotFoundError, TypeError, ValueError):
        query_text = None
    severity = need("SEVERITY")
    if severity not in ("error", "warning", "info"):
        raise TypeError(f"validator {module.__name__}: SEVERITY must be error, warning or info")
    precision = getattr(module, "PRECISION", None)
    if precision is not None and not (
        isinstance(precision, tuple)
        and len(precision) == 2
        and all(isinstance(n, int) for n in precision)
        and 0 <= precision[0] <= precision[1]
    ):
        raise TypeError(
            f"validator {module.__name__}: PRECISION must be (right, judged), 0 <= right <= judged"
        )
    return ValidatorSpec(
        code=need("CODE"),
        name=need("NAME"),
        message=need("MESSAGE"),
        severity=default_severity(severity, precision),
        declared_severity=severity,
        precision=precision,
        languages=frozenset(getattr(module, "LANGUAGES", ("typescript", "tsx", "javascript"))),
        options=dict(getattr(module, "OPTIONS", {})),
        glob_options=frozenset(getattr(module, "GLOB_OPTIONS", ())),
        eslint_equivalents=tuple(getattr(module, "ESLINT_EQUIVALENTS", ())),
        biome_equivalents=tuple(getattr(module, "BIOME_EQUIVALENTS", ())),
        fix=getattr(module, "FIX", None),
        scope=getattr(module, "SCOPE", "file"),
        workspace_fixture=getattr(module, "WORKSPACE_FIXTURE", None),
        fixture_examples=tuple(
            (str(name), tuple((str(p), int(ln), int(col)) for p, ln, col in expected))
            for name, expected in getattr(module, "FIXTURE_EXAMPLES", ())
        ),
        prefilter=re.compile(prefilter) if isinstance(prefilter, bytes) else None,
        check=check,
        valid=tuple(getattr(module, "VALID", ())),
        invalid=tuple(getattr(module, "INVALID", ())),
        doc=module.__doc__ or "",
        module=module.__name__,
        query_text=query_text,
        paths=re.compile(paths)
        if isinstance(paths := getattr(module, "PATHS", None), str)
        else None,
        prefilter_exempt=re.compile(exempt)
        if isinstance(exempt := getattr(module, "PREFILTER_EXEMPT_PATHS", None), str)
        else None,
        default_enabled=getattr(module, "ENABLED_BY_DEFAULT", True) is not False,
        imports_only=getattr(module, "IMPORTS_ONLY", False) is True,
        prefilter_literal=(
            _literal_prefix(prefilter) if isinstance(prefilter, bytes) else (b"", False)
        ),
    )


class Context:
    """What a validator sees of one file, and how it reports."""

    def __init__(
        self,
        spec: ValidatorSpec,
        source: SourceFile,
        options: Mapping[str, OptionValue],
        severity: str,
        workspace: Workspace | None = None,
        package: Package | None = None,
        state: RunState | None = None,
    ) -> None:
        self.spec = spec
        self.source = source
        self.options = options
        self.severity = severity
        self.workspace = workspace
        self.package = package
        # the run's indexes and reads; a context made alone is a run of its own
        self.state = state or RunState(workspace)
        self.diagnostics: list[Diagnostic] = []

    def captures(self, name: str) -> list[Node]:
        """Nodes the validator's .scm query captured under ``@name``, in source order."""
        from tree_sitter import QueryCursor

        query = self.spec.query(self.source.grammar)
        if query is None:
            return []
        nodes = QueryCursor(query).captures(self.source.tree.root_node).get(name, [])
        return sorted(nodes, key=lambda n: n.start_byte)

    def imports(self) -> list[Import]:
        """The file's imports (shared by every import rule: extracted once per file)."""
        from .imports import imports_of

        return imports_of(self.source)

    def resolve(self, imp: Import) -> Resolution:
        """Where an import leads, resolved as TypeScript would from this file's package (once
        per file and specifier, whichever rule asks first)."""
        from .import_model import Resolution
        from .resolution import resolver_for

        if self.workspace is None:
            return Resolution("unresolved")
        memo = self.source.memo.once(_RESOLVED, dict)
        hit = memo.get(imp.specifier)
        if hit is None:
            hit = memo[imp.specifier] = resolver_for(self.state).resolve(
                self.source.path, imp.specifier, self.package
            )
        return hit

    def package_imports(self) -> Iterator[tuple[Import, Resolution]]:
        """Every non-relative import of the file with where it leads (empty without a
        workspace): what the import rules iterate over."""
        if self.workspace is None:
            return
        pairs = self.source.memo.get(_PACKAGE_IMPORTS)
        if pairs is None:
            pairs = self.source.memo.put(
                _PACKAGE_IMPORTS,
                [
                    (imp, self.resolve(imp))
                    for imp in self.imports()
                    if not imp.specifier.startswith(".")
                ],
            )
        yield from pairs

    def walk(self, types: frozenset[str] | None = None) -> Iterator[Node]:
        """Every node of the tree (or those of ``types``), depth first, in source order.

        With ``types``, the nodes are found by a tree-sitter query (the traversal runs in C),
        once per file and set of types."""
        if types is None:
            yield from walk(self.source.tree.root_node)
            return
        yield from nodes_of_types(self.source, types)

    def report(
        self,
        node: Node | None = None,
        message: str | None = None,
        *,
        fix: Fix | None = None,
        span: tuple[int, int] | None = None,
        group: str = "",
    ) -> None:
        """Report a finding at ``node`` (or the byte ``span``). ``group`` names the fix when
        one fix resolves this finding and others (`<manifest>:<missing dependency>`): those
        findings are reported as one, here and at the others' places (engine.aggregate)."""
        if span is None:
            if node is None:
                raise ValueError("report() needs a node or a span")
            span = (node.start_byte, node.end_byte)
        start, end = span
        line, col = self.source.position(start)
        end_line, end_col = self.source.position(end)
        # The fingerprint survives unrelated edits (no line number): the code, the path, and
        # the offending line's text with white space folded.
        starts = self.source.line_starts()
        line_end = self.source.data.find(b"\n", starts[line - 1])
        line_text = self.source.data[starts[line - 1] : line_end if line_end >= 0 else None]
        snippet = line_text[:300].decode("utf-8", "replace")
        self.diagnostics.append(
            Diagnostic(
                code=self.spec.code,
                name=self.spec.name,
                message=message or self.spec.message,
                path=self.source.path,
                line=line,
                column=col,
                end_line=end_line,
                end_column=end_col,
                severity=self.severity,
                package=self.package.name if self.package else None,
                fix=fix,
                fingerprint=f"{self.spec.code}:{self.source.path}:{' '.join(snippet.split())}",
                group=group,
            )
        )
