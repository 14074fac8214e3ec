"""Files in the work tree that are not source anyone writes, so no validator judges them:
minified or compiled JavaScript (told by a byte scan, as GitHub's linguist tells generated
files), and the static-asset folder an app framework serves as-is. Each is reported as
skipped, with the reason."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..workspace import Workspace

# linguist: a .js file whose lines average more than 110 characters is minified. Only the
# JavaScript extensions: a hand-written TSX icon or a TS file holding a base64 logo has long
# lines too, and is still source.
_MINIFIABLE = (".js", ".mjs", ".cjs")
_MINIFIED_LINE = 110
# A compiler's or bundler's last line: `//# sourceMappingURL=…` (or `/*# …`, or the old `//@`).
_SOURCE_MAP = re.compile(rb"(?m)^[ \t]*/[*/][#@][ \t]*source(?:Mapping)?URL=")
_TAIL = 1024

# Frameworks that serve a folder at the package root as-is, never compiling what is in it.
_STATIC_FOLDERS: dict[str, tuple[str, ...]] = {
    "public": (
        "next",
        "vite",
        "astro",
        "nuxt",
        "@remix-run/dev",
        "@react-router/dev",
        "@tanstack/react-start",
        "@tanstack/solid-start",
        "@solidjs/start",
        "react-scripts",
        "expo",
    ),
    "static": ("@sveltejs/kit", "gatsby", "@docusaurus/core"),
}


def generated(rel: str, data: bytes) -> str | None:
    """Why ``data`` is generated rather than written ("minified", "compiled: …"), or None.
    A count of newlines and a look at the last kilobyte: no per-line work."""
    if rel.endswith(_MINIFIABLE) and len(data) > _MINIFIED_LINE * (data.count(b"\n") + 1):
        return "minified"
    tail = max(0, len(data) - _TAIL)
    # a plain search first: the pattern runs only where the words are
    if data.find(b"URL=", tail) >= 0 and _SOURCE_MAP.search(data, tail):
        return "compiled: it ends with a sourceMappingURL comment"
    return None


def static_asset(rel: str, workspace: Workspace | None) -> str | None:
    """Why ``rel`` is a static asset (``public/sw.js`` of a Next.js or Vite app, ``static/``
    of a SvelteKit one): the framework copies that folder to the output untouched, so what is
    in it is vendored or hand-built output, not the app's source. None otherwise."""
    if workspace is None or not ("public/" in rel or "static/" in rel):
        return None
    package = workspace.owner_of(rel) or workspace.root_package
    inside = rel if package.path == "." else rel[len(package.path) + 1 :]
    folder, _, rest = inside.partition("/")
    frameworks = _STATIC_FOLDERS.get(folder)
    if not frameworks or not rest:
        return None
    for section in ("dependencies", "devDependencies"):
        declared = package.dependencies.get(section, {})
        for name in frameworks:
            if name in declared:
                return f"static asset: {folder}/ is served as-is by {name}"
    return None
