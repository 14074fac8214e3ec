"""Is this `.parse(...)` a zod schema's? Built with `z.` in the file, or imported from a
module that imports zod (followed inside the workspace)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from ..engine.reading import NotRead, read_inside
from .helpers import helper_index_for
from .request_input import Handed, request_parameters, route_inputs
from .syntax import callee
from .taint import Delegate, Delegated, Finding
from .taint_flow import analyse
from .trpc import NONE, procedure_input
from .zod_names import NOT_ZOD, ZOD_METHODS, imports_zod, zod_module

if TYPE_CHECKING:
    from tree_sitter import Node

    from ..engine.import_model import Resolution
    from ..engine.run_state import RunState
    from ..engine.source import SourceFile
    from ..engine.validator import Context
    from .factories import MadeHandler
    from .nextjs import EntryPoint


def helper_kinds(ctx: Context) -> Callable[[str], str | None]:
    """What each helper called from this file does with its arguments (see analysis.helpers)."""
    helpers = helper_index_for(ctx.state)
    return lambda name: helpers.kind(ctx.source, name)


def sanitizer_check(ctx: Context) -> Callable[[Node], bool]:
    """A predicate for calls that validate with zod, for the file being checked."""
    from ..engine.import_model import Import

    return sanitizer_for(
        ctx.source,
        ctx.state,
        lambda spec: ctx.resolve(Import(spec, 0, 0, 0, 0, False, "import")),
    )


def sanitizer_for(
    source: SourceFile, state: RunState, resolve: Callable[[str], Resolution]
) -> Callable[[Node], bool]:
    """A predicate for calls that validate with zod, for one file (``resolve`` says where its
    imports lead)."""
    workspace = state.workspace
    from ..engine.imports import imports_of

    file_has_zod = imports_zod(source.data)
    imported: dict[str, str] = {}  # local name -> module specifier
    for imp in imports_of(source):
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
        if workspace is not None:
            res = resolve(specifier)
            if res.exists and res.path is not None:
                state.reads.record(res.path)
                try:
                    data = read_inside(workspace.root, res.path, 1_000_000)
                except (OSError, NotRead):
                    data = b""
                verdict = zod_module(data)
        verdicts[specifier] = verdict
        return verdict

    helpers = helper_index_for(state)
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
    inputs, route params — as `request_input.route_inputs` finds them) and report the first use of
    each before a zod schema validated it. Options: `wrapperInputs`, `validators`."""
    from .nextjs import EntryPoint, distinct_entry_points, innermost_function

    eps = distinct_entry_points(ctx.source)
    made = _made_handlers(ctx, {ep.function.id for ep, _ in eps})
    if not eps and not made:
        return
    wrapper = ctx.options.get("wrapperInputs") or []
    helpers = ctx.options.get("validators") or []
    wrapper_names = [str(w) for w in wrapper] if isinstance(wrapper, list) else []
    extra = frozenset(str(h) for h in helpers) if isinstance(helpers, list) else frozenset()
    is_sanitizer = sanitizer_check(ctx)
    helper_kind = helper_kinds(ctx)

    def checks(source: SourceFile) -> tuple[Callable[[Node], bool], Callable[[str], str | None]]:
        if source is ctx.source:
            return is_sanitizer, helper_kind
        return _sanitizer_elsewhere(ctx, source), _kinds_elsewhere(ctx, source)

    def delegate(source: SourceFile, depth: int, seen: frozenset[int]) -> Delegate:
        """Follows a helper handed the request (`handle(req)`) into its definition, in this
        file or the workspace module an import leads to, up to three helpers deep."""

        def follow(call: Node, handed: Handed) -> Delegated | None:
            fn = callee(call)
            if depth >= 3 or fn is None or fn.type != "identifier":
                return None
            found = helper_index_for(ctx.state).definition(source, source.text(fn))
            if found is None:
                return None
            where, definition = found
            helper = innermost_function(definition, {}, where)
            if helper is None or helper.id in seen:
                return None
            names = request_parameters(helper, where, handed)
            if not names:
                return None
            sanitizer, kinds = checks(where)
            done = analyse(
                helper,
                where,
                requests=names,
                inputs={},
                helper_mode=True,
                is_sanitizer=sanitizer,
                helper_kind=kinds,
                extra_validators=extra,
                delegate=delegate(where, depth + 1, seen | {helper.id}),
            )
            if where is not source:
                # reported at the call, naming where the helper uses the input
                done.findings = [
                    Finding(
                        call,
                        f.label,
                        f.where
                        or f"in {source.text(fn)}() ({where.path}:"
                        f"{where.position(f.node.start_byte)[0]})",
                    )
                    for f in done.findings
                ]
            return done

        return follow

    def unvalidated(ep: EntryPoint, source: SourceFile) -> list[Finding]:
        requests, inputs, params = route_inputs(
            ep.function, source, ep.kind, wrapper_names, wrapped=ep.wrapped
        )
        picked = pick(ep, requests, inputs, params)
        if picked is None:
            return []
        sanitizer, kinds = checks(source)
        return analyse(
            ep.function,
            source,
            requests=picked[0],
            inputs=picked[1],
            is_sanitizer=sanitizer,
            helper_kind=kinds,
            extra_validators=extra,
            delegate=delegate(source, 0, frozenset({ep.function.id})),
        ).findings

    # The file's own entry points, then the handlers its factory calls make: what such a
    # handler does with the request is judged in the file it is written in.
    todo: list[tuple[EntryPoint, str, MadeHandler | None]] = [(ep, n, None) for ep, n in eps]
    todo += [(EntryPoint("route", m.names, m.function, m.call), m.names, m) for m in made]
    for ep, names, handler in todo:
        source = ctx.source if handler is None else handler.source
        for f in unvalidated(ep, source):
            if handler is None or source is ctx.source:
                if f.where:
                    ctx.report(
                        f.node,
                        f"{names} ({ep.kind}): {f.label} is used before a zod schema "
                        f"validated it, {f.where}",
                    )
                    continue
                ctx.report(
                    f.node,
                    f"{names} ({ep.kind}): {f.label} is used here before a zod schema validated it",
                )
                continue
            # reported at the factory call in the route, naming where the input is used
            line = source.position(f.node.start_byte)[0]
            fn = callee(handler.call)
            ctx.report(
                fn if fn is not None else handler.call,
                f"{names} (route): {f.label} is used before a zod schema "
                f"validated it, in the handler {handler.factory}() returns "
                f"({source.path}:{line})" + (f", {f.where}" if f.where else ""),
            )


def _made_handlers(ctx: Context, known: set[int]) -> list[MadeHandler]:
    """Handlers this route file's factory calls make (analysis.factories), but those already
    among its own entry points."""
    from .factories import made_handlers

    made = made_handlers(ctx.source, helper_index_for(ctx.state))
    return [m for m in made if not (m.source is ctx.source and m.function.id in known)]


def _sanitizer_elsewhere(ctx: Context, source: SourceFile) -> Callable[[Node], bool]:
    from ..engine.resolution import resolver_for

    ws = ctx.workspace
    assert ws is not None  # another file is only reached through a workspace's imports
    resolver, owner = resolver_for(ctx.state), ws.owner_of(source.path)
    return sanitizer_for(source, ctx.state, lambda spec: resolver.resolve(source.path, spec, owner))


def _kinds_elsewhere(ctx: Context, source: SourceFile) -> Callable[[str], str | None]:
    helpers = helper_index_for(ctx.state)
    return lambda name: helpers.kind(source, name)
