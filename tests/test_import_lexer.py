"""The header import lexer answers exactly what the parse tree answers, or nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from orchestrator_tool.engine.import_lexer import header_imports
from orchestrator_tool.engine.imports import _tree_imports, imports_of
from orchestrator_tool.engine.languages import language_of
from orchestrator_tool.engine.source import SourceFile

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"

# Headers the lexer reads itself (and must read as the tree does).
READ = [
    "",
    "#!/usr/bin/env node\nimport a from 'a'\n",
    "\ufeffimport a from 'a';\n",
    '"use client";\n\nimport { useState } from "react";\nexport const A = 1;\n',
    "'use server'\nimport 'server-only'\nimport * as z from 'zod'\nexport async function f() {}\n",
    "import type { A, B } from './types';\nimport { type C, type D } from './c'\nconst x = 1\n",
    "import { type A, b } from './mixed';\nimport def, { c as d, e } from '@repo/ui';\n",
    "import def, * as ns from 'lib'\nimport type Def from 'lib/types'\nimport type * as T from 't'\n",
    "import type from 'weird'\nimport type, { a } from 'weird2'\nimport type from from 'w3'\n",
    "import { default as X, 'a-b' as ab } from 'x'\nimport {} from 'empty-braces'\n",
    "import x = require('legacy')\nimport type y = require('legacy-types');\n",
    "export * from './a'\nexport * as b from './b';\nexport type * from './c'\n",
    "export type * as d from './d'\nexport { e, f as g, default } from './e'\n",
    "export type { H } from './h'\nexport { i };\nexport {}\nexport const j = 2\n",
    "export { k as 'string-name' } from './k'\n",
    "/** @jsxImportSource preact */\n// leading comment\nimport { h } from 'preact'\n// a\n/* b */\n",
    "import a from 'a'   ;  \nimport b from \"b\"\r\nimport c from 'c';export {}\n",
    "import '' \nimport a from 'a'\n",
    "import a from 'a'\nexport default function App() { return <p>Don't do this</p> }\n",
    "import a from 'a'\nconst t = `${x}`; const r = /from 'x'/\nexport { a }\n",
    "import a from 'a'\nexport default { a }\nexport type T = { b: string }\n",
    "import {\n  a,\n  b, // why\n  c,\n} from 'multi-line'\n",
]

# Shapes the lexer leaves to the tree (None), each for a reason named beside it.
LEAVE = [
    "import a from 'a'\nconst b = await import('b')\n",  # a dynamic import later
    "import a from 'a'\nconst b = require('b')\n",  # a require later
    "import a from 'a'\nfoo()\nimport c from 'c'\n",  # an import after code
    "import a from 'a'\nfoo()\nexport * from 'c'\n",  # a re-export after code
    "import a from 'a'\nconst b = 1import c from 'c'\n",  # a number, then an import
    "import a from 'a'\nconst b = 1export * from 'c'\n",
    "import a from 'a'\nfoo()\nexport { c } from 'c'\n",
    "import a from 'a'\nfoo()\nexport /* x */ { c } from 'c'\n",
    "import a from 'a'\nfoo()\nexport { c, // }\n d } from 'c'\n",
    "import a from 'a'\nfoo()\n// see how we import things\n",  # the word alone is enough
    "import a from 'a' // trailing\n",  # the tree takes a trailing comment into the statement
    "import data from './d.json' with { type: 'json' }\n",  # an import attribute
    "import a from 'a' /* why */;\n",  # a block comment inside the statement
    "import a from 'a\\u0062'\n",  # an escape in the specifier
    "import.meta.url\n",
    "import a from 'a'\n;\n",  # the tree takes a `;` on the next line into the statement
    "import { a b } from 'a'\n",  # not TypeScript
    "import x = Foo.Bar\n",
    "/* unterminated\nimport a from 'a'\n",
    '"use client" + x\nimport a from "a"\n',
    # line breaks and spaces the tree reads differently from ASCII ones
    "import a from 'a'\r// c\rimport b from 'b'\r",
    "import 'x'\r// c\n",
    "import\u00a0a from 'a';",
    "import a from 'a'\nexport const x = 1\nexport\u00a0* from 'y'\n",
    "import a from 'a'\u2028import b from 'b'\n",
    # where the tree ends the statement early or misreads it
    "export\n{ a } from 'x'\n",
    "export type\n* from 'x'\n",
    "import type = require('a')\n",
]


def _tree(code: str, path: str = "a.tsx") -> list[object]:
    data = code.encode()
    return list(_tree_imports(SourceFile(path, data, language_of(path) or "tsx")))


@pytest.mark.parametrize("code", READ)
def test_headers_are_read_as_the_tree_reads_them(code: str) -> None:
    lexed = header_imports(code.encode())
    assert lexed is not None, "the lexer should vouch for this header"
    assert lexed == _tree(code)


@pytest.mark.parametrize("code", LEAVE)
def test_unusual_shapes_are_left_to_the_tree(code: str) -> None:
    assert header_imports(code.encode()) is None


def test_a_type_only_import_and_a_mixed_one_keep_their_kinds() -> None:
    code = "import type { A } from './a'\nimport { type B, c } from './b'\n"
    lexed = header_imports(code.encode())
    assert lexed is not None
    assert [(i.specifier, i.type_only, i.kind) for i in lexed] == [
        ("./a", True, "import"),
        ("./b", False, "import"),
    ]


def test_imports_of_reads_the_header_without_parsing_and_parses_when_unsure() -> None:
    plain = SourceFile("a.ts", b"import a from '@repo/a'\nexport const b = a\n", "typescript")
    plain.imports_from_header = True
    assert [i.specifier for i in imports_of(plain)] == ["@repo/a"]
    assert not plain.parsed
    later = SourceFile("b.ts", b"export const b = 1\nconst c = require('c')\n", "typescript")
    later.imports_from_header = True
    assert [i.specifier for i in imports_of(later)] == ["c"]
    assert later.parsed


def _fixture_sources() -> list[Path]:
    return sorted(
        p
        for p in FIXTURES.rglob("*")
        if p.is_file() and language_of(p.name) not in (None, "python")
    )


def test_every_fixture_file_the_lexer_reads_matches_the_tree() -> None:
    files = _fixture_sources()
    assert len(files) > 100
    read = 0
    for path in files:
        data = path.read_bytes()
        lexed = header_imports(data)
        if lexed is None:
            continue
        read += 1
        source = SourceFile(path.name, data, language_of(path.name) or "tsx")
        assert lexed == _tree_imports(source), path
    assert read > len(files) // 2


PIECES = [
    "import a from 'a'",
    'import { b, type c } from "@repo/b";',
    "import type { D } from './d'",
    "import * as e from 'e';",
    "import f, { g as h } from 'f'",
    "import 'side-effect'",
    "import i = require('i');",
    "export * from './j'",
    "export { k } from './k';",
    "export type { L } from './l'",
    "export { m };",
    "'use client'",
    '"use server";',
    "// a comment",
    "/* a block\n comment */",
    "/** doc */",
    "",
    ";",
    "const n = require('n')",
    "const o = await import('o')",
    "export const p = 1",
    "export default function Q() { return <div>it's {p}</div> }",
    "const r = `import ${'s'} from 't'`",
    "const u = /import/.test(v) ? 1 : 2 / 3",
    "export { w } from 'w' // trailing",
    "import x from 'x' with { type: 'json' }",
    "declare module 'y' { export const z: number }",
    "export * as aa from 'aa';",
    "import {\n  bb,\n  cc,\n} from 'bb'",
    "import dd from 'dd'   ;",
    "import type from 'ee'",
    "import type, { ff } from 'ff'",
    "import { gg as hh, type ii as jj, } from 'gg'",
    "import kk, * as ll from 'kk'",
    "export type * from 'mm';",
    "import{nn}from'nn'",
    "import'oo'",
    'export{pp}from"pp"',
    "qq = 1",
]


def test_random_headers_are_read_as_the_tree_reads_them_or_left_to_it() -> None:
    import random

    rng = random.Random(20261121)
    lexed_count = 0
    for _ in range(3000):
        lines = [rng.choice(PIECES) for _ in range(rng.randint(1, 8))]
        sep = rng.choice(["\n", "\n\n", "\r\n", " ", "\n  ", ""])
        code = sep.join(lines) + rng.choice(["", "\n"])
        lexed = header_imports(code.encode())
        if lexed is None:
            continue
        lexed_count += 1
        assert lexed == _tree(code), code
    assert lexed_count > 500
