"""Small readings of TypeScript syntax the analyses share: the function a call calls, the value
inside `await`/`as`/`!` wrappers, the names a binding pattern binds, the name an access chain
starts from."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tree_sitter import Node

    from ..engine.source import SourceFile


def callee(call: Node) -> Node | None:
    """The function a call calls. tree-sitter reads `await f<T>(x)` as a call of `await f`:
    the `await` is looked through."""
    fn = call.child_by_field_name("function")
    if fn is not None and fn.type == "await_expression" and fn.named_children:
        return fn.named_children[0]
    return fn


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


def root_identifier(node: Node) -> Node | None:
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
