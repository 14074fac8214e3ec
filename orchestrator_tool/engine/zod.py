"""Is this `.parse(...)` a zod schema's? Built with `z.` in the file, or imported from a
module that imports zod (followed inside the workspace)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from . import deps
from .helpers import helper_index_for
from .taint import NOT_ZOD, ZOD_METHODS, callee, imports_zod, zod_module
from .trpc import NONE, procedure_input

if TYPE_CHECKING:
    from tree_sitter import Node

    from .nextjs import EntryPoint
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
                deps.record(res.path)
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
            # A tRPC procedure called on the server parses its input with its `.input(...)`.
            # One that cannot be found counts too: a procedure that takes input nearly always
            # declares a schema, and the router is out of reach only behind HTTP clients,
            # merged routers and external packages.
            verdict = procedure_input(call, source, helpers)
            return verdict is not None and verdict != NONE
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


# (request names, tainted names -> label) to follow in one entry point, or None to skip it
InputPicker = Callable[
    ["EntryPoint", set[str], dict[str, str], dict[str, str]],
    "tuple[set[str], dict[str, str]] | None",
]


def report_unvalidated(ctx: Context, pick: InputPicker) -> None:
    """Follow the inputs ``pick`` chooses from each entry point's parameters (request names,
    inputs, route params — as `taint.route_inputs` finds them) and report the first use of
    each before a zod schema validated it. Options: `wrapperInputs`, `validators`."""
    from .nextjs import distinct_entry_points
    from .taint import analyse, route_inputs

    eps = distinct_entry_points(ctx.source)
    if not eps:
        return
    wrapper = ctx.options.get("wrapperInputs") or []
    helpers = ctx.options.get("validators") or []
    wrapper_names = [str(w) for w in wrapper] if isinstance(wrapper, list) else []
    extra = frozenset(str(h) for h in helpers) if isinstance(helpers, list) else frozenset()
    is_sanitizer = sanitizer_check(ctx)
    helper_kind = helper_kinds(ctx)
    for ep, names in eps:
        requests, inputs, params = route_inputs(
            ep.function, ctx.source, ep.kind, wrapper_names, wrapped=ep.wrapped
        )
        picked = pick(ep, requests, inputs, params)
        if picked is None:
            continue
        findings = analyse(
            ep.function,
            ctx.source,
            requests=picked[0],
            inputs=picked[1],
            is_sanitizer=is_sanitizer,
            helper_kind=helper_kind,
            extra_validators=extra,
        )
        for f in findings:
            ctx.report(
                f.node,
                f"{names} ({ep.kind}): {f.label} is used here before a zod schema validated it",
            )
