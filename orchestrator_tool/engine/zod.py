"""Is this `.parse(...)` a zod schema's? Built with `z.` in the file, or imported from a
module that imports zod (followed inside the workspace)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from .helpers import helper_index_for
from .taint import NOT_ZOD, ZOD_METHODS, callee, imports_zod, zod_module

if TYPE_CHECKING:
    from tree_sitter import Node

    from .validator import Context


def helper_kinds(ctx: Context) -> Callable[[str], str | None]:
    """What each helper called from this file does with its arguments (see engine.helpers)."""
    helpers = helper_index_for(ctx.workspace)
    return lambda name: helpers.kind(ctx.source, name)


def sanitizer_check(ctx: Context) -> Callable[[Node], bool]:
    """A predicate for calls that validate with zod, for one file."""
    source = ctx.source
    file_has_zod = imports_zod(source.data)
    imported: dict[str, str] = {}  # local name -> module specifier
    for imp in ctx.imports():
        stmt = source.data[imp.statement_start : imp.statement_end].decode("utf-8", "replace")
        head = stmt.split(" from ", 1)[0]
        for name in re.findall(
            r"[A-Za-z_$][\w$]*", head.replace("import", " ").replace("type ", " ")
        ):
            if name not in ("as", "from", "default"):
                imported.setdefault(name, imp.specifier)
    verdicts: dict[str, bool] = {}

    def module_is_zod(specifier: str) -> bool:
        if specifier in verdicts:
            return verdicts[specifier]
        verdict = True  # an external or unresolvable module: give it the benefit of the doubt
        if ctx.workspace is not None:
            from .imports import Import

            res = ctx.resolve(Import(specifier, 0, 0, 0, 0, False, "import"))
            if res.exists and res.path is not None:
                try:
                    data = (ctx.workspace.root / res.path).read_bytes()
                except OSError:
                    data = b""
                verdict = zod_module(data)
        verdicts[specifier] = verdict
        return verdict

    helpers = helper_index_for(ctx.workspace)
    memo: dict[int, bool] = {}

    def check(call: Node) -> bool:
        hit = memo.get(call.id)
        if hit is None:
            hit = memo[call.id] = judge(call)
        return hit

    def judge(call: Node) -> bool:
        fn = callee(call)
        if fn is not None and fn.type == "identifier":
            return helpers.kind(source, source.text(fn)) == "validates"
        if fn is None or fn.type != "member_expression":
            return False
        prop = fn.child_by_field_name("property")
        if prop is None or source.text(prop) not in ZOD_METHODS:
            return False
        obj = fn.child_by_field_name("object")
        while obj is not None and obj.type in (
            "member_expression",
            "call_expression",
            "parenthesized_expression",
        ):
            nxt = (
                obj.child_by_field_name("object")
                if obj.type == "member_expression"
                else (
                    obj.child_by_field_name("function")
                    if obj.type == "call_expression"
                    else (obj.named_children[0] if obj.named_children else None)
                )
            )
            obj = nxt
        if obj is None or obj.type != "identifier":
            return file_has_zod
        root = source.text(obj)
        if root in NOT_ZOD:
            return False
        if root in ("z", "zfd"):
            return True
        if root in imported:
            return module_is_zod(imported[root])
        return file_has_zod or b"Schema" in source.data or b"schema" in source.data

    return check
