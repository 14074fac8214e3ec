"""What a zod validation looks like by name: the schema methods that parse, the receivers of a
`.parse(…)` that are no schema (`JSON.parse`, `Date.parse`), and the modules whose schemas are
taken to be zod's."""

from __future__ import annotations

import re

ZOD_METHODS = frozenset({"parse", "safeParse", "parseAsync", "safeParseAsync", "spa"})
NOT_ZOD = frozenset(
    {
        "JSON",
        "Date",
        "qs",
        "querystring",
        "url",
        "path",
        "Number",
        "URL",
        "yaml",
        "YAML",
        "toml",
        "csv",
        "Papa",
        "marked",
        "cookie",
        "cookies",
        "semver",
    }
)
_ZOD_IMPORT = re.compile(
    rb"""from\s+["'](?:zod|zod/[\w/-]+|zod-form-data|@hono/zod-validator)["']|require\(\s*["']zod["']\s*\)"""
)


def imports_zod(data: bytes) -> bool:
    return bool(_ZOD_IMPORT.search(data))


def zod_module(data: bytes) -> bool:
    """A module whose schemas are taken to be zod's: it imports zod, or speaks of schemas."""
    return imports_zod(data) or b"schema" in data.lower()
