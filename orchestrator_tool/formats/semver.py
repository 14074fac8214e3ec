"""Just enough of node-semver to answer "does workspace version V satisfy range R?".

Supports exact versions, ``*``/``x`` wildcards, x-ranges (``1.x``, ``1.2``), ``^``, ``~``,
comparison operators, hyphen ranges and ``||``. Anything else (dist-tags, URLs) never matches.
"""

from __future__ import annotations

import re

_VERSION = re.compile(r"^\s*v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?\s*$")
_PARTIAL = re.compile(
    r"^v?(\d+|[xX*])(?:\.(\d+|[xX*])(?:\.(\d+|[xX*])(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?)?)?$"
)
_COMPARATOR = re.compile(r"^(<=|>=|<|>|=|\^|~>|~)?\s*(.*)$")

Version = tuple[int, int, int, tuple[tuple[int, int | str], ...]]


def _pre_key(pre: str | None) -> tuple[tuple[int, int | str], ...]:
    if not pre:
        return ((2, 0),)  # a release sorts after every prerelease of the same version
    parts: list[tuple[int, int | str]] = []
    for part in pre.split("."):
        parts.append((0, int(part)) if part.isdigit() else (1, part))
    return tuple(parts)


def parse_version(text: str) -> Version | None:
    m = _VERSION.match(text)
    if not m:
        return None
    return (int(m.group(1)), int(m.group(2)), int(m.group(3)), _pre_key(m.group(4)))


def _lt(a: Version, b: Version) -> bool:
    return a < b


class _Bound:
    __slots__ = ("op", "version")

    def __init__(self, op: str, version: Version) -> None:
        self.op = op
        self.version = version

    def test(self, v: Version) -> bool:
        if self.op == ">=":
            return not _lt(v, self.version)
        if self.op == ">":
            return _lt(self.version, v)
        if self.op == "<=":
            return not _lt(self.version, v)
        if self.op == "<":
            return _lt(v, self.version)
        return v == self.version


_LOWEST_PRE: tuple[tuple[int, int | str], ...] = ((0, 0),)


def _v(major: int, minor: int, patch: int, pre: str | None = None) -> Version:
    return (major, minor, patch, _pre_key(pre))


def _floor(major: int, minor: int, patch: int) -> Version:
    # The lowest possible version at or above major.minor.patch, prereleases included.
    return (major, minor, patch, _LOWEST_PRE)


def _comparator_bounds(text: str) -> list[_Bound] | None:
    m = _COMPARATOR.match(text)
    if not m:
        return None
    op = m.group(1) or ""
    rest = m.group(2).strip()
    if rest in ("", "*", "x", "X"):
        return [] if op in ("", "=", ">=", "^", "~", "~>") else None
    pm = _PARTIAL.match(rest)
    if not pm:
        return None
    groups = pm.groups()
    nums: list[int | None] = []
    for g in groups[:3]:
        nums.append(None if g is None or g in "xX*" else int(g))
    pre = groups[3]
    major, minor, patch = nums
    if major is None:
        return [] if op in ("", "=", ">=", "^", "~", "~>") else None
    if op in ("", "="):
        if minor is None:
            return [_Bound(">=", _floor(major, 0, 0)), _Bound("<", _floor(major + 1, 0, 0))]
        if patch is None:
            return [
                _Bound(">=", _floor(major, minor, 0)),
                _Bound("<", _floor(major, minor + 1, 0)),
            ]
        return [_Bound("=", _v(major, minor, patch, pre))]
    if op in ("~", "~>"):
        lo = _v(major, minor or 0, patch or 0, pre)
        hi = _floor(major + 1, 0, 0) if minor is None else _floor(major, minor + 1, 0)
        return [_Bound(">=", lo), _Bound("<", hi)]
    if op == "^":
        lo = _v(major, minor or 0, patch or 0, pre)
        if major > 0 or minor is None:
            hi = _floor(major + 1, 0, 0)
        elif minor > 0 or patch is None:
            hi = _floor(0, minor + 1, 0)
        else:
            hi = _floor(0, 0, (patch or 0) + 1)
        return [_Bound(">=", lo), _Bound("<", hi)]
    if op == ">":
        if minor is None:
            return [_Bound(">=", _floor(major + 1, 0, 0))]
        if patch is None:
            return [_Bound(">=", _floor(major, minor + 1, 0))]
        return [_Bound(">", _v(major, minor, patch, pre))]
    if op == ">=":
        return [_Bound(">=", _v(major, minor or 0, patch or 0, pre))]
    if op == "<":
        return [
            _Bound(
                "<",
                _v(major, minor or 0, patch or 0, pre)
                if patch is not None
                else _floor(major, minor or 0, 0),
            )
        ]
    if op == "<=":
        if minor is None:
            return [_Bound("<", _floor(major + 1, 0, 0))]
        if patch is None:
            return [_Bound("<", _floor(major, minor + 1, 0))]
        return [_Bound("<=", _v(major, minor, patch, pre))]
    return None


def _set_bounds(text: str) -> list[_Bound] | None:
    text = text.strip()
    hyphen = re.match(r"^(\S+)\s+-\s+(\S+)$", text)
    if hyphen:
        lo = _comparator_bounds(">=" + hyphen.group(1))
        hi = _comparator_bounds("<=" + hyphen.group(2))
        if lo is None or hi is None:
            return None
        return lo + hi
    # "> 1.2.3" with a space between operator and version is legal in node-semver.
    text = re.sub(r"(<=|>=|<|>|=|\^|~>|~)\s+", r"\1", text)
    bounds: list[_Bound] = []
    for part in text.split():
        b = _comparator_bounds(part)
        if b is None:
            return None
        bounds.extend(b)
    return bounds


def satisfies(version: str, range_text: str) -> bool:
    """True when ``version`` satisfies the npm range ``range_text`` (prereleases only match
    comparators that name the same major.minor.patch with a prerelease, as node-semver does)."""
    v = parse_version(version)
    if v is None:
        return False
    for alternative in range_text.split("||"):
        bounds = _set_bounds(alternative)
        if bounds is None:
            continue
        if not all(b.test(v) for b in bounds):
            continue
        is_pre = v[3] != ((2, 0),)
        if is_pre and not any(
            b.version[:3] == v[:3] and b.version[3] not in (((2, 0),), _LOWEST_PRE) for b in bounds
        ):
            continue
        return True
    return False
