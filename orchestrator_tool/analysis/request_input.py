"""Where untrusted request input enters a function: the request's body readers and fields, the
query string, route params, a server action's arguments, the names a wrapper hands in, and the
parameters of a helper a call hands the request to."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from .nextjs import parameters
from .syntax import pattern_names

if TYPE_CHECKING:
    from tree_sitter import Node

    from ..engine.source import SourceFile


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
URL_PARTS = frozenset({"pathname", "origin", "host", "hostname", "protocol", "port", "hash"})
# Where a call hands the request: (argument position, "") for the argument itself,
# (position, key) for a property of an object argument (`upload({ token, request })`).
Handed = list[tuple[int, str]]


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
