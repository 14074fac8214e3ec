"""What a `catch` block does with the failure it caught, for ERR002 (no-swallowed-error):
it deals with it there (``handles``: it reports it — analysis.reporters says who hears of a
failure — uses the error or hands a new one on, rethrows, returns or leaves the loop); it falls
back (assigns or calls what the `try` computes with another value, does the job on the same
object another way, calls something named for falling back); it records the failure in a
variable read after the `try`; it settles the promise it runs in; or it tries again. Each
predicate takes the catch clause (or its body) and the validator's context.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .catches import FUNCTION_NODES, callee_name, enclosing_function_name, try_block
from .reporters import REPORTERS, calls_under, named_functions

if TYPE_CHECKING:
    from tree_sitter import Node

    from ..engine.validator import Context

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
                REPORTERS.search(name)
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
    try_body = try_block(clause)
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
    for call in calls_under(node, into=True):
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
    try_body = try_block(clause)
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
    try_body = try_block(clause)
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
    try_body = try_block(clause)
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
    for call in calls_under(body, into=lambda function: _scheduled(function, ctx)):
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
    definitions = named_functions(ctx)
    for call in calls_under(body):
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
    for call in calls_under(function, into=True):
        fn = call.child_by_field_name("function")
        if fn is not None and fn.type == "identifier" and ctx.source.text(fn) in names:
            return True
    return False
