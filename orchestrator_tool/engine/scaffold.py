"""A new validator's files, written from a template (`orchestrator rules new NAME --code CODE`):
its module in the validators package (the docstring's What it does / Why / Example / Use
instead, CODE, NAME, MESSAGE, SEVERITY, VALID and INVALID examples, a check function) and its
fixture folder with one `expect:` and one `ok:` case and the expected findings. Nothing
registers it: the registry finds every module of the package.

The template is a working rule (it reports calls to ``replaceMe()``) so that what is written
passes the suite as it stands; the author replaces the rule, its examples and its cases."""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import UsageError
from ..fsio import write_atomic

# Codes are a family of capitals and three digits (ANY001, IMP004): the fixture markers and
# --select prefixes read them that way.
CODE_SHAPE = re.compile(r"[A-Z]{2,8}[0-9]{3}")
NAME_SHAPE = re.compile(r"[a-z][a-z0-9]*(-[a-z0-9]+)*")
TABLE_START = "<!-- validators:start -->\n"
TABLE_END = "<!-- validators:end -->"
FIXTURE_FILE = "example.ts"


@dataclass(frozen=True)
class Project:
    """Where a source checkout keeps its validators, their fixture folders and its README."""

    root: Path
    validators: Path
    fixtures: Path

    @property
    def readme(self) -> Path:
        return self.root / "README.md"


def project() -> Project:
    """The checkout the running tool's validators package is in: a validator is added there
    (an installed tool has no fixtures to add to)."""
    package = importlib.import_module("orchestrator_tool.validators")
    folder = Path(next(iter(package.__path__))).resolve()
    fixtures = folder.parent / "fixtures" / "validators"
    if not fixtures.is_dir():
        raise UsageError(
            f"no fixtures/validators beside {folder}: a validator is added to a source "
            "checkout of orchestrator-tool",
            hint="run `orchestrator rules new` from a clone installed with pip install -e",
        )
    return Project(folder.parent, folder, fixtures)


def refuse_taken(name: str, code: str, taken: dict[str, str]) -> None:
    """Refuse a malformed ``code`` or ``name``, or one a validator already has (``taken``:
    each validator's code to its name)."""
    if not CODE_SHAPE.fullmatch(code):
        raise UsageError(
            f"--code {code!r}: a code is 2 to 8 capitals and 3 digits",
            hint="e.g. --code LOG001",
        )
    if not NAME_SHAPE.fullmatch(name):
        raise UsageError(
            f"{name!r}: a name is lower-case words joined by dashes",
            hint="e.g. no-legacy-fetch",
        )
    if code in taken:
        raise UsageError(
            f"{code} is taken by {taken[code]}", hint="`orchestrator rules` lists the codes"
        )
    by_name = {n: c for c, n in taken.items()}
    if name in by_name:
        raise UsageError(f"{name} is taken by {by_name[name]}", hint="pick another name")


def write_validator(where: Project, name: str, code: str) -> list[Path]:
    """Write the validator's module, its fixture file and the expected findings; refuse (and
    write nothing) when one of them exists: nothing is ever overwritten."""
    module = where.validators / f"{name.replace('-', '_')}.py"
    folder = where.fixtures / code
    case = folder / FIXTURE_FILE
    expected = folder / "expected.txt"
    files = {module: _module(name, code), case: _fixture(name, code), expected: _expected(code)}
    for path in (module, folder, *files):
        if path.exists():
            raise UsageError("exists: `rules new` never overwrites a file", path=path)
    folder.mkdir()
    for path, text in files.items():
        with open(path, "x", encoding="utf-8") as fh:  # "x": never over a file made meanwhile
            fh.write(text)
    importlib.invalidate_caches()  # the registry lists the package's folder again
    return list(files)


def refresh_table(readme: Path, table: str) -> bool:
    """Put ``table`` (``orchestrator rules --markdown``) between the README's validator-table
    markers; False when the README has none (or is not there) or already holds it."""
    try:
        text = readme.read_text(encoding="utf-8")
    except OSError:
        return False
    start = text.find(TABLE_START)
    end = text.find(TABLE_END, start)
    if start < 0 or end < 0:
        return False
    new = text[: start + len(TABLE_START)] + table + text[end:]
    if new == text:
        return False
    write_atomic(readme, new)
    return True


def _message(code: str) -> str:
    return f"Call to replaceMe() ({code}): say what is wrong here and what to write instead."


def _module(name: str, code: str) -> str:
    return f'''"""Disallow calls to `replaceMe()` (the template of `{name}`: say what it checks).

## What it does
Reports calls to `replaceMe()`. Say what the rule reports, and what it leaves alone.

## Why
Say why what it reports is a defect.

## Example
```ts
replaceMe();
```

## Use instead
```ts
keepMe();
```
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from orchestrator_tool.engine.validator import Invalid, Valid

if TYPE_CHECKING:
    from orchestrator_tool.engine.validator import Context

CODE = "{code}"
NAME = "{name}"
MESSAGE = "{_message(code)}"
SEVERITY = "warning"
LANGUAGES = ("typescript", "tsx", "javascript")
PREFILTER = rb"replaceMe"

VALID = [
    Valid("keepMe();"),
    Valid("const replaceMe = 1;"),
]
INVALID = [
    Invalid("replaceMe();", positions=((1, 1),)),
    Invalid("export function load() {{\\n  return replaceMe();\\n}}", positions=((2, 10),)),
]

_CALLS = frozenset({{"call_expression"}})


def check(ctx: Context) -> None:
    for node in ctx.walk(_CALLS):
        callee = node.child_by_field_name("function")
        if callee is not None and callee.type == "identifier" and callee.text == b"replaceMe":
            ctx.report(node)
'''


def _fixture(name: str, code: str) -> str:
    return f"""// Cases for {code} ({name}): the line after `expect:` must be flagged, the line
// after `ok:` must not. Replace them with realistic code.
export function load(): void {{
  // expect: {code}
  replaceMe();
  // ok: {code}
  keepMe();
}}
"""


def _expected(code: str) -> str:
    # the fixture's one finding: the call on line 5, columns 3 to 14
    return f"{FIXTURE_FILE}:5:3-5:14 {code} {_message(code)}\n"
