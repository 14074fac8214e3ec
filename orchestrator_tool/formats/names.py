"""The grammars of names that leave the tool: ids that become file names, and package names
that reach a command line or a package manager's filter.

The repository is untrusted input. A task suffix in a committed orchestrator.toml becomes a
file name under `tasks/<plan-id>/`, and a package's `name` becomes the argument of
`pnpm --filter` or `turbo --filter=`, where `...x`, `x...`, `{dir}` or `!x` are selectors, not
names. Each is checked here, once, against one grammar, by every caller.
"""

from __future__ import annotations

import re

# Ids the tool writes as path components: kebab-case words, as the built-in roles, phases and
# patterns already are. Nothing else (no '.', '/', '\\', NUL, leading '-') can reach a path.
PATH_ID_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
_PATH_ID = re.compile(PATH_ID_PATTERN)
# A file name holds 255 bytes; ids are joined (`<prefix>-<suffix>-<package>-2`) and get ".md".
MAX_PATH_ID = 200
MAX_ID_PART = 64  # a configured part of an id (a role's taskSuffix)
PATH_ID_HINT = "use lowercase letters, digits and '-' (kebab-case, e.g. `db-schema`)"


def path_id_problem(value: str, limit: int = MAX_PATH_ID) -> str | None:
    """Why ``value`` cannot be part of a path the tool writes (None: it can)."""
    if len(value) > limit:
        return f"is longer than {limit} characters"
    if _PATH_ID.match(value) is None:
        return "must be kebab-case (lowercase letters, digits, single '-' between words)"
    return None


def check_path_id(value: str, limit: int = MAX_PATH_ID) -> str:
    """``value`` when it may be a path component; ValueError (for pydantic) when not."""
    problem = path_id_problem(value, limit)
    if problem is not None:
        raise ValueError(f"{value[:80]!r} {problem}: it becomes part of a file name")
    return value


# npm's package-name grammar (validate-npm-package-name, the rules for new packages), except
# capital letters, which npm still accepts in existing packages and private workspaces use.
MAX_PACKAGE_NAME = 214
_URL_SAFE = re.compile(r"[A-Za-z0-9._~!'()*-]+")  # what encodeURIComponent leaves as it is
_NPM_SPECIAL = re.compile(r"[~'!()*]")
_RESERVED = frozenset({"node_modules", "favicon.ico"})
PACKAGE_NAME_HINT = (
    "rename it in its package.json: lowercase letters, digits, '-', '.', '_' "
    "(optionally `@scope/name`), as npm requires"
)


def package_name_problem(name: str) -> str | None:
    """Why ``name`` is not a package name that can safely reach a command line or a filter
    (None: it can)."""
    if not name:
        return "is empty"
    if len(name) > MAX_PACKAGE_NAME:
        return f"is longer than {MAX_PACKAGE_NAME} characters"
    if name.strip() != name:
        return "has leading or trailing spaces"
    if name.startswith((".", "_")):
        return "starts with '.' or '_'"
    if name.startswith("-"):
        return "starts with '-', which a command line reads as an option"
    if name.lower() in _RESERVED:
        return "is a name npm reserves"
    parts: tuple[str, ...]
    if name.startswith("@"):
        scope, slash, base = name[1:].partition("/")
        if not slash or not scope or not base or "/" in base:
            return "is not `@scope/name`"
        parts = (scope, base)
    elif "/" in name:
        return "holds '/' outside a scope (`@scope/name`)"
    else:
        parts = (name,)
    for part in parts:
        if _URL_SAFE.fullmatch(part) is None:
            bad = next(c for c in part if _URL_SAFE.fullmatch(c) is None)
            return f"holds {bad!r}, which is not allowed in a package name"
        special = _NPM_SPECIAL.search(part)
        if special is not None:
            return f"holds {special.group()!r}, which npm no longer allows in package names"
        if part.startswith((".", "_")):
            return "starts with '.' or '_' after the scope"
    if name.endswith("..."):
        # pnpm and turbo read `x...` as "x and its dependencies".
        return "ends with '...', which pnpm and turbo filters read as a selector"
    return None


# Characters a folder name may hold on disk but not in a line of output another program reads:
# the C0 and C1 controls (a newline splits one entry into two) and DEL.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def package_path_problem(path: str) -> str | None:
    """Why a package's folder (POSIX, relative to the root) cannot safely be printed for a
    command line, a filter or a CI matrix (None: it can)."""
    control = _CONTROL.search(path)
    if control is not None:
        return f"holds the control character {control.group()!r}"
    if path.endswith("..."):
        return "ends with '...', which pnpm and turbo filters read as a selector"
    if any(segment.startswith("-") for segment in path.split("/")):
        return "has a folder starting with '-', which a command line reads as an option"
    return None
