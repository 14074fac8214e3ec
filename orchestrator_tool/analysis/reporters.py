"""Who hears of a failure, for ERR002 (no-swallowed-error): the calls that report one
(``REPORTERS``: a logger, the console, an error tracker, a toast, `set…Error(…)`…), a function
of the file that a catch calls and that reports in its own body (``calls_reporter``), and the
code a `try` runs that reports its own failures, so the catch around it need not
(``callee_reports``): a react-query mutation, a callback of the caller, a function whose own
catch reports (read in another file when imported).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from ..engine.memo import MemoKey
from .catches import FUNCTION_NODES, callee_name, try_block
from .helpers import helper_index_for

if TYPE_CHECKING:
    from tree_sitter import Node

    from ..engine.source import SourceFile
    from ..engine.validator import Context

# The file's named functions, by name (ERR002 and the reporters it follows).
_NAMED_FUNCTIONS: MemoKey[dict[str, Node]] = MemoKey("err002_functions")

REPORTERS = re.compile(
    r"(^|\.)(console|logger|log|Logger|logging|Sentry|sentry|posthog|datadog|bugsnag|rollbar"
    r"|honeybadger|toast)\.\w+$"
    # the project's own logger objects: `jobLogger.error`, `this._logger.warn`, `reqLog.info`
    r"|(^|\.)(_*[a-z][\w$]*(Logger|Log)|_+(logger|log)|LOGGER|LOG)\.(error|warn|warning|info"
    r"|debug|log|fatal|trace|critical|exception|notice|verbose)$"
    r"|(^|\.)(captureException|captureError|captureMessage|reportError|report|notify\w*|logError"
    r"|handleError|alert|setError|set\w*Error\w*|onError|addIssue|\w*Issue|show\w*Error\w*"
    r"|notFound|redirect|permanentRedirect|unauthorized|forbidden|exit|fail([A-Z]\w*)?|reject"
    r"|[a-z]\w*(Fail|Failed|Failure)|logger|[a-z]\w*(Log|Logger))$"
    # a toast or snackbar in any spelling: `toast(…)`, `toastError(…)`, `showErrorToast(…)`
    r"|(^|\.)\w*([Tt]oast|[Ss]nackbar)\w*$"
    # a log function: `log("…")`, `this.log("…")` (not `Math.log`)
    r"|(^|(?<!Math)\.)log$"
)


def calls_under(node: Node, into: bool | Callable[[Node], bool] = False) -> Iterator[Node]:
    """The calls under ``node`` (itself included), depth first. The functions defined there
    run later, not as part of it: they are looked into only with ``into`` (True, or a
    predicate that picks them)."""
    stack = [node]
    while stack:
        n = stack.pop()
        if n.type in FUNCTION_NODES and not (into if isinstance(into, bool) else into(n)):
            continue
        if n.type == "call_expression":
            yield n
        stack.extend(n.named_children)


def _reports(node: Node, source: SourceFile, into: bool = True) -> bool:
    """A reporter call under ``node`` (with ``into``, in the functions defined there too)."""
    for call in calls_under(node, into):
        fn = call.child_by_field_name("function")
        if fn is not None and REPORTERS.search(callee_name(fn, source)):
            return True
    return False


_HOOK_WRAPPERS = frozenset({"useCallback", "useMemo", "useEvent", "useEffectEvent"})


def named_functions(ctx: Context) -> dict[str, Node]:
    """The file's named functions (`function f() {}`, `const f = () => {}`, `const f =
    useCallback(() => {}, [])`), first definition of a name wins; once per file."""
    cached = ctx.source.memo.get(_NAMED_FUNCTIONS)
    if cached is not None:
        return cached
    definitions: dict[str, Node] = {}
    for decl in ctx.walk(frozenset({"variable_declarator", "function_declaration"})):
        n = decl.child_by_field_name("name")
        value = decl if decl.type == "function_declaration" else decl.child_by_field_name("value")
        if value is not None and value.type == "call_expression":
            fn = value.child_by_field_name("function")
            args = value.child_by_field_name("arguments")
            if fn is not None and ctx.source.text(fn) in _HOOK_WRAPPERS and args is not None:
                value = args.named_children[0] if args.named_children else None
        if n is not None and value is not None and value.type in FUNCTION_NODES:
            definitions.setdefault(ctx.source.text(n), value)
    return ctx.source.memo.put(_NAMED_FUNCTIONS, definitions)


def calls_reporter(body: Node, ctx: Context) -> bool:
    """The catch calls a function of this file that reports: `addDefaultError()` where
    `const addDefaultError = useCallback(() => toast.error(…), [])`."""
    for call in calls_under(body):
        fn = call.child_by_field_name("function")
        if fn is not None and fn.type == "identifier":
            found = named_functions(ctx).get(ctx.source.text(fn))
            if found is not None and _reports_directly(found, ctx.source):
                return True
    return False


def _reports_directly(function: Node, source: SourceFile) -> bool:
    """A reporter call in ``function``'s own body (not in a callback it defines)."""
    body = function.child_by_field_name("body")
    return body is not None and _reports(body, source, into=False)


def callee_reports(clause: Node, ctx: Context) -> bool:
    """What the try runs reports its own failures: a react-query `mutate(…)` that is not
    awaited (it never throws; failures go to the mutation's callbacks), a `mutateAsync(…)` of
    a mutation whose `onError` reports, or a callback handed in by the caller (a parameter or
    prop such as `onSubmit`), whose code owns the reporting."""
    try_body = try_block(clause)
    if try_body is None:
        return False
    params = _parameter_names(clause, ctx)
    awaited: list[Node] = []
    mutate = False
    stack = [try_body]
    while stack:
        n = stack.pop()
        if n.type in FUNCTION_NODES:
            continue
        if n.type == "await_expression":
            inner = n.named_children[0] if n.named_children else None
            if inner is not None and inner.type == "call_expression":
                awaited.append(inner)
            else:
                return False
        elif n.type == "call_expression" and (
            n.parent is None or n.parent.type != "await_expression"
        ):
            fn = n.child_by_field_name("function")
            if fn is not None and ctx.source.text(fn).endswith(".mutate"):
                mutate = True
        stack.extend(n.named_children)
    if not awaited:
        return mutate
    for call in awaited:
        fn = call.child_by_field_name("function")
        text = ctx.source.text(fn) if fn is not None else ""
        if fn is not None and fn.type == "identifier" and text in params:
            continue
        obj, _, method = text.rpartition(".")
        if method == "mutateAsync" and re.fullmatch(r"[\w$]+", obj) and _mutation_reports(ctx, obj):
            continue
        if obj in ("props", "this.props"):
            continue
        if fn is not None and fn.type == "identifier" and _function_reports(ctx, text):
            continue
        return False
    return True


def _parameter_names(node: Node, ctx: Context) -> set[str]:
    """The parameters of every function around ``node``, destructured props included."""
    out: set[str] = set()
    fn: Node | None = node.parent
    while fn is not None:
        if fn.type in FUNCTION_NODES:
            params = fn.child_by_field_name("parameters") or fn.child_by_field_name("parameter")
            stack = [params] if params is not None else []
            while stack:
                n = stack.pop()
                if n.type in ("identifier", "shorthand_property_identifier_pattern"):
                    out.add(ctx.source.text(n))
                elif n.type == "pair_pattern":
                    value = n.child_by_field_name("value")
                    if value is not None:
                        stack.append(value)
                elif n.type not in ("type_annotation", "predefined_type"):
                    stack.extend(n.named_children)
        fn = fn.parent
    return out


def _mutation_reports(ctx: Context, name: str) -> bool:
    """`const m = useMutation({ …, onError: (e) => toast(…) })`, or `const m = useSaveX()` whose
    definition (this file or the module an import leads to) has such an `onError`: the
    mutation reports its own failures."""
    for decl in ctx.walk(frozenset({"variable_declarator"})):
        n = decl.child_by_field_name("name")
        value = decl.child_by_field_name("value")
        if n is None or value is None or ctx.source.text(n) != name:
            continue
        if value.type != "call_expression":
            return False
        if _on_error_reports(value, ctx.source):
            return True
        fn = value.child_by_field_name("function")
        hook = ctx.source.text(fn) if fn is not None and fn.type == "identifier" else ""
        if not re.match(r"use[A-Z]", hook) or hook == "useMutation":
            return False
        found = helper_index_for(ctx.state).definition(ctx.source, hook)
        return found is not None and _on_error_reports(found[1], found[0])
    return False


def _on_error_reports(node: Node, source: SourceFile) -> bool:
    """Whether an `onError` handler under ``node`` logs or reports (a `toast`, a logger…)."""
    stack = [node]
    while stack:
        n = stack.pop()
        if n.type in ("pair", "method_definition"):
            key = n.child_by_field_name("key") or n.child_by_field_name("name")
            if key is not None and source.text(key) == "onError" and _reports(n, source):
                return True
        stack.extend(n.named_children)
    return False


def _function_reports(ctx: Context, name: str) -> bool:
    """The function ``name`` (declared in this file, or imported) catches and reports its own
    failures: a `catch` in it logs, toasts or reports."""
    node = named_functions(ctx).get(name)
    source = ctx.source
    if node is None:
        found = helper_index_for(ctx.state).definition(ctx.source, name)
        if found is None:
            return False
        source, node = found
    stack = [node]
    while stack:
        n = stack.pop()
        if n.type == "catch_clause":
            body = n.child_by_field_name("body")
            if body is not None and _reports(body, source):
                return True
        stack.extend(n.named_children)
    return False
