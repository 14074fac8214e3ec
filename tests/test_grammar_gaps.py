"""Forms TypeScript accepts and tree-sitter's grammar does not: each is read whole after a
same-length substitution, never at the cost of a construct a validator reads; what is left is
reported as regions, with the lines tree-sitter could not parse."""

from __future__ import annotations

import pytest
from tree_sitter import Parser

from orchestrator_tool.engine.grammar_gaps import unparsed_regions
from orchestrator_tool.engine.imports import imports_of
from orchestrator_tool.engine.languages import language_of
from orchestrator_tool.engine.runner import check_source
from orchestrator_tool.engine.settings import Settings
from orchestrator_tool.engine.source import SourceFile, ts_language
from orchestrator_tool.engine.spec import load_specs

from .conftest import REPO

# (file name, code): each is valid TypeScript (tsc 5.9 parses it without a diagnostic).
GAPS = [
    ("terms.tsx", "export const T = () => <p>Terms & Conditions</p>;\n"),
    (
        "amp-text.tsx",
        "const a = (\n  <p>\n    Drag & drop or{' '}\n    <b>browse</b> &{' '}\n  </p>\n);\n",
    ),
    ("link.tsx", 'export const L = () => <a href="/s?plan=team&billing=yearly">Plans</a>;\n'),
    ("single.tsx", "export const L = () => <a href='?a=1&b=2' title=\"x\">Plans</a>;\n"),
    ("mock.test.ts", 'const actual = await importOriginal<typeof import("./api")>();\n'),
    (
        "mock2.test.ts",
        'vi.mock("x", async (orig) => ({ ...(await orig<typeof import("x").a>()) }));\n',
    ),
    ("mock3.test.tsx", "const m = f<typeof import('m'), Foo>();\n"),
    ("index.ts", 'export { a } from "./a";\nexport type * from "./types";\n'),
    ("ns.ts", 'export type * as models from "./models";\n'),
    ("raw.test.ts", "const cases = [String.raw`Acme\\u00 Corp`, String.raw`a\\x4 \\u{12`];\n"),
    (
        "spread.test.ts",
        "const actual =\n  await vi.importActual<typeof import('./mail')>(\n    './mail',\n  );\n",
    ),
    ("nul.ts", "const sep = '\\0'; const key = `a\0b`; // \0\nconst re = /[\\s\0]/;\n"),
]


def _source(name: str, code: str) -> SourceFile:
    language = language_of(name)
    assert language is not None
    return SourceFile(name, code.encode(), language)


def _grammar_alone_fails(source: SourceFile) -> bool:
    return bool(Parser(ts_language(source.grammar)).parse(source.data).root_node.has_error)


@pytest.mark.parametrize(("name", "code"), GAPS, ids=[g[0] for g in GAPS])
def test_a_gap_is_read_whole(name: str, code: str) -> None:
    source = _source(name, code)
    # the grammar's gap is still there (when a grammar upgrade closes it, the workaround goes)
    assert _grammar_alone_fails(source)
    assert not source.tree.root_node.has_error
    assert source.unparsed() == ()


def test_the_tree_reads_the_original_bytes() -> None:
    source = _source("terms.tsx", GAPS[0][1])
    text = source.tree.root_node.descendant_for_byte_range(29, 30)
    assert text is not None and text.type == "jsx_text"
    assert text.text == b"Terms & Conditions"  # Node.text too, not only source.text
    assert source.text(text) == "Terms & Conditions"


def test_jsx_ampersands_are_text_and_attribute_strings() -> None:
    source = _source("link.tsx", GAPS[2][1])
    offset = source.data.index(b"&")
    leaf = source.tree.root_node.descendant_for_byte_range(offset, offset + 1)
    assert leaf is not None and leaf.type == "string_fragment"
    assert leaf.parent is not None and leaf.parent.parent is not None
    assert leaf.parent.parent.type == "jsx_attribute"
    assert source.text(leaf) == "/s?plan=team&billing=yearly"


def test_typeof_import_is_a_type_argument_and_still_an_import() -> None:
    source = _source("mock.test.ts", GAPS[4][1])
    offset = source.data.index(b"typeof")
    query = source.tree.root_node.descendant_for_byte_range(offset, offset + 6)
    assert query is not None and query.parent is not None
    assert query.parent.type == "type_query"
    assert query.parent.parent is not None and query.parent.parent.type == "type_arguments"
    # read as every other `typeof import("x")` is: the import rules see its specifier
    (imp,) = imports_of(source)
    assert (imp.specifier, imp.kind) == ("./api", "dynamic")
    assert source.data[imp.start : imp.end] == b"./api"


def test_a_type_only_star_re_export_stays_type_only() -> None:
    source = _source("index.ts", GAPS[7][1])
    assert not source.imports_from_header  # read from the tree, not the header lexer
    found = [(i.specifier, i.kind, i.type_only) for i in imports_of(source)]
    assert found == [("./a", "export", False), ("./types", "export", True)]
    assert not source.tree.root_node.has_error
    ns = _source("ns.ts", GAPS[8][1])
    assert [(i.specifier, i.type_only) for i in imports_of(ns)] == [("./models", True)]


def test_a_type_only_re_export_is_not_server_code_in_a_client_module() -> None:
    specs = tuple(s for s in load_specs() if s.code in ("ANY001", "RSC001"))
    head = '"use client";\nexport const x: any = 1;\n'  # ANY001 parses the file first
    typed = _source("panel.tsx", head + 'export type * from "node:fs";\n')
    found = check_source(typed, Settings(specs)).diagnostics
    assert typed.parsed and typed.unparsed() == ()
    assert [d.code for d in found] == ["ANY001"]
    value = _source("panel.tsx", head + 'export * from "node:fs";\n')
    found = check_source(value, Settings(specs)).diagnostics
    assert [(d.code, d.line) for d in found] == [("ANY001", 2), ("RSC001", 3)]


def test_a_form_the_first_error_hid_is_found_on_the_next_parse() -> None:
    code = (
        "export function HelpLinks() {\n"
        "  return (\n"
        "    <nav>\n"
        "      <p>Q&A (questions, answers)</p>\n"
        "      {/* Legal: terms, privacy */}\n"
        '      <a href="/terms?lang=en&ref=footer">Terms & Privacy</a>\n'
        "      {/* Icons: every glyph, any size */}\n"
        "      <link\n"
        '        rel="preload"\n'
        '        href="https://fonts.example.com/icons?family=Outlined:opsz@20..48&display=swap"\n'
        "      />\n"
        "    </nav>\n"
        "  );\n"
        "}\n"
    )
    source = _source("help.tsx", code)
    own = Parser(ts_language("tsx")).parse(source.data).root_node
    # line 10's `&` is outside every error region of the first parse
    regions = unparsed_regions(own)
    assert regions and all(not first <= 10 <= last for first, last in regions)
    assert source.unparsed() == ()


def test_a_nul_outside_a_literal_is_not_read_away() -> None:
    source = _source("bad.ts", "const a = 1;\nconst b = 2 \0 3;\n")
    assert source.unparsed() == ((2, 2),)


def test_an_invalid_escape_is_only_read_whole_in_a_tagged_template() -> None:
    # TypeScript rejects it in an untagged template: the region stays unparsed
    source = _source("raw.ts", "const ok = 1;\nconst s = `Acme\\u00 Corp`;\n")
    assert _grammar_alone_fails(source)
    assert source.unparsed() == ((2, 2),)


def test_any_after_a_jsx_ampersand_is_found_at_its_column() -> None:
    (any001,) = [s for s in load_specs() if s.code == "ANY001"]
    code = (
        "export const Footer = ({ onPick }: { onPick: (x: unknown) => void }) => (\n"
        "  <footer>\n"
        "    <p>Terms & Conditions</p>\n"
        '    <a href="?a=1&b=2" onClick={(e: any) => onPick(e)}>Accept & go</a>\n'
        "  </footer>\n"
        ");\n"
        "const mod = await load<typeof import('./m')>(); const v = mod as any;\n"
    )
    source = _source("footer.tsx", code)
    result = check_source(source, Settings((any001,)))
    assert result.unparsed == ()
    assert [(d.line, d.column, d.end_column) for d in result.diagnostics] == [
        (4, 37, 40),
        (7, 66, 69),
    ]


def test_a_real_syntax_error_is_still_an_unparsed_region_with_its_lines() -> None:
    code = (
        "export const Terms = () => <p>Terms & Conditions</p>;\n"
        "export function total(items: number[]) {\n"
        "  return items.reduce((a, b) => a + b, 0;\n"
        "}\n"
        "export const Ok = () => <p>Q & A</p>;\n"
    )
    source = _source("page.tsx", code)
    assert source.unparsed() == ((3, 3),)
    # the ampersands around it were still read as JSX text
    for line in (1, 5):
        offset = source.line_starts()[line - 1] + code.splitlines()[line - 1].index("&")
        leaf = source.tree.root_node.descendant_for_byte_range(offset, offset + 1)
        assert leaf is not None and leaf.type == "jsx_text"


def test_code_ampersands_in_an_error_region_are_left_alone() -> None:
    # `&&` and `&` in code next to a real error: substituting them would be misread, so the
    # tree stays tree-sitter's own and the region is reported as it found it
    code = "const ok = a && b;\nconst bad = (a & b;\nconst after = 1;\n"
    source = _source("calc.ts", code)
    own = Parser(ts_language("typescript")).parse(source.data)
    assert source.unparsed() == unparsed_regions(own.root_node) == ((2, 2),)
    assert str(source.tree.root_node) == str(own.root_node)


def test_a_tagged_template_with_type_arguments_skips_no_text() -> None:
    # tree-sitter reads it as if a `!` followed the type arguments: nothing is left unread
    code = "const rows = await db.$queryRaw<{ id: string }[]>`\n  SELECT id FROM t\n`;\n"
    source = _source("q.ts", code)
    assert source.tree.root_node.has_error
    assert source.unparsed() == ()
    # in a conditional's second branch the grammar puts the `!` around the whole conditional,
    # which misreads it: that line is reported
    code = (
        "const rows = fresh\n"
        "  ? await db.$queryRaw<Row[]>`SELECT 1`\n"
        "  : await db.$queryRaw<Row[]>`SELECT 2`;\n"
    )
    assert _source("q.ts", code).unparsed() == ((3, 3),)


def test_an_import_type_with_type_arguments_is_an_unparsed_region() -> None:
    code = "export class C {\n  get(): Promise<\n    import('axios').AxiosResponse<R>\n  > {\n    return this.r;\n  }\n}\n"
    source = _source("c.ts", code)
    regions = source.unparsed()
    assert regions and regions[0][0] == 2  # from the method it could not read, onwards


def test_a_python_syntax_error_is_the_whole_file_with_its_line() -> None:
    source = SourceFile("tool.py", b"import os\n\ndef f(:\n    pass\n", "python")
    assert source.unparsed() == ((1, 4),)
    assert source.syntax_error
    assert SourceFile("ok.py", b"x = 1\n", "python").unparsed() == ()


def test_the_gap_fixtures_are_read_whole() -> None:
    fixture = REPO / "fixtures" / "validators" / "ANY001" / "grammar-gaps.tsx"
    source = _source(fixture.name, fixture.read_text())
    assert _grammar_alone_fails(source)
    assert source.unparsed() == ()
