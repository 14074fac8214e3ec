#!/usr/bin/env python3
"""Time `orchestrator validate` against eslint (typescript-eslint), oxlint and biome, each with
only its no-explicit-any rule, on the same files of the same checkout, side by side.

    npm install --prefix /tmp/peers eslint typescript-eslint typescript oxlint @biomejs/biome
    python tests/benchmarks/bench_validate.py /path/to/dub --node-modules /tmp/peers/node_modules

Measures, as medians over --runs rounds (tools alternate within a round):
  cold     orchestrator validate, empty cache, every validator (whole workspace)
  warm     the same again, cache filled, nothing changed
  staged   orchestrator validate --staged with 10 staged files (a pre-commit run)
  eslint / oxlint / biome   over every tracked *.ts/*.tsx/*.mts/*.cts file
The repository is cloned to a scratch folder; the original is never touched.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import git, median_ms, orchestrator_cmd, run, scratch_clone
from parity_eslint import tracked_ts
from peers import biome_cmd, eslint_cmd, eslint_config, oxlint_cmd


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("repo", type=Path)
    ap.add_argument("--node-modules", type=Path, required=True)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--peer-runs", type=int, default=3)
    ap.add_argument("--work", type=Path, default=Path("/tmp/orchestrator-bench-validate"))
    args = ap.parse_args()

    repo = scratch_clone(args.repo.resolve(), args.work)
    git(repo, "checkout", "-q", "-f", "--detach", "origin/HEAD")
    git(repo, "clean", "-fdq")
    files = tracked_ts(repo)
    cache = Path(tempfile.mkdtemp(prefix="orch-cache-"))
    orch = orchestrator_cmd()
    samples: dict[str, list[float]] = {
        k: [] for k in ("cold", "warm", "staged", "eslint", "oxlint", "biome")
    }
    counts: dict[str, str] = {}

    def ours(extra: list[str], name: str, fresh_cache: bool) -> None:
        if fresh_cache:
            shutil.rmtree(cache, ignore_errors=True)
        dt, proc = run(
            [*orch, "validate", "--format", "json", *extra],
            repo,
            {"ORCHESTRATOR_CACHE_DIR": str(cache)},
        )
        if proc.returncode not in (0, 1):
            sys.exit(f"orchestrator failed: {proc.stderr[-600:]}")
        samples[name].append(dt)
        import json

        counts[name] = str(len(json.loads(proc.stdout)["diagnostics"]))

    for rnd in range(args.runs + 1):
        ours([], "cold", True)
        ours([], "warm", False)
        if rnd == 0:
            for values in samples.values():
                values.clear()
    # a pre-commit-sized run: 10 files changed and staged
    for rel in files[:: max(1, len(files) // 10)][:10]:
        with open(repo / rel, "a", encoding="utf-8") as fh:
            fh.write("\n// touched\n")
        git(repo, "add", rel)
    for rnd in range(args.runs + 1):
        ours(["--staged"], "staged", False)
        if rnd == 0:
            samples["staged"].clear()
    git(repo, "reset", "-q", "--hard")

    config = eslint_config(args.node_modules)
    peers = {
        "eslint": eslint_cmd(args.node_modules, config, Path()) + files,
        "oxlint": oxlint_cmd(args.node_modules) + files,
        "biome": biome_cmd(args.node_modules) + files,
    }
    for _ in range(args.peer_runs):
        for name, cmd in peers.items():
            dt, proc = run(cmd, repo)
            if proc.returncode not in (0, 1):
                print(f"{name} exited {proc.returncode}: {proc.stderr[-300:]}", file=sys.stderr)
            samples[name].append(dt)
    med = {k: median_ms(v) for k, v in samples.items() if v}
    print(
        f"repo {args.repo.name}: {len(files)} TS files, 2 cores; medians of {args.runs} runs (peers {args.peer_runs})"
    )
    for k in ("cold", "warm", "staged"):
        print(f"  orchestrator {k:<7} {med[k]:8.0f} ms   ({counts.get(k, '?')} findings)")
    for k in ("eslint", "oxlint", "biome"):
        print(f"  {k:<20} {med[k]:8.0f} ms   cold ratio {med[k] / med['cold']:.1f}x")


if __name__ == "__main__":
    main()
