"""The key of the result cache: what a run's findings depend on beyond each file's content."""

from __future__ import annotations

import json
import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..engine.settings import Settings
    from ..workspace import Workspace


def cache_key(ws: Workspace, settings: Settings, config_digest: str = "") -> str:
    """The key of a run's cached results: the tool's version and code, the parsers' versions,
    the validators' settings, the configuration and the workspace facts every rule reads."""
    from .. import __version__
    from ..formats.digest import blake2b
    from ..formats.jsonable import to_jsonable

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
    return blake2b(blob, digest_size=12).hexdigest()


# The parsers: another version may read the same file into another tree.
_PARSERS = ("tree_sitter", "tree_sitter_typescript", "libcst")


def _parser_versions() -> dict[str, object]:
    """Each parser package's file, size and stamp (another install rewrites it): found without
    importing the parsers, nor importlib.metadata, which cost more than a cached run."""
    from ..engine.spec_table import module_file

    out: dict[str, object] = {}
    for name in _PARSERS:
        origin = module_file(name)
        try:
            st = os.stat(origin) if origin else None
        except OSError:
            st = None
        out[name] = "absent" if st is None else [origin, st.st_size, st.st_mtime_ns]
    return out


def _code_fingerprint(modules: tuple[str, ...]) -> list[tuple[str, int, int]]:
    """Size and mtime of the tool's own sources and of the validator modules (plugins too):
    an edited or reinstalled validator, even under the same version number, misses the
    cache instead of returning the old findings."""
    from ..engine.spec_table import module_file

    out = _tree_stats(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    for name in modules:
        found = module_file(name)  # not imported: a run served from the cache imports none
        if found:
            try:
                st = os.stat(found)
            except OSError:
                continue
            out.append((found, st.st_size, st.st_mtime_ns))
    return out


def _tree_stats(top: str) -> list[tuple[str, int, int]]:
    """(path, size, mtime) of every ``*.py`` file under ``top``, sorted by path."""
    out = []
    stack = [top]
    while stack:
        with os.scandir(stack.pop()) as entries:
            for e in entries:
                if e.is_dir(follow_symlinks=False):
                    stack.append(e.path)
                elif e.name.endswith(".py"):
                    try:
                        st = e.stat()
                    except OSError:
                        continue
                    out.append((e.path, st.st_size, st.st_mtime_ns))
    out.sort()
    return out
