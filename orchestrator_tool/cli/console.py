"""How the command line speaks to a person: colour and the styles of the text reports, the
progress line, the closing line with the time, what a bare `validate` checks from a subfolder
and how the text report shows paths (relative to the current folder).

Colour: ``--color always|never`` wins; then ``FORCE_COLOR`` (set and not ``0``/``false``:
colour, as Node reads it, even over ``NO_COLOR``) and ``NO_COLOR`` (set: none); else colour when
standard output is a terminal. Every coloured line goes through :meth:`Console.echo`, which
tells click to keep the escape codes: click strips them on a pipe otherwise.
"""

from __future__ import annotations

import contextlib
import os
import posixpath
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, TextIO, TypeVar

import click

from ..formats.words import count

if TYPE_CHECKING:
    from ..api import CheckReport, ValidationReport
    from ..reporting.outputs import Styles

Style = Callable[[str], str]
F = TypeVar("F", bound=Callable[..., object])
Tick = Callable[[int, int], None]  # (files done, files in all)

COLOR_CHOICES = ("auto", "always", "never")
# A run shorter than this shows no progress line: it would only flicker.
PROGRESS_AFTER = 1.0
_REDRAW_EVERY = 0.1
_CLEAR = "\r\x1b[2K"  # back to the start of the line, erase it
_UP_CLEAR = "\x1b[A\x1b[2K"  # up one line, erase it
# `plan run`'s lines of running tasks are redrawn this often (their elapsed times in seconds).
TASKS_REDRAW_EVERY = 1.0


def _plain(s: str) -> str:
    return s


def color_options(command: F) -> F:
    """The group's --color WHEN and --no-color."""
    command = click.option("--no-color", is_flag=True, help="Same as --color never.")(command)
    return click.option(
        "--color",
        type=click.Choice(COLOR_CHOICES),
        default=None,
        help="Colour the text output: auto (on a terminal, or as FORCE_COLOR/NO_COLOR say), "
        "always (through a pipe too), never. `--color` alone: always.",
    )(command)


def color_alone(args: list[str], commands: Mapping[str, object]) -> list[str]:
    """``args`` with the colour options read wherever they stand: one given after the command
    (`orchestrator validate --color always`, as ruff and eslint take it) is moved before it,
    where the group reads it, and a `--color` given no WHEN means `--color=always`, as it did
    when it was a flag. Nothing after a `--` is touched."""
    before: list[str] = []
    after: list[str] = []
    seen_command = False
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            after.extend(args[i:])
            break
        if not seen_command and arg in commands:
            seen_command = True
            after.append(arg)
        elif arg == "--color":
            value = args[i + 1] if i + 1 < len(args) else None
            if value in COLOR_CHOICES:
                before.append(f"--color={value}")
                i += 1
            else:
                before.append("--color=always")
        elif arg.startswith("--color=") or arg == "--no-color":
            before.append(arg)
        else:
            (after if seen_command else before).append(arg)
        i += 1
    return before + after


def wants_color(when: str | None, env: Mapping[str, str], isatty: bool) -> bool:
    """Whether to colour the output: the flag, then FORCE_COLOR, then NO_COLOR, then the tty."""
    if when == "always":
        return True
    if when == "never":
        return False
    force = env.get("FORCE_COLOR", "")
    if force:
        return force.lower() not in ("0", "false")
    if env.get("NO_COLOR"):
        return False
    return isatty


class Progress:
    """Progress lines on a terminal's standard error, drawn once the run has taken longer than
    ``after`` seconds, redrawn in place, and erased by :meth:`clear`. `check` and `validate`
    draw one line (files done); `plan run` one per running task (:class:`RunningTasks`)."""

    def __init__(
        self,
        stream: TextIO,
        label: str,
        *,
        after: float = PROGRESS_AFTER,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.stream = stream
        self.label = label
        self.after = after
        self.clock = clock
        self.started = clock()
        self.drawn_at: float | None = None  # None: nothing on the lines now
        self.height = 0  # the lines drawn

    def __call__(self, done: int, total: int) -> None:
        now = self.clock()
        if now - self.started < self.after:
            return
        if self.drawn_at is not None and now - self.drawn_at < _REDRAW_EVERY:
            return
        self.draw([f"{self.label} {done:,}/{total:,} files"])

    def draw(self, lines: list[str]) -> None:
        """``lines`` in place of what was drawn; the cursor stays at the end of the last one
        (no newline: a one-line progress is erased with `\r`)."""
        self.stream.write((self._erase() or _CLEAR) + "\n".join(lines))
        self.stream.flush()
        self.drawn_at = self.clock()
        self.height = len(lines)

    def clear(self) -> None:
        if self.drawn_at is not None:
            self.stream.write(self._erase())
            self.stream.flush()
            self.drawn_at = None
            self.height = 0

    def _erase(self) -> str:
        if self.drawn_at is None:
            return ""
        return _CLEAR + _UP_CLEAR * max(0, self.height - 1)


def elapsed_text(seconds: float) -> str:
    """`7 s`, `2 min 05 s`, `1 h 02 min`: a running task's time."""
    s = int(seconds)
    if s < 60:
        return f"{s} s"
    if s < 3600:
        return f"{s // 60} min {s % 60:02d} s"
    return f"{s // 3600} h {s % 3600 // 60:02d} min"


class RunningTasks:
    """`plan run` on a terminal: one progress line per running task with its elapsed time,
    redrawn by :meth:`tick` (about once a second) and after each event, which is printed
    above them. The lock keeps the ticking thread and the run's events off each other's
    lines."""

    def __init__(self, stream: TextIO, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.progress = Progress(stream, "plan run", after=0.0, clock=clock)
        self.clock = clock
        self.started: dict[str, float] = {}
        self._lock = threading.Lock()

    def event(self, task: str, kind: str, line: str) -> None:
        """``line`` printed above the running tasks; a `started` task gets its line, any
        other event ends the task's."""
        with self._lock:
            self.progress.clear()
            self.progress.stream.write(line + "\n")
            if kind == "started":
                self.started[task] = self.clock()
            else:
                self.started.pop(task, None)
            self._draw()

    def tick(self) -> None:
        with self._lock:
            self._draw()

    def clear(self) -> None:
        with self._lock:
            self.progress.clear()

    def _draw(self) -> None:
        if not self.started:
            self.progress.clear()
            return
        import shutil  # here, not at the top: every command's start-up pays for an import

        size = shutil.get_terminal_size()
        now = self.clock()
        lines = [
            f"  running {elapsed_text(now - t0):>12}  {task}" for task, t0 in self.started.items()
        ]
        room = max(1, size.lines - 1)  # a line more than the screen holds could not be erased
        if len(lines) > room:
            lines = [*lines[: room - 1], f"  … and {len(lines) - room + 1} more running"]
        self.progress.draw([line[: max(1, size.columns - 1)] for line in lines])


class Console:
    """The output of one command: whether it is coloured, when it started, the progress line."""

    def __init__(
        self,
        color: str | None = None,
        *,
        env: Mapping[str, str] | None = None,
        stdout: TextIO | None = None,
        stderr: TextIO | None = None,
    ) -> None:
        out = stdout or sys.stdout
        self.stderr = stderr or sys.stderr
        self.color = wants_color(color, os.environ if env is None else env, out.isatty())
        self.started = time.monotonic()
        self._progress: Progress | RunningTasks | None = None

    def style(self, kind: str) -> Style:
        """``bold``, ``dim``, ``red`` or ``green``; plain text without colour."""
        if not self.color:
            return _plain
        if kind == "bold":
            return lambda s: click.style(s, bold=True)
        if kind in ("red", "green"):
            return lambda s: click.style(s, fg=kind)
        return lambda s: click.style(s, dim=True)

    def styles(self) -> Styles:
        """The styles of a text report on standard output (plain without colour)."""
        from ..reporting.outputs import Styles

        s = self.style
        return Styles(bold=s("bold"), dim=s("dim"), red=s("red"), green=s("green"))

    def echo(self, message: str = "", *, err: bool = False, nl: bool = True) -> None:
        """``click.echo`` that keeps the colour it was asked for (and erases a progress line
        first, so the two never share a line)."""
        if self._progress is not None:
            self._progress.clear()
        click.echo(message, err=err, nl=nl, color=self.color)

    def write(self, text: str) -> None:
        """A report to standard output, as it is (its colour kept through a pipe when asked)."""
        self.echo(text, nl=False)

    @contextlib.contextmanager
    def progress(self, label: str, *, enabled: bool = True) -> Iterator[Tick | None]:
        """A progress callback for the run inside, or None when no line may be drawn: not
        ``enabled`` (quiet, a machine format) or standard error not a terminal."""
        if not enabled or not self.stderr.isatty():
            yield None
            return
        self._progress = Progress(self.stderr, label)
        try:
            yield self._progress
        finally:
            self._progress.clear()
            self._progress = None

    @contextlib.contextmanager
    def running_tasks(self) -> Iterator[RunningTasks | None]:
        """`plan run`'s lines of running tasks for the run inside, redrawn by a thread of
        their own, or None when standard error is not a terminal (a CI log, a pipe: the plain
        event lines only)."""
        if not self.stderr.isatty():
            yield None
            return
        live = RunningTasks(self.stderr)
        stop = threading.Event()

        def redraw() -> None:
            while not stop.wait(TASKS_REDRAW_EVERY):
                live.tick()

        ticker = threading.Thread(target=redraw, name="plan-run-progress", daemon=True)
        self._progress = live
        ticker.start()
        try:
            yield live
        finally:
            stop.set()
            ticker.join()
            live.clear()
            self._progress = None

    def elapsed(self) -> float:
        return time.monotonic() - self.started


def below_root(root: Path, cwd: Path) -> str | None:
    """The current folder relative to the workspace root when it is a folder below the root
    (a bare `validate` checks that folder, as ruff and oxlint do); None at the root or
    outside it."""
    try:
        rel = cwd.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return None
    return None if rel == "." else rel


def path_display(root: Path, cwd: Path) -> Style:
    """Root-relative POSIX paths as the text report shows them: relative to the current folder
    (clickable from there), `../` included when the current folder is inside the workspace;
    absolute when the workspace is elsewhere (as ruff shows a path outside the current
    folder)."""
    root, cwd = root.resolve(), cwd.resolve()
    if root == cwd:
        return _plain
    here = below_root(root, cwd)
    if here is not None:
        return lambda p: posixpath.relpath(p, here)
    try:
        prefix = root.relative_to(cwd).as_posix()
    except ValueError:
        top = root.as_posix()
        return lambda p: posixpath.join(top, p)
    return lambda p: posixpath.join(prefix, p)


def paths_here(
    root: Path, cwd: Path, paths: tuple[str, ...], *, whole: bool, selecting: bool
) -> tuple[str, ...]:
    """What a `validate` checks: the paths given; with none (and no other selection: staged
    files, a base, the affected packages) in a folder below the root, that folder, as ruff and
    oxlint do; with ``whole`` (--all), the whole workspace."""
    if whole or selecting or below_root(root, cwd) is None:
        return paths
    return (".",)


def check_summary(report: CheckReport, seconds: float) -> str:
    """The closing lines of `check`'s text: what was affected, the gates, the time."""
    lines: list[str] = []
    if not report.changes.files:
        lines.append("nothing changed: nothing to check")
    elif not report.affected.packages and report.validation is None:
        lines.append("no package is affected")
    gates = report.gates
    if "gates" in report.skipped_stages:
        gates_said = "gates not run"  # a validate-only run (the pre-commit hook)
    else:
        passed = sum(1 for g in gates if g.status == "passed")
        failed = sum(1 for g in gates if not g.ok)
        skipped = sum(1 for g in gates if g.status == "skipped")
        gates_said = f"gates: {passed} passed, {failed} failed, {skipped} skipped"
        if report.skipped_stages:
            gates_said += f"; stages skipped: {', '.join(report.skipped_stages)}"
    lines.extend(f"note: {note}" for note in report.gate_notes)
    lines.append(f"{count(len(report.affected.packages), 'affected package')}; {gates_said}")
    checked = report.validation.files_checked if report.validation else 0
    ran = sum(1 for g in gates if g.status != "skipped")
    lines.append(closing_line(checked, seconds, ran))
    return "".join(line + "\n" for line in lines)


def closing_line(files: int, seconds: float, gates: int | None = None) -> str:
    """`Checked 504 files in 1.92 s` (and the gates, for `check`)."""
    what = count(files, "file")
    if gates:
        what += f" and {count(gates, 'gate')}"
    return f"Checked {what} in {seconds:.2f} s"


def fix_notes(
    report: ValidationReport, *, fix: bool, unsafe_fixes: bool, where: Style = _plain
) -> list[str]:
    """What standard error says about fixes: unsafe fixes withheld because they would add
    findings, and unsafe fixes left for `--unsafe-fixes`."""
    notes = [
        f"{count(w.fixes, 'unsafe fix', 'unsafe fixes')} not applied to {where(w.path)}: "
        f"{'it' if w.fixes == 1 else 'they'} would add {', '.join(w.adds)}"
        for w in report.withheld
    ]
    unsafe_left = sum(1 for d in report.diagnostics if d.fix is not None and not d.fix.safe)
    if unsafe_left and not unsafe_fixes:
        fixes = count(unsafe_left, "unsafe fix", "unsafe fixes")
        say = "not applied: add --unsafe-fixes" if fix else "available: --fix --unsafe-fixes"
        notes.append(f"{fixes} {say}")
    return notes
