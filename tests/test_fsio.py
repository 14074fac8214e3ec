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


def test_prune_keeps_the_most_recently_written_files_of_one_name_pattern(tmp_path: Path) -> None:
    import os

    from orchestrator_tool.fsio import prune

    for i in range(6):
        f = tmp_path / f"abc-{i}.json"
        f.write_text("{}", encoding="utf-8")
        os.utime(f, ns=(i * 10**9, i * 10**9))  # abc-5 is the newest
    (tmp_path / "abc-old.txt").write_text("", encoding="utf-8")  # another suffix
    (tmp_path / "other-0.json").write_text("", encoding="utf-8")  # another prefix
    os.utime(tmp_path / "other-0.json", ns=(0, 0))
    prune(tmp_path, "abc-", ".json", 2)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "abc-4.json",
        "abc-5.json",
        "abc-old.txt",
        "other-0.json",
    ]
    prune(tmp_path / "missing", "abc-", ".json", 2)  # no folder: nothing to do, no error


def test_a_result_cache_written_removes_the_workspaces_oldest_caches_only(tmp_path: Path) -> None:
    import os

    from orchestrator_tool.engine.cache import KEPT_PER_ROOT, ResultCache
    from orchestrator_tool.engine.results import FileResult

    caches = tmp_path / "cache"
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    for n, root in enumerate([tmp_path / "b", *[tmp_path / "a"] * (KEPT_PER_ROOT + 2)]):
        cache = ResultCache(root, f"key{n}", caches)
        cache.store(FileResult("x.ts"), 1, 1, "d")
        cache.save()
        os.utime(cache.path, ns=(n * 10**9, n * 10**9))  # in the order written
    a_id = ResultCache(tmp_path / "a", "key1", caches).path.name.split("-")[0]
    names = sorted(p.name for p in caches.iterdir())
    of_a = [n for n in names if n.startswith(a_id)]
    assert len(of_a) == KEPT_PER_ROOT
    assert f"{a_id}-key1.json" not in of_a and f"{a_id}-key2.json" not in of_a  # the oldest
    assert len(names) == KEPT_PER_ROOT + 1  # b's one cache stays, however old
