"""Disallow the `any` type.

## What it does
Reports every explicit `any` written in a type position: annotations (`x: any`), assertions
(`x as any`, `<any>x`), arrays (`any[]`, `Array<any>`), generic arguments, constraints and
defaults (`<T extends any = any>`), index signatures and `keyof any`. The same positions as
typescript-eslint's `no-explicit-any`, whose `eslint-disable` comments it honours, as it does
Biome's `biome-ignore` comments for `noExplicitAny`.

Options: `ignoreRestArgs` (default false) accepts `any` as the element type of a rest
parameter (`...args: any[]`, `Array<any>`, `ReadonlyArray<any>`, `readonly any[]`);
`fixToUnknown` (default false) offers an unsafe fix that replaces `any` with `unknown`.

## Why
`any` switches the type checker off for everything it touches, and it spreads: every value
read from an `any` is `any` too. A single `any` in a shared package silently disables checks
in every app that imports it.

## Example
```ts
export function total(items: any) {
  return items.reduce((sum: number, item: any) => sum + item.price, 0);
}
```

## Use instead
```ts
export function total(items: ReadonlyArray<{ price: number }>) {
  return items.reduce((sum, item) => sum + item.price, 0);
}
```
Where the type really is unknown, use `unknown` and narrow it.

## Precision
16 of 40 findings judged by hand on the held-out corpus (24 public monorepos never used to tune
the rules, `tests/benchmarks/precision/`) were real defects (40%; Wilson 95% lower bound 26%).
Under 95%, so it runs as a warning by default; `--strict` or `[validators.ANY001] severity =
"error"` makes it an error. The rest were `any`s a reviewer accepts as written: mocks and
deliberately wrong input in tests, vendored code, files the project's own lint config leaves out
or marks `@ts-nocheck`, `Record<string, any>` as a generic constraint, commented escape hatches.
Every finding is an explicit `any` (the same set typescript-eslint reports); the share is of
those a developer would change.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from orchestrator_tool.engine.diagnostics import Fix
from orchestrator_tool.engine.source import is_word_byte
from orchestrator_tool.engine.validator import Invalid, Valid

if TYPE_CHECKING:
    from tree_sitter import Node

    from orchestrator_tool.engine.source import SourceFile
    from orchestrator_tool.engine.validator import Context

CODE = "ANY001"
NAME = "no-explicit-any"
MESSAGE = "Unexpected any. Specify a different type."
SEVERITY = "error"
PRECISION = (16, 40)  # held-out corpus: (real defects, judged)
LANGUAGES = ("typescript", "tsx")
PREFILTER = rb"any\b"
ESLINT_EQUIVALENTS = ("@typescript-eslint/no-explicit-any",)
BIOME_EQUIVALENTS = ("lint/suspicious/noExplicitAny",)
OPTIONS = {"ignoreRestArgs": False, "fixToUnknown": False}
FIX = "unsafe: `any` → `unknown`, with `fixToUnknown`"

VALID = [
    Valid("let a: unknown;\nconst b = 'any';\n// any in a comment\nconst many = 1;"),
    Valid("type T = { any: string };\nconst o = { any: 1 };\no.any;"),
    Valid("function f(...args: any[]) {}", options={"ignoreRestArgs": True}),
    Valid("const g = (...args: readonly any[]) => 0;", options={"ignoreRestArgs": True}),
    Valid("function h(...args: Array<any>) {}", options={"ignoreRestArgs": True}),
    Valid("const x = <div>{any}</div>;", filename="example.tsx"),
    Valid("const any = 1;\nif (a < any && b > 2) {}\nconst t = `${any}`;"),
]

INVALID = [
    Invalid("let a: any;", positions=((1, 8),)),
    Invalid("const b = x as any;", positions=((1, 16),)),
    Invalid("const c = <any>y;", positions=((1, 12),)),
    Invalid("function f(a: any[]): Array<any> {}", positions=((1, 15), (1, 29))),
    Invalid("type K = keyof any;", positions=((1, 16),)),
    Invalid("class C<T extends any = any> {}", positions=((1, 19), (1, 25))),
    Invalid("let e: { [k: string]: any };", positions=((1, 23),)),
    Invalid("function g(this: any) {}", positions=((1, 18),)),
    Invalid("function f(...args: any) {}", positions=((1, 21),), options={"ignoreRestArgs": True}),
    Invalid("function f(...args: any[]) {}", positions=((1, 21),)),
    Invalid("const s = '✓'; let n: any;", positions=((1, 23),)),
    Invalid("const rows = await db.$queryRaw<any>`SELECT 1`;", positions=((1, 33),)),
    Invalid("const rows = await db.$queryRaw<Array<any>>`SELECT 1`;", positions=((1, 39),)),
    # each of these is the only `any` of its file: none may be passed over unparsed
    Invalid("type A =\n  // why\n  any;", positions=((3, 3),)),
    Invalid("type T = [...any[]];", positions=((1, 14),)),
    Invalid("type U = `${any}`;", positions=((1, 13),)),
    Invalid("function h(x: unknown): x is any {}", positions=((1, 30),)),
    Invalid("const v = w satisfies any;", positions=((1, 23),)),
    Invalid("type W = X extends Y ? any : never;", positions=((1, 24),)),
    Invalid("type Z = () => any;", positions=((1, 16),)),
    Invalid("let y: /* why */ any;", positions=((1, 18),)),
    Invalid("type M = { [K in any]: 1 };", positions=((1, 18),)),
    Invalid("let x:\vany;", positions=((1, 8),)),
    Invalid("let x:\u00a0any;", positions=((1, 8),)),
    Invalid(
        "let a: any = 1;",
        positions=((1, 8),),
        options={"fixToUnknown": True},
        fixed="let a: unknown = 1;",
    ),
]

_FUNCTION_LIKE = frozenset(
    {
        "function_declaration",
        "function_expression",
        "function",
        "arrow_function",
        "generator_function_declaration",
        "generator_function",
        "method_definition",
        "method_signature",
        "function_signature",
        "call_signature",
        "construct_signature",
        "function_type",
        "constructor_type",
        "abstract_method_signature",
    }
)
_ARRAY_GENERICS = frozenset({"Array", "ReadonlyArray"})


def _is_rest_element_type(node: Node, source: SourceFile) -> bool:
    """`any` as the element type of a rest parameter's array type."""
    parent = node.parent
    if parent is None:
        return False
    if parent.type == "array_type":
        holder = parent.parent
    elif parent.type == "type_arguments" and parent.parent is not None:
        generic = parent.parent
        name = generic.child_by_field_name("name")
        if generic.type != "generic_type" or name is None:
            return False
        if source.text(name) not in _ARRAY_GENERICS or parent.named_child_count != 1:
            return False
        holder = generic.parent
    else:
        return False
    if holder is not None and holder.type == "readonly_type":
        holder = holder.parent
    if holder is None or holder.type != "type_annotation":
        return False
    param = holder.parent
    if param is None or param.type not in ("required_parameter", "optional_parameter"):
        return False
    pattern = param.child_by_field_name("pattern")
    if pattern is None or pattern.type != "rest_pattern":
        return False
    params = param.parent
    return params is not None and params.parent is not None and params.parent.type in _FUNCTION_LIKE


# The word `any` wherever it is not part of a longer name: the candidates, looked up in the
# tree one by one (cheaper than querying every predefined type of the file).
_ANY_WORD = re.compile(rb"(?<![\w$])any(?![\w$])")


def _any_keywords(ctx: Context) -> list[Node]:
    """Every `any` keyword in a type position."""
    root = ctx.source.tree.root_node
    found: list[Node] = []
    for m in _ANY_WORD.finditer(ctx.source.data):
        node = root.named_descendant_for_byte_range(m.start(), m.end())
        if (
            node is not None
            and node.type == "predefined_type"
            and node.start_byte == m.start()
            and node.end_byte == m.end()
        ):
            found.append(node)
    return found


# `tag<any>`...``, `tag<any[]>`...``, `tag<Array<any>>`...``: type arguments on a tagged
# template, which tree-sitter's grammar reads as `(tag < any) > `...``.
_TAGGED_TEMPLATE_ANY = re.compile(rb"<\s*(any)(?:\s*\[\s*\])*\s*>+\s*`")


def _misparsed_type_arguments(ctx: Context) -> list[Node]:
    found: list[Node] = []
    for m in _TAGGED_TEMPLATE_ANY.finditer(ctx.source.data):
        node = ctx.source.tree.root_node.descendant_for_byte_range(m.start(1), m.end(1))
        if (
            node is not None
            and node.type == "identifier"
            and node.parent is not None
            and node.parent.type == "binary_expression"
        ):
            found.append(node)
    return found


# An `any` type follows one of these tokens, or starts its line; an `any` in prose ("if any
# of…") follows a word. A file with no such `any` is passed over without a parse.
_TYPE_POSITION_BEFORE = re.compile(
    rb"(?:[:<,|&(\[=?{]|=>|\.\.\.|\*/|(?<![\w$])(?:as|satisfies|extends|keyof|readonly|is|in))\Z"
)
_SPACE = b" \t\r\n\f\v"


def _may_hold_any_type(data: bytes) -> bool:
    at = data.find(b"any")
    while at >= 0:
        end = at + 3
        if (at > 0 and data[at - 1] >= 0x80) or (end < len(data) and data[end] >= 0x80):
            return True  # beside a character outside ASCII, which may be a space: look closer
        if not is_word_byte(data, end) and not is_word_byte(data, at - 1):
            k = at
            while k > 0 and data[k - 1] in _SPACE:
                k -= 1
            if k == 0 or b"\n" in data[k:at]:
                return True
            if _TYPE_POSITION_BEFORE.search(data, max(0, k - 10), k):
                return True
        at = data.find(b"any", end)
    return False


def check(ctx: Context) -> None:
    if not _may_hold_any_type(ctx.source.data):
        return
    ignore_rest = bool(ctx.options.get("ignoreRestArgs"))
    fix_to_unknown = bool(ctx.options.get("fixToUnknown"))
    nodes = _any_keywords(ctx) + _misparsed_type_arguments(ctx)
    nodes.sort(key=lambda n: n.start_byte)
    for node in nodes:
        if ignore_rest and _is_rest_element_type(node, ctx.source):
            continue
        fix = None
        if fix_to_unknown:
            fix = Fix(
                node.start_byte,
                node.end_byte,
                "unknown",
                safe=False,
                description="replace `any` with `unknown`",
            )
        ctx.report(node, fix=fix)
