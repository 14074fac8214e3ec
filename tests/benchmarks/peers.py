"""Running eslint (+ typescript-eslint), oxlint and biome with only their no-explicit-any rule."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

ESLINT_CONFIG = """
import {{ createRequire }} from 'node:module';
const require = createRequire({package_json!r});
const tseslint = require('typescript-eslint');
export default [
  {{ ignores: ['!**/node_modules/'] }},
  {{
    files: ['**/*.ts', '**/*.tsx', '**/*.mts', '**/*.cts'],
    languageOptions: {{ parser: tseslint.parser, ecmaVersion: 'latest', sourceType: 'module' }},
    plugins: {{ '@typescript-eslint': tseslint.plugin }},
    linterOptions: {{ noInlineConfig: false, reportUnusedDisableDirectives: 'off' }},
    rules: {{ '@typescript-eslint/no-explicit-any': 'error' }},
  }},
];
"""


def eslint_config(node_modules: Path) -> Path:
    """A flat config that loads typescript-eslint from ``node_modules`` (the repo's own eslint
    configuration is never read: no type information, only no-explicit-any)."""
    d = Path(tempfile.mkdtemp(prefix="orch-eslint-"))
    cfg = d / "eslint.config.mjs"
    cfg.write_text(ESLINT_CONFIG.format(package_json=str(node_modules.parent / "package.json")))
    return cfg


def eslint_cmd(node_modules: Path, config: Path, files_list: Path) -> list[str]:
    # The file list goes through xargs-like expansion in the caller; eslint takes paths.
    return [
        str(node_modules / ".bin" / "eslint"),
        "--config",
        str(config),
        "--no-config-lookup",
        "--format",
        "json",
        "--no-warn-ignored",
    ]


def eslint_findings(stdout: str, root: Path) -> set[tuple[str, int, int]]:
    out: set[tuple[str, int, int]] = set()
    for f in json.loads(stdout or "[]"):
        rel = Path(f["filePath"]).resolve().relative_to(root.resolve()).as_posix()
        for m in f["messages"]:
            if m.get("ruleId") == "@typescript-eslint/no-explicit-any":
                out.add((rel, m["line"], m["column"]))
    return out


def oxlint_cmd(node_modules: Path) -> list[str]:
    return [
        str(node_modules / ".bin" / "oxlint"),
        "-A",
        "all",
        "-D",
        "typescript/no-explicit-any",
        "--format",
        "json",
    ]


def biome_cmd(node_modules: Path) -> list[str]:
    return [
        str(node_modules / ".bin" / "biome"),
        "lint",
        "--only=suspicious/noExplicitAny",
        "--reporter=json",
        "--max-diagnostics=none",
    ]
