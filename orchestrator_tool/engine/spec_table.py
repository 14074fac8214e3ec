"""The table of validators, generated from their modules and kept in the cache folder.

Every run needs each validator's code, name, severity, options and patterns; only a run that
checks a file needs its ``check`` function. The table holds the first for every validator
module, keyed by the size and stamp of each module file (and its ``.scm`` query): a run whose
files all come from the result cache reads the table and imports no validator module, nor the
analyses they import. A validator whose module is added, edited or removed changes the key, and
the table is made again from the modules (which checks each module's contract as before).

The spec read from the table calls its module's function through :class:`ModuleCheck`, which
imports the module at the first call.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import os
import re
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import fields, replace
from pathlib import Path
from typing import TYPE_CHECKING

from ..formats.digest import blake2b
from ..fsio import cache_dir, prune, write_atomic
from .spec import CheckFunction, Invalid, Valid, ValidatorSpec

if TYPE_CHECKING:
    from ..formats.jsonc import OptionValue
    from .validator import Context

FORMAT = 1

# Module name and the file it is read from (None: unknown, e.g. a namespace package).
ModuleFile = tuple[str, "str | None"]


class ModuleCheck:
    """A validator's check function, named by module and attribute: the module is imported at
    the first call (or by :meth:`load`, before worker processes are forked)."""

    __slots__ = ("_function", "attr", "module")

    def __init__(self, module: str, attr: str) -> None:
        self.module = module
        self.attr = attr
        self._function: CheckFunction | None = None

    def load(self) -> CheckFunction:
        if self._function is None:
            self._function = getattr(importlib.import_module(self.module), self.attr)
        return self._function

    def __call__(self, ctx: Context) -> None:
        self.load()(ctx)


def module_file(name: str) -> str | None:
    """The file module ``name`` is read from, without importing it (None: not found, not a
    module name, or no file)."""
    module = sys.modules.get(name)
    if module is not None:
        return getattr(module, "__file__", None)
    if ":" in name:
        return None
    try:
        found = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return None
    return None if found is None else found.origin


def load_checks(specs: Sequence[ValidatorSpec]) -> None:
    """Import the modules of ``specs`` read from the table: before workers are forked, so
    each does not import them again."""
    for spec in specs:
        if isinstance(spec.check, ModuleCheck):
            spec.check.load()


def specs(
    modules: Sequence[ModuleFile], build: Callable[[], list[ValidatorSpec]]
) -> list[ValidatorSpec]:
    """The specs of ``modules``: read from the table when it was made from these very files,
    else ``build()`` (which imports them) and written to the table for the next run."""
    key = _key(modules)
    path = cache_dir() / f"validators-{key}.json"
    try:
        with open(path, encoding="utf-8") as fh:
            doc = json.load(fh)
        if isinstance(doc, dict) and doc.get("format") == FORMAT:
            return [_decode(raw) for raw in doc["specs"]]
    except (OSError, ValueError, KeyError, TypeError, AssertionError):
        pass  # missing, stale or damaged: made again from the modules
    built = build()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        doc = {"format": FORMAT, "specs": [_encode(s) for s in built]}
        write_atomic(path, json.dumps(doc, separators=(",", ":")))
        prune(path.parent, "validators-", ".json", 4)  # tables of other versions or edits
    except (OSError, TypeError, ValueError):
        pass  # a table that cannot be written only makes the next run import the modules
    return built


def _key(modules: Sequence[ModuleFile]) -> str:
    from .. import __version__

    facts: list[object] = [FORMAT, __version__, sys.version]
    # the code that builds a spec from a module (severity tiers, patterns…) is part of the key:
    # an edit to it in a development install makes the table again, as an edited module does
    here = Path(__file__)
    for own in (here, here.with_name("spec.py"), here.with_name("validator.py")):
        st = os.stat(own)
        facts.append([own, st.st_size, st.st_mtime_ns])
    for name, file in modules:
        facts.append(name)
        if file is None:
            facts.append(None)
            continue
        for each in (file, str(Path(file).with_suffix(".scm"))):
            try:
                st = os.stat(each)
                facts.append([each, st.st_size, st.st_mtime_ns, st.st_ctime_ns])
            except OSError:
                facts.append([each, None])
    blob = json.dumps(facts, default=str).encode()
    return blake2b(blob, digest_size=12).hexdigest()


def _pattern(p: re.Pattern[bytes] | re.Pattern[str] | None) -> list[object] | None:
    if p is None:
        return None
    if isinstance(p.pattern, bytes):
        return ["b", p.pattern.decode("latin-1"), p.flags]
    return ["s", p.pattern, p.flags]


def _bytes_pattern(raw: object) -> re.Pattern[bytes] | None:
    if raw is None:
        return None
    assert isinstance(raw, list) and raw[0] == "b"
    return re.compile(str(raw[1]).encode("latin-1"), int(raw[2]))


def _str_pattern(raw: object) -> re.Pattern[str] | None:
    if raw is None:
        return None
    assert isinstance(raw, list) and raw[0] == "s"
    return re.compile(str(raw[1]), int(raw[2]))


def _encode(spec: ValidatorSpec) -> dict[str, object]:
    check = spec.check
    if isinstance(check, ModuleCheck):
        target = [check.module, check.attr]
    else:
        # the function must be the module's own, reachable by its name
        name = getattr(check, "__name__", "")
        if getattr(sys.modules.get(spec.module), name, None) is not check:
            raise TypeError(f"{spec.module}: its check function is not a module attribute")
        target = [spec.module, name]
    out: dict[str, object] = {}
    for f in fields(spec):
        value = getattr(spec, f.name)
        if f.name == "check":
            out[f.name] = target
        elif f.name in ("prefilter", "paths", "prefilter_exempt"):
            out[f.name] = _pattern(value)
        elif f.name == "prefilter_literal":
            out[f.name] = [value[0].decode("latin-1"), value[1]]
        elif f.name in ("languages", "glob_options"):
            out[f.name] = sorted(value)
        elif f.name == "valid":
            out[f.name] = [[v.code, v.filename, dict(v.options)] for v in value]
        elif f.name == "invalid":
            out[f.name] = [
                [i.code, i.positions, i.filename, dict(i.options), i.message, i.fixed]
                for i in value
            ]
        elif f.name == "options":
            out[f.name] = dict(value)
        else:
            out[f.name] = value
    # A value JSON would change (a tuple option, say) makes no table: it must read back equal.
    if replace(_decode(json.loads(json.dumps(out))), check=spec.check) != spec:
        raise ValueError(f"{spec.module}: its spec does not survive the table")
    return out


def _options(raw: object) -> Mapping[str, OptionValue]:
    assert isinstance(raw, dict)
    return raw


def _decode(raw: dict[str, object]) -> ValidatorSpec:
    target = raw["check"]
    assert isinstance(target, list)
    literal = raw["prefilter_literal"]
    assert isinstance(literal, list)
    valid = raw["valid"]
    invalid = raw["invalid"]
    examples = raw["fixture_examples"]
    precision = raw["precision"]
    assert precision is None or isinstance(precision, list)
    assert isinstance(valid, list) and isinstance(invalid, list) and isinstance(examples, list)
    return ValidatorSpec(
        code=str(raw["code"]),
        name=str(raw["name"]),
        message=str(raw["message"]),
        severity=str(raw["severity"]),
        languages=frozenset(_strings(raw["languages"])),
        options=_options(raw["options"]),
        eslint_equivalents=tuple(_strings(raw["eslint_equivalents"])),
        biome_equivalents=tuple(_strings(raw["biome_equivalents"])),
        fix=None if raw["fix"] is None else str(raw["fix"]),
        scope=str(raw["scope"]),
        workspace_fixture=None
        if raw["workspace_fixture"] is None
        else str(raw["workspace_fixture"]),
        fixture_examples=tuple(
            (str(name), tuple((str(p), int(ln), int(col)) for p, ln, col in expected))
            for name, expected in examples
        ),
        prefilter=_bytes_pattern(raw["prefilter"]),
        check=ModuleCheck(str(target[0]), str(target[1])),
        valid=tuple(Valid(str(c), str(fn), _options(o)) for c, fn, o in valid),
        invalid=tuple(
            Invalid(
                str(c),
                tuple((int(ln), int(col)) for ln, col in pos),
                str(fn),
                _options(o),
                None if msg is None else str(msg),
                None if fixed is None else str(fixed),
            )
            for c, pos, fn, o, msg, fixed in invalid
        ),
        doc=str(raw["doc"]),
        module=str(raw["module"]),
        query_text=None if raw["query_text"] is None else str(raw["query_text"]),
        paths=_str_pattern(raw["paths"]),
        prefilter_exempt=_str_pattern(raw["prefilter_exempt"]),
        default_enabled=raw["default_enabled"] is True,
        imports_only=raw["imports_only"] is True,
        prefilter_literal=(str(literal[0]).encode("latin-1"), literal[1] is True),
        precision=None if precision is None else (int(precision[0]), int(precision[1])),
        declared_severity=str(raw["declared_severity"]),
        glob_options=frozenset(_strings(raw["glob_options"])),
    )


def _strings(raw: object) -> list[str]:
    assert isinstance(raw, list)
    return [str(x) for x in raw]
