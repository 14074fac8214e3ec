"""Where the keys and values of a TOML text are written (config.toml_text)."""

from __future__ import annotations

import pytest

from orchestrator_tool.config.toml_text import loads, positions

DOCUMENT = """\
# orchestrator.toml of a monorepo with two apps
[validate]
exclude = [
  "legacy/**",   # the old admin
  'apps/web/generated/**',
]
"max-file-size" = 2_000_000

[validators.ANY001]
severity = "warning"
options = { ignoreRestArgs = true, allow = ["apps/web/types.d.ts"] }

[validators.IMP006]
severity = 'warning'

[[overrides]]
paths = ["apps/web/legacy/**"]
validators.ANY001.enabled = false

[[overrides]]
paths = ["**/*.stories.tsx"]
[overrides.validators.ERR004]
options = { ignore = ["scripts/**"], note = \"\"\"a "quoted" word\"\"\", at = 1979-05-27 07:32:00 }

[plan.roles."api.engineer"]
match = { paths = ["apps/api"], dependsOn = ["hono"] }
taskSuffix = "api"
"""


def _paths(value: object, at: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    out: list[tuple[str | int, ...]] = [at] if at else []
    if isinstance(value, dict):
        for k, v in value.items():
            out += _paths(v, (*at, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out += _paths(v, (*at, i))
    return out


def _at(text: str, line: int, column: int, length: int) -> str:
    return text.splitlines()[line - 1][column - 1 : column - 1 + length]


def test_every_key_and_element_the_parser_reads_is_placed_where_it_is_written() -> None:
    found = positions(DOCUMENT)
    for path in _paths(loads(DOCUMENT)):
        assert found.offset(path) is not None, path
        last = path[-1]
        key = found.line_col(path, key=True)
        assert key is not None
        line_text = DOCUMENT.splitlines()[key[0] - 1]
        if isinstance(last, str) and not line_text.lstrip().startswith("["):
            # a key of a key = value pair (or of an inline table) starts with its name
            name = line_text[key[1] - 1 :]
            assert name.startswith((last, f'"{last}"')), (path, name)


@pytest.mark.parametrize(
    ("path", "key", "expected", "text"),
    [
        # the same key in two tables: the second table's
        (("validators", "IMP006", "severity"), False, (14, 12), "'warning'"),
        (("validators", "ANY001", "severity"), True, (10, 1), "severity"),
        # an element of an array written over several lines
        (("validate", "exclude", 1), False, (5, 3), "'apps/web/generated/**'"),
        # a quoted key
        (("validate", "max-file-size"), True, (7, 1), '"max-file-size"'),
        (("validate", "max-file-size"), False, (7, 19), "2_000_000"),
        # keys inside inline tables, and a dotted key
        (("validators", "ANY001", "options", "allow", 0), False, (11, 45), '"apps/web/types.d.ts"'),
        (("overrides", 0, "validators", "ANY001", "enabled"), True, (18, 19), "enabled"),
        # the n-th entry of an array of tables, and a table inside it
        (("overrides", 1, "paths", 0), False, (21, 10), '"**/*.stories.tsx"'),
        (("overrides", 1, "validators", "ERR004", "options", "at"), False, (23, 73), "1979"),
        (("plan", "roles", "api.engineer", "taskSuffix"), False, (27, 14), '"api"'),
        (("plan", "roles", "api.engineer", "match", "dependsOn"), True, (26, 33), "dependsOn"),
    ],
)
def test_a_path_is_placed_at_its_key_or_its_value(path, key, expected, text) -> None:
    found = positions(DOCUMENT).line_col(path, key=key)
    assert found == expected
    assert _at(DOCUMENT, *expected, len(text)) == text


def test_a_path_not_written_is_placed_at_the_nearest_part_that_is() -> None:
    found = positions(DOCUMENT)
    # a key the second override lacks: at its `[[overrides]]` header
    assert found.line_col(("overrides", 1, "validators", "ANY001"), key=True) == (22, 1)
    # pydantic's name for the member of a union that did not match: at the value
    assert found.line_col(("validators", "ANY001", "severity", "literal"), key=True) == (10, 12)
    assert found.line_col(("affected", "default-base")) is None


def test_text_that_is_not_toml_keeps_what_was_read_before_it() -> None:
    found = positions('[gates]\nconcurrency = 2\nrunner = = "x"\ntimeout = 3\n')
    assert found.line_col(("gates", "concurrency")) == (2, 15)
    # what follows is not read: a key there is placed at the table it would be in
    assert found.line_col(("gates", "timeout")) == (1, 1)
