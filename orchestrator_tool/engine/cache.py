"""The result cache: one file per (workspace, configuration), keyed per file by path and
content hash, with a size + mtime fast path so an unchanged file is not even read.

The cache key covers the tool version and its sources' sizes and mtimes (validator modules
and plugins included), the effective configuration and the workspace facts
the validators read (package manifests, exports, tsconfig paths), so a change to any of them
starts from empty. Writes are atomic (temp file + rename); a corrupt or truncated cache is a
miss; two runs at once cannot corrupt it (the last one to finish wins).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from .diagnostics import Diagnostic, Fix
from .runner import FileResult

FORMAT = 1


def cache_dir() -> Path:
    env = os.environ.get("ORCHESTRATOR_CACHE_DIR")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "orchestrator-tool"


def content_hash(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def _encode(r: FileResult) -> list[object]:
    return [
        r.parse_error,
        r.suppressed,
        [
            [
                d.code,
                d.name,
                d.message,
                d.line,
                d.column,
                d.end_line,
                d.end_column,
                d.severity,
                d.package,
                d.fingerprint,
                None
                if d.fix is None
                else [d.fix.start, d.fix.end, d.fix.replacement, d.fix.safe, d.fix.description],
            ]
            for d in r.diagnostics
        ],
    ]


def _decode(path: str, raw: list[object]) -> FileResult:
    parse_error, suppressed, diags = raw
    out = []
    assert isinstance(diags, list)
    for d in diags:
        (
            code,
            name,
            message,
            line,
            column,
            end_line,
            end_column,
            severity,
            package,
            fingerprint,
            fix,
        ) = d
        out.append(
            Diagnostic(
                code,
                name,
                message,
                path,
                line,
                column,
                end_line,
                end_column,
                severity,
                package,
                None if fix is None else Fix(*fix),
                fingerprint,
            )
        )
    return FileResult(path, tuple(out), bool(parse_error), None, (), int(suppressed))  # type: ignore[call-overload]


class ResultCache:
    def __init__(self, root: Path, key: str, directory: Path | None = None) -> None:
        root_id = hashlib.blake2b(str(root).encode(), digest_size=8).hexdigest()
        self.path = (directory or cache_dir()) / f"{root_id}-{key}.json"
        self.entries: dict[str, list[object]] = {}
        self.dirty = False
        try:
            with open(self.path, encoding="utf-8") as fh:
                doc = json.load(fh)
            if isinstance(doc, dict) and doc.get("format") == FORMAT:
                entries = doc.get("files")
                if isinstance(entries, dict):
                    self.entries = entries
        except (OSError, ValueError):
            self.entries = {}  # missing, truncated or corrupt: start empty

    def lookup_stat(self, rel: str, st: os.stat_result) -> FileResult | None:
        """The cached result when size and mtime are unchanged (the file is not read)."""
        return self._lookup(rel, lambda e: e[0] == st.st_size and e[1] == st.st_mtime_ns)

    def lookup_hash(self, rel: str, digest: str) -> FileResult | None:
        """The cached result when the content hash is unchanged."""
        return self._lookup(rel, lambda e: e[2] == digest)

    def _lookup(self, rel: str, fresh: Callable[[list[object]], bool]) -> FileResult | None:
        entry = self.entries.get(rel)
        if entry is None:
            return None
        try:
            if len(entry) == 4 and fresh(entry):
                raw = entry[3]
                assert isinstance(raw, list)
                return _decode(rel, raw)
        except (ValueError, TypeError, AssertionError):
            self.entries.pop(rel, None)  # a malformed entry is a miss
        return None

    def store(self, result: FileResult, size: int, mtime: int, digest: str) -> None:
        if result.crashes or result.skipped:
            return  # never cache a validator crash or a skip
        self.entries[result.path] = [size, mtime, digest, _encode(result)]
        self.dirty = True

    def save(self) -> None:
        if not self.dirty:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".tmp-", suffix=".json")
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump({"format": FORMAT, "files": self.entries}, fh, separators=(",", ":"))
            os.replace(tmp, self.path)
        except OSError:
            pass  # a cache that cannot be written is only slower next time
