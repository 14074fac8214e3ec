"""What a called helper function does with the input handed to it, read from its definition.

Request input is often handed to a helper before anything else touches it:
`parseAnalyticsQuery(searchParams)`, `validateInputs([id, ZId])`, `detectPlatform(request)`.
The helper's definition — in the same file, or in the module an import leads to (workspace
packages and tsconfig aliases, one re-export hop) — decides what the call means:

- ``validates``: it runs a zod parse (`.parse`, `.safeParse`, …) itself, or through a helper it
  calls that does (two levels deep): the call validates its arguments.
- ``reads``: it reads a request body or query string from what it was handed.
- ``inert``: neither: handing it the request reads no input (it reads headers, say).

``None`` means the definition was not found (external packages, dynamic code): the caller
falls back to the helper's name.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..engine.languages import language_of
from ..engine.memo import MemoKey
from ..engine.reading import NotRead, read_inside
from ..engine.source import SourceFile
from .syntax import pattern_names

if TYPE_CHECKING:
    from tree_sitter import Node

    from ..engine.run_state import RunState
    from ..workspace import Workspace

# Local name -> (module specifier, name exported there)
_IMPORT_MAP: MemoKey[dict[str, tuple[str, str]]] = MemoKey("import_map")
# Top-level name -> its function (_definition), or the value it is bound to (_binding)
_HELPER_DEFINITIONS: MemoKey[dict[str, Node]] = MemoKey("helper_definitions")
_TOP_LEVEL_BINDINGS: MemoKey[dict[str, Node]] = MemoKey("top_level_bindings")

_FUNCTION_VALUES = frozenset(
    {"arrow_function", "function_expression", "function", "call_expression"}
)
_TRANSPARENT = frozenset(
    {
        "await_expression",
        "parenthesized_expression",
        "as_expression",
        "satisfies_expression",
        "non_null_expression",
        "spread_element",
        "object",
        "array",
        "template_string",
        "template_substitution",
        "binary_expression",
        "ternary_expression",
    }
)
_CONVERTERS = frozenset(
    {"JSON", "Object", "Array", "String", "Number", "Boolean", "decodeURIComponent"}
)
_BODY_READS = frozenset({"json", "text", "formData", "arrayBuffer", "blob"})
# What reading a request's input looks like, on the value handed in: `req.json()`,
# `req.body`, `new URL(req.url)`, `req.nextUrl.searchParams` (not `req.headers`).
_INPUT_READS = _BODY_READS | {"body", "query", "url", "nextUrl", "searchParams"}
WHOLE, PART = 2, 1
MAX_DEPTH = 3


@dataclass
class HelperIndex:
    """Summaries of helper functions, cached per (file, name) for one run."""

    state: RunState
    workspace: Workspace | None = field(init=False)
    _files: dict[str, SourceFile | None] = field(default_factory=dict)
    _memo: dict[tuple[str, str], str | None] = field(default_factory=dict)
    _read: dict[tuple[str, str, str], frozenset[str]] = field(default_factory=dict)
    # (the look-up, path, name) -> (where it was found, the files read to find it)
    _found: dict[tuple[Finder, str, str], tuple[tuple[SourceFile, Node] | None, frozenset[str]]] = (
        field(default_factory=dict)
    )

    def __post_init__(self) -> None:
        self.workspace = self.state.workspace

    def kind(self, source: SourceFile, name: str) -> str | None:
        """What the helper ``name``, called from ``source``, does with its arguments."""
        return self._summary(source, name, 0, frozenset())

    def definition(self, source: SourceFile, name: str) -> tuple[SourceFile, Node] | None:
        """Where the function ``name`` used in ``source`` is defined: this file, or the module
        an import of it leads to."""
        return self._look_up(source, name, _definition)

    def binding(self, source: SourceFile, name: str) -> tuple[SourceFile, Node] | None:
        """What the top-level ``name`` used in ``source`` is bound to (see `_binding`): in this
        file, or in the module an import of it leads to."""
        return self._look_up(source, name, _binding)

    def _look_up(
        self, source: SourceFile, name: str, find: Finder
    ) -> tuple[SourceFile, Node] | None:
        """``find`` in this file, else in the file an import of ``name`` leads to; once per
        run, the files read replayed for the result cache on every later ask."""
        key = (find, source.path, name)
        hit = self._found.get(key)
        if hit is not None:
            self.state.reads.replay(hit[1])
            return hit[0]
        with self.state.reads.collecting() as read:
            found = find(source, name)
            result: tuple[SourceFile, Node] | None = None
            if found is not None:
                result = source, found
            else:
                target = self._imported(source, name, find=find)
                node = find(target[0], target[1]) if target is not None else None
                result = (target[0], node) if target is not None and node is not None else None
        self._found[key] = (result, frozenset(read))
        return result

    def imported_module(self, source: SourceFile, name: str) -> SourceFile | None:
        """The module an import of ``name`` in ``source`` leads to, read but not parsed."""
        entry = _import_map(source).get(name) if self.workspace is not None else None
        return self._target(source, entry[0]) if entry is not None else None

    # ------------------------------------------------------------------ definitions

    def _file(self, rel: str) -> SourceFile | None:
        self.state.reads.record(rel)
        if rel in self._files:
            return self._files[rel]
        found: SourceFile | None = None
        language = language_of(rel)
        if self.workspace is not None and language is not None:
            try:
                data: bytes | None = read_inside(self.workspace.root, rel, 1_000_000)
            except (OSError, NotRead):
                data = None
            if data is not None and len(data) <= 1_000_000:
                found = SourceFile(rel, data, language)
        self._files[rel] = found
        return found

    def _summary(
        self, source: SourceFile, name: str, depth: int, seen: frozenset[tuple[str, str]]
    ) -> str | None:
        key = (source.path, name)
        if key in self._memo:
            self.state.reads.replay(self._read.get(("kind", key[0], key[1]), ()))
            return self._memo[key]
        if key in seen:
            return None
        seen = seen | {key}
        verdict: str | None = None
        with self.state.reads.collecting() as read:
            definition = _definition(source, name)
            if definition is not None:
                verdict = self._judge(source, definition, depth, seen)
            else:
                target = self._imported(source, name)
                if target is not None:
                    verdict = self._summary(target[0], target[1], depth, seen)
        self._read[("kind", key[0], key[1])] = frozenset(read)
        self._memo[key] = verdict
        return verdict

    def _judge(
        self, source: SourceFile, definition: Node, depth: int, seen: frozenset[tuple[str, str]]
    ) -> str:
        """Follow the helper's parameters through its body: a zod parse (or a validating
        helper) of a value derived from them validates; a parse of anything else — the
        helper's own output, say — does not."""
        fn = _function_of(definition)
        flow = _ParameterFlow.of(fn, source)
        if not flow.levels:
            return "inert"
        from .zod_names import zod_module

        zodish = zod_module(source.data)
        reads = False  # hands the input to a helper that reads a body or query from it
        stack = [fn]
        while stack:
            n = stack.pop()
            t = n.type
            if t == "variable_declarator":
                flow.bind_declarator(n)
            elif t == "member_expression":
                reads = flow.reads_input(n) or reads
            elif t == "for_in_statement":
                flow.bind_loop(n)
            elif t == "call_expression":
                verdict = self._judge_call(n, flow, zodish, depth, seen)
                if verdict == "validates":
                    return "validates"
                reads = reads or verdict == "reads"
            stack.extend(reversed(n.named_children))
        return "reads" if reads else "inert"

    def _judge_call(
        self,
        call: Node,
        flow: _ParameterFlow,
        zodish: bool,
        depth: int,
        seen: frozenset[tuple[str, str]],
    ) -> str:
        """What one call in the helper's body does with the parameters' values: "validates"
        (a zod parse of the whole value, or a validating helper handed it), "reads" (a
        stream read, or a helper that reads a body or query from it), or "inert"."""
        from .zod_names import NOT_ZOD, ZOD_METHODS

        source = flow.source
        callee = call.child_by_field_name("function")
        if callee is None:
            return "inert"
        args = call.child_by_field_name("arguments")
        got = max((flow.level(a) for a in (args.named_children if args else [])), default=0)
        # `req.on("data", …)`, `req.pipe(…)`: a Node request's body
        verdict = "reads" if _streams(callee, args, source, flow.level) else "inert"
        helper = (
            callee.type == "identifier"
            and depth < MAX_DEPTH
            and source.text(callee) not in _NOT_HELPERS
        )
        if (
            got == PART
            and helper
            and self._summary(source, source.text(callee), depth + 1, seen) == "reads"
        ):
            verdict = "reads"
        if got != WHOLE:
            return verdict
        if callee.type == "member_expression":
            prop = callee.child_by_field_name("property")
            obj = callee.child_by_field_name("object")
            if (
                zodish
                and prop is not None
                and source.text(prop) in ZOD_METHODS
                and obj is not None
                and source.text(obj) not in NOT_ZOD
            ):
                return "validates"
        elif helper:
            kind = self._summary(source, source.text(callee), depth + 1, seen)
            if kind in ("validates", "reads"):
                return kind
        return verdict

    def _imported(
        self, source: SourceFile, name: str, hops: int = 0, find: Finder | None = None
    ) -> tuple[SourceFile, str] | None:
        """The file and exported name an imported ``name`` comes from, through barrels
        (`export { x } from`, `export * from`) up to three hops: the first file where ``find``
        (a function definition, by default) finds it."""
        find = find or _definition
        if self.workspace is None or hops > 3:
            return None
        entry = _import_map(source).get(name)
        if entry is None:
            return None
        specifier, imported = entry
        target = self._target(source, specifier)
        if target is None:
            return None
        if find(target, imported) is not None:
            return target, imported
        return self._imported(target, imported, hops + 1, find) or self._star(
            target, imported, hops + 1, find
        )

    def _star(
        self, barrel: SourceFile, name: str, hops: int, find: Finder | None = None
    ) -> tuple[SourceFile, str] | None:
        """``name`` found behind one of the barrel's `export * from "./x"`."""
        find = find or _definition
        if hops > 3:
            return None
        from ..engine.imports import imports_of

        for imp in imports_of(barrel):
            stmt = barrel.data[imp.statement_start : imp.statement_end]
            if imp.kind != "export" or not _STAR.match(stmt):
                continue
            target = self._target(barrel, imp.specifier)
            if target is None:
                continue
            if find(target, name) is not None:
                return target, name
            deeper = self._imported(target, name, hops + 1, find)
            if deeper is not None:
                return deeper
        return None

    def _target(self, source: SourceFile, specifier: str) -> SourceFile | None:
        from ..engine.resolution import resolver_for

        assert self.workspace is not None
        owner = self.workspace.owner_of(source.path)
        resolver = resolver_for(self.state)
        path = resolver.source_of(resolver.resolve(source.path, specifier, owner), specifier)
        return self._file(path) if path is not None else None


_STAR = re.compile(rb"\s*export\s*\*\s*from")
# Looks a name up in one file: _definition (functions) or _binding (any top-level value).
Finder = Callable[[SourceFile, str], "Node | None"]


_NOT_HELPERS = frozenset(
    {
        "if",
        "for",
        "while",
        "switch",
        "catch",
        "return",
        "function",
        "typeof",
        "await",
        "String",
        "Number",
        "Boolean",
        "Array",
        "Object",
        "Promise",
        "Error",
        "Response",
        "NextResponse",
        "fetch",
        "require",
    }
)


def _import_map(source: SourceFile) -> dict[str, tuple[str, str]]:
    """Local name -> (module specifier, name exported there), for the file's value imports and
    named re-exports (built once per file)."""
    cached = source.memo.get(_IMPORT_MAP)
    if cached is not None:
        return cached
    from ..engine.imports import bindings, imports_of

    out: dict[str, tuple[str, str]] = {}
    for imp in imports_of(source):
        if imp.type_only:
            continue
        stmt = source.data[imp.statement_start : imp.statement_end]
        for exported, local in bindings(stmt, imp.kind) or ():
            if exported != "*":  # a namespace is no one function
                out.setdefault(local, (imp.specifier, exported))
    return source.memo.put(_IMPORT_MAP, out)


def _function_of(definition: Node) -> Node:
    """The function a definition holds: itself, or the one a wrapping call is handed
    (`cache(async (id) => …)`)."""
    from .nextjs import FUNCTION_TYPES

    if definition.type != "call_expression":
        return definition
    args = definition.child_by_field_name("arguments")
    return next(
        (c for c in (args.named_children if args else []) if c.type in FUNCTION_TYPES),
        definition,
    )


@dataclass
class _ParameterFlow:
    """The names in a helper's body that hold (part of) the values handed to it: name ->
    WHOLE (the value handed in, cast, awaited, parsed as JSON) or PART (a field of it). A
    parse of a part (one id read off the body) does not validate the argument."""

    source: SourceFile
    levels: dict[str, int]

    @classmethod
    def of(cls, fn: Node, source: SourceFile) -> _ParameterFlow:
        """The function's parameters, each holding the whole of its argument."""
        from .nextjs import FUNCTION_TYPES, parameters

        flow = cls(source, {})
        for p in parameters(fn) if fn.type in FUNCTION_TYPES else []:
            pattern = (
                p.child_by_field_name("pattern")
                if p.type in ("required_parameter", "optional_parameter")
                else p
            )
            if pattern is not None:
                flow.bind(pattern, WHOLE)
        return flow

    def bind(self, pattern: Node, level: int) -> None:
        self.levels.update(dict.fromkeys(pattern_names(pattern, self.source), level))

    def bind_declarator(self, declarator: Node) -> None:
        """`const x = <derived>`: x holds what the value holds (a destructured name a part)."""
        name = declarator.child_by_field_name("name")
        got = self.level(declarator.child_by_field_name("value"))
        if name is not None and got:
            self.bind(name, got if name.type == "identifier" else PART)

    def bind_loop(self, loop: Node) -> None:
        """`for (const [value, schema] of pairs)`: the loop's names hold what it walks."""
        left = loop.child_by_field_name("left")
        got = self.level(loop.child_by_field_name("right"))
        if left is not None and got:
            self.bind(left, got)

    def reads_input(self, member: Node) -> bool:
        """`req.json`, `req.body`, `req.nextUrl` on the whole value handed in."""
        prop = member.child_by_field_name("property")
        return (
            prop is not None
            and self.source.text(prop) in _INPUT_READS
            and self.level(member.child_by_field_name("object")) == WHOLE
        )

    def level(self, node: Node | None) -> int:
        """How much of a parameter's value the expression holds: WHOLE, PART or 0 (none:
        what a query made with it returns, say)."""
        if node is None:
            return 0
        t = node.type
        if t in ("identifier", "shorthand_property_identifier"):
            return self.levels.get(self.source.text(node), 0)
        if t in ("member_expression", "subscript_expression"):
            return min(self.level(node.child_by_field_name("object")), PART)
        if t in _TRANSPARENT:
            return max((self.level(c) for c in node.named_children), default=0)
        if t == "pair":
            return self.level(node.child_by_field_name("value"))
        if t in ("call_expression", "new_expression"):
            return self._call_level(node)
        return 0

    def _call_level(self, node: Node) -> int:
        source = self.source
        is_call = node.type == "call_expression"
        callee = node.child_by_field_name("function" if is_call else "constructor")
        args = node.child_by_field_name("arguments")
        from_args = max((self.level(a) for a in (args.named_children if args else [])), default=0)
        if callee is None:
            return 0
        if not is_call:
            return min(from_args, PART)  # new URL(req.url)
        if callee.type == "member_expression":
            obj = callee.child_by_field_name("object")
            prop = callee.child_by_field_name("property")
            if obj is not None and source.text(obj) in _CONVERTERS:
                return from_args  # JSON.parse(x), Object.fromEntries(x)
            got = self.level(obj)
            if prop is not None and source.text(prop) in _BODY_READS:
                return got  # req.json(): the whole input
            return min(got, PART)  # searchParams.get("id")
        return from_args if source.text(callee) in _CONVERTERS else 0


def _streams(
    callee: Node, args: Node | None, source: SourceFile, flows: Callable[[Node | None], int]
) -> bool:
    """`req.on("data", …)` or `req.pipe(…)` on the value handed in: reading the body of a
    Node request as a stream."""
    if callee.type != "member_expression":
        return False
    prop = callee.child_by_field_name("property")
    method = source.text(prop) if prop is not None else ""
    if flows(callee.child_by_field_name("object")) != WHOLE:
        return False
    if method == "pipe":
        return True
    first = args.named_children[0] if args is not None and args.named_children else None
    return method in ("on", "once") and first is not None and source.text(first)[1:-1] == "data"


def _definition(source: SourceFile, name: str) -> Node | None:
    """The top-level function (or const bound to a function or a wrapping call) named
    ``name`` in ``source``."""
    cached = source.memo.get(_HELPER_DEFINITIONS)
    if cached is not None:
        return cached.get(name)
    index: dict[str, Node] = {}
    for node in source.tree.root_node.named_children:
        target = node
        if node.type == "export_statement":
            decl = node.child_by_field_name("declaration")
            if decl is None:
                value = node.child_by_field_name("value")
                if value is not None and value.type in _FUNCTION_VALUES:
                    index.setdefault("default", value)
                continue
            target = decl
        if target.type in ("function_declaration", "generator_function_declaration"):
            n = target.child_by_field_name("name")
            if n is not None:
                index.setdefault(source.text(n), target)
            if target is not node and any(c.type == "default" for c in node.children):
                index.setdefault("default", target)  # export default function name() {}
        elif target.type in ("lexical_declaration", "variable_declaration"):
            for d in target.named_children:
                n, value = d.child_by_field_name("name"), d.child_by_field_name("value")
                if (
                    d.type == "variable_declarator"
                    and n is not None
                    and value is not None
                    and value.type in _FUNCTION_VALUES
                ):
                    index.setdefault(source.text(n), value)
    return source.memo.put(_HELPER_DEFINITIONS, index).get(name)


def _binding(source: SourceFile, name: str) -> Node | None:
    """The value the top-level ``name`` is bound to in ``source``: a function declaration, the
    right side of `const name = …` or of a destructuring that binds it
    (`export const { trpc: api } = createHydrationHelpers(…)`), or a type alias's type."""
    cached = source.memo.get(_TOP_LEVEL_BINDINGS)
    if cached is not None:
        return cached.get(name)

    index: dict[str, Node] = {}
    for node in source.tree.root_node.named_children:
        target = (
            node.child_by_field_name("declaration") if node.type == "export_statement" else node
        )
        if target is None:
            continue
        if target.type in (
            "function_declaration",
            "generator_function_declaration",
            "type_alias_declaration",
        ):
            n = target.child_by_field_name("name")
            value = (
                target
                if target.type != "type_alias_declaration"
                else target.child_by_field_name("value")
            )
            if n is not None and value is not None:
                index.setdefault(source.text(n), value)
        elif target.type in ("lexical_declaration", "variable_declaration"):
            for d in target.named_children:
                n, value = d.child_by_field_name("name"), d.child_by_field_name("value")
                if d.type == "variable_declarator" and n is not None and value is not None:
                    for bound in pattern_names(n, source):
                        index.setdefault(bound, value)
    return source.memo.put(_TOP_LEVEL_BINDINGS, index).get(name)


def helper_index_for(state: RunState) -> HelperIndex:
    """The run's index (a fresh one without a workspace: a file checked on its own)."""
    if state.workspace is None:
        return HelperIndex(state)
    return state.shared(HelperIndex, HelperIndex)
