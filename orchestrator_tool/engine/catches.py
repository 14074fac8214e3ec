"""Shared by the error-handling rules: which paths are not production code, and which `try`
blocks are deliberate fallbacks rather than errors someone should hear about."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tree_sitter import Node

    from ..workspace import Package
    from .source import SourceFile

# Tests, scripts, examples, seeds, migrations, stories, configs, CLIs' bin/ folders.
NON_PRODUCTION = re.compile(
    r"(^|/)(__tests__|__mocks__|tests?|e2e|scripts?|examples?|seeds?|migrations?|fixtures?"
    r"|bin|\.storybook|playwright|cypress)/"
    r"|\.(test|spec|stories|config|e2e|bench)\.[cm]?[jt]sx?$|(^|/)stories\.[jt]sx?$"
    r"|(^|/)[^/]*\.config\.[cm]?[jt]s$"
)


_SCRIPT_NAME = re.compile(r"(^|/)[\w.-]*(seed|gen-|generate-|vite-plugin)[\w.-]*\.[cm]?[jt]s$")
_SCRIPT_BODY = re.compile(
    rb"\bprocess\.exit\(|\brequire\.main\s*===\s*module\b|\bimport\.meta\.main\b"
)
_CLI_DEPENDENCIES = frozenset({"commander", "yargs", "cac", "citty", "clipanion", "meow", "oclif"})


def non_production(path: str, data: bytes = b"", package: Package | None = None) -> bool:
    """Tests, scripts and the like: by path (`tests/`, `scripts/`, `examples/`, `*.seed.ts`…),
    by content (a `#!` line, `process.exit(…)`, a main-module guard: a program, not a module
    of the app), or by package (a command-line tool: `bin` in package.json, or a CLI framework
    among its dependencies)."""
    return bool(
        NON_PRODUCTION.search(path)
        or _SCRIPT_NAME.search(path)
        or data.startswith(b"#!")
        or _SCRIPT_BODY.search(data)
        or (package is not None and cli_package(package))
    )


def non_production_file(source: SourceFile, package: Package | None) -> bool:
    """`non_production` for a file, once per file: ERR001, ERR002 and ERR004 all ask."""
    cached = source.memo.get("non_production")
    if isinstance(cached, bool):
        return cached
    verdict = non_production(source.path, source.data, package)
    source.memo["non_production"] = verdict
    return verdict


def cli_package(pkg: Package) -> bool:
    return pkg.bin or bool(_CLI_DEPENDENCIES & pkg.dependencies.get("dependencies", {}).keys())


# Calls whose failure is an expected outcome with an obvious fallback: parsing untrusted
# text, browser storage, Intl, and tearing things down.
_FALLBACK_CALL = re.compile(
    r"^(?:JSON\.parse|decodeURIComponent|decodeURI|encodeURIComponent|atob|btoa|"
    r"structuredClone|URL\.parse|BigInt|JSON\.stringify|Promise\.allSettled|(?:window\.)?(?:localStorage|sessionStorage)\.\w+|"
    r"Intl\.[\w.]+|.*\.(?:json|stop|disconnect|close|abort|unsubscribe|destroy|"
    r"removeEventListener|revokeObjectURL|releaseLock))$"
)
_FALLBACK_NEW = frozenset({"URL", "URLSearchParams", "RegExp", "Intl.DateTimeFormat"})


_HARMLESS_METHODS = frozenset(
    {
        "includes",
        "toString",
        "slice",
        "split",
        "trim",
        "map",
        "filter",
        "startsWith",
        "endsWith",
        "toLowerCase",
        "toUpperCase",
        "replace",
        "join",
        "resolvedOptions",
        "format",
        "formatToParts",
        "getItem",
        "setItem",
        "removeItem",
        "test",
        "match",
        "get",
        "has",
        "push",
        "concat",
        "keys",
        "values",
        "entries",
        "at",
        "indexOf",
        "writeText",
        "readText",
        "preventDefault",
        "toISOString",
        "getTime",
        "padStart",
    }
)


def is_fallback_try(try_statement: Node | None, source: SourceFile) -> bool:
    """A `try` built around a probe expected to fail — `JSON.parse`, `new URL`,
    `localStorage.getItem`, `Intl`, `socket.close()`… — with nothing else in it that does real
    work (string and array methods, state setters, calls on the probe's result): an empty or
    quiet catch is the fallback."""
    if try_statement is None or try_statement.type != "try_statement":
        return False
    body = try_statement.child_by_field_name("body")
    if body is None:
        return False
    probes = 0
    stack = [body]
    while stack:
        n = stack.pop()
        if n.type == "call_expression":
            fn = n.child_by_field_name("function")
            name = re.sub(r"\s+", "", source.text(fn)).replace("?.", ".") if fn is not None else ""
            method = name.rsplit(".", 1)[-1]
            if _FALLBACK_CALL.match(name) or name.startswith("navigator.clipboard."):
                probes += 1
            elif n.parent is not None and n.parent.type == "await_expression":
                return False  # awaited real work
            elif not (
                method in _HARMLESS_METHODS
                or re.match(r"set[A-Z]", method)
                or (fn is not None and fn.type == "member_expression" and "(" in name)
            ):
                return False
        elif n.type == "new_expression":
            ctor = n.child_by_field_name("constructor")
            if ctor is None or source.text(ctor) not in _FALLBACK_NEW:
                return False
            probes += 1
        stack.extend(n.named_children)
    return probes > 0
