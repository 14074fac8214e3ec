"""The suppression parser on random comments: it reads them as the patterns it replaced did,
and no comment, however long or odd, takes it more than a moment."""

from __future__ import annotations

import re
import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orchestrator_tool.engine import suppressions
from orchestrator_tool.engine.source import SourceFile

# The patterns the linear scanners replaced: the specification, run on short bodies only
# (on a few thousand spaces the first took minutes).
OURS = re.compile(
    r"^orchestrator-ignore(?P<file>-file)?(?![\w-])[ \t]*(?P<codes>[A-Za-z0-9_, \t]*)"
    r"(?::[ \t]*(?P<reason>.*?))?[ \t]*$",
    re.S,
)
RULE_OFF = re.compile(r"""(?P<rule>[@\w/.-]+)\s*:\s*(?:["']off["']|0|\[\s*(?:["']off["']|0)\b)""")

# Pieces that make the interesting cases likely: keywords, codes, separators, the colon.
PIECES = [
    "orchestrator-ignore",
    "-file",
    "-files",
    "ANY001",
    "IMP",
    "x",
    "é",
    "_",
    "-",
    ",",
    " ",
    "  ",
    "\t",
    "\n",
    ":",
    "!",
    "reason",
    "*",
    "/",
]
BODIES = st.lists(st.sampled_from(PIECES), max_size=12).map("".join)
CONFIG_PIECES = [
    '"off"',
    "'off'",
    "0",
    "[",
    "]",
    "@scope/rule",
    "no-console",
    ":",
    " ",
    ",",
    "x",
    "\n",
]
CONFIGS = st.lists(st.sampled_from(CONFIG_PIECES), max_size=12).map("".join)


@settings(max_examples=400, deadline=200)
@given(BODIES)
def test_our_comments_are_read_as_the_pattern_read_them(body: str) -> None:
    body = body.strip()  # as a comment's body reaches the reader
    expected = OURS.match(body)
    got = suppressions._ours(body)
    assert (got is None) == (expected is None)
    if got is not None and expected is not None:
        assert got.file == bool(expected.group("file"))
        assert got.codes.split() == expected.group("codes").split()
        assert got.reason == expected.group("reason")


@settings(max_examples=300, deadline=200)
@given(CONFIGS)
def test_inline_configs_are_read_as_the_pattern_read_them(body: str) -> None:
    expected = [m.group("rule") for m in RULE_OFF.finditer(body)]
    assert list(suppressions._rules_off(body)) == expected


# Random comment bodies: any text, or a long run of one character after a keyword.
KEYWORDS = st.sampled_from(
    [
        "orchestrator-ignore",
        "orchestrator-ignore-file",
        "eslint-disable",
        "eslint ",
        "biome-ignore",
        "",
    ]
)
RUNS = st.builds(
    lambda k, c, n, end: k + c * n + end,
    KEYWORDS,
    st.sampled_from([" ", "\t", ",", "a", "A1", "-", ":", "/", "*", "\\", "é", "lint/"]),
    st.integers(min_value=0, max_value=20_000),
    st.sampled_from(["", "!", ":", " x", "*/"]),
)
COMMENT_BODIES = st.one_of(st.text(max_size=200), RUNS)


@settings(
    max_examples=150,
    deadline=1000,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(body=COMMENT_BODIES, block=st.booleans())
def test_any_comment_is_parsed_in_a_moment(body: str, block: bool) -> None:
    if block:
        comment = "/* " + body.replace("*/", "* /") + " */"
    else:
        comment = "// " + body.replace("\n", " ").replace("\r", " ")
    code = f"{comment}\nlet a: any = 1;\n"
    source = SourceFile("src/a.ts", code.encode(), "typescript")
    start = time.perf_counter()
    found = suppressions.parse(source, {"lint/suspicious/noExplicitAny"})
    assert time.perf_counter() - start < 0.5
    # Whatever it says, it says it of the file's lines (a range left open runs past the end).
    last = code.count("\n") + 2
    assert all(1 <= line <= last for line in found.line_codes)
    assert all(1 <= line <= last for line in found.linter_lines)
    assert all(1 <= a <= b <= last for a, b, _ in found.linter_ranges)


@settings(max_examples=100, deadline=1000, suppress_health_check=[HealthCheck.too_slow])
@given(RUNS)
def test_any_python_comment_is_parsed_in_a_moment(body: str) -> None:
    code = "# " + body.replace("\n", " ").replace("\r", " ") + "\nx = 1\n"
    source = SourceFile("a.py", code.encode(), "python")
    start = time.perf_counter()
    suppressions.parse(source)
    assert time.perf_counter() - start < 0.5
