"""Which workspace packages a lockfile change really touches.

For pnpm-lock.yaml (formats 5.x, 6.x and 9.x) each importer's resolved dependency closure is
compared between the two versions of the lockfile: an importer is affected when one of its own
entries changed or when any package it reaches (transitively) changed. Other lockfiles cannot
be attributed yet; the caller then falls back to "every package" and says so.

pnpm writes its lockfile in a small, regular subset of YAML, so it is split into entries with
regular expressions here and entries are compared as text: PyYAML needs about half a second
for a 1 MB lockfile, more than a pre-commit hook's whole budget.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

_DEP_SECTIONS = ("dependencies", "devDependencies", "optionalDependencies")
_GRAPH_SECTIONS = ("dependencies", "optionalDependencies")
_TOP = re.compile(r"^(?=\S)", re.M)
_BLOCK = re.compile(r"\n  (?=[^ \n])")
_FIELD = re.compile(r"\n    (?=[^ \n])")
_DEV_FLAG = re.compile(r"^    dev: (?:true|false)\n?", re.M)


class LockfileFormatError(ValueError):
    """The text is not a pnpm lockfile this reader understands."""


@dataclass(frozen=True)
class PnpmLockfile:
    major: int  # 5, 6 or 9
    importers: dict[str, tuple[str, dict[str, str]]]  # path -> (entry text, {name: version ref})
    nodes: dict[str, tuple[str, tuple[str, ...]]]  # key -> (entry text, child keys)

    def key_for(self, name: str, value: str) -> str | None:
        """The package key a dependency entry ``name: value`` points at (None: a link)."""
        return _key_for(self.major, self.nodes, name, value)

    def closure(self, importer: str, within: set[str] | None = None) -> set[str]:
        """Every key the importer reaches; with ``within``, only through those keys."""
        entry = self.importers.get(importer)
        if entry is None:
            return set()
        seen: set[str] = set()
        stack = [k for n, v in entry[1].items() if (k := self.key_for(n, v)) is not None]
        while stack:
            key = stack.pop()
            if key in seen or (within is not None and key not in within):
                continue
            seen.add(key)
            node = self.nodes.get(key)
            if node is not None:
                stack.extend(c for c in node[1] if c not in seen)
        return seen

    def reaching(self, targets: set[str]) -> set[str]:
        """Every key from which one of ``targets`` can be reached (``targets`` included)."""
        parents: dict[str, list[str]] = {}
        for key, (_, children) in self.nodes.items():
            for c in children:
                parents.setdefault(c, []).append(key)
        seen = set(targets)
        stack = list(targets)
        while stack:
            for p in parents.get(stack.pop(), ()):
                if p not in seen:
                    seen.add(p)
                    stack.append(p)
        return seen


def _key_for(major: int, nodes: Mapping[str, object], name: str, value: str) -> str | None:
    if value.startswith("link:"):
        return None
    candidates: tuple[str, ...]
    if major >= 9:
        candidates = (f"{name}@{value}", value)
    elif major >= 6:
        candidates = (f"/{name}@{value}", value, f"{name}@{value}")
    else:
        candidates = (f"/{name}/{value}", value)
    for c in candidates:
        if c in nodes:
            return c
    return candidates[0]


def _unquote(s: str) -> str:
    s = s.strip()
    if len(s) >= 2 and s[0] == s[-1] == "'":
        return s[1:-1].replace("''", "'")
    if len(s) >= 2 and s[0] == s[-1] == '"':
        return s[1:-1].replace('\\"', '"').replace("\\\\", "\\")
    return s


# A plain key runs to the first ':' that ends it (followed by a space or the line's end). It
# is matched greedily, without a lazy scan before `\s*:`, which made a long line of spaces
# without a colon quadratic; spaces before the colon are stripped afterwards.
_KEY_VALUE = re.compile(
    r"""(?:'((?:[^']|'')*)'\s*|"((?:[^"\\]|\\.)*)"\s*|([^\s'"](?:[^:\n]|:(?![ ]|$))*)):"""
    r"""(?:[ ]+(.*))?$"""
)


def _split_key(body: str) -> tuple[str, str | None]:
    """``key: value`` / ``key:`` → (key, value or None), honouring quoted keys."""
    m = _KEY_VALUE.match(body)
    if m is None:
        return body, None
    single, double, plain, value = m.groups()
    if single is not None:
        key = single.replace("''", "'")
    elif double is not None:
        key = double.replace('\\"', '"')
    else:
        key = plain.rstrip()
    return key, (_unquote(value) if value else None)


def _entries(section: str, indent: str) -> dict[str, str]:
    """name -> value for the ``name: value`` lines at ``indent`` in a mapping's text."""
    rx = _ENTRY_AT.get(indent)
    if rx is None:
        rx = _ENTRY_AT[indent] = re.compile("^" + indent + _KEY_VALUE.pattern[:-1] + "$", re.M)
    out: dict[str, str] = {}
    for m in rx.finditer(section):
        single, double, plain, value = m.groups()
        if value is None:
            continue
        if single is not None:
            out[single.replace("''", "'")] = _unquote(value)
        else:
            out[double if double is not None else plain.rstrip()] = _unquote(value)
    return out


_ENTRY_AT: dict[str, re.Pattern[str]] = {}


def _fields(block: str) -> dict[str, str]:
    """The indent-4 fields of an indent-2 entry: field name -> its text (key line included)."""
    out: dict[str, str] = {}
    for part in _FIELD.split(block)[1:]:
        name = part.split(":", 1)[0].strip("'\"")
        out[name] = part
    return out


def _importer_deps(block: str, v5: bool) -> dict[str, str]:
    deps: dict[str, str] = {}
    for name, text in _fields(block).items():
        if name not in _DEP_SECTIONS:
            continue
        if v5:
            deps.update(_entries(text, "      "))
            continue
        # v6/v9: "      name:\n        specifier: ...\n        version: ..."
        current: str | None = None
        for line in text.split("\n")[1:]:
            if line.startswith("      ") and not line.startswith("       "):
                current = _split_key(line[6:])[0]
            elif current is not None and line.startswith("        version: "):
                deps[current] = _unquote(line[len("        version: ") :])
    return deps


def _blocks(section: str) -> list[str]:
    return [b for b in _BLOCK.split(section)[1:] if b.strip()]


def parse_pnpm(text: str) -> PnpmLockfile:
    """Read a pnpm-lock.yaml (format 5.x, 6.x or 9.x) into its importers and package graph."""
    head = text[:200]
    m = re.search(r"^lockfileVersion:\s*(.+)$", head, re.M)
    if not m:
        raise LockfileFormatError("no supported lockfileVersion (5, 6 or 9) at the top")
    raw = _unquote(m.group(1))
    try:
        major = int(float(raw))
    except ValueError:
        raise LockfileFormatError(f"unknown lockfileVersion {raw!r}") from None
    if major == 7:
        major = 6
    if major not in (5, 6, 9):
        raise LockfileFormatError(f"unsupported lockfileVersion {raw!r} (5, 6 or 9 expected)")
    text = text.replace("\r\n", "\n")
    sections: dict[str, str] = {}
    for part in _TOP.split(text):
        if part:
            sections[part.split(":", 1)[0]] = part
    importers: dict[str, tuple[str, dict[str, str]]] = {}
    if "importers" in sections:
        for block in _blocks(sections["importers"]):
            key = _split_key(block.split("\n", 1)[0])[0]
            importers[key] = (block, _importer_deps(block, major == 5))
    elif any(k in sections for k in _DEP_SECTIONS):
        # A single-project lockfile: the dependency sections sit at the top level.
        body = "".join(sections.get(k, "") for k in ("specifiers", *_DEP_SECTIONS))
        shifted = "\n  .:\n" + "\n".join("    " + ln for ln in body.split("\n") if ln)
        block = _blocks(shifted)[0]
        importers["."] = (block, _importer_deps(block, major == 5))

    graph_section = sections.get("snapshots" if major >= 9 else "packages", "")
    meta: dict[str, str] = {}
    if major >= 9:
        for block in _blocks(sections.get("packages", "")):
            meta[_split_key(block.split("\n", 1)[0])[0]] = block
    raw_nodes: dict[str, tuple[str, list[tuple[str, str]]]] = {}
    for entry in _blocks(graph_section):
        key = _split_key(entry.split("\n", 1)[0])[0]
        # v5/v6 dev flags follow the importer that uses a package, not the package itself.
        block = _DEV_FLAG.sub("", entry) if major < 9 else entry
        children: list[tuple[str, str]] = []
        if "ependencies:" in block:
            for name, field_text in _fields(block).items():
                if name in _GRAPH_SECTIONS:
                    children.extend(_entries(field_text, "      ").items())
        if major >= 9:
            block = block + meta.get(key.split("(", 1)[0], "")
        raw_nodes[key] = (block, children)
    for key, block in meta.items():
        raw_nodes.setdefault(key, (block, []))
    nodes: dict[str, tuple[str, tuple[str, ...]]] = {}
    for key, (block, children) in raw_nodes.items():
        kids = tuple(c for n, v in children if (c := _key_for(major, raw_nodes, n, v)) is not None)
        nodes[key] = (block, kids)
    return PnpmLockfile(major, importers, nodes)


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
    # Keys that reach a changed key, in either version of the graph: one walk up the reverse
    # edges instead of one closure per importer.
    tainted = old.reaching(changed_keys) | new.reaching(changed_keys) if changed_keys else set()
    result: list[ImporterChange] = []
    for path in sorted(old.importers.keys() | new.importers.keys()):
        o = old.importers.get(path)
        n = new.importers.get(path)
        odeps = o[1] if o else {}
        ndeps = n[1] if n else {}
        direct = [
            (name, odeps.get(name), ndeps.get(name))
            for name in sorted(odeps.keys() | ndeps.keys())
            if odeps.get(name) != ndeps.get(name)
        ]
        own_changed = (o[0] if o else None) != (n[0] if n else None)
        direct_keys = {
            k
            for lock, deps in ((old, odeps), (new, ndeps))
            for name, v in deps.items()
            if (k := lock.key_for(name, v)) is not None
        }
        if not own_changed and not direct and not (direct_keys & tainted):
            continue
        # Only tainted keys lead to a changed one: walk those alone.
        reached = (old.closure(path, tainted) | new.closure(path, tainted)) & changed_keys
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
    """Importers affected by the change from ``old_text`` to ``new_text`` (None: no file).

    Top-level settings (``overrides``, ``settings``, ``patchedDependencies``) are not treated
    as touching everything: whatever they change in a resolution shows in the entries of the
    importers it reaches, which is what is compared.
    """
    empty = PnpmLockfile(9, {}, {})
    old = parse_pnpm(old_text) if old_text else empty
    new = parse_pnpm(new_text) if new_text else empty
    return changed_importers(old, new)
