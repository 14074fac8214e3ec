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
    r"Intl\.[\w.]+|.*\.(?:json|stop|disconnect|close|quit|terminate|abort|unsubscribe|destroy|"
    r"dispose|removeEventListener|revokeObjectURL|releaseLock))$"
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


_TEARDOWN_FUNCTION = re.compile(
    r"^(?:destroy|dispose|teardown|tearDown|cleanup|cleanUp|close|stop|shutdown|unmount"
    r"|disconnect|unsubscribe|quit)(?:[A-Z_]\w*)?$"
)
_NESTED_FUNCTIONS = frozenset(
    {"arrow_function", "function_expression", "function_declaration", "method_definition"}
)


def _enclosing_function_name(node: Node, source: SourceFile) -> str:
    parent = node.parent
    while parent is not None and parent.type not in _NESTED_FUNCTIONS:
        parent = parent.parent
    if parent is None:
        return ""
    name = parent.child_by_field_name("name")
    if name is None and parent.parent is not None and parent.parent.type == "variable_declarator":
        name = parent.parent.child_by_field_name("name")
    return source.text(name) if name is not None else ""


def is_fallback_try(try_statement: Node | None, source: SourceFile) -> bool:
    """A `try` built around a probe expected to fail — `JSON.parse`, `new URL`,
    `localStorage.getItem`, `Intl`, `socket.close()`, `Promise.allSettled(…)` (which never
    rejects)… — or a `try` in a teardown function (`destroy…`, `cleanup…`, `stop…`, …) that
    awaits nothing. Besides the probe, the `try` may call string and array methods, state
    setters, methods on a call's result, and plain functions it does not await (small helpers,
    optional callbacks such as `onChange?.(x)`); an awaited call other than a probe, a
    `…Sync` call, or another method call is real work, and then an empty or quiet catch is
    not a fallback. Callbacks defined inside the `try` run later and are not looked at."""
    if try_statement is None or try_statement.type != "try_statement":
        return False
    body = try_statement.child_by_field_name("body")
    if body is None:
        return False
    if _TEARDOWN_FUNCTION.match(_enclosing_function_name(try_statement, source)) and not _awaits(
        body
    ):
        return True
    probes = 0
    stack = [body]
    while stack:
        n = stack.pop()
        if n.type in _NESTED_FUNCTIONS:
            continue  # a callback: it runs outside this try
        if n.type == "call_expression":
            fn = n.child_by_field_name("function")
            name = re.sub(r"\s+", "", source.text(fn)).replace("?.", ".") if fn is not None else ""
            method = name.rsplit(".", 1)[-1]
            if name == "Promise.allSettled":
                probes += 1
                continue  # its promises' failures are results, not exceptions
            if _FALLBACK_CALL.match(name) or name.startswith("navigator.clipboard."):
                probes += 1
            elif n.parent is not None and n.parent.type == "await_expression":
                return False  # awaited real work
            elif method.endswith("Sync"):
                return False  # synchronous I/O
            elif not (
                method in _HARMLESS_METHODS
                or re.match(r"set[A-Z]", method)
                or (fn is not None and fn.type == "member_expression" and "(" in name)
                or (fn is not None and fn.type == "identifier")
            ):
                return False
        elif n.type == "new_expression":
            ctor = n.child_by_field_name("constructor")
            if ctor is None or source.text(ctor) not in _FALLBACK_NEW:
                return False
            probes += 1
        stack.extend(n.named_children)
    return probes > 0


def _awaits(body: Node) -> bool:
    stack = [body]
    while stack:
        n = stack.pop()
        if n.type == "await_expression":
            return True
        if n.type not in _NESTED_FUNCTIONS:
            stack.extend(n.named_children)
    return False


_CATCH_CLAUSE = frozenset({"catch_clause"})


def catch_clauses(source: SourceFile) -> list[Node]:
    """The file's catch clauses in source order, outer before inner (found from the word
    `catch`, not a traversal of the tree)."""
    from .validator import keyword_parents

    return keyword_parents(source, "catch", _CATCH_CLAUSE)
