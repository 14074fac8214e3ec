"""What a `catch` block does with the failure it caught, for ERR002 (no-swallowed-error).

A catch handles the failure when it reports it (a logger, the console, an error tracker, a
toast, `set…Error(…)`… or a function of the file that does), passes the error on or hands a
new one to a call, rethrows, returns or leaves the loop; when it records the failure in a
variable read after the `try`, settles the promise it runs in, or tries again; when it falls
back (assigns or calls what the `try` computes with another value, does the job on the same
object another way, calls something named for falling back); or when the `try` runs code
that reports its own failures (a react-query mutation, a callback of the caller, a function
whose own catch reports). Each predicate takes the catch clause (or its body) and the
validator's context.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from .catches import FUNCTION_NODES, callee_name, enclosing_function_name
from .helpers import helper_index_for

if TYPE_CHECKING:
    from tree_sitter import Node

    from .source import SourceFile
    from .validator import Context

_REPORTERS = re.compile(
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


# A call named for falling back: `downgradeToStorage()`, `useFallbackFont()`.
_FALLBACK_NAMES = re.compile(r"(^|\.)(fallback\w*|\w*Fallback\w*|downgrade\w*)$")
_ERROR_KEYS = frozenset({"error", "err", "failure"})


def _passes_failure(call: Node, ctx: Context) -> bool:
    """A call handed an error: `settle({ error: abortError })`, `done(new Error("…"))`,
    `setState({ error: "Could not load" })`."""
    args = call.child_by_field_name("arguments")
    for arg in args.named_children if args is not None else ():
        if arg.type == "new_expression":
            ctor = arg.child_by_field_name("constructor")
            if ctor is not None and ctx.source.text(ctor).endswith("Error"):
                return True
        elif arg.type == "object":
            for pair in arg.named_children:
                key = pair.child_by_field_name("key") if pair.type == "pair" else pair
                if key is not None and ctx.source.text(key) in _ERROR_KEYS:
                    return True
    return False


def _try_body(clause: Node) -> Node | None:
    """The block of the `try` a catch clause belongs to."""
    try_stmt = clause.parent
    return try_stmt.child_by_field_name("body") if try_stmt is not None else None


def _calls_under(node: Node, into: bool | Callable[[Node], bool] = False) -> Iterator[Node]:
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


def handles(clause: Node, body: Node, ctx: Context, extra: set[str]) -> bool:
    """The catch deals with the failure itself: it rethrows, returns, leaves the loop, says
    why in a comment, uses the error, or calls a reporter (``extra``: more reporter names),
    something named for falling back, or a function it hands an error."""
    param = clause.child_by_field_name("parameter")
    error_name = (
        ctx.source.text(param) if param is not None and param.type == "identifier" else None
    )
    stack = [body]
    while stack:
        n = stack.pop()
        if n.type in (
            "throw_statement",
            "return_statement",
            "continue_statement",
            "break_statement",
            "comment",
        ):
            return True
        if (
            error_name is not None
            and n.type in ("identifier", "shorthand_property_identifier")
            and ctx.source.text(n) == error_name
        ):
            return True  # the error is passed on (`reject(e)`, `{ error }`) or inspected
        if n.type == "call_expression":
            fn = n.child_by_field_name("function")
            name = callee_name(fn, ctx.source) if fn is not None else ""
            if (
                _REPORTERS.search(name)
                or _FALLBACK_NAMES.search(name)
                or name in extra
                or name.split(".")[-1] in extra
                or _passes_failure(n, ctx)
            ):
                return True
        if n.type in ("function_declaration", "arrow_function", "function_expression"):
            continue
        stack.extend(n.named_children)
    return False


def _guarded_statements(block: Node) -> list[Node]:
    """The block's statements, with those under a guard without `else` (`if (!cancelled)
    setValue("")`, `if (!append) { setRows([]) }`) taken out of it: the guard only says
    when the fallback applies."""
    out: list[Node] = []
    for st in block.named_children:
        if st.type == "comment":
            continue
        body = st.child_by_field_name("consequence") if st.type == "if_statement" else None
        if body is None or st.child_by_field_name("alternative") is not None:
            out.append(st)
        elif body.type == "statement_block":
            out.extend(_guarded_statements(body))
        else:
            out.append(body)
    return out


def _assigned(node: Node, ctx: Context) -> set[str]:
    out: set[str] = set()
    stack = [node]
    while stack:
        n = stack.pop()
        if n.type in ("assignment_expression", "augmented_assignment_expression"):
            left = n.child_by_field_name("left")
            if left is not None:
                out.add(ctx.source.text(left))
        elif n.type == "variable_declarator":
            name = n.child_by_field_name("name")
            if name is not None:
                out.add(ctx.source.text(name))
        stack.extend(n.named_children)
    return out


def assigns_fallback(clause: Node, body: Node, ctx: Context) -> bool:
    """`try { x = await load() } catch { x = [] }`: the catch supplies the fallback value for
    what the try computes — the error is the expected "not available" outcome."""
    try_body = _try_body(clause)
    if try_body is None:
        return False
    stmts = _guarded_statements(body)
    caught = _assigned(body, ctx)
    return (
        bool(caught)
        and all(
            c.type == "expression_statement"
            and c.named_children
            and c.named_children[0].type in ("assignment_expression",)
            for c in stmts
        )
        and caught <= _assigned(try_body, ctx)
    )


def _called(node: Node, ctx: Context) -> dict[str, set[str]]:
    """The methods and functions called under ``node``, each with the texts of its arguments."""
    out: dict[str, set[str]] = {}
    for call in _calls_under(node, into=True):
        fn = call.child_by_field_name("function")
        args = call.child_by_field_name("arguments")
        if fn is not None:
            out.setdefault(ctx.source.text(fn).rsplit(".", 1)[-1], set()).add(
                re.sub(r"\s+", "", ctx.source.text(args)) if args is not None else ""
            )
    return out


def mirrors_try(clause: Node, body: Node, ctx: Context) -> bool:
    """`try { setCount(await load()) } catch { setCount(null) }`, `try { finish(tint(img)) }
    catch { finish(null) }`: every statement of the catch calls what the try calls, with a
    fallback value (other arguments than in the try: `setLoading(false)` in both is cleanup,
    not a fallback, and so is `setLoading(false)` after the try's `setLoading(true)`: a state
    flag the try only switches one way is not a value it computes) or the other way of doing it."""
    try_body = _try_body(clause)
    stmts = _guarded_statements(body)
    if try_body is None or not stmts:
        return False
    in_try = _called(try_body, ctx)
    for st in stmts:
        expr = _statement_call(st)
        if expr is None:
            return False
        fn = expr.child_by_field_name("function")
        args = expr.child_by_field_name("arguments")
        arg_text = re.sub(r"\s+", "", ctx.source.text(args)) if args is not None else ""
        method = ctx.source.text(fn).rsplit(".", 1)[-1] if fn is not None else ""
        other = in_try.get(method, set())
        if not other - {arg_text} or (
            _SETTER.match(method) and len(other) == 1 and other <= _FLAGS
        ):
            return False
    return True


_FLAGS = frozenset({"(true)", "(false)"})
_SETTER = re.compile(r"set[A-Z]")


def _root(node: Node | None) -> Node | None:
    while node is not None and node.type in ("member_expression", "call_expression"):
        node = node.child_by_field_name(
            "object" if node.type == "member_expression" else "function"
        )
    return node


def _statement_call(stmt: Node) -> Node | None:
    expr = (
        stmt.named_children[0]
        if stmt.type == "expression_statement" and stmt.named_children
        else None
    )
    while expr is not None and expr.type == "await_expression" and expr.named_children:
        expr = expr.named_children[0]
    return expr if expr is not None and expr.type == "call_expression" else None


def alternative(clause: Node, body: Node, ctx: Context) -> bool:
    """`try { field.setFontSize(n) } catch { field.setAppearance(…) }`, `try { await
    conn.quit() } catch { conn.disconnect() }`, `try { await reader.closed } catch {
    reader.releaseLock() }`: the try is one call (or awaited property) on an object and the
    catch does the same job on that object another way (it may compute local values for it)."""
    try_body = _try_body(clause)
    if try_body is None:
        return False
    tried = [c for c in try_body.named_children if c.type != "comment"]
    call = _statement_call(tried[0]) if len(tried) == 1 else None
    fn = call.child_by_field_name("function") if call is not None else None
    if call is None and len(tried) == 1 and tried[0].type == "expression_statement":
        awaited = tried[0].named_children[0] if tried[0].named_children else None
        if awaited is not None and awaited.type == "await_expression" and awaited.named_children:
            fn = awaited.named_children[0]  # `await reader.closed`
    root = _root(fn) if fn is not None and fn.type == "member_expression" else None
    if root is None or root.type != "identifier":
        return False
    target = ctx.source.text(root)
    local: set[str] = set()
    uses = False
    for st in body.named_children:
        if st.type == "comment":
            continue
        if st.type == "lexical_declaration":
            local |= _assigned(st, ctx)
            continue
        expr = (
            st.named_children[0]
            if st.type == "expression_statement" and st.named_children
            else None
        )
        if expr is not None and expr.type in (
            "assignment_expression",
            "augmented_assignment_expression",
        ):
            left = expr.child_by_field_name("left")
            if left is not None and ctx.source.text(left) in local:
                continue
            return False
        inner = _statement_call(st)
        callee = inner.child_by_field_name("function") if inner is not None else None
        base = _root(callee) if callee is not None and callee.type == "member_expression" else None
        if base is None or ctx.source.text(base) != target:
            return False
        uses = True
    return uses


_MUTATORS = frozenset({"push", "unshift", "add", "set", "append"})


def _recorded(body: Node, ctx: Context) -> set[str]:
    """Names the catch records something in: `failed++`, `errors.push(…)`, `status = "error"`,
    `result.ok = false`."""
    out: set[str] = set()
    stack = [body]
    while stack:
        n = stack.pop()
        target: Node | None = None
        if n.type in ("assignment_expression", "augmented_assignment_expression"):
            target = n.child_by_field_name("left")
        elif n.type == "update_expression":
            target = n.child_by_field_name("argument")
        elif n.type == "call_expression":
            fn = n.child_by_field_name("function")
            prop = fn.child_by_field_name("property") if fn is not None else None
            if (
                fn is not None
                and fn.type == "member_expression"
                and prop is not None
                and ctx.source.text(prop) in _MUTATORS
            ):
                target = fn.child_by_field_name("object")
        while target is not None and target.type in ("member_expression", "subscript_expression"):
            target = target.child_by_field_name("object")
        if target is not None and target.type == "identifier":
            out.add(ctx.source.text(target))
        if n.type not in ("arrow_function", "function_expression", "function_declaration"):
            stack.extend(n.named_children)
    return out


def records_failure(clause: Node, body: Node, ctx: Context) -> bool:
    """The catch records the failure in a variable the code reads after the `try` — a count,
    an error list, a status the function returns — so the caller hears of it."""
    names = _recorded(body, ctx)
    try_stmt = clause.parent
    if not names or try_stmt is None:
        return False
    after = try_stmt.next_named_sibling
    node: Node | None = try_stmt
    # also the code after the enclosing loop or block: `for (…) { try … catch { failed++ } }`
    while after is None and node is not None and node.parent is not None:
        node = node.parent
        if node.type in FUNCTION_NODES:
            break
        after = node.next_named_sibling
    while after is not None:
        text = ctx.source.text(after)
        if any(re.search(rf"(?<![\w$]){re.escape(n)}(?![\w$])", text) for n in names):
            return True
        after = after.next_named_sibling
    return False


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
        found = helper_index_for(ctx.workspace).definition(ctx.source, hook)
        return found is not None and _on_error_reports(found[1], found[0])
    return False


def callee_reports(clause: Node, ctx: Context) -> bool:
    """What the try runs reports its own failures: a react-query `mutate(…)` that is not
    awaited (it never throws; failures go to the mutation's callbacks), a `mutateAsync(…)` of
    a mutation whose `onError` reports, or a callback handed in by the caller (a parameter or
    prop such as `onSubmit`), whose code owns the reporting."""
    try_body = _try_body(clause)
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


_HOOK_WRAPPERS = frozenset({"useCallback", "useMemo", "useEvent", "useEffectEvent"})


def _definitions(ctx: Context) -> dict[str, Node]:
    """The file's named functions (`function f() {}`, `const f = () => {}`, `const f =
    useCallback(() => {}, [])`), first definition of a name wins; once per file."""
    cached = ctx.source.memo.get("err002_functions")
    if isinstance(cached, dict):
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
    ctx.source.memo["err002_functions"] = definitions
    return definitions


def calls_reporter(body: Node, ctx: Context) -> bool:
    """The catch calls a function of this file that reports: `addDefaultError()` where
    `const addDefaultError = useCallback(() => toast.error(…), [])`."""
    for call in _calls_under(body):
        fn = call.child_by_field_name("function")
        if fn is not None and fn.type == "identifier":
            found = _definitions(ctx).get(ctx.source.text(fn))
            if found is not None and _reports_directly(found, ctx.source):
                return True
    return False


def _reports_directly(function: Node, source: SourceFile) -> bool:
    """A reporter call in ``function``'s own body (not in a callback it defines)."""
    body = function.child_by_field_name("body")
    return body is not None and _reports(body, source, into=False)


# Calls that schedule a callback: the callback is still the catch's doing.
_SCHEDULERS = re.compile(
    r"^(?:setTimeout|setImmediate|queueMicrotask|requestAnimationFrame|process\.nextTick)$"
)


def _first_call(block: Node, ctx: Context) -> str | None:
    """The callee of the block's first statement when that statement is a call (`f(x)`,
    `await f(x)`, `const y = await f(x)`, `return f(x)`)."""
    stmts = [c for c in block.named_children if c.type != "comment"]
    if not stmts:
        return None
    st = stmts[0]
    expr: Node | None = None
    if st.type in ("expression_statement", "return_statement") and st.named_children:
        expr = st.named_children[0]
    elif st.type in ("lexical_declaration", "variable_declaration"):
        decl = st.named_children[0] if st.named_children else None
        expr = decl.child_by_field_name("value") if decl is not None else None
    while expr is not None and expr.type in ("await_expression", "unary_expression"):
        expr = expr.named_children[-1] if expr.named_children else None
    if expr is None or expr.type != "call_expression":
        return None
    fn = expr.child_by_field_name("function")
    return callee_name(fn, ctx.source) if fn is not None else None


def retries(clause: Node, body: Node, ctx: Context) -> bool:
    """The catch tries again, so a second failure is not swallowed: it repeats the try
    (`try { a(); b() } catch { a(); b() }`), starts with the try's first call (`try {
    recorder.start(SLICE); … } catch { recorder.start(); … }`), or calls the function it
    is in again, directly or from a timer (`setTimeout(() => connect(opts), 1000)`)."""
    try_body = _try_body(clause)
    if try_body is None:
        return False

    def squeeze(n: Node) -> str:
        return re.sub(r"\s+", "", ctx.source.text(n))[1:-1]

    tried = squeeze(try_body)
    if tried and tried == squeeze(body):
        return True
    first = _first_call(try_body, ctx)
    if (
        first is not None
        and not re.search(r"(^|\.)set[A-Z]\w*$", first)
        and first == _first_call(body, ctx)
    ):
        return True
    own = enclosing_function_name(clause, ctx.source)
    if own is None:
        return False
    for call in _calls_under(body, into=lambda function: _scheduled(function, ctx)):
        fn = call.child_by_field_name("function")
        if fn is not None and callee_name(fn, ctx.source).removeprefix("this.") == own:
            return True
    return False


def _scheduled(function: Node, ctx: Context) -> bool:
    """``function`` is the callback of `setTimeout(…)` or the like."""
    args = function.parent
    call = args.parent if args is not None and args.type == "arguments" else None
    fn = call.child_by_field_name("function") if call is not None else None
    return fn is not None and bool(_SCHEDULERS.match(callee_name(fn, ctx.source)))


def settles(clause: Node, body: Node, ctx: Context) -> bool:
    """Inside `new Promise((resolve) => …)`, the catch settles the promise (`resolve(null)`,
    or `finalize(null)` where `finalize` calls `resolve`): the caller awaiting it gets the
    outcome."""
    settlers: set[str] = set()
    node: Node | None = clause.parent
    while node is not None:
        if node.type in FUNCTION_NODES:
            args = node.parent
            new = args.parent if args is not None and args.type == "arguments" else None
            ctor = new.child_by_field_name("constructor") if new is not None else None
            if (
                new is not None
                and new.type == "new_expression"
                and ctor is not None
                and ctx.source.text(ctor) == "Promise"
            ):
                settlers |= _own_parameters(node, ctx)
        node = node.parent
    if not settlers:
        return False
    definitions = _definitions(ctx)
    for call in _calls_under(body):
        fn = call.child_by_field_name("function")
        name = ctx.source.text(fn) if fn is not None and fn.type == "identifier" else ""
        if name in settlers:
            return True
        found = definitions.get(name)
        if found is not None and _calls_any(found, settlers, ctx):
            return True
    return False


def _own_parameters(fn: Node, ctx: Context) -> set[str]:
    """The plain names ``fn`` takes: `(resolve, reject)`, `(resolve: (v: T) => void)`."""
    params = fn.child_by_field_name("parameters") or fn.child_by_field_name("parameter")
    if params is None:
        return set()
    out: set[str] = set()
    for p in [params] if params.type == "identifier" else params.named_children:
        name = p.child_by_field_name("pattern") if p.type != "identifier" else p
        if name is not None and name.type == "identifier":
            out.add(ctx.source.text(name))
    return out


def _calls_any(function: Node, names: set[str], ctx: Context) -> bool:
    for call in _calls_under(function, into=True):
        fn = call.child_by_field_name("function")
        if fn is not None and fn.type == "identifier" and ctx.source.text(fn) in names:
            return True
    return False


def _function_reports(ctx: Context, name: str) -> bool:
    """The function ``name`` (declared in this file, or imported) catches and reports its own
    failures: a `catch` in it logs, toasts or reports."""
    node = _definitions(ctx).get(name)
    source = ctx.source
    if node is None:
        found = helper_index_for(ctx.workspace).definition(ctx.source, name)
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


def _reports(node: Node, source: SourceFile, into: bool = True) -> bool:
    """A reporter call under ``node`` (with ``into``, in the functions defined there too)."""
    for call in _calls_under(node, into):
        fn = call.child_by_field_name("function")
        if fn is not None and _REPORTERS.search(callee_name(fn, source)):
            return True
    return False
