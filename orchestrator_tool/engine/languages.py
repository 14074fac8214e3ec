"""The language a file is read as, from its name alone: the one test of which files a run
checks (a cached run asks it of every file, and imports nothing else of the engine's)."""

from __future__ import annotations

TS_EXTENSIONS = {
    ".ts": "typescript",
    ".mts": "typescript",
    ".cts": "typescript",
    ".tsx": "tsx",
    # The TSX grammar is a superset of JavaScript with JSX.
    ".js": "javascript",
    ".jsx": "javascript",
    ".mjs": "javascript",
    ".cjs": "javascript",
}
PY_EXTENSIONS = {".py": "python"}


def language_of(path: str) -> str | None:
    dot = path.rfind(".")
    if dot < 0:
        return None
    ext = path[dot:].lower()
    if path.endswith(".d.ts"):
        return "typescript"
    return TS_EXTENSIONS.get(ext) or PY_EXTENSIONS.get(ext)
