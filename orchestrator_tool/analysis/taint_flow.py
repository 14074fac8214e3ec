"""Following untrusted request input through one function, to the first place it is used
before a zod schema validated it.

Intra-procedural and flow-ordered: it follows variables, destructuring, spreads, `await`,
member access, method calls on the input (`searchParams.get("id")`), `Object.fromEntries`,
`JSON.parse`, collections the function fills (`chunks.push(value)`), and helper functions
that pass a parameter to a zod schema. A helper handed the request itself is followed through
the ``delegate`` the caller supplies (analysis.zod reads its definition). It does not follow
values through closures called later, or through object fields assigned after creation.
What a name holds is kept in analysis.taint; which reads are no use, in analysis.taint_reads.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from ..engine.memo import MemoKey
from .nextjs import FUNCTION_TYPES, function_body
from .syntax import callee, look_through, root_identifier
from .taint import Analysis, Delegate, Delegated, Finding
from .taint_reads import escapes, harmless_read, signature_check, verified_payload

if TYPE_CHECKING:
    from tree_sitter import Node

    from ..engine.source import SourceFile

# The file's calls in source order, and their start offsets.
_CALLS_BY_START: MemoKey[tuple[list[Node], list[int]]] = MemoKey("calls_by_start")


def sanitized_argument(call: Node, analysis: Analysis) -> Node | None:
    """The argument a zod validation call validates (`schema.parse(x)` → x)."""
    args = call.child_by_field_name("arguments")
    if args is None or not args.named_children:
        return None
    return args.named_children[0]


def analyse(
    fn: Node,
    source: SourceFile,
    *,
    requests: Iterable[str],
    inputs: dict[str, str],
    is_sanitizer: Callable[[Node], bool],
    extra_validators: frozenset[str] = frozenset(),
    helper_kind: Callable[[str], str | None] = lambda _n: None,
    delegate: Delegate = lambda _call, _handed: None,
    helper_mode: bool = False,
) -> Delegated:
    """The first unvalidated use of each input in ``fn`` (at most one finding per input).
    With ``helper_mode``, ``fn`` is a helper handed the request: a return hands input back to
    its caller instead of using it."""
    a = Analysis(
        source,
        set(requests),
        dict(inputs),
        is_sanitizer=is_sanitizer,
        extra_validators=extra_validators,
        helper_kind=helper_kind,
        delegate=delegate,
        helper_mode=helper_mode,
    )
    body = function_body(fn)
    if body is None:
        return Delegated([], returns_input=False)
    if (
        helper_mode and body.type != "statement_block" and a.taint_of(body) is not None
    ):  # `(req) => req.json()`
        return Delegated([], returns_input=True)
    a.validated_later = _names_validated_anywhere(body, a)
    if body.type != "statement_block":  # `async (req) => handle(await req.json())`
        _visit(body, a)
    else:
        for stmt in body.named_children:
            _visit(stmt, a)
    seen: set[str] = set()
    out: list[Finding] = []
    for f in sorted(a.findings, key=lambda f: f.node.start_byte):
        if f.label not in seen:
            seen.add(f.label)
            out.append(f)
    return Delegated(out, a.returns_input)


# Statements and clauses walked child by child.
_CONTAINERS = frozenset(
    {
        "lexical_declaration",
        "variable_declaration",
        "statement_block",
        "else_clause",
        "try_statement",
        "catch_clause",
        "finally_clause",
        "for_statement",
        "for_in_statement",
        "while_statement",
        "do_statement",
        "switch_statement",
        "switch_case",
        "switch_default",
        "labeled_statement",
    }
)
# Statements around one expression.
_EXPRESSION_STATEMENTS = frozenset({"expression_statement", "return_statement", "throw_statement"})


def _visit(node: Node, a: Analysis) -> None:
    t = node.type
    if t in FUNCTION_TYPES:
        # A nested function (a callback) sees the outer names; analyse it in place.
        body = function_body(node)
        if body is not None:
            _visit(body, a)
    elif t == "variable_declarator":
        _visit_declarator(node, a)
    elif t == "assignment_expression":
        _visit_assignment(node, a)
    elif t == "if_statement":
        _visit_if(node, a)
    elif t == "switch_body":
        _visit_switch(node, a)
    elif t in _EXPRESSION_STATEMENTS:
        _visit_statement(node, a)
    elif t in _CONTAINERS:
        for child in node.named_children:
            _visit(child, a)
    else:
        _visit_uses_and_functions(node, a)


def _visit_declarator(node: Node, a: Analysis) -> None:
    """`const x = …`: x holds input, is validated, is a request, or holds nothing."""
    name = node.child_by_field_name("name")
    value = node.child_by_field_name("value")
    if name is None or value is None:
        return
    sanitizer = _find_sanitizer(value, a)
    if sanitizer is not None:
        _validate(sanitizer, a, result=name)
        _visit_uses(value, a, skip=sanitizer)
        a.clean(name)
        return
    if value.type == "new_expression" and a._is_request_url(value) is False:
        ctor = value.child_by_field_name("constructor")
        if (
            ctor is not None
            and a.text(ctor) == "URL"
            and a.text(value).find(".url") >= 0
            and name.type == "identifier"
        ):
            a.url_names.add(a.text(name))
    if _compares(value, a):
        # `const all = searchParams.get("all") === "1"`: a decision made on the raw
        # value is its use; the boolean it gives is no input.
        _visit_uses(value, a)
        a.clean(name)
        return
    label = a.taint_of(value) or verified_payload(value, a)
    if label is not None:
        a.bind(name, label)
        return
    if name.type == "identifier" and a.is_request(value):
        a.requests.add(a.text(name))  # const copy = req.clone()
        return
    _visit_uses(value, a)
    a.clean(name)
    if name.type == "identifier" and value.type in ("array", "object", "new_expression"):
        a.collections.add(a.text(name))


def _visit_assignment(node: Node, a: Analysis) -> None:
    """`x = …`: as a declaration when x is a name; a use of what it reads otherwise."""
    left = node.child_by_field_name("left")
    right = node.child_by_field_name("right")
    if left is not None and right is not None and left.type == "identifier":
        sanitizer = _find_sanitizer(right, a)
        if sanitizer is not None:
            _validate(sanitizer, a, result=left)
            a.clean(left)
            return
        label = a.taint_of(right) or verified_payload(right, a)
        if label is not None:
            a.bind(left, label)
            return
    _visit_uses(node, a)


def _visit_if(node: Node, a: Analysis) -> None:
    cond = node.child_by_field_name("condition")
    consequence = node.child_by_field_name("consequence")
    alternative = node.child_by_field_name("alternative")
    if cond is not None:
        _visit_uses(cond, a, existence_ok=True)
    failed = _safeparse_failure(cond, a) if cond is not None else None
    entry = set(a.validated)
    if failed is not None and consequence is not None:
        before = set(a.failure_branch)
        a.failure_branch.add(failed)
        _visit(consequence, a)
        a.failure_branch = before
    elif consequence is not None:
        _visit(consequence, a)
    # What one branch validated is not validated in the other, nor after the `if` unless
    # every branch that goes on validated it.
    paths = [] if consequence is not None and _exits(consequence) else [a.validated]
    a.validated = set(entry)
    if alternative is not None:
        _visit(alternative, a)
    if alternative is None or not _exits(alternative):
        paths.append(a.validated)
    a.validated = set.intersection(*paths) if paths else entry


def _visit_switch(node: Node, a: Analysis) -> None:
    entry = set(a.validated)
    paths = []
    for case in node.named_children:
        a.validated = set(entry)  # a case is entered with what held before the switch
        _visit(case, a)
        if not _exits(case):
            paths.append(a.validated)
    if not any(c.type == "switch_default" for c in node.named_children):
        paths.append(entry)
    a.validated = set.intersection(*paths) if paths else entry


def _visit_statement(node: Node, a: Analysis) -> None:
    """An expression statement, a `return` or a `throw`."""
    t = node.type
    inner = node.named_children[0] if node.named_children else None
    if inner is None:
        return
    if inner.type == "assignment_expression":
        _visit(inner, a)
        return
    if (
        t == "return_statement"
        and a.helper_mode
        and (a.taint_of(inner) is not None or verified_payload(inner, a) is not None)
    ):
        # A helper's `return await req.json()`: input handed back to the caller.
        a.returns_input = True
        return
    if t == "expression_statement":
        if _collects(inner, a):
            return
        # `await req.json()` read and dropped: not a use.
        sanitizer = _find_sanitizer(inner, a)
        if sanitizer is not None:
            _validate(sanitizer, a, result=None)
            _visit_uses(inner, a, skip=sanitizer)
            return
        if _is_bare_source(inner, a):
            return
    _visit_uses_and_functions(inner, a)


def _exits(node: Node) -> bool:
    """Whether a branch never goes on past its end: it ends in `return` or `throw`."""
    while node.type in ("statement_block", "else_clause", "switch_case", "switch_default"):
        kids = [c for c in node.named_children if c.type != "comment"]
        if node.type == "switch_case" and kids:
            kids = kids[1:]  # the case's value
        if not kids:
            return False
        node = kids[-1]
    if node.type == "if_statement":
        consequence = node.child_by_field_name("consequence")
        alternative = node.child_by_field_name("alternative")
        return (
            consequence is not None
            and alternative is not None
            and _exits(consequence)
            and _exits(alternative)
        )
    return node.type in ("return_statement", "throw_statement")


# Methods that put their argument into the object they are called on.
_COLLECTORS = frozenset({"push", "unshift", "set", "append", "add"})


def _collects(expr: Node, a: Analysis) -> bool:
    """`chunks.push(value)`, `params.set("q", body.q)`: input put into a collection made in
    this function, which holds input from then on. The use is where the collection goes next
    (not so for a store that outlives the call: `cookieStore.set("theme", value)` is a use)."""
    fn = callee(expr) if expr.type == "call_expression" else None
    obj = fn.child_by_field_name("object") if fn is not None else None
    prop = fn.child_by_field_name("property") if fn is not None else None
    args = expr.child_by_field_name("arguments")
    if (
        obj is None
        or prop is None
        or obj.type != "identifier"
        or a.text(prop) not in _COLLECTORS
        or a.text(obj) not in a.collections
        or args is None
    ):
        return False
    label = next((found for x in args.named_children if (found := a.taint_of(x)) is not None), None)
    if label is None:
        return False
    a.tainted[a.text(obj)] = label
    a.validated.discard(a.text(obj))
    return True


_COMPARISONS = frozenset({"===", "!==", "==", "!=", "<", ">", "<=", ">="})


def _compares(value: Node, a: Analysis) -> bool:
    """A comparison with input on one side."""
    value = look_through(value)
    op = value.child_by_field_name("operator") if value.type == "binary_expression" else None
    return op is not None and a.text(op) in _COMPARISONS and a.taint_of(value) is not None


def _is_bare_source(node: Node, a: Analysis) -> bool:
    return (
        node.type in ("await_expression", "call_expression", "member_expression")
        and a.taint_of(node) is not None
        and not any(
            c.type in ("identifier",) and a.text(c) in a.tainted for c in node.named_children
        )
    )


def _visit_uses_and_functions(node: Node, a: Analysis) -> None:
    """Uses in an expression; callbacks inside it are analysed as statements."""
    stack = [node]
    while stack:
        n = stack.pop()
        if n.type in FUNCTION_TYPES:
            _visit(n, a)
            continue
        sanitizer = _find_sanitizer(n, a) if n.type == "call_expression" else None
        if sanitizer is not None and sanitizer.id == n.id:
            _validate(n, a, result=None)
            continue
        if n.type == "variable_declarator":
            _visit(n, a)
            continue
        if _is_use(n, a):
            continue
        stack.extend(reversed(n.named_children))


def _is_use(n: Node, a: Analysis) -> bool:
    """Record a finding when ``n`` reads untrusted input; True when ``n`` was handled."""
    if n.type in ("identifier", "shorthand_property_identifier"):
        name = a.text(n)
        if name in a.tainted and (name not in a.validated or name in a.failure_branch):
            if harmless_read(n, a) or signature_check(n, a):
                return True
            if name in a.validated_later and not escapes(n, a):
                return True  # inspected or normalised before the schema parses it
            a.findings.append(Finding(n, a.tainted[name]))
        return True
    if n.type in ("call_expression", "member_expression", "await_expression"):
        label = a.taint_of(n)
        root = root_identifier(n) if n.type != "await_expression" else None
        if (
            label is not None
            and (root is None or a.text(root) in a.requests or root.type != "identifier")
            and not (
                n.parent is not None
                and n.parent.type in ("member_expression", "call_expression", "await_expression")
                and a.taint_of(n.parent) is not None
            )
        ):
            if not harmless_read(n, a):  # `if (!req.body)`
                a.findings.append(Finding(n, label))
            return True
    return False


def _visit_uses(
    node: Node, a: Analysis, skip: Node | None = None, existence_ok: bool = False
) -> None:
    if skip is not None and node.id == skip.id:
        return
    stack = [node]
    while stack:
        n = stack.pop()
        if skip is not None and n.id == skip.id:
            continue
        if n.type in FUNCTION_TYPES:
            _visit(n, a)
            continue
        if _is_use(n, a):
            continue
        stack.extend(reversed(n.named_children))


def _find_sanitizer(node: Node, a: Analysis) -> Node | None:
    """The outermost zod validation call in an expression (`await schema.parseAsync(x)`), not
    looking into functions defined in it."""
    calls, starts = _calls_of(a.source)
    i = bisect_left(starts, node.start_byte)
    while i < len(calls) and calls[i].start_byte < node.end_byte:
        n = calls[i]
        i += 1
        if n.end_byte <= node.end_byte and a.validates(n) and not _in_function(n, node):
            return n
    return None


def _calls_of(source: SourceFile) -> tuple[list[Node], list[int]]:
    """The file's calls in source order, outer first, and their start offsets (for bisect)."""
    hit = source.memo.get(_CALLS_BY_START)
    if hit is None:
        from ..engine.queries import nodes_of_types

        calls = nodes_of_types(source, _CALLS)
        hit = source.memo.put(_CALLS_BY_START, (calls, [c.start_byte for c in calls]))
    return hit


_CALLS = frozenset({"call_expression"})


def _in_function(n: Node, top: Node) -> bool:
    """Whether a function lies between ``n`` and ``top`` (``top`` included)."""
    if n.id == top.id:
        return False
    p = n.parent
    while p is not None:
        if p.type in FUNCTION_TYPES:
            return True
        if p.id == top.id:
            return False
        p = p.parent
    return top.type in FUNCTION_TYPES


def _validate(call: Node, a: Analysis, result: Node | None) -> None:
    arg = sanitized_argument(call, a)
    if arg is None:
        return
    names = [n for n in _validated_names(arg, a) if n in a.tainted]
    a.validated.update(names)
    fn = callee(call)
    prop = fn.child_by_field_name("property") if fn is not None else None
    method = a.text(prop) if prop is not None else ""
    if (
        len(names) == 1
        and method.startswith("safe")
        and result is not None
        and result.type == "identifier"
    ):
        a.safe_results[a.text(result)] = names[0]


def _validated_names(arg: Node, a: Analysis) -> list[str]:
    """The names whose values a validation call checks: `x`, `x.y`, and the members of
    `{ ...x, id }` / `[x, Schema]` (helpers such as `validateInputs([x, ZX], [y, ZY])`)."""
    if arg.type in ("object", "array"):
        out: list[str] = []
        for child in arg.named_children:
            if child.type == "shorthand_property_identifier":
                out.append(a.text(child))
                continue
            value = child.child_by_field_name("value") if child.type == "pair" else child
            if value is not None and value.type == "spread_element" and value.named_children:
                value = value.named_children[0]
            if value is not None:
                out.extend(_validated_names(value, a))
        return out
    root = root_identifier(arg) if arg.type != "identifier" else arg
    return [a.text(root)] if root is not None else []


def _safeparse_failure(cond: Node, a: Analysis) -> str | None:
    """`!result.success` / `result.success === false` / `result.error` → the input name whose
    raw value must not be used inside that branch."""
    text = a.text(cond)
    for result, input_name in a.safe_results.items():
        if re.search(
            rf"!\s*{re.escape(result)}\.success\b|\b{re.escape(result)}\.success\s*===?\s*false|\b{re.escape(result)}\.error\b",
            text,
        ):
            return input_name
    return None


def _names_validated_anywhere(body: Node, a: Analysis) -> set[str]:
    out: set[str] = set()
    calls, starts = _calls_of(a.source)
    for n in calls[bisect_left(starts, body.start_byte) : bisect_left(starts, body.end_byte)]:
        if n.end_byte <= body.end_byte and a.validates(n):
            arg = sanitized_argument(n, a)
            if arg is not None:
                out.update(_validated_names(arg, a))
    return out
