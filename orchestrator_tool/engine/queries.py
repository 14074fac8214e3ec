"""Finding a file's nodes without walking its tree in Python: by type, with a tree-sitter
query (the traversal runs in C), or by word, from the word's occurrences in the text (a few
look-ups in the tree where a traversal would visit every node). What is found is kept in the
file's memo: each set of types, and each word, is looked up once per file."""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from typing import TYPE_CHECKING

from .memo import MemoKey
from .source import SourceFile, ts_language

if TYPE_CHECKING:
    from tree_sitter import Node, Query


_NODES_BY_TYPES: MemoKey[dict[frozenset[str], list[Node]]] = MemoKey("nodes_by_types")
_WORD_TOKENS: MemoKey[dict[str, list[Node]]] = MemoKey("word_tokens")
_ASYNC_FUNCTIONS: MemoKey[list[tuple[Node, Node, Node]]] = MemoKey("async_functions")


@lru_cache(maxsize=128)
def compile_query(grammar: str, text: str) -> Query:
    """A tree-sitter query for the grammar, compiled once per process."""
    from tree_sitter import Query

    query: Query = Query(ts_language(grammar), text)
    return query


@lru_cache(maxsize=256)
def _type_query(grammar: str, types: frozenset[str]) -> Query | None:
    """`[(a) (b)] @n` for the node types, or None when a type is not in the grammar."""
    try:
        return compile_query(grammar, "[" + " ".join(f"({t})" for t in sorted(types)) + "] @n")
    except Exception:  # a type the grammar does not have: walk in Python instead
        return None


def walk(root: Node, types: frozenset[str] | None = None) -> Iterator[Node]:
    """Every node under ``root`` (or those of ``types``), depth first, in source order: a
    traversal in Python, for what a query cannot find."""
    cursor = root.walk()
    while True:
        node = cursor.node
        if node is not None and (types is None or node.type in types):
            yield node
        if cursor.goto_first_child():
            continue
        while not cursor.goto_next_sibling():
            if not cursor.goto_parent():
                return


def nodes_of_types(source: SourceFile, types: frozenset[str]) -> list[Node]:
    """The file's nodes of ``types`` in source order (outer before inner), found by a
    tree-sitter query — the traversal runs in C — once per file and set of types."""
    memo = source.memo.once(_NODES_BY_TYPES, dict)
    nodes = memo.get(types)
    if nodes is None:
        query = _type_query(source.grammar, types)
        if query is None:
            nodes = list(walk(source.tree.root_node, types))
        else:
            from tree_sitter import QueryCursor

            found = QueryCursor(query).captures(source.tree.root_node).get("n", [])
            nodes = sorted(found, key=lambda n: (n.start_byte, -n.end_byte))
        memo[types] = nodes
    return nodes


def word_tokens(source: SourceFile, word: str) -> list[Node]:
    """The tokens that are exactly ``word`` (a keyword such as `catch` or `async`, or a name
    such as `console`), in source order: found from the word's occurrences in the text, not
    by a traversal of the whole tree, which costs far more when few nodes hold the word.
    Occurrences inside a longer name, a string or a comment are not tokens of their own."""
    memo = source.memo.once(_WORD_TOKENS, dict)
    tokens = memo.get(word)
    if tokens is None:
        tokens = []
        data = source.data
        needle = word.encode()
        size = len(needle)
        at = data.find(needle)
        root = source.tree.root_node if at >= 0 else None  # no occurrence: no parse
        while root is not None and at >= 0:
            tok = root.descendant_for_byte_range(at, at + size)
            if tok is not None and tok.start_byte == at and tok.end_byte == at + size:
                tokens.append(tok)
            at = data.find(needle, at + size)
        memo[word] = tokens
    return tokens


def keyword_parents(source: SourceFile, keyword: str, types: frozenset[str]) -> list[Node]:
    """The nodes of ``types`` that hold the token ``keyword`` as a child (`catch` →
    catch_clause), in source order."""
    found = []
    for tok in word_tokens(source, keyword):
        parent = tok.parent
        if parent is not None and parent.type in types:
            found.append(parent)
    found.sort(key=lambda n: (n.start_byte, -n.end_byte))
    return found


# Functions declared by name, and functions written as values (`const f = async () => …`).
FUNCTION_DECLARATIONS = frozenset({"function_declaration", "generator_function_declaration"})
FUNCTION_VALUES = frozenset({"arrow_function", "function_expression", "function"})


def async_functions(source: SourceFile) -> list[tuple[Node, Node, Node]]:
    """The file's named async functions, in source order, as (declaration, name, function):
    `async function f() {}` (the declaration is the function) and `const f = async () => …`
    (the declaration is the declarator). Found from the word `async`."""
    return source.memo.once(_ASYNC_FUNCTIONS, lambda: _async_functions(source))


def _async_functions(source: SourceFile) -> list[tuple[Node, Node, Node]]:
    found: list[tuple[Node, Node, Node]] = []
    for fn in keyword_parents(source, "async", FUNCTION_DECLARATIONS | FUNCTION_VALUES):
        decl = fn if fn.type in FUNCTION_DECLARATIONS else fn.parent
        if decl is None:
            continue
        if decl is not fn and (
            decl.type != "variable_declarator" or decl.child_by_field_name("value") != fn
        ):
            continue
        name = decl.child_by_field_name("name")
        if name is not None:
            found.append((decl, name, fn))
    return found
