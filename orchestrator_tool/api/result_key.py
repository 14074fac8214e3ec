"""The key of the result cache: what a run's findings depend on beyond each file's content."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..engine.runner import Settings
    from ..workspace import Workspace


def cache_key(ws: Workspace, settings: Settings, config_digest: str = "") -> str:
    """The key of a run's cached results: the tool's version and code, the parsers' versions,
    the validators' settings, the configuration and the workspace facts every rule reads."""
    import hashlib

    from .. import __version__
    from ..reporting.jsonout import to_jsonable

    facts = to_jsonable(
        {
            "packages": ws.packages,
            "root": ws.root_package,
            "catalogs": ws.catalogs,
        }
    )
    config = [
        sorted(s.code for s in settings.specs),
        {s.code: [settings.severity_for(s), settings.options_for(s)] for s in settings.specs},
        settings.honour_eslint_disable,
        settings.max_bytes,
        config_digest,  # covers per-path overrides
    ]
    code = _code_fingerprint(tuple(sorted({s.module for s in settings.specs})))
    parsers = _parser_versions()
    blob = json.dumps(
        [__version__, code, parsers, config, facts], sort_keys=True, default=str
    ).encode()
    return hashlib.blake2b(blob, digest_size=12).hexdigest()


# The parsers' distributions: another version may read the same file into another tree.
_PARSERS = ("tree-sitter", "tree-sitter-typescript", "libcst")


@functools.lru_cache(maxsize=1)
def _parser_versions() -> dict[str, str]:
    from importlib import metadata

    out: dict[str, str] = {}
    for dist in _PARSERS:
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            out[dist] = "absent"
    return out


@functools.lru_cache(maxsize=8)
def _code_fingerprint(modules: tuple[str, ...]) -> list[tuple[str, int, int]]:
    """Size and mtime of the tool's own sources and of the validator modules (plugins too):
    an edited or reinstalled validator, even under the same version number, misses the
    cache instead of returning the old findings."""
    import sys

    files = sorted(Path(__file__).parents[1].rglob("*.py"))
    for name in modules:
        module_file = getattr(sys.modules.get(name), "__file__", None)
        if module_file:
            files.append(Path(module_file))
    out = []
    for f in files:
        try:
            st = f.stat()
        except OSError:
            continue
        out.append((str(f), st.st_size, st.st_mtime_ns))
    return out
