"""What to say when a gate ran nowhere: no affected package has the script, so a check that
passes has checked nothing of it. The scripts that do that job under another name (`check`
running `tsc -b`, `test:unit` running vitest) are named, with how to use them."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..workspace import Package
    from . import GateResult

# What a script's command runs, for the two gates the workflow names.
_RUNS = {
    "typecheck": re.compile(r"(?<![\w-])(?:tsc|vue-tsc|tsgo|svelte-check|astro check)(?![\w-])"),
    "test": re.compile(
        r"(?<![\w-])(?:vitest|jest|mocha|ava|playwright test|bun test|node --test)(?![\w-])"
    ),
}
# Scripts that run a compiler or a test runner for another purpose: a build, a watcher.
_NOT_A_GATE = re.compile(
    r"^(?:build|dev|start|serve|prepare|prepack|prepublish|postinstall|clean|release)\b|watch"
)
_WATCHING = re.compile(r"(?<![\w-])(?:--watch|-w)(?![\w-])")
_SHOWN = 3


def unrun_notes(
    results: Sequence[GateResult], packages: Sequence[Package], root: Package
) -> tuple[str, ...]:
    """One line per task that no affected package has a script for (every one of its results
    skipped for that), naming the scripts that look like it."""
    notes: list[str] = []
    by_path = {p.path: p for p in packages}
    for task in dict.fromkeys(r.task for r in results):
        mine = [r for r in results if r.task == task]
        if any(r.status != "skipped" or r.reason != f"no `{task}` script" for r in mine):
            continue
        note = f"no affected package has a `{task}` script: the {task} gate checked nothing"
        alike = _alike(task, [by_path[r.path] for r in mine if r.path in by_path])
        if alike:
            said = ", ".join(f"`{name}` ({n} of {len(mine)})" for name, n in alike[:_SHOWN])
            note += f"; {said} run{'s' if len(alike) == 1 else ''} what it would"
        if task in root.scripts:
            note += "; the root package.json has one (gates run in each package)"
        notes.append(note + "; name the scripts to run with --tasks or [gates] tasks")
    return tuple(notes)


def _alike(task: str, packages: Sequence[Package]) -> list[tuple[str, int]]:
    """The scripts of ``packages`` that do ``task``'s job under another name, most common
    first: by what they run (`tsc`, `vitest`, ...), or by a name that holds the task's."""
    runs = _RUNS.get(task)
    found: Counter[str] = Counter()
    for pkg in packages:
        for name, command in pkg.scripts.items():
            if name == task or _NOT_A_GATE.search(name) or _WATCHING.search(command):
                continue
            if task in name or (runs is not None and runs.search(command)):
                found[name] += 1
    return sorted(found.items(), key=lambda item: (-item[1], item[0]))
