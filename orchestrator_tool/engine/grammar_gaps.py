"""Parsing TypeScript with tree-sitter, around the grammar's known gaps, and the regions that
could not be parsed.

tree-sitter-typescript rejects a few forms that TypeScript accepts. When a file's first tree
has an error, the bytes of each such form inside an error region are replaced by bytes of the
same length that the grammar reads as the same construct, and the file is parsed again. The
substitution keeps every byte offset (and so every line and column), and the tree reads its
text from the original bytes. A substituted tree is kept only when every substitution is read
as the construct it stands for, outside any error, and no line that parsed before fails now;
otherwise the first tree stands. A file whose first tree has no error is parsed once, as
before.

The gaps (tree-sitter-typescript 0.23):

- a bare ``&`` in JSX text or in a JSX string attribute (``<p>Terms & Conditions</p>``,
  ``<a href="?a=1&b=2">``), which TypeScript reads as text: it becomes ``x``, and the site
  must be read as JSX text or as the attribute's string;
- ``typeof import("x")`` as the first type argument of a call (``importOriginal<typeof
  import("./api")>()``), read as a comparison: ``import`` becomes ``Import``, and the site must
  be the callee of a call inside a ``type_query``. The tree then has an ``identifier`` where
  the grammar's own node is ``import``; its text is still ``import``, so the import rules read
  the specifier as they do from every other ``typeof import("x")``;
- ``export type * from "x"`` and ``export type * as ns from "x"``: ``type`` becomes spaces, the
  statement is a re-export, and the import rules still read it as type-only (they read the
  statement's text);
- an escape that is not one (``\\u00``) in a tagged template such as ``String.raw`...```,
  where TypeScript allows it: the backslash becomes ``x``, and the site must be text of a
  tagged template;
- a NUL character in a string, a template, a regular expression or a comment (it can end the
  whole parse): it becomes a space, and the site must be text of the literal or the comment.

Type arguments on a tagged template (``prisma.$queryRaw<Row[]>`...```) have no node in the
grammar: tree-sitter reads them as if a ``!`` followed (``tag<T>!`...```), skipping no text,
and that assumed token is not reported (unless the grammar misplaces it, as in the second
branch of a conditional). Not worked around, and so reported as regions that could not be
parsed: an import type followed by type arguments, ``[]`` or an index (``import("x").T<U>``,
``import("x").T[]``), ``import("x").T`` as the first type argument of a call, and
``i < unique.length`` (``unique`` read as the type operator).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tree_sitter import Node, Parser, Tree

# Parses of a substitution, at most: one whose substitutions are not all read as intended
# drops those and tries again; one that fails on lines that parsed before looks for the forms
# there too.
_ROUNDS = 4


def parse(parser: Parser, data: bytes, jsx: bool, check: Callable[[Tree], None]) -> Tree:
    """The tree of ``data``: tree-sitter's own, or the tree of a substitution around the
    grammar's gaps when that reads more of the file (see the module's docstring). ``check``
    sees each tree before anything walks it, and may refuse it by raising."""
    tree = parser.parse(data)
    check(tree)
    if not tree.root_node.has_error:
        return tree
    sites = _sites(data, tree.root_node, jsx)
    tried = {s.start for s in sites}  # a site once misread is not tried again
    before = set(_lines(tree.root_node))
    for _ in range(_ROUNDS):
        if not sites:
            break
        # The tree keeps the buffer it was parsed from and reads Node.text out of it: once
        # parsed, the buffer gets the original bytes back (same length, same offsets).
        buffer = bytearray(data)
        for site in sites:
            buffer[site.start : site.start + len(site.gap.replacement)] = site.gap.replacement
        candidate = parser.parse(buffer)
        buffer[:] = data
        check(candidate)
        root = candidate.root_node
        misread = [s for s in sites if not _read_as_intended(root, s)]
        if misread:
            sites = [s for s in sites if s not in misread]
            continue
        if set(_lines(root)) <= before:
            return candidate
        # Read further, the parse fails where it did not before: on a form the first error
        # hid (a second `&` in a link the first one derailed), or on a substitution's account.
        more = [s for s in _sites(data, root, jsx) if s.start not in tried]
        if not more:
            break
        tried.update(s.start for s in more)
        sites = sorted([*sites, *more], key=lambda s: s.start)
    return tree


def unparsed_regions(root: Node) -> tuple[tuple[int, int], ...]:
    """The 1-based (first line, last line) of each region tree-sitter could not parse: an
    ERROR node's lines, or the line of a token it had to assume (a MISSING node), overlapping
    and adjacent regions merged. Not the `!` it assumes after a tagged template's type
    arguments (`` sql<Row[]>`…` ``): that is how the grammar reads the form, and no text is
    skipped."""
    if not root.has_error:
        return ()
    regions: list[tuple[int, int]] = []
    for first, last in sorted(_spans(root, every=False)):
        if regions and first <= regions[-1][1] + 1:
            regions[-1] = (regions[-1][0], max(regions[-1][1], last))
        else:
            regions.append((first, last))
    return tuple(regions)


def _lines(root: Node) -> Iterator[int]:
    """Every line with an error or an assumed token."""
    for first, last in _spans(root, every=True):
        yield from range(first, last + 1)


def _spans(root: Node, every: bool) -> Iterator[tuple[int, int]]:
    for node in _error_nodes(root):
        if not every and _tagged_template_type_arguments(node):
            continue
        first, last = node.start_point.row, node.end_point.row
        if last > first and node.end_point.column == 0:
            last -= 1  # an ERROR that ends with a line break does not reach the next line
        yield first + 1, last + 1


def _error_nodes(root: Node) -> Iterator[Node]:
    """ERROR and MISSING nodes, outermost only; subtrees without an error are not entered."""
    stack = [root]
    while stack:
        node = stack.pop()
        if node.is_error or node.is_missing:
            yield node
        elif node.has_error:
            stack.extend(node.children)


def _tagged_template_type_arguments(node: Node) -> bool:
    """The `!` tree-sitter assumes in `` tag<T>`…` ``: the tag with its type arguments is
    read as `tag<T>!`, called with the template."""
    wrapper = node.parent
    call = wrapper.parent if wrapper is not None else None
    if not node.is_missing or node.type != "!" or wrapper is None or call is None:
        return False
    inner = wrapper.named_children[0] if wrapper.named_children else None
    template = call.child_by_field_name("arguments")
    return (
        wrapper.type == "non_null_expression"
        and inner is not None
        and inner.type == "instantiation_expression"
        and call.type == "call_expression"
        and call.child_by_field_name("function") == wrapper
        and template is not None
        and template.type == "template_string"
    )


# --------------------------------------------------------------------------- the gaps


@dataclass(frozen=True, slots=True)
class _Gap:
    pattern: re.Pattern[bytes]  # group 1 is the site
    replacement: bytes  # as long as group 1
    read_as_intended: Callable[[Node, int], bool]  # (the re-parsed root, the site's offset)
    jsx: bool = False  # only in the TSX grammar
    # The form may sit anywhere in the statement the error is in, lines before it: the parser
    # read on, wrongly, and failed later. Otherwise the error starts on the form's line.
    statement: bool = False


@dataclass(frozen=True, slots=True)
class _Site:
    start: int
    gap: _Gap


def _leaf(root: Node, offset: int) -> Node | None:
    return root.descendant_for_byte_range(offset, offset + 1)


def _jsx_text(root: Node, offset: int) -> bool:
    node = _leaf(root, offset)
    if node is None:
        return False
    if node.type == "jsx_text":
        return True
    string = node.parent if node.type == "string_fragment" else None
    return (
        string is not None
        and string.type == "string"
        and string.parent is not None
        and string.parent.type == "jsx_attribute"
    )


def _import_type_query(root: Node, offset: int) -> bool:
    node = _leaf(root, offset)
    if node is None or node.type != "identifier" or node.start_byte != offset:
        return False
    call = node.parent
    if call is None or call.type != "call_expression":
        return False
    if call.child_by_field_name("function") != node:
        return False
    holder = call.parent
    while holder is not None and holder.type == "member_expression":
        holder = holder.parent
    return holder is not None and holder.type == "type_query" and not holder.has_error


def _type_star_export(root: Node, offset: int) -> bool:
    node = _leaf(root, offset)
    return (
        node is not None
        and node.type == "export_statement"
        and not node.has_error
        and node.child_by_field_name("source") is not None
        and any(c.type in ("*", "namespace_export") for c in node.children)
    )


def _literal_text(root: Node, offset: int) -> bool:
    node = _leaf(root, offset)
    if node is None:
        return False
    if node.type in ("comment", "jsx_text", "regex_pattern"):
        return True
    literal = node.parent if node.type == "string_fragment" else None
    return literal is not None and literal.type in ("string", "template_string")


def _tagged_template_text(root: Node, offset: int) -> bool:
    node = _leaf(root, offset)
    template = node.parent if node is not None and node.type == "string_fragment" else None
    if template is None or template.type != "template_string":
        return False
    call = template.parent
    return (
        call is not None
        and call.type == "call_expression"
        and call.child_by_field_name("arguments") == template
    )


_GAPS = (
    # `&` that does not start a character reference (the grammar's own pattern for one)
    _Gap(
        re.compile(rb"(&)(?!#[xX][0-9a-fA-F]{1,6};|#[0-9]{1,5};|[A-Za-z]{1,30};)"),
        b"x",
        _jsx_text,
        jsx=True,
    ),
    _Gap(re.compile(rb"<\s*typeof\s+(i)mport\s*\("), b"I", _import_type_query, statement=True),
    _Gap(re.compile(rb"\bexport\s+(type)\s*\*"), b"    ", _type_star_export),
    # a backslash that starts no escape the grammar knows; `\\` pairs are skipped first
    _Gap(
        re.compile(rb"\\\\|(\\)(?:u(?![0-9a-fA-F]{4}|\{[0-9a-fA-F]+\})|x(?![0-9a-fA-F]{2}))"),
        b"x",
        _tagged_template_text,
    ),
    # a NUL character in a string, a template, a regular expression or a comment
    _Gap(re.compile(rb"(\x00)"), b" ", _literal_text),
)


def _sites(data: bytes, root: Node, jsx: bool) -> list[_Site]:
    """Where a gap's form sits in an error region's lines (or its statement's, see _Gap)."""
    found: dict[int, _Site] = {}
    for node in _error_nodes(root):
        end = data.find(b"\n", node.end_byte)
        end = end if end >= 0 else len(data)
        for gap in _GAPS:
            if gap.jsx and not jsx:
                continue
            start = _statement_start(root, node) if gap.statement else node.start_byte
            for m in gap.pattern.finditer(data, data.rfind(b"\n", 0, start) + 1, end):
                if m.start(1) >= 0:
                    found.setdefault(m.start(1), _Site(m.start(1), gap))
    return [found[k] for k in sorted(found)]


# Nodes whose children are statements (or members).
_BLOCKS = frozenset({"program", "statement_block", "class_body", "switch_case", "switch_default"})


def _statement_start(root: Node, node: Node) -> int:
    """Where the statement an error is in starts: `await f<typeof import("x")>(\n"x",\n)` is
    read as comparisons, and the error is only the trailing comma lines later. An error
    between statements starts with the one before it (`f<typeof import("x")>()` leaves the
    `()` outside)."""
    path = _ancestors(root, node)
    i = 0
    while i + 1 < len(path) and path[i + 1].type not in _BLOCKS:
        i += 1
    top = path[i]
    before = top.prev_sibling if top == node else None
    return (before or top).start_byte


def _read_as_intended(root: Node, site: _Site) -> bool:
    if not site.gap.read_as_intended(root, site.start):
        return False
    node = _leaf(root, site.start)
    return node is None or not any(n.is_error or n.is_missing for n in _ancestors(root, node))


def _ancestors(root: Node, node: Node) -> list[Node]:
    """``node`` and its ancestors up to ``root``, innermost first. Found from the root down:
    Node.parent searches down from the root on every call, so walking up with it costs the
    square of the depth."""
    down = [root]
    while down[-1] != node:
        child = down[-1].child_with_descendant(node)
        if child is None:
            break
        down.append(child)
    return down[::-1]
