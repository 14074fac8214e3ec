"""Shared by the error-handling rules: which paths are not production code, which `try`
blocks are deliberate fallbacks rather than errors someone should hear about, and how they
read a catch (its clauses, its `try` block, the function it is in, a callee's dotted name)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..engine.memo import MemoKey
from ..engine.queries import FUNCTION_DECLARATIONS, FUNCTION_VALUES, keyword_parents

if TYPE_CHECKING:
    from tree_sitter import Node

    from ..engine.source import SourceFile
    from ..workspace import Package

_NON_PRODUCTION: MemoKey[bool] = MemoKey("non_production")

# Tests, scripts, examples, seeds, migrations (`code-migrations/`, `pb_migrations/` too),
# stories, configs, CLIs' bin/ folders, CI's `.github/`, vite plugins.
NON_PRODUCTION = re.compile(
    r"(^|/)(__tests__|__mocks__|tests?|e2e|scripts?|examples?|seeds?|migrations?|fixtures?"
    r"|bin|\.storybook|\.github|playwright|cypress|[\w.-]+[-_]migrations?|[\w.-]*vite-plugins?)/"
    r"|\.(test|spec|stories|config|e2e|bench)\.[cm]?[jt]sx?$|(^|/)stories\.[jt]sx?$"
    r"|(^|/)[^/]*\.config\.[cm]?[jt]s$"
)
# Dev playgrounds and demo apps: `playground/`, `playground-v6/`, `sandbox/`, `demo/` — a
# folder of the repository or of a package, not one inside an app's source, where
# `app/api/webhook/sandbox/` is a route and `components/demo/` part of the product.
_PLAYGROUND = re.compile(
    r"^(?:(?!(?:src|app|lib|pages|components|routes|server|api)/)[^/]+/)*"
    r"(?:playgrounds?(?:[-_.][\w.-]*)?|sandbox(?:es)?|demos?)/"
)


_SCRIPT_NAME = re.compile(r"(^|/)[\w.-]*(seed|gen-|generate-|vite-plugin)[\w.-]*\.[cm]?[jt]s$")
_SCRIPT_BODY = re.compile(
    rb"\bprocess\.exit\(|\brequire\.main\s*===\s*module\b|\bimport\.meta\.main\b"
)
_CLI_DEPENDENCIES = frozenset(
    {"commander", "yargs", "cac", "citty", "clipanion", "meow", "oclif", "@oclif/core", "sade"}
)
# Terminal UIs only a command-line program uses: spinners, task lists, React for the terminal.
_TERMINAL_UI = frozenset({"ora", "listr2", "ink", "nanospinner", "yocto-spinner"})
# An interactive prompt library makes a CLI together with terminal output (colours, spinners):
# alone, it may be one dev-time question inside a library (a database adapter asking before it
# pushes a schema).
_PROMPTS = frozenset({"inquirer", "@inquirer/prompts", "prompts", "@clack/prompts", "enquirer"})
_TERMINAL_OUTPUT = _TERMINAL_UI | {
    "chalk",
    "picocolors",
    "kleur",
    "kolorist",
    "colorette",
    "ansi-colors",
    "boxen",
}
# Libraries whose whole job is a terminal's output or input: a file importing one talks to
# a person at a terminal.
TERMINAL_LIBRARIES = _PROMPTS | _TERMINAL_OUTPUT | {"cli-table3", "log-symbols", "cli-progress"}
# ...unless the package is a web app whose tooling asks questions (a root package with next
# and a setup script).
_WEB_APP = frozenset(
    {"next", "vite", "astro", "nuxt", "@remix-run/dev", "@react-router/dev", "react-scripts"}
)
# A test runner among what a package ships with: test utilities.
_TEST_RUNNERS = frozenset(
    {"vitest", "jest", "@jest/globals", "@playwright/test", "mocha", "ava", "testcontainers"}
)


def non_production(path: str, data: bytes = b"", package: Package | None = None) -> bool:
    """Tests, scripts and the like: by path (`tests/`, `scripts/`, `examples/`,
    `playground/`, `*.seed.ts`…), by content (a `#!` line, `process.exit(…)`, a main-module
    guard: a program, not a module of the app), or by package (a command-line tool, test
    utilities, or a file a package.json script runs as a program)."""
    return bool(
        NON_PRODUCTION.search(path)
        or _PLAYGROUND.match(path)
        or _SCRIPT_NAME.search(path)
        or data.startswith(b"#!")
        or _SCRIPT_BODY.search(data)
        or (
            package is not None
            and (cli_package(package) or test_package(package) or script_entry(package, path))
        )
    )


def non_production_file(source: SourceFile, package: Package | None) -> bool:
    """`non_production` for a file, once per file: ERR001, ERR002 and ERR004 all ask. A
    file with no exports that runs a `main()`/`build()` of its own is a program too."""
    return source.memo.once(
        _NON_PRODUCTION,
        lambda: non_production(source.path, source.data, package) or standalone_script(source),
    )


def cli_package(pkg: Package) -> bool:
    """A command-line tool: `bin` in package.json, a CLI framework or a terminal UI among its
    dependencies, or an interactive prompt library with terminal output (not in a web app)."""
    deps = pkg.dependencies.get("dependencies", {}).keys()
    if pkg.bin or not (_CLI_DEPENDENCIES | _TERMINAL_UI).isdisjoint(deps):
        return True
    return (
        not _PROMPTS.isdisjoint(deps)
        and not _TERMINAL_OUTPUT.isdisjoint(deps)
        and _WEB_APP.isdisjoint(deps)
        and _WEB_APP.isdisjoint(pkg.dependencies.get("devDependencies", {}).keys())
    )


def test_package(pkg: Package) -> bool:
    """Test utilities: a package named for tests (`@acme/test-utils`, `testing`,
    `@internal/testcontainers`) or one that ships a test runner among its dependencies
    (production code lists one under devDependencies; an optional peer dependency on vitest
    is a library offering test helpers beside its product)."""
    return bool(
        _TEST_PACKAGE.search(pkg.name or pkg.path.rsplit("/", 1)[-1])
        or not _TEST_RUNNERS.isdisjoint(pkg.dependencies.get("dependencies", {}).keys())
    )


_TEST_PACKAGE = re.compile(
    r"(^|[/@_-])(tests?|testing|test-?utils?|test-?helpers?|testcontainers|test-?kit)([_-]|$)"
)


# What runs a JS/TS file as a program from a package.json script.
_RUNNERS = frozenset(
    {"node", "tsx", "ts-node", "ts-node-esm", "esno", "esrun", "vite-node", "jiti", "bun", "deno"}
)
_SOURCE_FILE = re.compile(r"^(?:\./)?([\w@.-][\w@./-]*\.[cm]?[jt]sx?)$")
_COMMAND_SEPARATOR = re.compile(r"&&|\|\||[;|]")
# Scripts that run the product (a server, a worker), not a tool; watch mode is a dev server.
_SERVING_SCRIPT = re.compile(
    r"^(?:start|dev|develop|serve|server|preview|prod|production|worker|workers|cron|queue)"
    r"(?::|$)"
)


def script_entry(pkg: Package, path: str) -> bool:
    """``path`` is a program one of the package's scripts runs (`"build": "node
    scripts/build.mjs"`, `"gen": "tsx ./gen.ts"`, `node --import x ./a.ts`) — a build step
    or a tool, not code the product runs. Scripts that start the product (`start`, `dev`,
    `serve`, `worker`, watch mode) do not count."""
    if not pkg.scripts or (pkg.path != "." and not path.startswith(pkg.path + "/")):
        return False
    inside = path if pkg.path == "." else path[len(pkg.path) + 1 :]
    name = inside.rsplit("/", 1)[-1]
    for key, command in pkg.scripts.items():
        if name not in command or "watch" in command or _SERVING_SCRIPT.match(key):
            continue
        for part in _COMMAND_SEPARATOR.split(command):
            words = part.split()
            runner = next((i for i, w in enumerate(words) if w in _RUNNERS), None)
            if runner is None:
                continue
            # the first file after the runner and its flags (`--import x`, `run`)
            entry = next(
                (m.group(1) for w in words[runner + 1 :] if (m := _SOURCE_FILE.match(w))), None
            )
            if entry == inside:
                return True
    return False


# The verbs a script's entry function is named with: `main()`, `build()`, `seedDatabase()`.
_SCRIPT_VERBS = re.compile(
    r"^(?:main|run|build|bundle|generate|gen|seed|migrate|release|publish|copy|clean|deploy"
    r"|sync|upload|download|backfill|import|export|convert|check|verify)(?:[A-Z_]\w*)?$"
)


def standalone_script(source: SourceFile) -> bool:
    """A file that exports nothing and, at its top level, calls a function of its own named
    like a script's entry (`main()`, `await build()`, `run().catch(…)`): it is run, not
    imported. (A browser entry that calls `createRoot(…).render(…)`, a worker that adds
    listeners or an extension page that starts its own work is not: those calls are not a
    script's verbs.)"""
    # `export`, `module.exports`, `exports.x` (a longer word such as `exporter` counts too:
    # a file that may export is not taken for a script)
    if b"export" in source.data or source.language == "python":
        return False
    root = source.tree.root_node
    local: set[str] = set()
    for top in root.named_children:
        if top.type in FUNCTION_DECLARATIONS:
            name = top.child_by_field_name("name")
            if name is not None:
                local.add(source.text(name))
        elif top.type in ("lexical_declaration", "variable_declaration"):
            for decl in top.named_children:
                value = decl.child_by_field_name("value")
                name = decl.child_by_field_name("name")
                if name is not None and value is not None and value.type in FUNCTION_VALUES:
                    local.add(source.text(name))
    for top in root.named_children:
        expr = (
            top.named_children[0]
            if top.type == "expression_statement" and top.named_children
            else None
        )
        while expr is not None:
            if expr.type in ("await_expression", "unary_expression") and expr.named_children:
                expr = expr.named_children[-1]  # `await main()`, `void main()`
            elif expr.type == "call_expression":
                fn = expr.child_by_field_name("function")
                if fn is not None and fn.type == "identifier":
                    called = source.text(fn)
                    if called in local and _SCRIPT_VERBS.match(called):
                        return True
                    break
                # `main().catch(…)`: the chain's first call
                expr = (
                    fn.child_by_field_name("object")
                    if fn is not None and fn.type == "member_expression"
                    else None
                )
            else:
                break
    return False


# Calls whose failure is an expected outcome with an obvious fallback: parsing untrusted
# text (with JSON.parse or a schema), browser storage, Intl, and tearing things down (closing,
# killing a process, removing a temporary file).
_FALLBACK_CALL = re.compile(
    r"^(?:JSON\.parse|decodeURIComponent|decodeURI|encodeURIComponent|atob|btoa|"
    r"structuredClone|URL\.parse|BigInt|JSON\.stringify|Promise\.allSettled|(?:window\.)?(?:localStorage|sessionStorage)\.\w+|"
    r"Intl\.[\w.]+|[\w.]*Schema\.(?:parse|safeParse)|"
    r".*\.(?:json|stop|disconnect|close|quit|terminate|abort|unsubscribe|destroy|kill|cleanup|"
    r"unlink|rm|dispose|removeEventListener|revokeObjectURL|releaseLock))$"
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
# The functions a body can define: what they do runs later, not as part of the body.
FUNCTION_NODES = frozenset(
    {"arrow_function", "function_expression", "function_declaration", "method_definition"}
)


def enclosing_function_name(node: Node, source: SourceFile) -> str | None:
    """The name of the function ``node`` is in (`function load()`, `const load = () => …`),
    None when it is at the top level or in an anonymous function."""
    parent = node.parent
    while parent is not None and parent.type not in FUNCTION_NODES:
        parent = parent.parent
    if parent is None:
        return None
    name = parent.child_by_field_name("name")
    if name is None and parent.parent is not None and parent.parent.type == "variable_declarator":
        name = parent.parent.child_by_field_name("name")
    return source.text(name) if name is not None else None


def callee_name(fn: Node, source: SourceFile) -> str:
    """A callee as one dotted name: `this.logger?.error` → `this.logger.error`."""
    return re.sub(r"\s+", "", source.text(fn)).replace("?.", ".")


def is_fallback_try(try_statement: Node | None, source: SourceFile) -> bool:
    """A `try` built around a probe expected to fail — `JSON.parse`, `new URL`,
    `localStorage.getItem`, `Intl`, `socket.close()`, `Promise.allSettled(…)` (which never
    rejects)… — or a `try` in a teardown function (`destroy…`, `cleanup…`, `stop…`, …) that
    awaits nothing. Besides the probe, the `try` may call string and array methods, state
    setters, methods on a call's result, and plain functions it does not await (small helpers,
    optional callbacks such as `onChange?.(x)`); an awaited call other than a probe, a
    `…Sync` call, or another method call is real work, and then an empty or quiet catch is
    not a fallback. Callbacks defined inside the `try` run later and are not looked at.
    A `try` that is one attempt of a loop and returns on success (`for (const url of
    mirrors) { try { return await download(url) } catch {} }`) moves on to the next
    attempt when it fails."""
    if try_statement is None or try_statement.type != "try_statement":
        return False
    body = try_statement.child_by_field_name("body")
    if body is None:
        return False
    if _attempt_in_loop(try_statement, body):
        return True
    own = enclosing_function_name(try_statement, source) or ""
    if _TEARDOWN_FUNCTION.match(own) and not _holds(body, "await_expression"):
        return True
    probes = 0
    # Each node with its parent's type: Node.parent searches down from the root, which made
    # this walk quadratic in the nesting of the `try`'s calls.
    stack: list[tuple[Node, str]] = [(body, try_statement.type)]
    while stack:
        n, parent_type = stack.pop()
        if n.type in FUNCTION_NODES:
            continue  # a callback: it runs outside this try
        if n.type == "call_expression":
            fn = n.child_by_field_name("function")
            name = callee_name(fn, source) if fn is not None else ""
            method = name.rsplit(".", 1)[-1]
            if name == "Promise.allSettled":
                probes += 1
                continue  # its promises' failures are results, not exceptions
            if _FALLBACK_CALL.match(name) or name.startswith("navigator.clipboard."):
                probes += 1
            elif parent_type == "await_expression":
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
        stack.extend((c, n.type) for c in n.named_children)
    return probes > 0


_LOOPS = frozenset({"for_statement", "for_in_statement", "while_statement", "do_statement"})


def _attempt_in_loop(try_statement: Node, body: Node) -> bool:
    """The `try` sits directly in a loop's body and returns from it on success."""
    block = try_statement.parent
    loop = block.parent if block is not None and block.type == "statement_block" else block
    return loop is not None and loop.type in _LOOPS and _holds(body, "return_statement")


def _holds(body: Node, node_type: str) -> bool:
    """Whether ``body`` holds a node of ``node_type`` outside the functions defined in it."""
    stack = [body]
    while stack:
        n = stack.pop()
        if n.type == node_type:
            return True
        if n.type not in FUNCTION_NODES:
            stack.extend(n.named_children)
    return False


_CATCH_CLAUSE = frozenset({"catch_clause"})


def catch_clauses(source: SourceFile) -> list[Node]:
    """The file's catch clauses in source order, outer before inner (found from the word
    `catch`, not a traversal of the tree)."""
    return keyword_parents(source, "catch", _CATCH_CLAUSE)


def try_block(clause: Node) -> Node | None:
    """The block of the `try` a catch clause belongs to."""
    try_stmt = clause.parent
    return try_stmt.child_by_field_name("body") if try_stmt is not None else None
