"""Byte-for-byte comparison of the tool's outputs on real monorepos, for changes that must not
change behaviour (a refactoring): take a snapshot before, one after, and compare.

    python tests/benchmarks/compare_outputs.py snapshot /tmp/outputs-before /tmp/repos/dub ...
    python tests/benchmarks/compare_outputs.py snapshot /tmp/outputs-after /tmp/repos/dub ...
    python tests/benchmarks/compare_outputs.py compare /tmp/outputs-before /tmp/outputs-after

Per repository: `scan --json`; `affected --json` for 10 ranges (HEAD~k..HEAD~(k-1) for k = 1..5,
and HEAD~k..HEAD for k = 2, 5, 10, 20, 50: one-commit and wider changes); `validate --no-cache
--format json`; and `plan new --format json` for two requests (one scoped to the first
package, one over what HEAD~5..HEAD affects). Timing fields are dropped before comparing
(`elapsed`, `duration`, `seconds`, `startedAt`); nothing else is. The exit code and standard
error are part of each output, so a change of exit status or of a warning shows too.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from common import git, orchestrator_cmd, run

TIMING_KEYS = {"elapsed", "duration", "seconds", "startedAt", "durationMs", "time"}


def _strip_timing(value: object) -> object:
    if isinstance(value, dict):
        return {k: _strip_timing(v) for k, v in value.items() if k not in TIMING_KEYS}
    if isinstance(value, list):
        return [_strip_timing(v) for v in value]
    return value


def _commands(repo: Path) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {"scan": ["scan", "--json"]}
    depth = int(git(repo, "rev-list", "--count", "HEAD").strip())
    for k in range(1, 6):
        if k < depth:
            out[f"affected-{k}-commit"] = [
                "affected",
                "--json",
                "--base",
                f"HEAD~{k}",
                "--head",
                f"HEAD~{k - 1}",
            ]
    for k in (2, 5, 10, 20, 50):
        if k < depth:
            out[f"affected-{k}-commits"] = ["affected", "--json", "--base", f"HEAD~{k}"]
    out["validate"] = ["validate", "--no-cache", "--format", "json"]
    scan = json.loads(run([*orchestrator_cmd(), "scan", "--json"], repo)[1].stdout)
    first = sorted(p["path"] for p in scan["packages"] if p["path"] != ".")[:1]
    if first:
        out["plan-scoped"] = [
            "plan",
            "new",
            "Add an audit log to every write",
            "--scope",
            first[0],
            "--format",
            "json",
        ]
    if depth > 5:
        out["plan-affected"] = [
            "plan",
            "new",
            "Fix what the last change broke",
            "--affected",
            "--base",
            "HEAD~5",
            "--format",
            "json",
        ]
    return out


def snapshot(dest: Path, repos: list[Path]) -> None:
    for repo in repos:
        folder = dest / repo.name
        folder.mkdir(parents=True, exist_ok=True)
        for name, args in _commands(repo).items():
            seconds, proc = run([*orchestrator_cmd(), *args], repo)
            try:
                body: object = _strip_timing(json.loads(proc.stdout))
            except ValueError:
                body = proc.stdout
            doc = {"args": args, "exit": proc.returncode, "stderr": proc.stderr, "out": body}
            (folder / f"{name}.json").write_text(
                json.dumps(doc, indent=1, sort_keys=True) + "\n", encoding="utf-8"
            )
            print(f"{repo.name:12} {name:22} exit {proc.returncode}  {seconds:6.2f} s")


def compare(a: Path, b: Path) -> int:
    left = {p.relative_to(a) for p in a.rglob("*.json")}
    right = {p.relative_to(b) for p in b.rglob("*.json")}
    differ = 0
    for rel in sorted(left | right):
        if rel not in left or rel not in right:
            print(f"only in {'after' if rel in right else 'before'}: {rel}")
            differ += 1
        elif (a / rel).read_bytes() != (b / rel).read_bytes():
            print(f"differs: {rel}")
            differ += 1
    print(f"{len(left | right) - differ} identical, {differ} different")
    return 1 if differ else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    snap = sub.add_parser("snapshot")
    snap.add_argument("dest", type=Path)
    snap.add_argument("repos", type=Path, nargs="+")
    comp = sub.add_parser("compare")
    comp.add_argument("before", type=Path)
    comp.add_argument("after", type=Path)
    ns = parser.parse_args()
    if ns.command == "snapshot":
        snapshot(ns.dest, ns.repos)
    else:
        sys.exit(compare(ns.before, ns.after))


if __name__ == "__main__":
    main()
