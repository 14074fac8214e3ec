"""Fixes: an unsafe fix is applied only when the file it leaves has no finding it did not have
before, on a real monorepo (fixtures/monorepos/relative-imports)."""

from __future__ import annotations

import json
from pathlib import Path

from .conftest import run_cli


def _findings(repo: Path) -> list[tuple[str, str, str]]:
    proc = run_cli("validate", "--no-cache", "--strict", "--format", "json", cwd=repo)
    doc = json.loads(proc.stdout)
    return sorted((d["path"], d["code"], d["message"]) for d in doc["diagnostics"])


def test_an_unsafe_fix_never_adds_findings(make_repo) -> None:
    repo = make_repo("relative-imports")
    before = _findings(repo)
    assert [(p, c) for p, c, _ in before] == [
        ("apps/admin/app/orders/page.tsx", "IMP001"),
        ("apps/admin/app/page.tsx", "IMP001"),
        ("apps/storefront/app/page.tsx", "IMP001"),
    ]
    proc = run_cli("validate", "--no-cache", "--strict", "--fix", "--unsafe-fixes", cwd=repo)
    assert proc.returncode == 1, proc.stderr
    # the storefront declares @shop/ui: its import is rewritten
    page = (repo / "apps/storefront/app/page.tsx").read_text()
    assert page.startswith('import { Button } from "@shop/ui";\n')
    assert "fixed 1 in apps/storefront/app/page.tsx" in proc.stdout
    # the admin app declares neither @shop/ui nor the storefront (an app): the rewrite would
    # trade one finding for others, so it is withheld and says why
    assert (
        "1 unsafe fix not applied to apps/admin/app/orders/page.tsx: it would add IMP002, IMP008"
        in proc.stderr
    )
    assert "1 unsafe fix not applied to apps/admin/app/page.tsx: it would add IMP002" in proc.stderr
    assert (
        (repo / "apps/admin/app/page.tsx")
        .read_text()
        .startswith('import { Button } from "../../../packages/ui/src/button";')
    )
    after = _findings(repo)
    assert set(after) <= set(before)
    assert [(p, c) for p, c, _ in after] == [
        ("apps/admin/app/orders/page.tsx", "IMP001"),
        ("apps/admin/app/page.tsx", "IMP001"),
    ]
    # declared, the admin's fix applies too, and leaves nothing behind
    manifest = repo / "apps/admin/package.json"
    data = json.loads(manifest.read_text())
    data["dependencies"]["@shop/ui"] = "workspace:*"
    manifest.write_text(json.dumps(data, indent=2) + "\n")
    again = run_cli("validate", "--no-cache", "--strict", "--fix", "--unsafe-fixes", cwd=repo)
    assert "fixed 1 in apps/admin/app/page.tsx" in again.stdout
    assert [(p, c) for p, c, _ in _findings(repo)] == [("apps/admin/app/orders/page.tsx", "IMP001")]
