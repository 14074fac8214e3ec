"""The taint of one function: which names hold untrusted request input and which a zod schema
validated, what an expression's value is (``Analysis.taint_of``), and what a helper handed the
request does with it (``Delegated``). analysis.taint_flow walks the function and fills it."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .request_input import REQUEST_FIELDS, REQUEST_SOURCES, URL_INPUT, URL_PARTS, Handed
from .syntax import callee, look_through, pattern_names
from .zod_names import ZOD_METHODS

if TYPE_CHECKING:
    from tree_sitter import Node

    from ..engine.source import SourceFile


# Calls on these hand back (a form of) their first argument.
_CONVERTERS = frozenset({"Object", "JSON", "Array", "Buffer"})
# Methods that hand back their argument decoded: `new TextDecoder().decode(bytes)`.
_DECODERS = frozenset({"decode", "concat"})
# Expressions whose value is their (first) operand's.
_WRAPPERS = frozenset(
    {
        "parenthesized_expression",
        "as_expression",
        "satisfies_expression",
        "non_null_expression",
        "await_expression",
        "spread_element",
        "type_assertion",
    }
)
# Expressions that hold input when any of their parts does.
_COMBINATIONS = frozenset(
    {"binary_expression", "ternary_expression", "template_string", "template_substitution"}
)
# Functions that hand back (a form of) their first argument.
_PASS_THROUGH = frozenset({"String", "Number", "structuredClone", "Boolean", "decodeURIComponent"})
_INPUTISH = re.compile(r"body|json|form|search|query|input|payload|buffer|raw", re.I)
_IDENT = re.compile(r"[A-Za-z_$][\w$]*")


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
        if t in _WRAPPERS:
            kids = [c for c in node.named_children if c.type not in ("type_annotation",)]
            return self.taint_of(kids[0]) if kids else None
        if t in ("member_expression", "subscript_expression"):
            return self._member_taint(node)
        if t == "call_expression":
            return self._call_taint(node)
        if t in ("object", "array"):
            return self._collection_taint(node)
        if t in _COMBINATIONS:
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

    def _member_taint(self, node: Node) -> str | None:
        """`req.body`, `req.nextUrl.searchParams`, `body.items[0]`: a field of the request, or
        of a value that holds input."""
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
        if found == URL_INPUT and prop is not None and self.text(prop) in URL_PARTS:
            return None  # `new URL(req.url).pathname`: the route, not the query string
        return found

    def _call_taint(self, node: Node) -> str | None:
        fn = callee(node)
        args = node.child_by_field_name("arguments")
        arg_nodes = list(args.named_children) if args is not None else []
        if fn is not None and fn.type == "member_expression":
            return self._method_call_taint(node, fn, arg_nodes)
        if fn is not None and fn.type == "identifier":
            return self._function_call_taint(node, self.text(fn), arg_nodes)
        return None

    def _method_call_taint(self, node: Node, fn: Node, arg_nodes: list[Node]) -> str | None:
        """`req.json()`, `searchParams.get("id")`, `JSON.parse(x)`, `schema.parse(x)`."""
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
        if obj is not None and arg_nodes and (self.text(obj) in _CONVERTERS or method in _DECODERS):
            # Object.fromEntries(x), JSON.parse(x), Buffer.from(await req.arrayBuffer())
            return self.taint_of(arg_nodes[0])
        return None

    def _function_call_taint(self, node: Node, name: str, arg_nodes: list[Node]) -> str | None:
        """`validateBody(x)`, `parseRequestBody(req)`, `String(x)`."""
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
        if name in _PASS_THROUGH and arg_nodes:
            return self.taint_of(arg_nodes[0])
        return None

    def _collection_taint(self, node: Node) -> str | None:
        """An object or array literal holding input: `{ ...body }`, `[id, name]`."""
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
