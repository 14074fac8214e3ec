"""What the engine knows of a validator without importing it: its spec (built from its module
by engine.validator, or read from the table of validators by engine.spec_table), its examples,
and the severity it runs at by default. A run served from the result cache imports this module,
not the validator API of engine.validator (the context, the tree-sitter queries)."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from tree_sitter import Query

    from ..formats.jsonc import OptionValue
    from .validator import Context


@dataclass(frozen=True)
class Valid:
    """Code the validator must accept."""

    code: str
    filename: str = "example.ts"
    options: Mapping[str, OptionValue] = field(default_factory=dict)


@dataclass(frozen=True)
class Invalid:
    """Code the validator must flag, at these 1-based (line, column) positions."""

    code: str
    positions: tuple[tuple[int, int], ...]
    filename: str = "example.ts"
    options: Mapping[str, OptionValue] = field(default_factory=dict)
    message: str | None = None  # expected message, when it differs from MESSAGE
    fixed: str | None = None  # expected text after applying all fixes (safe and unsafe)


class CheckFunction(Protocol):
    def __call__(self, ctx: Context) -> None: ...


# A rule that says its findings are errors runs as one by default only when at least this
# share of its judged findings on the held-out corpus were real defects.
PRECISION_FLOOR = 0.95


def default_severity(declared: str, precision: tuple[int, int] | None) -> str:
    """The severity a rule runs at by default: the declared one, except that an ``error`` rule
    measured under ``PRECISION_FLOOR`` is a warning until configured (or ``--strict``)."""
    if declared != "error" or precision is None:
        return declared
    right, judged = precision
    return "error" if judged == 0 or right >= PRECISION_FLOOR * judged else "warning"


def wilson_lower(right: int, judged: int, z: float = 1.96) -> float:
    """The lower end of the Wilson score interval (95% by default) of ``right`` in ``judged``:
    what a precision measured on a sample can be trusted to be at least."""
    if judged == 0:
        return 0.0
    p = right / judged
    centre = p + z * z / (2 * judged)
    spread = z * math.sqrt(p * (1 - p) / judged + z * z / (4 * judged * judged))
    return max(0.0, (centre - spread) / (1 + z * z / judged))


def precision_text(precision: tuple[int, int] | None) -> str:
    """``33/34 (97%, ≥ 85%)``: right of judged, the share, its Wilson 95% lower bound."""
    if precision is None:
        return "not measured"
    right, judged = precision
    if judged == 0:
        return "no findings to judge"
    return f"{right}/{judged} ({right / judged:.0%}, ≥ {wilson_lower(right, judged):.0%})"


@dataclass(frozen=True)
class ValidatorSpec:
    code: str
    name: str
    message: str
    severity: str  # the default: the declared severity, lowered by measured precision
    languages: frozenset[str]
    options: Mapping[str, OptionValue]
    eslint_equivalents: tuple[str, ...]
    biome_equivalents: tuple[str, ...]
    fix: str | None  # what --fix can do, in words ("safe", "unsafe, with fixToUnknown")
    scope: str  # "file" (check(ctx) per file) or "workspace" (check_workspace(ctx) once)
    workspace_fixture: str | None  # fixture monorepo the examples run in, if they need one
    # workspace-scope examples: (fixture monorepo, [(manifest path, line, column)] expected)
    fixture_examples: tuple[tuple[str, tuple[tuple[str, int, int], ...]], ...]
    prefilter: re.Pattern[bytes] | None
    check: CheckFunction
    valid: tuple[Valid, ...]
    invalid: tuple[Invalid, ...]
    doc: str
    module: str
    query_text: str | None
    paths: re.Pattern[str] | None = None
    prefilter_exempt: re.Pattern[str] | None = None
    # False: runs only when named in full (`--select ZOD002`, `select = ["ZOD002"]`) or turned
    # on with `enabled = true`, as ruff's opt-in rules.
    default_enabled: bool = True
    imports_only: bool = False  # reads the file's imports alone, never its tree
    # the pre-filter's literal prefix, and whether it is the whole pattern (_literal_prefix)
    prefilter_literal: tuple[bytes, bool] = (b"", False)
    # (right, judged) findings on the held-out corpus, when measured
    precision: tuple[int, int] | None = None
    declared_severity: str = ""  # SEVERITY as the module says it: what --strict runs at
    # options whose values are path globs (the one glob dialect, orchestrator_tool.formats.globs)
    glob_options: frozenset[str] = frozenset()

    @property
    def strict_severity(self) -> str:
        return self.declared_severity or self.severity

    @property
    def tiered(self) -> bool:
        """Whether the rule is a warning by default only for its measured precision."""
        return self.severity != self.strict_severity

    def applies(
        self, path: str, language: str, data: bytes, seen: dict[bytes, bool] | None = None
    ) -> bool:
        """Whether the file is worth a parse for this validator. ``seen`` keeps the verdict of
        each pre-filter for the file, for the validators that share one."""
        if self.scope != "file" or language not in self.languages:
            return False
        if self.paths is not None and not self.paths.search(path):
            return False
        prefilter = self.prefilter
        if prefilter is None or (
            self.prefilter_exempt is not None and self.prefilter_exempt.search(path)
        ):
            return True
        hit = seen.get(prefilter.pattern) if seen is not None else None
        if hit is None:
            literal, whole = self.prefilter_literal
            # A substring search is several times faster than the regex engine's scan.
            hit = literal in data and (whole or prefilter.search(data) is not None)
            if seen is not None:
                seen[prefilter.pattern] = hit
        return hit

    def query(self, grammar: str) -> Query | None:
        if self.query_text is None:
            return None
        from .queries import compile_query  # tree-sitter: for a file to check, not at start-up

        return compile_query(grammar, self.query_text)

    def summary(self) -> str:
        """The docstring's first paragraph, on one line."""
        first = self.doc.strip().split("\n\n", 1)[0]
        return " ".join(first.split()) or self.message


def load_specs() -> list[ValidatorSpec]:
    """Every available validator. The core never imports a validator module by name: it asks
    the registry in ``orchestrator_tool.validators`` (built-ins and entry-point plugins)."""
    import importlib

    registry = importlib.import_module("orchestrator_tool.validators")
    specs: list[ValidatorSpec] = registry.load_specs()
    return specs
