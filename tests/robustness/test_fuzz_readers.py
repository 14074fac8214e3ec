"""Property-based fuzzing of the config readers: the JSONC reader, the YAML reader and the glob
dialect. Whatever the text, each either returns a value or raises the one error type that
becomes a `file:line:col` message (exit 2): never another exception, never a stall. Each
example has a deadline; the example counts are modest so the suite stays fast."""

from __future__ import annotations

import json
import re
import string
import time
from functools import cache
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orchestrator_tool.errors import InputError
from orchestrator_tool.formats import globs, jsonc, yamlload
from orchestrator_tool.formats.yamlload import fast_load as _simple_yaml

FUZZ = settings(
    max_examples=150,
    deadline=1000,  # ms per example: a super-linear path shows up as a timeout here
    suppress_health_check=[HealthCheck.too_slow],
)

# --------------------------------------------------------------------------- JSONC

JSON_ALPHABET = st.sampled_from(list('{}[]:,"\\/*\n 0123456789.eE+-truefalsnab'))


@FUZZ
@given(st.text(JSON_ALPHABET, max_size=300), st.booleans())
def test_jsonc_reader_returns_a_value_or_a_positioned_input_error(text: str, jsonc_: bool) -> None:
    try:
        jsonc.loads(text, "x.json", jsonc=jsonc_)
    except InputError as exc:
        assert exc.path == "x.json" and exc.line is not None and exc.column is not None


def _json_values() -> st.SearchStrategy[object]:
    scalars = st.none() | st.booleans() | st.integers(-(10**30), 10**30) | st.text(max_size=20)
    scalars |= st.floats(allow_nan=False, allow_infinity=False)
    return st.recursive(
        scalars,
        lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=8), inner),
        max_leaves=30,
    )


@FUZZ
@given(_json_values(), st.booleans())
def test_jsonc_reads_back_what_json_wrote(value: object, jsonc_: bool) -> None:
    text = json.dumps(value, indent=1)
    assert jsonc.loads(text, "x.json", jsonc=jsonc_) == value
    # comments and trailing commas change nothing
    commented = text.replace("\n", " // note, with a ] and a }\n").replace("]", ",]")
    if jsonc_ and "[" in text and '"' not in text:
        assert jsonc.loads(commented, "x.json", jsonc=True) == value


@FUZZ
@given(st.text(max_size=300))
def test_strip_jsonc_keeps_every_position(text: str) -> None:
    out = jsonc.strip_jsonc(text)
    assert len(out) == len(text)
    assert [i for i, c in enumerate(out) if c == "\n"] == [
        i for i, c in enumerate(text) if c == "\n"
    ]


@settings(max_examples=20, deadline=2000)
@given(st.integers(jsonc.MAX_NUMBER + 1, 20_000), st.sampled_from(["", "-", "0.", "1e"]))
def test_a_number_past_the_bound_is_an_input_error(digits: int, prefix: str) -> None:
    text = '{\n  "a": ' + prefix + "7" * digits + "\n}"
    with pytest.raises(InputError) as info:
        jsonc.loads(text, "package.json")
    assert (info.value.line, info.value.column) == (2, 8)
    assert "a number of" in info.value.message


@settings(max_examples=20, deadline=2000)
@given(st.integers(300, 50_000), st.sampled_from("[{"))
def test_deep_nesting_is_an_input_error(depth: int, opener: str) -> None:
    inner = "[" if opener == "[" else '{"a":'
    closer = "]" if opener == "[" else "}"
    text = inner * depth + "1" + closer * depth
    try:
        jsonc.loads(text, "x.json", jsonc=True)
    except InputError as exc:
        assert "nested too deeply" in exc.message and exc.line == 1


# --------------------------------------------------------------------------- YAML

YAML_ALPHABET = st.sampled_from(list("ab-:&*!|>'\"#[]{},\n  \t?%@`.0123456789~"))


def _yaml_or_error(text: str) -> object:
    try:
        return yamlload.load(text, Path("pnpm-workspace.yaml"))[0]
    except InputError as exc:
        assert exc.path == "pnpm-workspace.yaml"
        return exc


@FUZZ
@given(st.text(YAML_ALPHABET, max_size=200))
def test_yaml_reader_returns_a_value_or_an_input_error(text: str) -> None:
    _yaml_or_error(text)


@FUZZ
@given(st.text(YAML_ALPHABET, max_size=200))
def test_the_yaml_fast_path_agrees_with_pyyaml(text: str) -> None:
    fast = _simple_yaml(text)
    if fast is None:
        return
    try:
        slow = yaml.safe_load(text)
    except yaml.YAMLError:
        return  # more lenient than PyYAML (a line of only a tab): no value to differ from
    assert fast[0] == (slow or {}), text


@settings(max_examples=40, deadline=2000)
@given(st.integers(1, 12), st.integers(1, 12), st.booleans())
def test_aliases_load_within_the_budget_and_are_refused_past_it(
    depth: int, fanout: int, merge: bool
) -> None:
    lines = ["packages:", '  - "packages/*"', "catalog:", "  l0: &l0 [x, y]"]
    for d in range(1, depth + 1):
        refs = ", ".join([f"*l{d - 1}"] * fanout)
        lines.append(f"  l{d}: &l{d} [{refs}]")
    if merge:
        lines += ["base: &base {a: 1}", "more:", "  <<: *base", "  b: 2"]
    text = "\n".join(lines) + "\n"
    start = time.monotonic()
    result = _yaml_or_error(text)
    assert time.monotonic() - start < 1.0
    size = 3  # [x, y]
    total = 4  # the key and the list
    for _ in range(depth):
        size = 1 + fanout * size
        total += 1 + size
    if size > yamlload.MAX_NODES:  # one value alone expands past the budget
        assert isinstance(result, InputError), text
        assert "aliases expand" in result.message and result.line is not None
    elif total < yamlload.MAX_NODES // 2:
        assert isinstance(result, dict) and len(result["catalog"]) == depth + 1


# --------------------------------------------------------------------------- globs

GLOB_ALPHABET = st.sampled_from(list("ab.*?/[]!-{},z"))
NAMES = st.text(st.sampled_from(list("ab.z-")), min_size=1, max_size=4)
PATHS = st.lists(NAMES, min_size=1, max_size=5).map("/".join)


@FUZZ
@given(st.text(GLOB_ALPHABET, max_size=40), st.booleans())
def test_a_glob_compiles_or_is_a_syntax_error_with_a_column(pattern: str, dot: bool) -> None:
    try:
        rx = globs.glob_to_regex(pattern, dot=dot)
    except globs.GlobSyntaxError as exc:
        assert 1 <= exc.column <= len(pattern) + 1 and exc.hint
        return
    assert isinstance(rx, re.Pattern)


def _ref_expand(pattern: str) -> list[str]:
    """Brace expansion, written independently of the reader: innermost first."""
    m = re.search(r"\{([^{}]*)\}", pattern)
    if m is None:
        return [pattern]
    out: list[str] = []
    for option in m.group(1).split(","):
        out += _ref_expand(pattern[: m.start()] + option + pattern[m.end() :])
    return out


def _ref_segment(pat: str, name: str, dot: bool) -> bool:
    """A segment pattern (no '/') against a name: `*`, `?`, `[...]`, literals."""
    if not dot and name.startswith(".") and pat[:1] in ("*", "?", "["):
        return False

    @cache
    def m(i: int, j: int) -> bool:
        if i == len(pat):
            return j == len(name)
        c = pat[i]
        if c == "*":
            return m(i + 1, j) or (j < len(name) and m(i, j + 1))
        if j == len(name):
            return False
        if c == "?":
            return m(i + 1, j + 1)
        if c == "[":
            k = i + 1
            neg = pat[k] in "!^"
            k += neg
            end = pat.index("]", k + 1)
            body, hit, p = pat[k:end], False, 0
            while p < len(body):
                if p + 2 < len(body) and body[p + 1] == "-":
                    hit |= body[p] <= name[j] <= body[p + 2]
                    p += 3
                else:
                    hit |= body[p] == name[j]
                    p += 1
            return hit != neg and m(end + 1, j + 1)
        return c == name[j] and m(i + 1, j + 1)

    return m(0, 0)


def _ref_path(pats: tuple[str, ...], names: tuple[str, ...], dot: bool) -> bool:
    """Segment patterns against path segments; `**` takes any number of non-dot segments."""

    @cache
    def m(i: int, j: int) -> bool:
        if i == len(pats):
            return j == len(names)
        if pats[i] == "**":
            if i == len(pats) - 1:  # the rest, and `a/**` needs something below `a`
                rest = names[j:]
                return (i == 0 or bool(rest)) and all(dot or not n.startswith(".") for n in rest)
            if m(i + 1, j):
                return True
            return j < len(names) and (dot or not names[j].startswith(".")) and m(i, j + 1)
        return j < len(names) and _ref_segment(pats[i], names[j], dot) and m(i + 1, j + 1)

    return m(0, 0)


def _ref_match(pattern: str, path: str, dot: bool) -> bool:
    for one in _ref_expand(pattern):
        pats: list[str] = []
        for raw in one.split("/"):
            seg = "**" if re.fullmatch(r"\*\*+", raw) else raw
            if not (seg == "**" and pats[-1:] == ["**"]):  # `**/**` is `**`
                pats.append(seg)
        if _ref_path(tuple(pats), tuple(path.split("/")), dot):
            return True
    return False


@settings(max_examples=300, deadline=1000)
@given(st.text(GLOB_ALPHABET, min_size=1, max_size=16), PATHS, st.booleans())
def test_the_glob_regex_matches_what_the_reference_matcher_does(
    pattern: str, path: str, dot: bool
) -> None:
    if "//" in pattern or pattern.startswith("/") or pattern.endswith("/"):
        return
    try:
        rx = globs.glob_to_regex(pattern, dot=dot)
    except globs.GlobSyntaxError:
        return
    if re.search(r"\[[!^]?\]?[^\]]*[/,{}]", pattern):
        return  # a set holding '/', ',' or a brace: the reference splits it, the reader not
    assert bool(rx.match(path)) == _ref_match(pattern, path, dot), (pattern, path, dot)


SEGMENTS = st.sampled_from(["**", "**", "*", "a", ".a", "?", "a*", "*a", "[ab]", ".*", "{a,.b}"])
SEGMENT_PATHS = st.lists(
    st.sampled_from(["a", "b", ".a", ".b", "ab", "ba"]), min_size=1, max_size=7
)


@settings(max_examples=300, deadline=1000)
@given(st.lists(SEGMENTS, min_size=1, max_size=6), SEGMENT_PATHS, st.booleans())
def test_globstars_between_segments_match_what_the_reference_does(
    segments: list[str], names: list[str], dot: bool
) -> None:
    """The atomic groups around `**/chunk/` commit to the first place the chunk fits: this
    checks that doing so never loses a match, dot segments included."""
    pattern, path = "/".join(segments), "/".join(names)
    assert bool(globs.glob_to_regex(pattern, dot=dot).match(path)) == _ref_match(
        pattern, path, dot
    ), (pattern, path, dot)


@settings(max_examples=60, deadline=1000)
@given(
    st.lists(st.sampled_from(["*", "a", "?", "[ab]", "**/", "/"]), min_size=1, max_size=30),
    st.integers(50, 255),
)
def test_wildcards_match_in_linear_time(pieces: list[str], length: int) -> None:
    pattern = "".join(pieces) + "b"
    try:
        rx = globs.glob_to_regex(pattern)
    except globs.GlobSyntaxError:
        return
    name = "a" * length  # no 'b': every wildcard placement has to be ruled out
    for path in (name, "/".join([name[:8]] * 40), "/".join(["a"] * 400)):
        start = time.monotonic()
        assert rx.match(path) is None
        assert time.monotonic() - start < 0.2


@FUZZ
@given(st.text(st.sampled_from(list(string.printable[:70] + "[]!-\\*?/")), max_size=30))
def test_a_gitignore_glob_compiles_or_is_a_syntax_error(pattern: str) -> None:
    import pathspec

    try:
        globs.check_gitignore(pattern)
    except globs.GlobSyntaxError as exc:
        assert exc.column >= 1 and exc.hint
        return
    pathspec.GitIgnoreSpec.from_lines([pattern])  # what the check let through compiles
