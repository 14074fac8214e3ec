"""Following untrusted request input through one function, to the first place it is used
before a zod schema validated it.

Intra-procedural and flow-ordered: it follows variables, destructuring, spreads, `await`,
member access, method calls on the input (`searchParams.get("id")`), `Object.fromEntries`,
`JSON.parse`, collections the function fills (`chunks.push(value)`), and helper functions
that pass a parameter to a zod schema. A helper handed the request itself is followed through
the ``delegate`` the caller supplies (analysis.zod reads its definition). It does not follow
values through closures called later, or through object fields assigned after creation.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .nextjs import FUNCTION_TYPES, function_body, parameters

if TYPE_CHECKING:
    from tree_sitter import Node

    from ..engine.source import SourceFile

ZOD_METHODS = frozenset({"parse", "safeParse", "parseAsync", "safeParseAsync", "spa"})
NOT_ZOD = frozenset(
    {
        "JSON",
        "Date",
        "qs",
        "querystring",
        "url",
        "path",
        "Number",
        "URL",
        "yaml",
        "YAML",
        "toml",
        "csv",
        "Papa",
        "marked",
        "cookie",
        "cookies",
        "semver",
    }
)
_ZOD_IMPORT = re.compile(
    rb"""from\s+["'](?:zod|zod/[\w/-]+|zod-form-data|@hono/zod-validator)["']|require\(\s*["']zod["']\s*\)"""
)


def imports_zod(data: bytes) -> bool:
    return bool(_ZOD_IMPORT.search(data))


def zod_module(data: bytes) -> bool:
    """A module whose schemas are taken to be zod's: it imports zod, or speaks of schemas."""
    return imports_zod(data) or b"schema" in data.lower()


REQUEST_SOURCES = {
    "json": "await req.json()",
    "formData": "await req.formData()",
    "text": "await req.text()",
    "arrayBuffer": "await req.arrayBuffer()",
    "blob": "await req.blob()",
}
REQUEST_FIELDS = {"body": "req.body", "query": "req.query"}
URL_INPUT = "the query string (new URL(req.url))"
# The parts of the request's URL that are not its query string.
_URL_PARTS = frozenset({"pathname", "origin", "host", "hostname", "protocol", "port", "hash"})
# Calls on these hand back (a form of) their first argument.
_CONVERTERS = frozenset({"Object", "JSON", "Array", "Buffer"})
# Methods that hand back their argument decoded: `new TextDecoder().decode(bytes)`.
_DECODERS = frozenset({"decode", "concat"})
_INPUTISH = re.compile(r"body|json|form|search|query|input|payload|buffer|raw", re.I)


def callee(call: Node) -> Node | None:
    """The function a call calls. tree-sitter reads `await f<T>(x)` as a call of `await f`:
    the `await` is looked through."""
    fn = call.child_by_field_name("function")
    if fn is not None and fn.type == "await_expression" and fn.named_children:
        return fn.named_children[0]
    return fn


_IDENT = re.compile(r"[A-Za-z_$][\w$]*")
_EXISTENCE_OPS = frozenset({"!", "typeof", "void"})


@dataclass
class Finding:
    node: Node
    label: str  # the input: "await req.json()", "searchParams", "the action's `data` argument"
    # Where the use is when ``node`` is the call that led there, in another file:
    # "in handleDownload() (src/lib/download.ts:12)". Empty when ``node`` is the use.
    where: str = ""


@dataclass
class Delegated:
    """What a function does with the input it is handed: its unvalidated uses, and (for a
    helper handed the request, `handle(req)`) whether it hands input back."""

    findings: list[Finding]
    returns_input: bool  # it hands input back (`return req.json()`): the result is input


# Where a call hands the request: (argument position, "") for the argument itself,
# (position, key) for a property of an object argument (`upload({ token, request })`).
Handed = list[tuple[int, str]]
# (the call, where it hands the request) -> what the helper does, or None when its
# definition was not found
Delegate = Callable[["Node", Handed], "Delegated | None"]


@dataclass
class Analysis:
    """Per function: which names hold untrusted input, which were validated."""

    source: SourceFile
    requests: set[str]  # names bound to the request object
    tainted: dict[str, str] = field(default_factory=dict)  # name -> input label
    validated: set[str] = field(default_factory=set)
    safe_results: dict[str, str] = field(default_factory=dict)  # safeParse result -> input name
    is_sanitizer: Callable[[Node], bool] = lambda _n: False
    extra_validators: frozenset[str] = frozenset()
    helper_kind: Callable[[str], str | None] = lambda _n: None  # analysis.helpers verdicts
    findings: list[Finding] = field(default_factory=list)
    failure_branch: set[str] = field(default_factory=set)  # inputs raw inside `if (!r.success)`
    validated_later: set[str] = field(default_factory=set)  # names some zod call validates
    delegate: Delegate = lambda _call, _handed: None
    delegated: dict[int, Delegated | None] = field(default_factory=dict)  # per call node
    # A helper handed the request, not an entry point: what it returns goes back to the
    # caller (who judges that use), so a return is not a use.
    helper_mode: bool = False
    returns_input: bool = False
    collections: set[str] = field(default_factory=set)  # `const chunks = []` and the like

    def validates(self, call: Node) -> bool:
        """Whether the call validates with zod. A plain function call (`validateBody(x)`) or a
        method that is no zod parse (`api.post.create(x)`, a tRPC procedure maybe) is only
        looked up — its definition read, maybe in another file — when an argument mentions the
        request or a name holding input."""
        fn = callee(call)
        prop = fn.child_by_field_name("property") if fn is not None else None
        if fn is not None and (
            fn.type == "identifier"
            or (
                fn.type == "member_expression"
                and (prop is None or self.text(prop) not in ZOD_METHODS)
            )
        ):
            args = call.child_by_field_name("arguments")
            if args is None or not args.named_children:
                return False
            names = set(_IDENT.findall(self.text(args)))
            if not (names & self.requests or names & self.tainted.keys()):
                return False
        return self.is_sanitizer(call)

    # ------------------------------------------------------------------ taint of an expression

    def text(self, node: Node) -> str:
        return self.source.text(node)

    def taint_of(self, node: Node | None) -> str | None:
        """The input label when the expression's value is (part of) untrusted input."""
        if node is None:
            return None
        t = node.type
        if t == "identifier":
            name = self.text(node)
            if name in self.tainted and (name not in self.validated or name in self.failure_branch):
                return self.tainted[name]
            return None
        if t in (
            "parenthesized_expression",
            "as_expression",
            "satisfies_expression",
            "non_null_expression",
            "await_expression",
            "spread_element",
            "type_assertion",
        ):
            kids = [c for c in node.named_children if c.type not in ("type_annotation",)]
            return self.taint_of(kids[0]) if kids else None
        if t in {"member_expression", "subscript_expression"}:
            obj = node.child_by_field_name("object")
            prop = node.child_by_field_name("property")
            if (
                obj is not None
                and obj.type == "identifier"
                and self.text(obj) in self.requests
                and prop is not None
            ):
                name = self.text(prop)
                if name in REQUEST_FIELDS:
                    return REQUEST_FIELDS[name]
                if name == "nextUrl":
                    return None  # req.nextUrl itself; .searchParams below
            if (
                prop is not None
                and self.text(prop) == "searchParams"
                and obj is not None
                and self._is_request_url(obj)
            ):
                return "the query string (searchParams)"
            found = self.taint_of(obj)
            if found == URL_INPUT and prop is not None and self.text(prop) in _URL_PARTS:
                return None  # `new URL(req.url).pathname`: the route, not the query string
            return found
        if t == "call_expression":
            fn = callee(node)
            args = node.child_by_field_name("arguments")
            arg_nodes = list(args.named_children) if args is not None else []
            if fn is not None and fn.type == "member_expression":
                obj = fn.child_by_field_name("object")
                prop = fn.child_by_field_name("property")
                method = self.text(prop) if prop is not None else ""
                if obj is not None and self.is_request(obj):
                    return REQUEST_SOURCES.get(method)
                if self.validates(node):
                    return None
                receiver = self.taint_of(obj)
                if receiver is not None:
                    return receiver  # searchParams.get("id"), body.map(...), formData.get(...)
                if (
                    obj is not None
                    and arg_nodes
                    and (self.text(obj) in _CONVERTERS or method in _DECODERS)
                ):
                    # Object.fromEntries(x), JSON.parse(x), Buffer.from(await req.arrayBuffer())
                    return self.taint_of(arg_nodes[0])
                return None
            if fn is not None and fn.type == "identifier":
                name = self.text(fn)
                if name in self.extra_validators:
                    return None
                if self.validates(node):
                    return None
                # A helper handed the request that reads input from it: parseRequestBody(req),
                # handleDownload(req, false). Its body is followed like the entry point's: a
                # use in it is a finding, and what it returns is input when it hands input
                # back. Without a definition, its name decides.
                handed = self.handed(arg_nodes)
                if handed:
                    kind = self.helper_kind(name)
                    if kind == "reads":
                        done = self.follow(node, handed)
                        # It hands nothing back that can be seen (a use inside it is
                        # reported there), unless its name says it reads the body and what
                        # it resolves with could not be followed (`readRequestBody(req)`
                        # collecting a stream into a promise).
                        if (
                            done is not None
                            and not done.returns_input
                            and (done.findings or not _INPUTISH.search(name))
                        ):
                            return None
                    if kind == "reads" or (kind is None and _INPUTISH.search(name)):
                        return f"{name}({self.text(arg_nodes[handed[0][0]])})"
                if (
                    name in ("String", "Number", "structuredClone", "Boolean", "decodeURIComponent")
                    and arg_nodes
                ):
                    return self.taint_of(arg_nodes[0])
            return None
        if t in ("object", "array"):
            for child in node.named_children:
                value = child.child_by_field_name("value") if child.type == "pair" else child
                if child.type == "shorthand_property_identifier":
                    name = self.text(child)
                    if name in self.tainted and name not in self.validated:
                        return self.tainted[name]
                    continue
                found = self.taint_of(value)
                if found is not None:
                    return found
            return None
        if t in (
            "binary_expression",
            "ternary_expression",
            "template_string",
            "template_substitution",
        ):
            for child in node.named_children:
                found = self.taint_of(child)
                if found is not None:
                    return found
            return None
        if t == "new_expression":
            # new URL(req.url): its searchParams are the query string
            if self._is_request_url(node):
                return URL_INPUT
            return None
        return None

    def handed(self, args: list[Node]) -> Handed:
        """Where a call's arguments hand over the request: `f(req)`, `f({ token, req })`,
        `f({ request: req })`."""
        out: Handed = []
        for i, arg in enumerate(args):
            if self.is_request(arg):
                out.append((i, ""))
            elif arg.type == "object":
                for prop in arg.named_children:
                    if prop.type == "shorthand_property_identifier" and self.is_request(prop):
                        out.append((i, self.text(prop)))
                    elif prop.type == "pair":
                        key = prop.child_by_field_name("key")
                        value = prop.child_by_field_name("value")
                        if key is not None and value is not None and self.is_request(value):
                            out.append((i, self.text(key)))
        return out

    def follow(self, call: Node, handed: Handed) -> Delegated | None:
        """The helper ``call`` hands the request to, followed once. Its findings are kept
        when it hands no input back; when it does, the caller's use of what it returns is
        the one reported (a parser shared by every route is reported where each uses it)."""
        if call.id not in self.delegated:
            done = self.delegated[call.id] = self.delegate(call, handed)
            if done is not None and not done.returns_input:
                self.findings.extend(done.findings)
        return self.delegated[call.id]

    def is_request(self, node: Node) -> bool:
        """A name bound to the request, or a clone of it (`req.clone().text()`)."""
        if node.type in ("identifier", "shorthand_property_identifier"):
            return self.text(node) in self.requests
        if node.type == "call_expression":
            fn = callee(node)
            prop = fn.child_by_field_name("property") if fn is not None else None
            obj = fn.child_by_field_name("object") if fn is not None else None
            return (
                prop is not None
                and obj is not None
                and self.text(prop) == "clone"
                and self.is_request(obj)
            )
        return False

    def _is_request_url(self, node: Node) -> bool:
        """`req.nextUrl` or `new URL(req.url)`."""
        if node.type == "member_expression":
            obj = node.child_by_field_name("object")
            prop = node.child_by_field_name("property")
            return bool(
                obj is not None
                and prop is not None
                and obj.type == "identifier"
                and self.text(obj) in self.requests
                and self.text(prop) == "nextUrl"
            )
        if node.type == "new_expression":
            ctor = node.child_by_field_name("constructor")
            args = node.child_by_field_name("arguments")
            if (
                ctor is not None
                and self.text(ctor) == "URL"
                and args is not None
                and args.named_children
            ):
                first = look_through(args.named_children[0])  # new URL(req.url!)
                return bool(
                    first.type == "member_expression"
                    and self.text(first).split(".")[0] in self.requests
                )
        if node.type == "parenthesized_expression" and node.named_children:
            return self._is_request_url(node.named_children[0])
        if node.type == "identifier":
            return self.text(node) in self.url_names
        return False

    url_names: set[str] = field(default_factory=set)  # `const url = new URL(req.url)`

    # ------------------------------------------------------------------ binding names

    def bind(self, pattern: Node, label: str) -> None:
        for name in pattern_names(pattern, self.source):
            self.tainted[name] = label
            self.validated.discard(name)

    def clean(self, pattern: Node) -> None:
        for name in pattern_names(pattern, self.source):
            self.tainted.pop(name, None)


def request_parameters(fn: Node, source: SourceFile, handed: Handed) -> set[str]:
    """The names ``fn``'s parameters give the request a call hands it: `(req) =>`,
    `({ token, request }) =>`, `({ request: r }) =>`."""
    params = parameters(fn)
    names: set[str] = set()
    for i, key in handed:
        p: Node | None = params[i] if i < len(params) else None
        if p is not None and p.type in ("required_parameter", "optional_parameter"):
            p = p.child_by_field_name("pattern")
        if p is None:
            continue
        if not key and p.type == "identifier":
            names.add(source.text(p))
        elif key and p.type == "object_pattern":
            for prop in p.named_children:
                if prop.type == "shorthand_property_identifier_pattern":
                    if source.text(prop) == key:
                        names.add(key)
                elif prop.type == "pair_pattern":
                    k, v = prop.child_by_field_name("key"), prop.child_by_field_name("value")
                    if (
                        k is not None
                        and v is not None
                        and v.type == "identifier"
                        and source.text(k) == key  # `({ request: r })`
                    ):
                        names.add(source.text(v))
    return names


def pattern_names(pattern: Node, source: SourceFile) -> list[str]:
    out: list[str] = []
    stack = [pattern]
    while stack:
        n = stack.pop()
        if n.type in ("identifier", "shorthand_property_identifier_pattern"):
            out.append(source.text(n))
        elif n.type in (
            "object_pattern",
            "array_pattern",
            "pair_pattern",
            "rest_pattern",
            "assignment_pattern",
            "object_assignment_pattern",
        ):
            for c in n.named_children:
                if n.type == "pair_pattern" and c == n.child_by_field_name("key"):
                    continue
                if n.type in (
                    "assignment_pattern",
                    "object_assignment_pattern",
                ) and c == n.child_by_field_name("right"):
                    continue
                stack.append(c)
    return out


def _root_identifier(node: Node) -> Node | None:
    while node.type in (
        "member_expression",
        "subscript_expression",
        "call_expression",
        "non_null_expression",
        "parenthesized_expression",
    ):
        nxt = (
            node.child_by_field_name("object")
            if node.type != "call_expression"
            else node.child_by_field_name("function")
        )
        if nxt is None:
            nxt = node.named_children[0] if node.named_children else None
        if nxt is None:
            return None
        node = nxt
    return node if node.type == "identifier" else None


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


def _visit(node: Node, a: Analysis) -> None:
    t = node.type
    if t in FUNCTION_TYPES:
        # A nested function (a callback) sees the outer names; analyse it in place.
        body = function_body(node)
        if body is not None:
            _visit(body, a)
        return
    if t == "variable_declarator":
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
        label = a.taint_of(value) or _verified_payload(value, a)
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
        return
    if t == "assignment_expression":
        left = node.child_by_field_name("left")
        right = node.child_by_field_name("right")
        if left is not None and right is not None and left.type == "identifier":
            sanitizer = _find_sanitizer(right, a)
            if sanitizer is not None:
                _validate(sanitizer, a, result=left)
                a.clean(left)
                return
            label = a.taint_of(right) or _verified_payload(right, a)
            if label is not None:
                a.bind(left, label)
                return
        _visit_uses(node, a)
        return
    if t == "if_statement":
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
        return
    if t == "switch_body":
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
        return
    if t in (
        "lexical_declaration",
        "variable_declaration",
        "statement_block",
        "expression_statement",
        "else_clause",
        "try_statement",
        "catch_clause",
        "finally_clause",
        "for_statement",
        "for_in_statement",
        "while_statement",
        "do_statement",
        "switch_statement",
        "switch_body",
        "switch_case",
        "switch_default",
        "labeled_statement",
        "return_statement",
        "throw_statement",
    ):
        if t in ("expression_statement", "return_statement", "throw_statement"):
            inner = node.named_children[0] if node.named_children else None
            if inner is not None and inner.type == "assignment_expression":
                _visit(inner, a)
                return
            if (
                inner is not None
                and t == "return_statement"
                and a.helper_mode
                and (a.taint_of(inner) is not None or _verified_payload(inner, a) is not None)
            ):
                # A helper's `return await req.json()`: input handed back to the caller.
                a.returns_input = True
                return
            if inner is not None and t == "expression_statement" and _collects(inner, a):
                return
            if inner is not None and t == "expression_statement":
                # `await req.json()` read and dropped: not a use.
                sanitizer = _find_sanitizer(inner, a)
                if sanitizer is not None:
                    _validate(sanitizer, a, result=None)
                    _visit_uses(inner, a, skip=sanitizer)
                    return
                if _is_bare_source(inner, a):
                    return
            if inner is not None:
                _visit_uses_and_functions(inner, a)
            return
        for child in node.named_children:
            _visit(child, a)
        return
    _visit_uses_and_functions(node, a)


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
            if _harmless_read(n, a) or _signature_check(n, a):
                return True
            if name in a.validated_later and not _escapes(n, a):
                return True  # inspected or normalised before the schema parses it
            a.findings.append(Finding(n, a.tainted[name]))
        return True
    if n.type in ("call_expression", "member_expression", "await_expression"):
        label = a.taint_of(n)
        root = _root_identifier(n) if n.type != "await_expression" else None
        if (
            label is not None
            and (root is None or a.text(root) in a.requests or root.type != "identifier")
            and not (
                n.parent is not None
                and n.parent.type in ("member_expression", "call_expression", "await_expression")
                and a.taint_of(n.parent) is not None
            )
        ):
            if not _harmless_read(n, a):  # `if (!req.body)`
                a.findings.append(Finding(n, label))
            return True
    return False


_VERIFY = re.compile(r"^(?:verify\w*|constructEvent\w*|parseThinEvent|\w*[sS]ignature\w*)$")
# What a signature check hands back: the payload it authenticated.
_VERIFIED = re.compile(r"^(?:verify|constructEvent|parseThinEvent)")


def _signature_check(n: Node, a: Analysis) -> bool:
    """The raw body handed to a signature check (`verifyQstashSignature({ req, rawBody })`,
    `stripe.webhooks.constructEvent(body, sig, secret)`, an HMAC of it:
    `createHmac("sha256", secret).update(body)`): authenticating the bytes, not using them.
    What the check returns is still input (see _verified_payload)."""
    node = n.parent
    while node is not None and node.type in ("pair", "object", "arguments", "array"):
        if node.type == "arguments":
            call = node.parent
            if call is None:
                return False
            name = _called_name(call, a)
            return bool(_VERIFY.match(name)) or (name == "update" and _hmac(call, a))
        node = node.parent
    return False


def _hmac(call: Node, a: Analysis) -> bool:
    """`crypto.createHmac(alg, key).update(x)`: the receiver is an HMAC being computed."""
    fn = callee(call)
    receiver = fn.child_by_field_name("object") if fn is not None else None
    return receiver is not None and "createHmac" in a.text(receiver)


def _called_name(call: Node, a: Analysis) -> str:
    """`verify` for `verify(x)`, `constructEvent` for `stripe.webhooks.constructEvent(x)`."""
    fn = callee(call)
    name = (
        fn.child_by_field_name("property")
        if fn is not None and fn.type == "member_expression"
        else fn
    )
    return a.text(name) if name is not None else ""


# Wrappers that leave a value as it is: `await x`, `(x)`, `x as T`, `x satisfies T`, `x!`.
LOOK_THROUGH = frozenset(
    {
        "await_expression",
        "parenthesized_expression",
        "as_expression",
        "satisfies_expression",
        "non_null_expression",
    }
)


def look_through(node: Node) -> Node:
    """The value inside ``LOOK_THROUGH`` wrappers."""
    while node.type in LOOK_THROUGH and node.named_children:
        node = node.named_children[0]
    return node


def _verified_payload(value: Node, a: Analysis) -> str | None:
    """`const event = stripe.webhooks.constructEvent(body, sig, secret)`, `wh.verify(body, h)`:
    a signature check hands back the payload it checked, authenticated but not validated."""
    value = look_through(value)  # `wh.verify(body, headers) as WebhookEvent`
    if value.type != "call_expression":
        return None
    if not _VERIFIED.match(_called_name(value, a)):
        return None
    args = value.child_by_field_name("arguments")
    for arg in args.named_children if args is not None else []:
        label = a.taint_of(arg)
        if label is not None:
            return label
    return None


def _harmless_read(n: Node, a: Analysis) -> bool:
    """`!x`, `typeof x`, `x == null`, `if (req.body)`: checking presence, not using the
    value."""
    parent = n.parent
    if parent is None:
        return False
    if parent.type == "unary_expression":
        op = parent.child_by_field_name("operator")
        return op is not None and a.text(op) in _EXISTENCE_OPS
    if parent.type == "binary_expression":
        other = (
            parent.child_by_field_name("right")
            if parent.child_by_field_name("left") == n
            else parent.child_by_field_name("left")
        )
        return other is not None and a.text(other) in ("null", "undefined")
    if parent.type == "member_expression" and parent.child_by_field_name("object") == n:
        # `url.pathname` of `const url = new URL(req.url)`: the route, not the query string
        prop = parent.child_by_field_name("property")
        return (
            prop is not None
            and a.text(prop) in _URL_PARTS
            and a.tainted.get(a.text(n)) == URL_INPUT
        )
    if parent.type == "parenthesized_expression" and n.type == "member_expression":
        # `if (req.body)`: whether the request has a body at all
        obj = n.child_by_field_name("object")
        return (
            parent.parent is not None
            and parent.parent.type in ("if_statement", "while_statement")
            and obj is not None
            and a.is_request(obj)
        )
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
    hit = source.memo.get("calls_by_start")
    if hit is None:
        from ..engine.queries import nodes_of_types

        calls = nodes_of_types(source, _CALLS)
        hit = source.memo["calls_by_start"] = (calls, [c.start_byte for c in calls])
    return hit  # type: ignore[return-value]


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
    root = _root_identifier(arg) if arg.type != "identifier" else arg
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


ACTION_WRAPPER_INPUTS = frozenset({"parsedInput", "clientInput", "input"})


def route_inputs(
    fn: Node,
    source: SourceFile,
    kind: str,
    wrapper_inputs: Iterable[str],
    wrapped: bool = False,
) -> tuple[set[str], dict[str, str], dict[str, str]]:
    """(request names, tainted names -> label, route-param names -> label) from the handler's
    parameters."""
    requests: set[str] = set()
    inputs: dict[str, str] = {}
    params: dict[str, str] = {}
    wrapper_names = set(wrapper_inputs)
    plist = parameters(fn)
    for i, p in enumerate(plist):
        pattern = (
            p.child_by_field_name("pattern")
            if p.type in ("required_parameter", "optional_parameter")
            else p
        )
        if pattern is None:
            continue
        if kind == "action":
            if wrapped and _destructures_action_input(pattern, source):
                # next-safe-action and friends hand `{ parsedInput, ctx }`: only the input counts.
                if pattern.type == "object_pattern":
                    for child in pattern.named_children:
                        key_n = (
                            child.child_by_field_name("key")
                            if child.type == "pair_pattern"
                            else child
                        )
                        if key_n is None or source.text(key_n) not in ACTION_WRAPPER_INPUTS:
                            continue
                        value_n = (
                            child.child_by_field_name("value")
                            if child.type == "pair_pattern"
                            else None
                        )
                        bound = value_n if value_n is not None else key_n
                        for name in pattern_names(bound, source) or [source.text(key_n)]:
                            inputs[name] = f"the action's `{source.text(key_n)}`"
                continue
            for name in pattern_names(pattern, source):
                inputs[name] = f"the action's `{name}` argument"
            continue
        if pattern.type == "identifier":
            name = source.text(pattern)
            if i == 0:
                requests.add(name)
            elif i == 1 and kind == "route":
                params[name] = f"route params (`{name}`)"
            continue
        if pattern.type == "object_pattern":
            for child in pattern.named_children:
                key_node = (
                    child.child_by_field_name("key") if child.type == "pair_pattern" else child
                )
                if key_node is None:
                    continue
                if child.type == "object_assignment_pattern":
                    left = child.child_by_field_name("left")
                    key = source.text(left) if left is not None else ""
                    local = key
                else:
                    key = source.text(key_node)
                    value = (
                        child.child_by_field_name("value") if child.type == "pair_pattern" else None
                    )
                    local = (
                        source.text(value)
                        if value is not None and value.type == "identifier"
                        else key
                    )
                if key in ("req", "request"):
                    requests.add(local)
                elif key == "params":
                    inner = (
                        child.child_by_field_name("value") if child.type == "pair_pattern" else None
                    )
                    if inner is not None and inner.type in ("object_pattern", "array_pattern"):
                        for name in pattern_names(inner, source):
                            params[name] = "route params"
                    else:
                        params[local] = "route params (`params`)"
                elif key in wrapper_names:
                    inputs[local] = f"`{key}` handed in by the wrapper"
    return requests, inputs, params


def _destructures_action_input(pattern: Node, source: SourceFile) -> bool:
    """`({ parsedInput, ctx }) => …`: the handler of an action client; plain parameters of a
    wrapped function (`cache(async (id) => …)`) are the caller's raw arguments."""
    return pattern.type == "object_pattern" and any(
        source.text((c.child_by_field_name("key") if c.type == "pair_pattern" else c) or c)
        .split("=")[0]
        .strip()
        in ACTION_WRAPPER_INPUTS | {"ctx", "bindArgsParsedInputs"}
        for c in pattern.named_children
    )


def _names_validated_anywhere(body: Node, a: Analysis) -> set[str]:
    out: set[str] = set()
    calls, starts = _calls_of(a.source)
    for n in calls[bisect_left(starts, body.start_byte) : bisect_left(starts, body.end_byte)]:
        if n.end_byte <= body.end_byte and a.validates(n):
            arg = sanitized_argument(n, a)
            if arg is not None:
                out.update(_validated_names(arg, a))
    return out


_CALLS = frozenset({"call_expression"})


def _escapes(n: Node, a: Analysis) -> bool:
    """Whether a read of input leaves the value's own inspection: handed to another function,
    returned, thrown or rendered — rather than tested or tidied in place."""
    node = n.parent
    while node is not None and node.type not in (
        "statement_block",
        "program",
        "if_statement",
        "expression_statement",
        "lexical_declaration",
    ):
        if node.type == "arguments":
            call = node.parent
            fn = call.child_by_field_name("function") if call is not None else None
            root = _root_identifier(fn) if fn is not None else None
            if root is None or a.text(root) not in a.tainted:
                return True
        if node.type in ("return_statement", "throw_statement", "jsx_expression"):
            return True
        node = node.parent
    return node is not None and node.type in ("return_statement", "throw_statement")
