#!/usr/bin/env python3
"""Compare ANY001 with typescript-eslint's no-explicit-any on a real repository.

    npm install --prefix /tmp/peers eslint typescript-eslint typescript
    python tests/benchmarks/parity_eslint.py /path/to/repo --node-modules /tmp/peers/node_modules

Both tools get the same files (every tracked *.ts/*.tsx/*.mts/*.cts), eslint with only
@typescript-eslint/no-explicit-any, no type information, inline `eslint-disable` comments
honoured. Prints the counts and every `path:line:col` only one of the two reports, with the
source line, so each difference can be explained.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import env, orchestrator_cmd
from peers import eslint_cmd, eslint_config, eslint_findings


def tracked_ts(repo: Path) -> list[str]:
    out = subprocess.run(
        ["git", "-C", str(repo), "ls-files", "-z", "*.ts", "*.tsx", "*.mts", "*.cts"],
        capture_output=True,
        check=True,
    ).stdout
    return [p.decode() for p in out.split(b"\0") if p]


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("repo", type=Path)
    ap.add_argument(
        "--node-modules",
        type=Path,
        required=True,
        help="where eslint and typescript-eslint are installed",
    )
    args = ap.parse_args()
    repo = args.repo.resolve()
    files = tracked_ts(repo)
    listing = "\0".join(files).encode()

    ours_proc = subprocess.run(
        [
            *orchestrator_cmd(),
            "validate",
            "--select",
            "ANY001",
            "--no-cache",
            "--format",
            "json",
            "--files-from",
            "-",
        ],
        cwd=repo,
        input=listing,
        capture_output=True,
        env=env(),
        check=False,
    )
    doc = json.loads(ours_proc.stdout)
    ours = {
        (d["path"], d["line"], d["column"]) for d in doc["diagnostics"] if d["code"] == "ANY001"
    }

    config = eslint_config(args.node_modules)
    theirs: set[tuple[str, int, int]] = set()
    base = eslint_cmd(args.node_modules, config, Path())
    for i in range(0, len(files), 800):  # keep each command line well under ARG_MAX
        proc = subprocess.run(
            [*base, *files[i : i + 800]],
            cwd=repo,
            capture_output=True,
            text=True,
            env=env(),
            check=False,
        )
        if proc.returncode not in (0, 1):
            sys.exit(f"eslint failed: {proc.stderr[-800:]}")
        theirs |= eslint_findings(proc.stdout, repo)

    print(
        f"{repo.name}: {len(files)} files; ANY001 {len(ours)}, eslint {len(theirs)}; "
        f"identical {len(ours & theirs)}; ours only {len(ours - theirs)}; eslint only {len(theirs - ours)}"
    )
    print(f"files tree-sitter could not parse completely: {len(doc['summary']['parseErrors'])}")
    for label, items in (("ours only", ours - theirs), ("eslint only", theirs - ours)):
        for path, line, col in sorted(items):
            text = (repo / path).read_text(errors="replace").splitlines()[line - 1].strip()
            print(f"  {label}: {path}:{line}:{col}  {text[:120]}")


if __name__ == "__main__":
    main()
