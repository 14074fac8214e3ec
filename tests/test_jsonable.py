"""formats.jsonable.dumps_indented writes the very text of json.dumps(indent=2), whatever the
value: it is what every JSON document the tool prints goes through."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from orchestrator_tool.formats.jsonable import dumps_indented

from .conftest import run_cli

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats()
    | st.text()
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=5)
        | st.tuples(inner, inner)
        | st.dictionaries(st.text(max_size=8), inner, max_size=5)
    ),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None)
@given(values, st.booleans())
def test_the_text_is_json_dumps_indented_text(value: object, ascii_only: bool) -> None:
    assert dumps_indented(value, ensure_ascii=ascii_only) == json.dumps(
        value, indent=2, ensure_ascii=ascii_only
    )


def test_keys_that_are_not_strings_are_converted_as_the_standard_encoder_does() -> None:
    value = {1: "a", False: [None], None: {}, 2.5: {"x": {3: 4}}}
    assert dumps_indented(value) == json.dumps(value, indent=2, ensure_ascii=False)
    assert dumps_indented([{"k": {1: 2}}]) == json.dumps([{"k": {1: 2}}], indent=2)


def test_a_real_validation_document_is_unchanged(make_repo) -> None:
    repo = make_repo("next-forge")
    proc = run_cli("validate", "--no-cache", "--format", "json", cwd=repo)
    doc = json.loads(proc.stdout)
    assert doc["diagnostics"]  # findings to write
    assert proc.stdout.rstrip("\n") == json.dumps(doc, indent=2, ensure_ascii=False)
