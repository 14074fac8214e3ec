"""Reads of input that are not uses of it: a presence check (`!x`, `typeof x`, `if (req.body)`),
the raw bytes handed to a signature check or an HMAC, the payload such a check hands back
(authenticated, not validated), and an inspection in place before a schema parses the value."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .request_input import URL_INPUT, URL_PARTS
from .syntax import callee, look_through, root_identifier

if TYPE_CHECKING:
    from tree_sitter import Node

    from .taint import Analysis


_EXISTENCE_OPS = frozenset({"!", "typeof", "void"})
_VERIFY = re.compile(r"^(?:verify\w*|constructEvent\w*|parseThinEvent|\w*[sS]ignature\w*)$")
# What a signature check hands back: the payload it authenticated.
_VERIFIED = re.compile(r"^(?:verify|constructEvent|parseThinEvent)")


def signature_check(n: Node, a: Analysis) -> bool:
    """The raw body handed to a signature check (`verifyQstashSignature({ req, rawBody })`,
    `stripe.webhooks.constructEvent(body, sig, secret)`, an HMAC of it:
    `createHmac("sha256", secret).update(body)`): authenticating the bytes, not using them.
    What the check returns is still input (see verified_payload)."""
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


def verified_payload(value: Node, a: Analysis) -> str | None:
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


def harmless_read(n: Node, a: Analysis) -> bool:
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
            prop is not None and a.text(prop) in URL_PARTS and a.tainted.get(a.text(n)) == URL_INPUT
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


def escapes(n: Node, a: Analysis) -> bool:
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
            root = root_identifier(fn) if fn is not None else None
            if root is None or a.text(root) not in a.tainted:
                return True
        if node.type in ("return_statement", "throw_statement", "jsx_expression"):
            return True
        node = node.parent
    return node is not None and node.type in ("return_statement", "throw_statement")
