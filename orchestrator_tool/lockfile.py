"""Which workspace packages a lockfile change really touches.

For pnpm-lock.yaml (formats 5.x, 6.x and 9.x) each importer's resolved dependency closure is
compared between the two versions of the lockfile: an importer is affected when one of its own
entries changed or when any package it reaches (transitively) changed. Other lockfiles cannot
be attributed yet; the caller then falls back to "every package" and says so.

pnpm writes its lockfile in a small, regular subset of YAML, so it is read line by line here:
PyYAML needs about half a second for a 1 MB lockfile, which is more than a pre-commit hook's
whole budget.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field

_DEP_SECTIONS = frozenset({"dependencies", "devDependencies", "optionalDependencies"})
_GRAPH_SECTIONS = frozenset({"dependencies", "optionalDependencies"})


class LockfileFormatError(ValueError):
    """The text is not a pnpm lockfile this reader understands."""


@dataclass
class _Importer:
    deps: dict[str, str] = field(default_factory=dict)  # name -> resolved version reference
    digest: hashlib._Hash = field(default_factory=hashlib.sha1)


@dataclass
class _Node:
    children: list[tuple[str, str]] = field(default_factory=list)  # (name, value)
    digest: hashlib._Hash = field(default_factory=hashlib.sha1)


@dataclass(frozen=True)
class PnpmLockfile:
    major: int  # 5, 6 or 9
    importers: dict[str, tuple[str, dict[str, str]]]  # path -> (digest, {name: version ref})
    nodes: dict[str, tuple[str, tuple[str, ...]]]  # key -> (digest, child keys)

    def key_for(self, name: str, value: str) -> str | None:
        """The package key a dependency entry ``name: value`` points at (None: a link)."""
        if value.startswith("link:"):
            return None
        candidates: tuple[str, ...]
        if self.major >= 9:
            candidates = (f"{name}@{value}", value)
        elif self.major >= 6:
            candidates = (f"/{name}@{value}", value, f"{name}@{value}")
        else:
            candidates = (f"/{name}/{value}", value)
        for c in candidates:
            if c in self.nodes:
                return c
        return candidates[0]

    def closure(self, importer: str) -> set[str]:
        entry = self.importers.get(importer)
        if entry is None:
            return set()
        seen: set[str] = set()
        stack = [k for n, v in entry[1].items() if (k := self.key_for(n, v)) is not None]
        while stack:
            key = stack.pop()
            if key in seen:
                continue
            seen.add(key)
            node = self.nodes.get(key)
            if node is not None:
                stack.extend(c for c in node[1] if c not in seen)
        return seen


def _unquote(s: str) -> str:
    s = s.strip()
    if len(s) >= 2 and s[0] == s[-1] == "'":
        return s[1:-1].replace("''", "'")
    if len(s) >= 2 and s[0] == s[-1] == '"':
        return s[1:-1].replace('\\"', '"').replace("\\\\", "\\")
    return s


def _split_key(body: str) -> tuple[str, str | None]:
    """``key: value`` / ``key:`` → (key, value or None), honouring quoted keys."""
    if body[:1] in ("'", '"'):
        q = body[0]
        i = 1
        while i < len(body):
            if body[i] == q:
                if q == "'" and i + 1 < len(body) and body[i + 1] == "'":
                    i += 2
                    continue
                break
            i += 1
        key = _unquote(body[: i + 1])
        rest = body[i + 1 :]
    else:
        idx = body.find(": ")
        if idx < 0:
            if body.endswith(":"):
                return body[:-1], None
            return body, None
        key, rest = body[:idx], body[idx:]
    rest = rest.lstrip()
    if rest.startswith(":"):
        rest = rest[1:].strip()
    return key, (_unquote(rest) if rest else None)


def _strip_peers_v9(key: str) -> str:
    # "next@15.1.0(react@19.0.0)" -> "next@15.1.0" (the key of its `packages:` entry)
    i = key.find("(")
    return key if i < 0 else key[:i]


def parse_pnpm(text: str) -> PnpmLockfile:
    lines = text.splitlines()
    major = 0
    for line in lines[:5]:
        if line.startswith("lockfileVersion:"):
            raw = _unquote(line.split(":", 1)[1])
            try:
                major = int(float(raw.split(".")[0] if "." in raw else raw))
            except ValueError:
                raise LockfileFormatError(f"unknown lockfileVersion {raw!r}") from None
            break
    if major not in (5, 6, 7, 9):
        raise LockfileFormatError("no supported lockfileVersion (5, 6 or 9) at the top")
    if major == 7:
        major = 6
    importers: dict[str, _Importer] = {}
    nodes: dict[str, _Node] = {}
    meta: dict[str, hashlib._Hash] = {}  # v9 `packages:` entries, folded into snapshot nodes

    section = ""
    importer: _Importer | None = None
    node: _Node | None = None
    meta_digest: hashlib._Hash | None = None
    sub = ""  # field at indent 4 (importer or node)
    dep_name: str | None = None
    root_importer_style = False

    for raw_line in lines:
        if not raw_line.strip() or raw_line.lstrip().startswith("#"):
            continue
        indent = len(raw_line) - len(raw_line.lstrip(" "))
        body = raw_line[indent:]
        if indent == 0:
            key, _ = _split_key(body)
            section = key
            importer = None
            node = None
            meta_digest = None
            sub = ""
            root_importer_style = key in _DEP_SECTIONS or key == "specifiers"
            if root_importer_style:
                importer = importers.setdefault(".", _Importer())
                sub = key
                importer.digest.update(raw_line.encode())
            continue
        if root_importer_style and importer is not None:
            # Single-project lockfile: dependency sections at the top level.
            importer.digest.update(raw_line.encode())
            if sub in _DEP_SECTIONS:
                if indent == 2:
                    k, v = _split_key(body)
                    dep_name = k
                    if v is not None:
                        importer.deps[k] = v
                elif indent == 4 and dep_name is not None:
                    k, v = _split_key(body)
                    if k == "version" and v is not None:
                        importer.deps[dep_name] = v
            continue
        if section == "importers":
            if indent == 2:
                key, _ = _split_key(body)
                importer = importers.setdefault(key, _Importer())
                sub = ""
                continue
            if importer is None:
                continue
            importer.digest.update(raw_line.encode())
            if indent == 4:
                sub, _ = _split_key(body)
                dep_name = None
            elif indent == 6 and sub in _DEP_SECTIONS:
                k, v = _split_key(body)
                dep_name = k
                if v is not None:  # v5: "name: version"
                    importer.deps[k] = v
            elif indent == 8 and sub in _DEP_SECTIONS and dep_name is not None:
                k, v = _split_key(body)
                if k == "version" and v is not None:
                    importer.deps[dep_name] = v
            continue
        if section in ("packages", "snapshots"):
            if indent == 2:
                key, inline = _split_key(body)
                if section == "packages" and major >= 9:
                    meta_digest = meta.setdefault(key, hashlib.sha1())
                    node = None
                    if inline:
                        meta_digest.update(inline.encode())
                else:
                    node = nodes.setdefault(key, _Node())
                    meta_digest = None
                    if inline:
                        node.digest.update(inline.encode())
                sub = ""
                continue
            if indent == 4:
                sub, _ = _split_key(body)
                if sub == "dev":  # v5/v6 dev flags move with the importer, not the package
                    continue
            if meta_digest is not None:
                meta_digest.update(raw_line.encode())
                continue
            if node is None:
                continue
            if sub == "dev":
                continue
            node.digest.update(raw_line.encode())
            if indent == 6 and sub in _GRAPH_SECTIONS:
                k, v = _split_key(body)
                if v is not None:
                    node.children.append((k, v))
            continue

    if major >= 9:
        for key, n in nodes.items():
            m = meta.get(_strip_peers_v9(key))
            if m is not None:
                n.digest.update(m.digest())
        # A package with no snapshot entry (should not happen) still counts by its metadata.
        for key, m in meta.items():
            if key not in nodes:
                nodes[key] = _Node(digest=m)

    # key_for() needs the full key set to resolve a child reference, so the lockfile is built
    # with every key first and the child lists are filled in afterwards.
    lock = PnpmLockfile(
        major,
        {path: (imp.digest.hexdigest(), imp.deps) for path, imp in importers.items()},
        dict.fromkeys(nodes, ("", ())),
    )
    for key, n in nodes.items():
        children = tuple(
            c for name, value in n.children if (c := lock.key_for(name, value)) is not None
        )
        lock.nodes[key] = (n.digest.hexdigest(), children)
    return lock


@dataclass(frozen=True, slots=True)
class ImporterChange:
    importer: str  # importer path as in the lockfile ("." for the root)
    direct: tuple[tuple[str, str | None, str | None], ...]  # (name, old, new) resolutions
    transitive: tuple[str, ...]  # changed packages reached through others (a few, sorted)
    transitive_count: int


def _display(key: str) -> str:
    return key.lstrip("/")


def changed_importers(old: PnpmLockfile, new: PnpmLockfile) -> list[ImporterChange]:
    """Importers whose own entry or resolved closure differs between the two lockfiles."""
    changed_keys = {
        k
        for k in old.nodes.keys() | new.nodes.keys()
        if old.nodes.get(k, ("",))[0] != new.nodes.get(k, ("",))[0]
    }
    result: list[ImporterChange] = []
    for path in sorted(old.importers.keys() | new.importers.keys()):
        o = old.importers.get(path)
        n = new.importers.get(path)
        direct: list[tuple[str, str | None, str | None]] = []
        odeps = o[1] if o else {}
        ndeps = n[1] if n else {}
        for name in sorted(odeps.keys() | ndeps.keys()):
            ov, nv = odeps.get(name), ndeps.get(name)
            if ov != nv:
                direct.append((name, ov, nv))
        own_changed = (o[0] if o else None) != (n[0] if n else None)
        reached = (old.closure(path) | new.closure(path)) & changed_keys
        if not own_changed and not reached and not direct:
            continue
        direct_keys = {
            k
            for lock, deps in ((old, odeps), (new, ndeps))
            for name, v in deps.items()
            if (k := lock.key_for(name, v)) is not None
        }
        transitive = sorted(_display(k) for k in reached - direct_keys)
        result.append(
            ImporterChange(
                importer=path,
                direct=tuple(direct),
                transitive=tuple(transitive[:5]),
                transitive_count=len(transitive),
            )
        )
    return result


def attribute_pnpm(old_text: str | None, new_text: str | None) -> list[ImporterChange]:
    """Importers affected by the change from ``old_text`` to ``new_text`` (None: no file)."""
    empty = PnpmLockfile(9, {}, {})
    old = parse_pnpm(old_text) if old_text else empty
    new = parse_pnpm(new_text) if new_text else empty
    return changed_importers(old, new)


def importer_paths(changes: Iterable[ImporterChange]) -> list[str]:
    return [c.importer for c in changes]
