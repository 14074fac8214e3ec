#!/usr/bin/env python3
"""Time `orchestrator scan/affected` against `turbo ls` / `turbo ls --affected`, side by side.

    python tests/benchmarks/bench_turbo.py /path/to/monorepo [--runs 15] [--range HEAD~10..HEAD]

Each round runs every command once, in alternating order, so both tools see the same machine
state; the first round is a warm-up and is not counted. Prints medians and our/turbo ratios.
turbo runs through its npm wrapper (the `turbo` on PATH, or --turbo). The repository is cloned
to a scratch folder first; the original is never touched.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import checkout, git, median_ms, orchestrator_cmd, run, scratch_clone, which


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("repo", type=Path)
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--range", default="HEAD~10..HEAD", help="BASE..HEAD for the affected timing")
    ap.add_argument("--turbo", default=None, help="turbo executable (default: turbo on PATH)")
    ap.add_argument("--work", type=Path, default=Path("/tmp/orchestrator-bench"))
    args = ap.parse_args()

    turbo = which("turbo", args.turbo)
    repo = scratch_clone(args.repo.resolve(), args.work)
    base_ref, head_ref = args.range.split("..")
    git(repo, "checkout", "-q", "-f", "--detach", "origin/HEAD")
    base = git(repo, "rev-parse", base_ref).strip()
    head = git(repo, "rev-parse", head_ref).strip()
    note = checkout(repo, head)
    orch = orchestrator_cmd()
    scm = {"TURBO_SCM_BASE": base, "TURBO_SCM_HEAD": head}
    commands = {
        "scan": ([*orch, "scan", "--json"], [turbo, "ls", "--output", "json"], None),
        "affected": (
            [*orch, "affected", "--base", base, "--head", head, "--json"],
            [turbo, "ls", "--affected", "--output", "json"],
            scm,
        ),
    }
    samples: dict[str, dict[str, list[float]]] = {k: {"ours": [], "turbo": []} for k in commands}
    counts: dict[str, tuple[int, int]] = {}
    for rnd in range(args.runs + 1):
        for name, (ours_cmd, turbo_cmd, extra) in commands.items():
            order = [("ours", ours_cmd, None), ("turbo", turbo_cmd, extra)]
            if rnd % 2:
                order.reverse()
            results = {}
            for who, cmd, env_extra in order:
                dt, proc = run(cmd, repo, env_extra)
                if proc.returncode not in (0, 1):
                    sys.exit(f"{' '.join(cmd)} failed ({proc.returncode}): {proc.stderr[-500:]}")
                results[who] = proc.stdout
                if rnd:
                    samples[name][who].append(dt)
            if rnd == 0:
                ours_n = len(json.loads(results["ours"])["packages"])
                turbo_n = len(json.loads(results["turbo"])["packages"]["items"])
                counts[name] = (ours_n, turbo_n)

    tv = run([turbo, "--version"], repo)[1].stdout.strip()
    print(
        f"repo: {args.repo} @ {head[:10]}  range {base[:10]}..{head[:10]}  turbo {tv}  runs {args.runs}"
    )
    if note:
        print(f"note: {note}")
    print(f"{'command':<10} {'ours ms':>9} {'turbo ms':>9} {'ratio':>7}   packages ours/turbo")
    for name in commands:
        o, t = median_ms(samples[name]["ours"]), median_ms(samples[name]["turbo"])
        print(f"{name:<10} {o:9.1f} {t:9.1f} {o / t:7.2f}x   {counts[name][0]}/{counts[name][1]}")


if __name__ == "__main__":
    main()
