from __future__ import annotations

import pytest

from orchestrator_tool.errors import InputError
from orchestrator_tool.formats import jsonc


def test_comments_and_trailing_commas_are_accepted() -> None:
    text = """{
  // a line comment with "quotes" and a , comma
  "a": [1, 2, 3,], /* block
  comment */ "b": {"url": "http://x//y", "c": "/* not a comment */",},
}"""
    assert jsonc.loads(text, "t.json", jsonc=True) == {
        "a": [1, 2, 3],
        "b": {"url": "http://x//y", "c": "/* not a comment */"},
    }


def test_escaped_quote_inside_string_does_not_end_it() -> None:
    text = '{"a": "x\\" // still string", "b": 1, }'
    assert jsonc.loads(text, "t.json", jsonc=True) == {"a": 'x" // still string', "b": 1}


def test_error_position_points_into_original_text_after_comments() -> None:
    text = '{\n  // comment\n  /* multi\n line */\n  "a": 1\n  "b": 2\n}'
    with pytest.raises(InputError) as info:
        jsonc.loads(text, "turbo.json", jsonc=True)
    assert (info.value.line, info.value.column) == (6, 3)
    assert info.value.render().startswith("turbo.json:6:3: invalid JSON")


def test_strict_json_rejects_comments_with_position() -> None:
    with pytest.raises(InputError) as info:
        jsonc.loads('{\n  // no\n  "a": 1}', "package.json")
    assert info.value.line == 2


def test_load_object_requires_an_object(tmp_path) -> None:
    p = tmp_path / "package.json"
    p.write_text("[1, 2]")
    with pytest.raises(InputError, match="must be an object"):
        jsonc.load_object(p)


def test_bom_is_ignored(tmp_path) -> None:
    p = tmp_path / "package.json"
    p.write_bytes(b'\xef\xbb\xbf{"name": "x"}')
    assert jsonc.load_object(p) == {"name": "x"}


def test_non_utf8_is_a_clear_error(tmp_path) -> None:
    p = tmp_path / "package.json"
    p.write_bytes(b'{"name": "\xff"}')
    with pytest.raises(InputError, match="not UTF-8"):
        jsonc.load_object(p)
