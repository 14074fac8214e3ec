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
    # the storefront declares @shop/ui: its import is rewritten to the subpath the package's
    # exports name the file by
    page = (repo / "apps/storefront/app/page.tsx").read_text()
    assert page.startswith('import { Button } from "@shop/ui/button";\n')
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


def test_the_package_import_suggested_is_the_one_the_exports_map_names(make_repo) -> None:
    repo = make_repo("relative-imports")
    ui = repo / "packages/ui/package.json"
    data = json.loads(ui.read_text())
    # a pattern that maps `@shop/ui/<x>` to src/<x>.tsx, a folder kept out, a test helper
    data["exports"] = {".": "./src/index.ts", "./*": "./src/*.tsx", "./internal/*": None}
    ui.write_text(json.dumps(data))
    (repo / "packages/ui/src/internal").mkdir()
    (repo / "packages/ui/src/internal/theme.tsx").write_text("export const theme = 1;\n")
    (repo / "packages/ui/test").mkdir()
    (repo / "packages/ui/test/render.ts").write_text("export const render = 1;\n")
    page = repo / "apps/storefront/app/page.tsx"
    page.write_text(
        'import { Button } from "../../../packages/ui/src/button";\n'
        'import { theme } from "../../../packages/ui/src/internal/theme";\n'
        'import { render } from "../../../packages/ui/test/render";\n'
        "export const all = [Button, theme, render];\n"
    )
    proc = run_cli(
        "validate", "--no-cache", "--select", "IMP001", "--format", "json", "apps", cwd=repo
    )
    found = {
        d["line"]: (d["message"], bool(d.get("fix")))
        for d in json.loads(proc.stdout)["diagnostics"]
        if d["path"] == "apps/storefront/app/page.tsx"
    }
    assert found[1] == (
        "Relative import leaves storefront for @shop/ui; import `@shop/ui/button` instead",
        True,
    )
    # exports reach neither file under any name: no package import to suggest, no fix
    assert found[2] == (
        "Relative import leaves storefront (apps/storefront) for "
        "packages/ui/src/internal/theme.tsx",
        False,
    )
    assert found[3][0].endswith("for packages/ui/test/render.ts")
    run_cli("validate", "--no-cache", "--select", "IMP001", "--fix", "--unsafe-fixes", cwd=repo)
    assert page.read_text().splitlines()[:3] == [
        'import { Button } from "@shop/ui/button";',
        'import { theme } from "../../../packages/ui/src/internal/theme";',
        'import { render } from "../../../packages/ui/test/render";',
    ]
