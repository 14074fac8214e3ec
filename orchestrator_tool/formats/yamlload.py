"""pnpm-workspace.yaml and other small YAML files: a fast path for the plain block YAML they
almost always are, and PyYAML, bounded, for the rest.

Importing PyYAML costs more than a whole workspace scan, so ``fast_load`` reads top-level
keys holding sequences or mappings of scalars itself, in one linear pass (a long line cannot
make it backtrack), and defers anything else (flow collections, anchors, block scalars, a
scalar YAML 1.1 would type differently) to ``load``.

A YAML file in the repository is untrusted input. Aliases let a few lines stand for a
document of billions of values (the "billion laughs": nine anchors, each nine aliases of the
previous one); PyYAML shares the aliased objects, but anything that walks or prints the result
expands it, and the run stalls while memory grows. So the composed node graph is measured
first — each node's expanded size once, linear in the file — and a document that would expand
past MAX_NODES, or refers to itself, is refused before anything is built from it. Numbers and
strings are bounded as in the JSON reader. Every refusal names the file, line and column.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import InputError
from .jsonc import MAX_NUMBER, MAX_STRING

if TYPE_CHECKING:
    import yaml

MAX_NODES = 100_000  # values of the document with every alias expanded
_NUMBER_TAGS = frozenset({"tag:yaml.org,2002:int", "tag:yaml.org,2002:float"})
_ALIAS_HINT = "write the values out instead of using anchors (&name) and aliases (*name)"


def _error(message: str, path: Path, node: yaml.Node | None, hint: str) -> InputError:
    mark = node.start_mark if node is not None else None
    return InputError(
        message,
        path=path,
        line=mark.line + 1 if mark else None,
        column=mark.column + 1 if mark else None,
        hint=hint,
    )


def _children(node: yaml.Node) -> list[yaml.Node]:
    import yaml

    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    return []


def check_bounds(root: yaml.Node, path: Path) -> None:
    """Refuse a document whose aliases expand past MAX_NODES or form a loop, and scalars
    past the JSON reader's bounds. Iterative, each node visited once."""
    import yaml

    size: dict[int, int] = {}
    on_path: set[int] = set()
    # (node, children pending?) — post-order without recursion: deep documents are legal.
    stack: list[tuple[yaml.Node, bool]] = [(root, True)]
    while stack:
        node, enter = stack.pop()
        key = id(node)
        if enter:
            if key in size:
                continue
            if key in on_path:
                raise _error(
                    "a YAML alias refers to a value that holds it", path, node, _ALIAS_HINT
                )
            if isinstance(node, yaml.ScalarNode):
                value = str(node.value)
                if node.tag in _NUMBER_TAGS and len(value) > MAX_NUMBER:
                    raise _error(
                        f"a number of {len(value)} characters (at most {MAX_NUMBER} are read)",
                        path,
                        node,
                        "write it as a string, or shorten it",
                    )
                if len(value) > MAX_STRING:
                    raise _error(
                        f"a string of {len(value)} characters (at most {MAX_STRING} are read)",
                        path,
                        node,
                        "shorten it",
                    )
                size[key] = 1
                continue
            on_path.add(key)
            stack.append((node, False))
            stack.extend((child, True) for child in _children(node))
            continue
        on_path.discard(key)
        total = 1 + sum(size[id(c)] for c in _children(node))
        if total > MAX_NODES:
            raise _error(
                f"YAML aliases expand this value to more than {MAX_NODES:,} values",
                path,
                node,
                _ALIAS_HINT,
            )
        size[key] = total


def load(text: str, path: Path) -> tuple[object, yaml.Node | None]:
    """The document in ``text`` (None when empty) and its node graph (for positions)."""
    import yaml

    loader_class = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, None
        check_bounds(node, path)
        data: object = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise InputError(
            f"invalid YAML: {exc.problem or exc.context}",
            path=path,
            line=mark.line + 1 if mark else None,
            column=mark.column + 1 if mark else None,
            hint="fix the YAML syntax at that position",
        ) from None
    except yaml.YAMLError as exc:
        raise InputError(f"invalid YAML: {exc}", path=path) from None
    except RecursionError:  # the pure-Python loader, without libyaml's nesting limit
        raise InputError(
            "invalid YAML: nested too deeply", path=path, hint="flatten the structure"
        ) from None
    except (ValueError, TypeError, OverflowError) as exc:  # a date like 2024-13-45
        raise InputError(f"invalid YAML value: {exc}", path=path) from None
    finally:
        loader.dispose()
    return data, node


# --------------------------------------------------------------------------- the fast path

# A line: an item (`- x`) or a key (`k:` / `k: v`). The item and the value run to the end of
# the line; their comment and trailing spaces are cut by _cut (a lazy `.*?` followed by
# ` *(?:#.*)?$` was quadratic on a long run of spaces).
_SIMPLE_LINE = re.compile(
    r"^(?P<indent> *)"
    r"(?:(?P<dash>- +)(?P<item>.*)"
    r"""|(?P<key>'[^']*'|"[^"]*"|[^\s'"#:][^:#]*):(?: +(?P<value>.*))?)$"""
)
_YAML_NUMBER = re.compile(r"^[-+]?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?$")
# Plain scalars YAML 1.1 (PyYAML) does not read as strings: the other forms of int and float
# (octal, hex, binary, base 60, `.5`, `.inf`), timestamps, and the merge and value keys. The
# fast path leaves them to PyYAML rather than typing them differently.
_YAML_TYPED = re.compile(
    r"""^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+
    |[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+
    |[-+]?[0-9][0-9_]*\.[0-9_]*(?:[eE][-+][0-9]+)?|[-+]?\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?
    |[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)
    |[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt \t].*)?|<<|=)$""",
    re.X,
)
_YAML_WORDS: dict[str, object] = {
    **dict.fromkeys(("true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON"), True),
    **dict.fromkeys(("false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF"), False),
    **dict.fromkeys(("null", "Null", "NULL", "~"), None),
}


def _cut(raw: str | None) -> tuple[bool, str | None]:
    """(understood, the scalar's text without its comment; None when there is none)."""
    if raw is None:
        return True, None
    text = raw.rstrip(" ")
    if text[:1] in ("'", '"'):
        quote, end = text[0], 1
        while True:
            end = text.find(quote, end)
            if end < 0:
                return False, None
            if quote == "'" and text[end + 1 : end + 2] == "'":
                end += 2  # '' is a quote inside a single-quoted scalar
                continue
            break
        rest = text[end + 1 :]
        if rest and not (rest.startswith(" ") and rest.lstrip(" ").startswith("#")):
            return False, None
        return True, text[: end + 1]
    if text.startswith("#"):
        return True, None
    comment = text.find(" #")  # a '#' starts a comment after a space only
    text = text[:comment].rstrip(" ") if comment >= 0 else text
    return True, text or None


def _simple_value(text: str) -> tuple[bool, object]:
    """(understood, value) for a scalar in a value position, typed as PyYAML types it."""
    if text in _YAML_WORDS:
        return True, _YAML_WORDS[text]
    if _YAML_NUMBER.match(text):
        return True, float(text) if "." in text else int(text)
    s = _simple_scalar(text)
    return s is not None, s


def _simple_scalar(text: str) -> str | None:
    """A quoted or plain string scalar; None for anything that needs a real YAML parser
    (booleans, numbers and nulls included, so the fast path never changes a value's type)."""
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        inner = text[1:-1]
        if text[0] == "'":
            return inner.replace("''", "'")
        return None if "\\" in inner else inner
    if not text or text[0] in "[]{}&*!|>%@`'\"-?,:#" or ": " in text or text.endswith(":"):
        return None
    if text.lower() in ("true", "false", "yes", "no", "on", "off", "null", "~"):
        return None
    if _YAML_TYPED.match(text):
        return None
    return text


def fast_load(text: str) -> tuple[dict[str, object], dict[str, tuple[int, int]]] | None:
    """The plain block YAML a pnpm-workspace.yaml almost always is: top-level keys holding
    sequences of scalars or mappings of scalars (two levels deep at most), and the 1-based
    position of each item of `packages`. None for anything else, which goes to ``load``."""
    data: dict[str, object] = {}
    positions: dict[str, tuple[int, int]] = {}
    top: str | None = None
    sub: str | None = None
    seq_indent = -1
    for lineno, raw in enumerate(text.split("\n"), 1):
        line = raw.rstrip("\r")
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if "\t" in line or stripped in ("---", "..."):
            return None
        m = _SIMPLE_LINE.match(line)
        if m is None:
            return None
        indent = len(m.group("indent"))
        if m.group("dash"):
            ok, item = _cut(m.group("item"))
            value = _simple_scalar(item) if ok and item is not None else None
            if value is None or top is None or indent > 2 or sub is not None:
                return None
            container = data.get(top)
            if container is None:
                container = data[top] = []
                seq_indent = indent
            if not isinstance(container, list) or indent != seq_indent:
                return None
            container.append(value)
            if top == "packages":
                positions.setdefault(value, (lineno, indent + len(m.group("dash")) + 1))
            continue
        key = _simple_scalar(m.group("key").rstrip(" "))
        ok, raw_value = _cut(m.group("value"))
        if key is None or not ok:
            return None
        if indent == 0:
            top, sub = key, None
            if raw_value is None:
                data[key] = None  # becomes a list or a mapping with the next line
            elif raw_value == "[]":
                data[key] = []
            elif raw_value == "{}":
                data[key] = {}
            else:
                ok, top_value = _simple_value(raw_value)
                if not ok:
                    return None
                data[key] = top_value
            continue
        if top is None:
            return None
        parent = data.get(top)
        if parent is None:
            parent = data[top] = {}
        if not isinstance(parent, dict):
            return None
        if indent == 2:
            if raw_value is None:
                parent[key] = None  # null, as YAML reads it, unless a deeper line follows
                sub = key
            else:
                ok, sub_value = _simple_value(raw_value)
                if not ok:
                    return None
                parent[key] = sub_value
                sub = None
        elif indent == 4 and sub is not None and raw_value is not None:
            ok, inner_value = _simple_value(raw_value)
            inner = parent.get(sub)
            if inner is None:
                inner = parent[sub] = {}
            if not ok or not isinstance(inner, dict):
                return None
            inner[key] = inner_value
        else:
            return None
    return data, positions
