"""Finding and loading orchestrator.toml, with the validated document cached on disk.

pydantic costs more to import than a cached validate run takes, so the validated document is
cached by the file's content hash, and the schema (pydantic) is only used when the file changed.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..errors import InputError
from ..formats.digest import blake2b
from ..fsio import cache_dir, prune, write_atomic
from .settings import Config, resolve

CONFIG_FILES = ("orchestrator.toml", ".orchestrator.toml")
FORMAT = 4  # of the cached, validated file: bumped when validation changes


def find(root: Path) -> Path | None:
    found = [root / name for name in CONFIG_FILES if (root / name).is_file()]
    if len(found) > 1:
        raise InputError(
            f"both {found[0].name} and {found[1].name} are here: which one holds the settings?",
            path=found[1],
            hint=f"merge them into {found[0].name} and delete {found[1].name}",
        )
    return found[0] if found else None


def _cache_file(digest: str) -> Path:
    return cache_dir() / f"config-{FORMAT}-{digest}.json"


def load(root: Path) -> Config:
    """The configuration of the monorepo at ``root`` (defaults when there is no file)."""
    path = find(root)
    if path is None:
        return Config()
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", path=path) from None
    digest = blake2b(raw, digest_size=12).hexdigest()
    cached = _cache_file(digest)
    normalized: dict[str, object] | None = None
    try:
        with open(cached, encoding="utf-8") as fh:
            doc = json.load(fh)
            if isinstance(doc, dict):
                normalized = doc
    except (OSError, ValueError):
        normalized = None
    if normalized is None:
        from .validation import validated

        normalized = validated(path, raw.decode("utf-8", "replace"))
        try:
            cached.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(cached, json.dumps(normalized))
            prune(cached.parent, "config-", ".json", 64)  # other files, contents or formats
        except OSError:
            pass
    return resolve(normalized, str(path), digest)
