"""Suppression comments: ours with a mandatory reason, and eslint's for migration."""

from __future__ import annotations

from orchestrator_tool.engine.runner import check_source
from orchestrator_tool.engine.settings import Settings
from orchestrator_tool.engine.source import SourceFile
from orchestrator_tool.engine.spec import load_specs

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


# --------------------------------------------------------------------------- Biome

ANY_AND_CONSOLE = tuple(s for s in load_specs() if s.code in ("ANY001", "ERR004"))


def biome(code: str, *, honour: bool = True, filename: str = "src/a.ts") -> list[tuple[int, str]]:
    """Findings of ANY001 and ERR004 (Biome: noExplicitAny, noConsole) left in ``code``."""
    src = SourceFile(filename, code.encode(), "tsx" if filename.endswith("x") else "typescript")
    result = check_source(src, Settings(ANY_AND_CONSOLE, honour_eslint_disable=honour))
    return [(d.line, d.code) for d in result.diagnostics]


LINE = "let a: any = console.log(1);\n"  # one ANY001 and one ERR004 on one line


def test_biome_ignore_a_rule_silences_that_rule_on_the_next_line_only() -> None:
    code = "// biome-ignore lint/suspicious/noExplicitAny: the SDK's types\n" + LINE + LINE
    assert biome(code) == [(2, "ERR004"), (3, "ANY001"), (3, "ERR004")]
    code = "// biome-ignore lint/suspicious/noConsole: a CLI's output\n" + LINE
    assert biome(code) == [(2, "ANY001")]
    # Biome 1's noConsoleLog is console.log's own rule
    assert biome("// biome-ignore lint/suspicious/noConsoleLog: output\n" + LINE) == [(2, "ANY001")]


def test_biome_ignore_a_group_or_lint_silences_what_it_covers() -> None:
    assert biome("// biome-ignore lint/suspicious: legacy module\n" + LINE) == []
    assert biome("// biome-ignore lint/style: legacy module\n" + LINE) == [
        (2, "ANY001"),
        (2, "ERR004"),
    ]
    assert biome("// biome-ignore lint: generated\n" + LINE) == []
    # a group is a whole path segment: lint/suspicious/noExplicit is no group of noExplicitAny
    assert biome("// biome-ignore lint/suspicious/noExplicit: typo\n" + LINE) == [
        (2, "ANY001"),
        (2, "ERR004"),
    ]
    # another category than lint (the formatter, an assist, a plugin) is no lint rule
    for category in ("format", "assist", "lint/plugin", "lint/plugin/noAny"):
        assert len(biome(f"// biome-ignore {category}: reason\n" + LINE)) == 2, category


def test_biome_ignore_applies_to_the_line_after_the_comment_not_its_own() -> None:
    # A trailing comment, as Biome reads it, is about the next line.
    code = (
        "let a: any; // biome-ignore lint/suspicious/noExplicitAny: next line\n"
        "let b: any;\n"
        "let c: any;\n"
    )
    assert biome(code) == [(1, "ANY001"), (3, "ANY001")]
    # a blank line in between: the suppression is spent on it
    code = "// biome-ignore lint/suspicious/noExplicitAny: legacy\n\nlet a: any;\n"
    assert biome(code) == [(3, "ANY001")]


def test_consecutive_biome_ignore_comments_all_apply_to_the_line_after_them() -> None:
    code = (
        "// biome-ignore lint/suspicious/noExplicitAny: the SDK's types\n"
        "// biome-ignore lint/suspicious/noConsole: a CLI's output\n" + LINE + LINE
    )
    assert biome(code) == [(4, "ANY001"), (4, "ERR004")]
    # a plain comment in between ends the run
    code = (
        "// biome-ignore lint/suspicious/noExplicitAny: the SDK's types\n"
        "// the output is the CLI's\n"
        "// biome-ignore lint/suspicious/noConsole: a CLI's output\n" + LINE
    )
    assert biome(code) == [(4, "ANY001")]


def test_biome_ignore_in_block_jsdoc_and_jsx_comments() -> None:
    code = "/**\n * Loose on purpose.\n * biome-ignore lint/suspicious/noExplicitAny: legacy\n */\n"
    assert biome(code + "let a: any;\n") == []
    jsx = (
        "export const X = () => (\n  <div>\n"
        "    {/* biome-ignore lint/suspicious/noExplicitAny: third-party props */}\n"
        "    <Widget {...(props as any)} />\n  </div>\n);\n"
    )
    assert biome(jsx, filename="src/a.tsx") == []


def test_biome_ignore_all_silences_the_file_only_from_its_top() -> None:
    code = (
        "// Generated by the API client generator.\n"
        "// biome-ignore-all lint/suspicious/noExplicitAny: generated code\n" + LINE + LINE
    )
    assert biome(code) == [(3, "ERR004"), (4, "ERR004")]
    # after the first statement Biome rejects it ("top level suppressions can only be used at
    # the beginning of the file"), and it silences nothing
    code = '"use client";\n// biome-ignore-all lint/suspicious/noExplicitAny: generated\n' + LINE
    assert biome(code) == [(3, "ANY001"), (3, "ERR004")]
    assert biome("\ufeff/* biome-ignore-all lint: generated */\n" + LINE) == []


def test_biome_ignore_start_and_end_bound_a_range() -> None:
    code = (
        "let a: any;\n"
        "// biome-ignore-start lint/suspicious/noExplicitAny: legacy block\n"
        "let b: any;\n"
        "let c: any;\n"
        "// biome-ignore-end lint/suspicious/noExplicitAny: legacy block\n"
        "let d: any;\n"
    )
    assert biome(code) == [(1, "ANY001"), (6, "ANY001")]
    # overlapping ranges: each end closes the range of its own rule
    code = (
        "// biome-ignore-start lint/suspicious/noExplicitAny: legacy\n"
        "// biome-ignore-start lint/suspicious/noConsole: legacy\n"
        + LINE
        + "// biome-ignore-end lint/suspicious/noConsole: legacy\n"
        + LINE
        + "// biome-ignore-end lint/suspicious/noExplicitAny: legacy\n"
        + LINE
    )
    assert biome(code) == [(5, "ERR004"), (7, "ANY001"), (7, "ERR004")]
    # a start without an end runs to the end of the file (Biome reports the missing end)
    assert biome("// biome-ignore-start lint: vendored\n" + LINE + LINE) == []


def test_biome_ignore_without_a_reason_silences_nothing_and_is_left_to_biome() -> None:
    # Biome rejects the comment (suppressions/parse: a reason is required) and so do we; Biome's
    # own check reports it, so it is no SUP001 here.
    for comment in (
        "// biome-ignore lint/suspicious/noExplicitAny",
        "// biome-ignore lint/suspicious/noExplicitAny:",
        "// biome-ignore lint/suspicious/noExplicitAny:   ",
        "// biome-ignore lint/suspicious/noExplicitAny(foo: reason",
    ):
        assert biome(comment + "\nlet a: any;\n") == [(2, "ANY001")], comment


def test_biome_ignore_spelling_as_biome_reads_it() -> None:
    assert biome("// BIOME_IGNORE lint/suspicious/noExplicitAny: legacy\nlet a: any;\n") == []
    assert biome("// biome-ignore lint/suspicious/noExplicitAny(x): legacy\nlet a: any;\n") == []
    # two rules in one comment
    code = "// biome-ignore lint/suspicious/noExplicitAny lint/suspicious/noConsole: both\n"
    assert biome(code + LINE) == []
    # a word that is no Biome category makes Biome reject the whole comment
    for rules in ("lint/suspicious/noExplicitAny foo", "lint/suspicious/noExplicitAny/x"):
        assert biome(f"// biome-ignore {rules}: r\nlet a: any;\n") == [(2, "ANY001")], rules
    # not at the start of the comment: prose
    assert biome("// see biome-ignore lint: docs\nlet a: any;\n") == [(2, "ANY001")]
    # in a string
    assert biome('const s = "// biome-ignore lint: x";\nlet a: any;\n') == [(2, "ANY001")]


def test_biome_comments_follow_the_eslint_switch() -> None:
    assert biome("// biome-ignore lint: generated\nlet a: any;\n", honour=False) == [(2, "ANY001")]


def test_biome_comments_naming_no_finding_cost_no_parse() -> None:
    # A file only the import rules read may never be parsed: a biome-ignore about rules its
    # findings do not answer to must not make it so; one naming them is read from the tree.
    from orchestrator_tool.engine import suppressions

    code = "// biome-ignore lint/a11y/useAltText: decorative\nexport const x = 1;\n"
    src = SourceFile("src/b.ts", code.encode(), "typescript")
    assert suppressions.parse(src, {"lint/correctness/noUndeclaredDependencies"}).linter_lines == {}
    assert not src.parsed
    assert suppressions.parse(src, None).linter_lines == {}
    assert not src.parsed
    assert suppressions.parse(src, {"lint/a11y/useAltText"}).linter_lines == {
        2: {"lint/a11y/useAltText"}
    }
    assert src.parsed


def test_biome_directive_reading_is_linear_on_hostile_comments() -> None:
    import time

    from orchestrator_tool.engine import suppressions

    hostile = (
        "// " + "biome-ignore " * 60_000 + "\n",  # keywords that Biome would take for rules
        "//biome-ignore x " * 60_000 + "\n",  # one comment after another on one line
        "/* biome-ignore " + "a(" * 60_000 + "*/\n",  # values that never close
        "/*\n" + " * biome-ignore lint/suspicious/noExplicitAny: r\n" * 30_000 + "*/\n",
    )
    for text in hostile:
        src = SourceFile("src/h.ts", (text + "let a: any;\n").encode(), "typescript")
        started = time.perf_counter()
        suppressions.parse(src, {"lint/suspicious/noExplicitAny"})
        assert time.perf_counter() - started < 2, text[:30]


def test_a_run_counts_biome_suppressed_findings(make_repo) -> None:
    import json

    from orchestrator_tool import api

    from .conftest import commit_all, run_cli, write

    repo = make_repo("next-forge")
    write(
        repo / "packages/auth/provider.ts",
        "// biome-ignore-all lint/suspicious/noExplicitAny: the provider SDK ships no types\n"
        "export const provider: any = {};\n"
        "export const options: any = {};\n",
    )
    write(
        repo / "packages/auth/session.ts",
        "export function read(raw: unknown) {\n"
        "  // biome-ignore lint/suspicious/noExplicitAny: narrowed by the caller\n"
        "  return raw as any;\n"
        "}\n"
        "export const loose: any = 1;\n",
    )
    commit_all(repo, "biome suppressions")
    report = api.validate(api.load_workspace(repo), api.ValidateOptions(select=["ANY001"], jobs=1))
    assert [(d.path, d.line) for d in report.diagnostics] == [("packages/auth/session.ts", 5)]
    assert report.suppressed == 3
    proc = run_cli("validate", "--select", "ANY001", "--format", "json", "--no-cache", cwd=repo)
    assert json.loads(proc.stdout)["summary"]["suppressed"] == 3
    off = run_cli("validate", "--select=ANY001", "--format=json", "--no-eslint-disable", cwd=repo)
    assert json.loads(off.stdout)["summary"]["suppressed"] == 0
