"""The command line that runs a task's agent: a template from `--agent`, `[plan.agents.<role>]`
or `[plan.agents.default]`, its placeholders filled in and shell-quoted."""

from __future__ import annotations

import re
import shlex
from collections.abc import Mapping, Sequence
from pathlib import Path

from ..errors import UsageError
from ..planning import Task

PLACEHOLDERS = ("brief", "task", "scope", "worktree")
_PLACEHOLDER = re.compile(r"\{(brief|task|scope|worktree)\}")


def template(task: Task, given: str | None, configured: Mapping[str, str]) -> str:
    """The command template for ``task``: ``given`` (--agent), else its role's, else the
    default; a UsageError naming the role when there is none."""
    found = given or configured.get(task.agent) or configured.get("default")
    if not found or not found.strip():
        raise UsageError(
            f"no agent command for task {task.task_id} (role {task.agent})",
            hint="pass --agent 'COMMAND {brief}', or set `command` in "
            f"[plan.agents.{task.agent}] or [plan.agents.default] of orchestrator.toml",
        )
    return found


def expand(text: str, *, brief: Path, task: str, scope: Sequence[str], worktree: Path) -> str:
    """``text`` with each placeholder replaced by its shell-quoted value: `{brief}` the brief's
    path, `{task}` the task id, `{scope}` the scope's paths (one word each), `{worktree}` the
    folder the agent works in. Other braces are left as they are (a JSON argument)."""
    values = {
        "brief": shlex.quote(str(brief)),
        "task": shlex.quote(task),
        "scope": " ".join(shlex.quote(s) for s in scope) or "''",
        "worktree": shlex.quote(str(worktree)),
    }
    return _PLACEHOLDER.sub(lambda m: values[m.group(1)], text)
