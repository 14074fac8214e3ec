from __future__ import annotations

import pytest

from orchestrator_tool.formats.semver import satisfies


@pytest.mark.parametrize(
    ("version", "range_", "expected"),
    [
        ("0.1.0", "^0.1.0", True),
        ("0.2.0", "^0.1.0", False),
        ("0.0.3", "^0.0.3", True),
        ("0.0.4", "^0.0.3", False),
        ("1.2.0", "^1.0.0", True),
        ("2.0.0", "^1.0.0", False),
        ("1.2.0", "*", True),
        ("1.2.0", "", True),
        ("1.2.0", "x", True),
        ("1.2.0", "~1.2.3", False),
        ("1.2.5", "~1.2.3", True),
        ("1.3.0", "~1.2.3", False),
        ("1.2.0", "1.x", True),
        ("2.0.0", "1.x", False),
        ("1.2.9", "1.2", True),
        ("1.2.0", ">=1.0.0 <2", True),
        ("2.0.0", ">=1.0.0 <2", False),
        ("1.2.0", "1.0.0 - 1.3", True),
        ("1.4.0", "1.0.0 - 1.3", False),
        ("1.0.0-beta.1", "^1.0.0", False),
        ("1.0.0-beta.2", "^1.0.0-beta.1", True),
        ("1.2.0", "latest", False),
        ("1.2.0", "<1.0.0 || >=1.1", True),
        ("1.2.0", ">= 1.2.0", True),
        ("1.2.0", "=1.2.0", True),
        ("1.2.0", "v1.2.0", True),
        ("1.2.0", "github:user/repo", False),
        ("not-a-version", "*", False),
    ],
)
def test_satisfies(version: str, range_: str, expected: bool) -> None:
    assert satisfies(version, range_) is expected
