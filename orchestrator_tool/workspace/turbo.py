"""turbo.json and turbo.jsonc: tasks, global dependencies and environment, as the map needs
them."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import InputError
from ..formats import globs, jsonc
from .model import TurboConfig, TurboTask, root_relative

if TYPE_CHECKING:
    from ..formats.jsonc import JSONObject


def read_turbo(root: Path, path: Path) -> TurboConfig:
    """turbo.json (v2 `tasks` or v1 `pipeline`) at ``path``, its globs checked."""
    data = jsonc.load_object(path, jsonc=True, what="turbo.json")
    text_cache: list[str] = []

    def bad(key: str, expected: str) -> InputError:
        if not text_cache:
            text_cache.append(jsonc.read_text(path))
        pos = jsonc.key_position(text_cache[0], key)
        return InputError(
            f"`{key}` must be {expected}",
            path=path,
            line=pos[0] if pos else None,
            column=pos[1] if pos else None,
            hint="see https://turborepo.com/docs/reference/configuration",
        )

    def strs(obj: JSONObject, key: str) -> tuple[str, ...] | None:
        v = obj.get(key)
        if v is None:
            return None
        if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
            raise bad(key, "an array of strings")
        return tuple(str(x) for x in v)

    if "tasks" in data:
        schema, tasks_raw = "v2", data["tasks"]
    elif "pipeline" in data:
        schema, tasks_raw = "v1", data["pipeline"]
    else:
        schema, tasks_raw = "v2", {}
    if not isinstance(tasks_raw, dict):
        raise bad("tasks" if schema == "v2" else "pipeline", "an object")
    tasks: list[TurboTask] = []
    for key, body in tasks_raw.items():
        if not isinstance(body, dict):
            raise bad(key, "an object")
        pkg, _, task = key.rpartition("#")
        depends = strs(body, "dependsOn") or ()
        env = list(strs(body, "env") or ())
        # v1 put environment variables in dependsOn as "$VAR".
        env.extend(d[1:] for d in depends if d.startswith("$"))
        cache = body.get("cache")
        persistent = body.get("persistent")
        tasks.append(
            TurboTask(
                key=key,
                package=pkg or None,
                task=task,
                depends_on=tuple(d for d in depends if not d.startswith("$")),
                inputs=strs(body, "inputs"),
                outputs=strs(body, "outputs"),
                env=tuple(env),
                cache=cache if isinstance(cache, bool) else None,
                persistent=persistent if isinstance(persistent, bool) else None,
            )
        )
    extends_raw = strs(data, "extends") or ()
    global_deps = strs(data, "globalDependencies") or ()
    for g in global_deps:
        try:
            globs.check(g.removeprefix("!"))
        except globs.GlobSyntaxError as exc:
            pos = jsonc.key_position(jsonc.read_text(path), "globalDependencies", g)
            raise globs.located_error(
                exc,
                what="globalDependencies glob",
                glob=g,
                path=path,
                position=pos,
                offset=len(g) - len(g.removeprefix("!")),
            ) from None
    return TurboConfig(
        path=root_relative(root, path),
        schema=schema,
        tasks=tuple(tasks),
        global_dependencies=global_deps,
        global_env=strs(data, "globalEnv") or (),
        extends=extends_raw,
        tags=strs(data, "tags") or (),
        boundaries=data.get("boundaries"),
    )
