"""Suppression comments: ours with a mandatory reason, and eslint's for migration."""

from __future__ import annotations

from orchestrator_tool.engine.runner import Settings, check_source
from orchestrator_tool.engine.source import SourceFile
from orchestrator_tool.engine.validator import load_specs

ANY = tuple(s for s in load_specs() if s.code == "ANY001")


def lines(code: str, *, eslint: bool = True, filename: str = "a.ts") -> list[tuple[int, str]]:
    src = SourceFile(filename, code.encode(), "tsx" if filename.endswith("x") else "typescript")
    result = check_source(src, Settings(ANY, honour_eslint_disable=eslint))
    return [(d.line, d.code) for d in result.diagnostics]


def test_orchestrator_ignore_next_line_with_reason() -> None:
    assert lines(
        "// orchestrator-ignore ANY001: SDK types are wrong\nlet a: any;\nlet b: any;"
    ) == [(3, "ANY001")]


def test_orchestrator_ignore_prefix_and_list() -> None:
    assert lines("// orchestrator-ignore IMP, ANY: legacy module\nlet a: any;") == []


def test_orchestrator_ignore_without_reason_is_a_finding_but_still_silences() -> None:
    assert lines("// orchestrator-ignore ANY001\nlet a: any;") == [(1, "SUP001")]


def test_orchestrator_ignore_file() -> None:
    code = "let a: any;\n/* orchestrator-ignore-file ANY001: generated */\nlet b: any;"
    assert lines(code) == []


def test_eslint_disable_next_line_and_line() -> None:
    code = (
        "// eslint-disable-next-line @typescript-eslint/no-explicit-any -- legacy\n"
        "let a: any;\n"
        "let b: any; // eslint-disable-line @typescript-eslint/no-explicit-any\n"
        "let c: any; // eslint-disable-line\n"
        "let d: any;\n"
    )
    assert lines(code) == [(5, "ANY001")]


def test_eslint_disable_naming_another_rule_does_not_silence() -> None:
    assert lines("// eslint-disable-next-line no-console\nlet a: any;") == [(2, "ANY001")]


def test_eslint_block_disable_enable_range() -> None:
    code = (
        "let a: any;\n"
        "/* eslint-disable @typescript-eslint/no-explicit-any */\n"
        "let b: any;\n"
        "/* eslint-enable @typescript-eslint/no-explicit-any */\n"
        "let c: any;\n"
    )
    assert lines(code) == [(1, "ANY001"), (5, "ANY001")]


def test_eslint_disable_in_a_line_comment_is_not_a_directive() -> None:
    # eslint honours eslint-disable / eslint-enable in block comments only.
    assert lines("// eslint-disable\nlet a: any;") == [(2, "ANY001")]


def test_directive_must_open_the_comment() -> None:
    assert lines("// see eslint-disable-next-line docs\nlet a: any;") == [(2, "ANY001")]


def test_directive_inside_a_string_is_not_a_comment() -> None:
    assert lines('const s = "// eslint-disable-next-line";\nlet a: any;') == [(2, "ANY001")]


def test_eslint_comments_can_be_turned_off() -> None:
    assert lines("// eslint-disable-next-line\nlet a: any;", eslint=False) == [(2, "ANY001")]


def test_whole_file_block_disable() -> None:
    assert lines("/* eslint-disable */\nlet a: any;\nlet b: any;") == []


def test_jsx_comment_directive() -> None:
    code = "const x = (\n  <div>\n    {/* eslint-disable-next-line @typescript-eslint/no-explicit-any */}\n    {(y as any)}\n  </div>\n);\n"
    assert lines(code, filename="a.tsx") == []


def test_python_orchestrator_ignore() -> None:
    specs = tuple(s for s in load_specs() if s.code == "ANY002")
    code = "from typing import Any\n# orchestrator-ignore ANY002: third-party callback\ndef f(x: Any) -> None: ...\ndef g(x: Any) -> None: ...\n"
    result = check_source(SourceFile("tool.py", code.encode(), "python"), Settings(specs))
    assert [(d.line, d.code) for d in result.diagnostics] == [(4, "ANY002")]


def test_eslint_inline_config_turning_the_rule_off_silences_the_file() -> None:
    assert (
        lines('let a: any;\n/* eslint @typescript-eslint/no-explicit-any: "off" */\nlet b: any;')
        == []
    )
    assert (
        lines("/* eslint @typescript-eslint/no-explicit-any: 0, no-console: 'warn' */\nlet b: any;")
        == []
    )
    assert lines('/* eslint @typescript-eslint/no-explicit-any: "error" */\nlet b: any;') == [
        (2, "ANY001")
    ]
    assert lines('// eslint @typescript-eslint/no-explicit-any: "off"\nlet b: any;') == [
        (2, "ANY001")
    ]


def test_jsdoc_style_and_unprefixed_names_do_not_silence() -> None:
    assert lines("/** eslint-disable-next-line */\nlet a: any;") == [(2, "ANY001")]
    assert lines("// eslint-disable-next-line no-explicit-any\nlet a: any;") == [(2, "ANY001")]
    assert lines(
        "// eslint-disable-next-line @typescript-eslint/no-explicit-any\n\nlet a: any;"
    ) == [(3, "ANY001")]
