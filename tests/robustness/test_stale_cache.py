"""The result cache never serves a verdict the repository no longer supports."""

from __future__ import annotations

import json
from pathlib import Path

from orchestrator_tool import api

from ..conftest import write


def _repo(root: Path) -> Path:
    write(root / "package.json", json.dumps({"name": "root", "private": True}))
    write(root / "pnpm-workspace.yaml", "packages:\n  - apps/*\n")
    write(root / "apps/web/package.json", json.dumps({"name": "web"}))
    write(root / "apps/web/tsconfig.json", json.dumps({"compilerOptions": {"baseUrl": "."}}))
    write(root / "apps/web/page.ts", 'import { slugify } from "helpers";\nslugify;\n')
    return root


def _imp003(root: Path) -> list[str]:
    report = api.validate(api.load_workspace(root), api.ValidateOptions(select=["IMP003"], jobs=1))
    return [d.path for d in report.diagnostics]


def test_a_file_an_import_now_resolves_to_drops_the_cached_verdict(
    tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setenv("ORCHESTRATOR_CACHE_DIR", str(tmp_path / "cache"))
    root = _repo(tmp_path / "repo")
    # `helpers` is no file beside the page: an npm package nobody declared
    assert _imp003(root) == ["apps/web/page.ts"]
    assert _imp003(root) == ["apps/web/page.ts"]  # from the cache
    # the same page, unchanged, now imports the module next to it (tsconfig baseUrl)
    write(root / "apps/web/helpers.ts", "export const slugify = (s: string) => s;\n")
    assert _imp003(root) == []
    # and back: the module is gone, the import is of a package again
    (root / "apps/web/helpers.ts").unlink()
    assert _imp003(root) == ["apps/web/page.ts"]


def test_an_edit_that_keeps_the_size_and_puts_the_mtime_back_is_seen(
    tmp_path: Path, monkeypatch
) -> None:
    import os
    import time

    monkeypatch.setenv("ORCHESTRATOR_CACHE_DIR", str(tmp_path / "cache"))
    root = _repo(tmp_path / "repo")
    page = root / "apps/web/page.ts"
    write(page, "export const a: unknown = 1;\n")

    def any001() -> list[int]:
        report = api.validate(
            api.load_workspace(root), api.ValidateOptions(select=["ANY001"], jobs=1)
        )
        return [d.line for d in report.diagnostics]

    assert any001() == []
    before = page.stat()
    time.sleep(0.01)
    write(page, "export const a: any     = 1;\n")  # the same size
    os.utime(page, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert page.stat().st_size == before.st_size
    assert page.stat().st_mtime_ns == before.st_mtime_ns
    assert any001() == [1]


def test_a_verdict_whose_dependency_changed_during_the_run_is_not_cached(
    tmp_path: Path, monkeypatch
) -> None:
    import time

    from orchestrator_tool.engine import runner

    monkeypatch.setenv("ORCHESTRATOR_CACHE_DIR", str(tmp_path / "cache"))
    root = _repo(tmp_path / "repo")
    time.sleep(0.05)  # the repository's files are older than the racy window of the next run
    real_run = runner.run

    def run_then_add_the_module(*args, **kwargs):  # type: ignore[no-untyped-def]
        # the page's verdict was read from a folder listing without helpers.ts; the module
        # appears before the verdict is stored
        results = real_run(*args, **kwargs)
        write(root / "apps/web/helpers.ts", "export const slugify = (s: string) => s;\n")
        return results

    monkeypatch.setattr(runner, "run", run_then_add_the_module)
    assert _imp003(root) == ["apps/web/page.ts"]
    monkeypatch.setattr(runner, "run", real_run)
    # the import now resolves to the module beside the page: no stale verdict is served
    assert _imp003(root) == []


def test_files_unchanged_during_the_run_are_still_cached(tmp_path: Path, monkeypatch) -> None:
    import time

    from orchestrator_tool.engine import runner

    monkeypatch.setenv("ORCHESTRATOR_CACHE_DIR", str(tmp_path / "cache"))
    root = _repo(tmp_path / "repo")
    time.sleep(0.05)
    assert _imp003(root) == ["apps/web/page.ts"]
    calls: list[int] = []
    real_run = runner.run

    def counting_run(root_: Path, todo, *args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(len(todo))
        return real_run(root_, todo, *args, **kwargs)

    monkeypatch.setattr(runner, "run", counting_run)
    assert _imp003(root) == ["apps/web/page.ts"]
    assert calls == []  # every file from the cache: the runner is not even called


def test_a_second_api_call_with_the_same_workspace_sees_a_changed_file(tmp_path: Path) -> None:
    # no result cache: only what one process keeps between calls could make it stale
    root = _repo(tmp_path / "repo")
    ws = api.load_workspace(root)

    def imp003() -> list[str]:
        report = api.validate(ws, api.ValidateOptions(select=["IMP003"], use_cache=False, jobs=1))
        return [d.path for d in report.diagnostics]

    assert imp003() == ["apps/web/page.ts"]
    write(root / "apps/web/helpers.ts", "export const slugify = (s: string) => s;\n")
    assert imp003() == []
    (root / "apps/web/helpers.ts").unlink()
    assert imp003() == ["apps/web/page.ts"]


def test_fixes_and_the_workspace_rules_see_a_file_added_between_two_calls(make_repo) -> None:
    # The workspace rules run, and the fixes are tried and checked again, from this process:
    # what a first call built must not answer the second (same workspace object, no cache).
    repo = make_repo("relative-imports")
    ws = api.load_workspace(repo)

    def fix() -> api.ValidationReport:
        # every rule: an unsafe fix that would add a finding of any of them is withheld
        return api.validate(
            ws,
            api.ValidateOptions(fix=True, unsafe_fixes=True, use_cache=False, strict=True, jobs=1),
        )

    first = fix()
    assert [path for path, _ in first.fixed] == ["apps/storefront/app/page.tsx"]
    assert not first.crashes
    cart = repo / "apps/storefront/app/cart/page.tsx"
    write(
        cart,
        'import { Button } from "../../../../packages/ui/src/button";\n'
        "export default function Cart() {\n  return <Button>Pay</Button>;\n}\n",
    )
    second = fix()
    assert [path for path, _ in second.fixed] == ["apps/storefront/app/cart/page.tsx"]
    assert cart.read_text().startswith('import { Button } from "@shop/ui/button";\n')
    assert not second.crashes


def test_a_file_checked_in_this_process_twice_sees_a_module_added_between(tmp_path: Path) -> None:
    # check_source runs here, not in a worker (`orchestrator rules test`, one file): the
    # folder listings a first check made must not answer the second.
    from orchestrator_tool.engine.results import FileResult
    from orchestrator_tool.engine.runner import check_source, load_source
    from orchestrator_tool.engine.settings import Settings
    from orchestrator_tool.engine.spec import load_specs

    root = _repo(tmp_path / "repo")
    ws = api.load_workspace(root)
    settings = Settings(tuple(s for s in load_specs() if s.code == "IMP003"))

    def imp003() -> list[str]:
        source = load_source(root, "apps/web/page.ts", 1_000_000)
        assert not isinstance(source, FileResult)
        return [d.path for d in check_source(source, settings, ws).diagnostics]

    assert imp003() == ["apps/web/page.ts"]
    write(root / "apps/web/helpers.ts", "export const slugify = (s: string) => s;\n")
    assert imp003() == []
