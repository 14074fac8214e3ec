"""A workspace package's entry point, and what it exports: IMP004 advises importing from it only
when it exports what the deep import takes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from orchestrator_tool import api
from orchestrator_tool.analysis.entry import EntryIndex
from orchestrator_tool.engine.run_state import RunState
from orchestrator_tool.workspace import scan

from .conftest import write

UTILS_INDEX = """export * from "./constants";
export * from "./functions";
export { formatDate as format } from "./dates/format";
export * as money from "./money";
export type { Plan } from "./plans";
"""


def _monorepo(root: Path, utils_manifest: dict[str, object] | None = None) -> Path:
    write(root / "package.json", json.dumps({"name": "root", "private": True}))
    write(root / "pnpm-workspace.yaml", "packages:\n  - apps/*\n  - packages/*\n")
    write(
        root / "apps/web/package.json",
        json.dumps({"name": "web", "dependencies": {"@acme/utils": "workspace:*"}}),
    )
    manifest = utils_manifest or {
        "name": "@acme/utils",
        "main": "./dist/index.mjs",
        "types": "./dist/index.d.ts",
    }
    write(root / "packages/utils/package.json", json.dumps(manifest))
    write(root / "packages/utils/src/index.ts", UTILS_INDEX)
    write(root / "packages/utils/src/constants/index.ts", 'export * from "./main";\n')
    write(
        root / "packages/utils/src/constants/main.ts",
        "export const APP_NAME = 'Acme';\nexport const { HOST, PORT: port } = load();\n"
        "export declare const BUILD_ID: string;\nconst SECRET = 1;\nexport { SECRET as TOKEN };\n",
    )
    write(
        root / "packages/utils/src/functions/index.ts",
        "export function cn(...c: string[]) { return c.join(' '); }\n"
        "export class Cache {}\nexport enum Tier { Free }\nexport interface Options {}\n",
    )
    write(
        root / "packages/utils/src/functions/internal.ts",
        "export function slugify(s: string) { return s; }\n",
    )
    write(root / "packages/utils/src/dates/format.ts", "export const formatDate = 1;\n")
    write(root / "packages/utils/src/money.ts", "export const cents = 1;\n")
    write(root / "packages/utils/src/plans.ts", "export type Plan = 'free';\n")
    write(root / "packages/utils/src/styles.css", "body { margin: 0; }\n")
    return root


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("APP_NAME", True),
        ("HOST", True),
        ("port", True),
        ("PORT", False),  # `{ PORT: port }` declares port
        ("BUILD_ID", True),
        ("TOKEN", True),
        ("SECRET", False),
        ("cn", True),
        ("Cache", True),
        ("Tier", True),
        ("Options", True),
        ("format", True),
        ("formatDate", False),
        ("money", True),
        ("cents", False),
        ("Plan", True),
        ("slugify", False),
        ("default", False),
    ],
)
def test_what_the_entry_exports(tmp_path: Path, name: str, expected: bool) -> None:
    ws = scan(_monorepo(tmp_path))
    index = EntryIndex(RunState(ws))
    utils = ws.by_name["@acme/utils"]
    # main points at the build (not there): its source stands for it
    assert index.entry(utils) == "packages/utils/src/index.ts"
    assert index.exports(utils, name) is expected


def test_the_entry_from_an_exports_map_and_a_star_from_outside(tmp_path: Path) -> None:
    root = _monorepo(
        tmp_path,
        {
            "name": "@acme/utils",
            "exports": {
                ".": {"types": "./dist/index.d.ts", "import": "./dist/index.mjs"},
                "./package.json": "./package.json",
            },
        },
    )
    write(root / "packages/utils/src/index.ts", UTILS_INDEX + 'export * from "nanoid";\n')
    ws = scan(root)
    index = EntryIndex(RunState(ws))
    utils = ws.by_name["@acme/utils"]
    assert index.entry(utils) == "packages/utils/src/index.ts"
    assert index.exports(utils, "cn") is True
    # a star from an npm package might export anything
    assert index.exports(utils, "slugify") is None


def test_a_commonjs_entry_cannot_tell(tmp_path: Path) -> None:
    root = _monorepo(tmp_path, {"name": "@acme/utils", "main": "index.js"})
    write(root / "packages/utils/index.js", "module.exports = { cn: require('./src/cn') };\n")
    ws = scan(root)
    assert EntryIndex(RunState(ws)).exports(ws.by_name["@acme/utils"], "cn") is None


def _imp004(root: Path) -> list[tuple[int, str]]:
    report = api.validate(
        scan(root), api.ValidateOptions(select=["IMP004"], use_cache=False, jobs=1)
    )
    return [(d.line, d.message) for d in report.diagnostics]


def test_deep_import_advice_follows_what_the_entry_exports(tmp_path: Path) -> None:
    root = _monorepo(tmp_path)
    write(
        root / "apps/web/app/page.tsx",
        'import { cn } from "@acme/utils/src/functions";\n'
        'import { slugify } from "@acme/utils/src/functions/internal";\n'
        'import { APP_NAME, type Plan } from "@acme/utils/src/constants/main";\n'
        'import "@acme/utils/src/styles.css";\n'
        'import * as dates from "@acme/utils/src/dates/format";\n'
        'const money = await import("@acme/utils/src/money");\n',
    )
    m = "packages/utils/package.json"
    assert _imp004(root) == [
        (
            1,
            "@acme/utils/src/functions reaches into @acme/utils's src/; import cn from "
            "@acme/utils, whose entry point exports it",
        ),
        (
            2,
            "@acme/utils/src/functions/internal reaches into @acme/utils's src/, and its entry "
            f"point does not export slugify; add './src/functions/internal' to the exports of {m}",
        ),
        (
            3,
            "@acme/utils/src/constants/main reaches into @acme/utils's src/; import APP_NAME, "
            "Plan from @acme/utils, whose entry point exports them",
        ),
        (
            4,
            "@acme/utils/src/styles.css reaches into @acme/utils's src/ for the file itself (an "
            f"import for its side effects); add './src/styles.css' to the exports of {m}",
        ),
        (
            5,
            "@acme/utils/src/dates/format reaches into @acme/utils's src/; import from "
            "@acme/utils if its entry point exports what is used, or add './src/dates/format' "
            f"to the exports of {m}",
        ),
        (
            6,
            "@acme/utils/src/money reaches into @acme/utils's src/; import from @acme/utils if "
            f"its entry point exports what is used, or add './src/money' to the exports of {m}",
        ),
    ]


def test_a_cached_advice_is_dropped_when_the_entry_changes(tmp_path: Path) -> None:
    root = _monorepo(tmp_path)
    write(
        root / "apps/web/app/page.tsx",
        'import { slugify } from "@acme/utils/src/functions/internal";\n',
    )
    first = api.validate(scan(root), api.ValidateOptions(select=["IMP004"]))
    assert "does not export slugify" in first.diagnostics[0].message
    write(
        root / "packages/utils/src/functions/index.ts",
        'export { slugify } from "./internal";\n',
    )
    again = api.validate(scan(root), api.ValidateOptions(select=["IMP004"]))
    # the page's verdict was read from the entry's files: it is checked again, not cached
    assert again.cached == again.files_checked - 2
    assert "import slugify from @acme/utils" in again.diagnostics[0].message


def test_no_file_is_read_for_a_clean_import(tmp_path: Path, monkeypatch) -> None:
    from orchestrator_tool.analysis import entry

    root = _monorepo(tmp_path)
    write(root / "apps/web/app/page.tsx", 'import { cn } from "@acme/utils";\n')

    def fail(*_: object) -> None:
        raise AssertionError("the entry was read without a finding")

    monkeypatch.setattr(entry, "_read_module", fail)
    assert _imp004(root) == []


def test_a_star_from_another_workspace_package_is_read_through_its_entry(tmp_path: Path) -> None:
    root = _monorepo(tmp_path)
    write(
        root / "packages/core/package.json",
        json.dumps({"name": "@acme/core", "exports": {".": "./src/main.ts"}}),
    )
    write(root / "packages/core/src/main.ts", "export const createStore = () => ({});\n")
    write(root / "packages/utils/src/index.ts", UTILS_INDEX + 'export * from "@acme/core";\n')
    ws = scan(root)
    index = EntryIndex(RunState(ws))
    utils = ws.by_name["@acme/utils"]
    assert index.exports(utils, "createStore") is True
    assert index.exports(utils, "destroyStore") is False


def test_only_the_files_that_can_export_the_name_are_parsed(tmp_path) -> None:
    from orchestrator_tool.engine import source

    ws = scan(_monorepo(tmp_path))
    utils = ws.by_name["@acme/utils"]
    parsed: list[str] = []
    tree = source.SourceFile.tree.fget

    def counting(self: source.SourceFile):
        if not self.parsed:
            parsed.append(self.path)
        return tree(self)

    patch = pytest.MonkeyPatch()
    patch.setattr(source.SourceFile, "tree", property(counting))
    try:
        index = EntryIndex(RunState(ws))
        assert index.exports(utils, "APP_NAME") is True
        assert index.exports(utils, "nothingByThatName") is False
    finally:
        patch.undo()
    # the barrels on the way are read by the header lexer; only the file that names APP_NAME
    # is parsed
    assert parsed == ["packages/utils/src/constants/main.ts"]
