from __future__ import annotations

from pathlib import Path

import pytest

from orchestrator_tool.fsio import write_atomic


def test_write_atomic_replaces_the_file_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_text("old\n", encoding="utf-8")
    write_atomic(path, '{\n  "new": "é"\n}\n')
    assert path.read_text(encoding="utf-8") == '{\n  "new": "é"\n}\n'
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.json"]


def test_a_failed_write_keeps_nothing_of_its_own_and_says_so(tmp_path: Path) -> None:
    # a folder where the file should go: the rename fails after the temporary file is written
    (tmp_path / "plan.json").mkdir()
    (tmp_path / "plan.json" / "keep").write_text("x", encoding="utf-8")
    with pytest.raises(OSError):
        write_atomic(tmp_path / "plan.json", "new\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.json"]
    assert (tmp_path / "plan.json" / "keep").read_text(encoding="utf-8") == "x"
