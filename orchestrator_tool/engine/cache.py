"""The result cache: one file per (workspace, configuration), keyed per file by path and content
hash, with a size + mtime fast path so an unchanged file is not even read.

The cache key covers the tool version and its sources' sizes and mtimes (validator modules and
plugins included), the installed parsers' versions, the effective configuration and the
workspace facts the validators read (package manifests, exports, tsconfig paths), so a change
to any of them starts from empty. An entry also lists the other files its verdict was read from
(a helper's definition, a package's entry point, the folders listed to resolve its imports)
with their sizes and mtimes, taken once per run: when one of them changes, the entry is a miss.
A dependency first looked at after the run and changed since the run began (or a clock tick
before it: a timestamp can lag the clock) may have been read in its old state, so such an
entry is not stored, as git treats a racily clean index entry.
A verdict that depends on every file (who imports an export) is checked against a fingerprint
of every source file's path, size and mtime instead. Writes are atomic (temp file + rename); a
corrupt or truncated cache is a miss; two runs at once cannot corrupt it (the last one to
finish wins).
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path

from ..formats.digest import blake2b
from ..fsio import cache_dir, prune, write_atomic
from .deps import WHOLE_WORKSPACE
from .diagnostics import Diagnostic, Fix
from .files import stamp
from .results import FileResult

FORMAT = 7
# Result caches kept per workspace: one per configuration, selection (a revision's content has
# its own) and version of the tool in use; older ones are removed when a cache is written.
KEPT_PER_ROOT = 8
# How far before the run's start a change still counts as racy: the kernel stamps files from a
# coarse clock, up to a tick (1 to 10 ms) behind the one read at the start; a file system that
# keeps whole seconds (two on FAT) rounds a stamp down by up to that much.
_RACY_NS = 20_000_000
_RACY_COARSE_NS = 2_000_000_000
_UNSEEN: list[int] = []  # a file not stat-ed yet (None: it could not be)


def content_hash(data: bytes) -> str:
    return blake2b(data, digest_size=16).hexdigest()


def _encode(r: FileResult) -> list[object] | int:
    # One file's findings, each with its group; the places of a group are merged after the
    # run (engine.aggregate), so no cached finding has related places. 0: nothing at all (most
    # files), so most entries cost a warm run one token to read.
    if not (r.unparsed or r.syntax_error or r.suppressed or r.diagnostics):
        return 0
    return [
        [list(region) for region in r.unparsed],
        r.syntax_error,
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
                d.group,
            ]
            for d in r.diagnostics
        ],
    ]


def _decode(path: str, raw: list[object], deps: tuple[str, ...] = ()) -> FileResult:
    unparsed, syntax_error, suppressed, diags = raw
    assert isinstance(diags, list) and isinstance(unparsed, list)
    assert isinstance(syntax_error, bool) and isinstance(suppressed, int)
    out = []
    regions = tuple((int(first), int(last)) for first, last in unparsed)
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
            group,
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
                group,
            )
        )
    return FileResult(
        path,
        tuple(out),
        regions,
        syntax_error,
        None,
        (),
        suppressed,
        deps,
    )


class ResultCache:
    def __init__(
        self,
        root: Path,
        key: str,
        directory: Path | None = None,
    ) -> None:
        """The cache of ``root``'s results under ``key``, read now; `selected` tells it the
        files of the run once they are chosen."""
        self.root = str(root) + os.sep
        self._args = (root, key, directory)
        self._state_of: Callable[[], Sequence[str]] | None = None
        self._state: str | None = None
        root_id = blake2b(str(root).encode(), digest_size=8).hexdigest()
        self.path = (directory or cache_dir()) / f"{root_id}-{key}.json"
        # path → [size, stamp, content hash, findings, [places in self._reads]]
        self.entries: dict[str, list[object]] = {}
        # The (dependency, its stat when read) pairs the entries were read from, each once:
        # thousands of entries share a few hundred (a folder listed, a helper, a manifest), so
        # each pair is written, parsed and compared once, not once per entry.
        self._reads: list[tuple[str, object]] = []
        self._read_at: dict[tuple[str, str], int] | None = None  # made when first stored
        # each pair's verdict this run (None: not judged yet), by place: a list, so that an
        # entry whose pairs are all judged fresh is told so without a call per pair
        self._fresh: list[bool | None] = []
        self._deps: list[str] = []  # each pair's dependency, by place
        self.dirty = False
        # A dependency's stat, taken once per run: many entries share a helper or a folder.
        self._stats: dict[str, list[int] | None] = {}
        self._known: Mapping[str, os.stat_result] = {}
        self._parent: ResultCache | None = None  # a sibling shares its fingerprint
        self._racy: set[str] = set()  # dependencies changed since (about) the run's start
        self._started_ns = time.time_ns()
        self._racy_from = self._started_ns - _RACY_COARSE_NS  # no change before is racy
        try:
            with open(self.path, encoding="utf-8") as fh:
                doc = json.load(fh)
            if isinstance(doc, dict) and doc.get("format") == FORMAT:
                entries, reads = doc.get("files"), doc.get("reads")
                if isinstance(entries, dict) and isinstance(reads, list):
                    self.entries = entries
                    self._reads = [(str(dep), stat) for dep, stat in reads]
                    self._fresh = [None] * len(self._reads)
                    self._deps = [dep for dep, _ in self._reads]
        except (OSError, ValueError, TypeError):
            self.entries, self._reads = {}, []  # missing, truncated or corrupt: start empty
            self._fresh, self._deps = [], []

    def selected(
        self, sources: Callable[[], Sequence[str]], known: Mapping[str, os.stat_result]
    ) -> None:
        """The run's files, once selected (the cache is read while git lists them):
        ``sources`` lists every source file of the workspace (git's view), for the verdicts
        that read all of them, called once when the first such entry is looked up; ``known``
        holds the stats of regular files taken while selecting them."""
        self._state_of = sources
        self._known = known

    def sibling(self, suffix: str) -> ResultCache:
        """The cache of other content of the same files (a revision's), in a file of its own
        beside this one (so neither evicts the other's entries), sharing what this run has
        read of the files on disk: each is stat-ed, and every file listed, once per run."""
        root, key, directory = self._args
        other = ResultCache(root, key + suffix, directory)
        other._state_of = self._state_of
        other._stats = self._stats
        other._known = self._known
        other._parent = self
        return other

    def _whole(self) -> str:
        """The fingerprint of every source file (paths, sizes and stamps), taken once per run,
        when first asked, from the stats this run takes anyway."""
        if self._parent is not None:
            return self._parent._whole()
        if self._state is None and self._state_of is not None:
            lines = []
            for rel in sorted(self._state_of()):
                found = self._file_stat(rel)
                if found is not None:
                    lines.append(f"{rel}\0{found[0]}\0{found[1]}\n")
            blob = "".join(lines).encode("utf-8", "surrogateescape")
            self._state = blake2b(blob, digest_size=16).hexdigest()
        return self._state or ""

    def stat(self, rel: str) -> tuple[int, int] | None:
        """The size and stamp of a file on disk, taken once per run (None: it cannot be
        stat-ed)."""
        found = self._file_stat(rel)
        return None if found is None else (found[0], found[1])

    def served(self, rels: Iterable[str]) -> tuple[list[FileResult], list[str]]:
        """(the cached results of the files on disk whose size and stamp are unchanged, read
        from no file; the other files). The loop of a warm run, in one pass: the common case
        (a clean file whose dependencies were all judged fresh) costs no call but its stat."""
        hits: list[FileResult] = []
        rest: list[str] = []
        entries = self.entries
        file_stat = self._file_stat
        result_of = self._result
        fresh_at = self._fresh.__getitem__
        dep_at = self._deps.__getitem__
        for rel in rels:
            entry = entries.get(rel)
            found = file_stat(rel)
            try:
                if (
                    entry is not None
                    and found is not None
                    and entry[0] == found[0]
                    and entry[1] == found[1]
                ):
                    read = entry[4]
                    if (
                        entry[3] == 0
                        and len(entry) == 5
                        and isinstance(read, list)
                        and all(map(fresh_at, read))
                    ):
                        deps = tuple(map(dep_at, read))
                        hits.append(FileResult(rel, (), (), False, None, (), 0, deps))
                        continue
                    hit = result_of(rel, entry)
                    if hit is not None:
                        hits.append(hit)
                        continue
            except (TypeError, IndexError, KeyError):
                entries.pop(rel, None)  # a malformed entry is a miss
            rest.append(rel)
        return hits, rest

    def lookup_hash(self, rel: str, digest: str) -> FileResult | None:
        """The cached result when the content hash is unchanged."""
        entry = self.entries.get(rel)
        try:
            if entry is None or entry[2] != digest:
                return None
        except (TypeError, IndexError, KeyError):
            self.entries.pop(rel, None)  # a malformed entry is a miss
            return None
        return self._result(rel, entry)

    def _result(self, rel: str, entry: list[object]) -> FileResult | None:
        """The result an entry holds, when every file it was read from is unchanged."""
        try:
            if len(entry) == 5:
                raw, read = entry[3], entry[4]
                assert isinstance(read, list)
                # all pairs judged fresh before (the common case), or each judged now
                if all(map(self._fresh.__getitem__, read)) or all(map(self._still, read)):
                    deps = tuple(map(self._deps.__getitem__, read)) if read else ()
                    if raw == 0:  # most files: nothing found, nothing left unparsed
                        return FileResult(rel, (), (), False, None, (), 0, deps)
                    assert isinstance(raw, list)
                    return _decode(rel, raw, deps)
        except (ValueError, TypeError, AssertionError, IndexError):
            self.entries.pop(rel, None)  # a malformed entry is a miss
        return None

    def _still(self, place: int) -> bool:
        """Whether the dependency of a pair still has the stat it was read with."""
        fresh = self._fresh[place]
        if fresh is None:
            dep, stat = self._reads[place]
            fresh = self._fresh[place] = self._stat(dep) == stat
        return fresh

    def _place(self, dep: str, stat: object) -> int:
        key = (dep, json.dumps(stat))
        if self._read_at is None:
            self._read_at = {(d, json.dumps(s)): i for i, (d, s) in enumerate(self._reads)}
        place = self._read_at.get(key)
        if place is None:
            place = self._read_at[key] = len(self._reads)
            self._reads.append((dep, stat))
            self._deps.append(dep)
            self._fresh.append(True)  # read this run, with its stat of this run
        return place

    def _stat(self, rel: str) -> list[int] | str | None:
        if rel == WHOLE_WORKSPACE:
            return self._whole() if self._state_of is not None else None
        return self._file_stat(rel)

    def _file_stat(self, rel: str) -> list[int] | None:
        found = self._stats.get(rel, _UNSEEN)
        if found is not _UNSEEN:
            return found
        try:
            st = self._known.get(rel) or os.stat(self.root + rel)
        except OSError:
            self._stats[rel] = None
            return None
        found = self._stats[rel] = [st.st_size, stamp(st)]
        changed = st.st_mtime_ns if st.st_mtime_ns > st.st_ctime_ns else st.st_ctime_ns
        if changed >= self._racy_from and (
            changed >= self._started_ns - _RACY_NS or changed % 1_000_000_000 == 0
        ):
            self._racy.add(rel)
        return found

    def store(self, result: FileResult, size: int, mtime: int, digest: str) -> None:
        whole = WHOLE_WORKSPACE in result.deps and self._state_of is None
        if result.crashes or result.skipped or whole:
            # never cache a validator crash, a skip, or a verdict every file may change when
            # there is no fingerprint of every file to check it against
            if self.entries.pop(result.path, None) is not None:
                self.dirty = True
            return
        read = {dep: self._stat(dep) for dep in result.deps}
        if self._racy.intersection(result.deps):
            # a dependency changed during the run: the verdict may be of its old content,
            # and storing it against the new stat would serve it as fresh next time
            if self.entries.pop(result.path, None) is not None:
                self.dirty = True
            return
        places = [self._place(dep, stat) for dep, stat in read.items()]
        self.entries[result.path] = [size, mtime, digest, _encode(result), places]
        self.dirty = True

    def save(self) -> None:
        if not self.dirty:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(self.path, json.dumps(self._document(), separators=(",", ":")))
        except OSError:
            return  # a cache that cannot be written is only slower next time
        # the caches of this workspace under other keys (another configuration, selection or
        # version of the tool): the most recently written few are kept
        prune(self.path.parent, self.path.name.split("-", 1)[0] + "-", ".json", KEPT_PER_ROOT)

    def _document(self) -> dict[str, object]:
        """The cache as written: only the pairs some entry still reads, renumbered."""
        used: dict[int, int] = {}
        files: dict[str, list[object]] = {}
        known = len(self._reads)
        for path, entry in self.entries.items():
            places = entry[4] if len(entry) == 5 else None
            if not isinstance(places, list) or not all(
                isinstance(i, int) and 0 <= i < known for i in places
            ):
                continue  # a malformed entry is not written back
            renumbered = [used.setdefault(i, len(used)) for i in places]
            files[path] = [*entry[:4], renumbered]
        reads: list[list[object]] = [[] for _ in used]
        for old, new in used.items():
            dep, stat = self._reads[old]
            reads[new] = [dep, stat]
        return {"format": FORMAT, "files": files, "reads": reads}
