"""The api façade: requests are frozen options, a crash is data, and `check` refuses an
unknown stage before it reads the change."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from orchestrator_tool import api
from orchestrator_tool.engine.crashes import Crash
from orchestrator_tool.errors import UsageError
from orchestrator_tool.reporting.diagnostics import crash_line

from .conftest import commit_all, strict, write


@pytest.fixture
def repo(make_repo) -> Path:
    r = make_repo("next-forge")
    write(r / "packages/auth/loose.ts", "export const x: any = 1;\n")
    strict(r)
    commit_all(r, "loose types")
    return r


def test_options_are_frozen() -> None:
    options = api.ValidateOptions(select=["ANY001"])
    with pytest.raises(dataclasses.FrozenInstanceError):
        options.select = ["IMP"]  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        api.CheckOptions().staged = True  # type: ignore[misc]
    with pytest.raises(TypeError):
        api.ValidateOptions(["apps/web"])  # type: ignore[misc]  # keywords only


def test_validate_without_options_checks_the_workspace(repo: Path) -> None:
    ws = api.load_workspace(repo)
    plain = api.validate(ws)
    assert plain.source == "workspace"
    assert ("packages/auth/loose.ts", "ANY001") in {(d.path, d.code) for d in plain.diagnostics}
    named = api.validate(ws, api.ValidateOptions(paths=["packages/auth"], cwd=repo))
    assert named.source != "workspace"
    assert {d.path for d in named.diagnostics} <= {
        d.path for d in plain.diagnostics if d.path.startswith("packages/auth/")
    }


def test_check_refuses_an_unknown_stage_first(tmp_path: Path) -> None:
    # no git repository here: the stage is refused before the change is read
    write(tmp_path / "package.json", '{"name": "root", "workspaces": []}\n')
    ws = api.load_workspace(tmp_path)
    with pytest.raises(UsageError, match="unknown stage 'lint'"):
        api.check(ws, api.CheckOptions(only=["lint"]))


def test_a_crash_reads_as_one_line() -> None:
    raised = Crash.raised("apps/web/a.ts", "ZZZ999", RuntimeError("boom"))
    assert raised == Crash("apps/web/a.ts", "ZZZ999", "RuntimeError: boom")
    assert str(raised) == "apps/web/a.ts: ZZZ999: RuntimeError: boom"
    assert crash_line(raised) == "validator error: apps/web/a.ts: ZZZ999: RuntimeError: boom"
    stalled = Crash("apps/web/b.ts", None, "timed out after 5s")
    assert stalled.not_checked and not raised.not_checked
    assert str(stalled) == "apps/web/b.ts: not checked: timed out after 5s"
    assert crash_line(stalled, lambda p: "../" + p) == (
        "../apps/web/b.ts: not checked: timed out after 5s"
    )
    manifest = Crash.raised(None, "PKG001", ValueError("bad"))
    assert str(manifest) == "(workspace): PKG001: ValueError: bad"
    assert crash_line(manifest, lambda p: "../" + p) == (
        "validator error: (workspace): PKG001: ValueError: bad"
    )


def test_every_public_name_of_the_facade_resolves() -> None:
    # the façade imports each name from its module when first asked: every exported name has
    # a home, and each home holds it
    assert sorted(api.__all__) == sorted(api._HOMES)
    for name in api.__all__:
        assert getattr(api, name) is not None, name
    with pytest.raises(AttributeError):
        api.no_such_function  # noqa: B018
