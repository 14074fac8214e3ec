#!/usr/bin/env python3
"""Compare `orchestrator scan`/`affected` with pnpm and turbo on a real monorepo.

    python tests/benchmarks/parity_turbo.py /path/to/monorepo [--ranges 25] [--json out.json]

1. The (name, path) set of `orchestrator scan --json` against `pnpm ls -r --depth -1 --json`
   (minus the root project) and `turbo ls --output json`.
2. For commit ranges picked from the history (single first-parent commits, commits that touch
   the lockfile, the root package.json or turbo.json, and longer ranges), the packages of
   `orchestrator affected --base X --head Y` against
   `TURBO_SCM_BASE=X TURBO_SCM_HEAD=Y turbo ls --affected`, each from a clean checkout of Y.

Every difference is printed with our reasons for it, so each can be put in a class (see the
README's "Differences from turbo"). The repository is cloned to a scratch folder; the original
is never touched. pnpm and turbo come from PATH (or --pnpm / --turbo).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import checkout, git, orchestrator_cmd, run, scratch_clone, which


def pick_ranges(repo: Path, count: int) -> list[tuple[str, str, str]]:
    """(base, head, description), deterministic for a given history."""
    firsts = git(repo, "rev-list", "--first-parent", "--max-count=400", "HEAD").split()
    ranges: list[tuple[str, str, str]] = []
    seen: set[tuple[str, str]] = set()

    def add(base: str, head: str, what: str) -> None:
        if (base, head) not in seen and len(ranges) < count:
            seen.add((base, head))
            ranges.append((base, head, what))

    def parent(sha: str) -> str | None:
        out = git(repo, "rev-list", "--parents", "-n", "1", sha).split()
        return out[1] if len(out) > 1 else None

    def touching(path: str, n: int) -> list[str]:
        out = git(
            repo, "log", "--first-parent", f"--max-count={n}", "--format=%H", "HEAD", "--", path
        )
        return out.split()

    budget_single = max(count // 2, 1)
    for sha in firsts[:budget_single]:
        if (p := parent(sha)) is not None:
            add(p, sha, f"commit {sha[:10]}")
    for path, n in (("pnpm-lock.yaml", 5), ("package.json", 3), ("turbo.json", 2)):
        for sha in touching(path, n):
            if (p := parent(sha)) is not None:
                add(p, sha, f"commit {sha[:10]} (touches {path})")
    for k in (10, 50, 200):
        if len(firsts) > k:
            add(firsts[k], firsts[0], f"HEAD~{k}..HEAD (first parent)")
    i = budget_single
    while len(ranges) < count and i < len(firsts) - 1:
        add(firsts[i + 1], firsts[i], f"commit {firsts[i][:10]}")
        i += 1
    return ranges


def scan_parity(repo: Path, pnpm: str, turbo: str) -> dict[str, object]:
    ours = {
        (p["name"], p["path"])
        for p in json.loads(run([*orchestrator_cmd(), "scan", "--json"], repo)[1].stdout)[
            "packages"
        ]
    }
    pn_out = json.loads(run([pnpm, "ls", "-r", "--depth", "-1", "--json"], repo)[1].stdout)
    root = repo.resolve()
    pn = set()
    for item in pn_out:
        rel = Path(item["path"]).resolve().relative_to(root).as_posix()
        if rel != ".":
            pn.add((item.get("name"), rel))
    tu_out = json.loads(run([turbo, "ls", "--output", "json"], repo)[1].stdout)
    tu = {(i["name"], i["path"]) for i in tu_out["packages"]["items"]}
    return {
        "ours": len(ours),
        "pnpm": len(pn),
        "turbo": len(tu),
        "ours-vs-pnpm": sorted(map(list, ours ^ pn)),
        "ours-vs-turbo": sorted(map(list, ours ^ tu)),
    }


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("repo", type=Path)
    ap.add_argument("--ranges", type=int, default=25)
    ap.add_argument("--turbo", default=None)
    ap.add_argument("--pnpm", default=None)
    ap.add_argument("--work", type=Path, default=Path("/tmp/orchestrator-parity"))
    ap.add_argument("--json", type=Path, default=None, help="also write the full report here")
    args = ap.parse_args()
    turbo = which("turbo", args.turbo)
    pnpm = which("pnpm", args.pnpm)
    repo = scratch_clone(args.repo.resolve(), args.work)
    git(repo, "checkout", "-q", "-f", "--detach", "origin/HEAD")
    tip = git(repo, "rev-parse", "HEAD").strip()
    checkout(repo, tip)

    report: dict[str, object] = {"repo": str(args.repo), "tip": tip}
    report["scan"] = scan = scan_parity(repo, pnpm, turbo)
    print(
        f"scan: ours {scan['ours']}, pnpm {scan['pnpm']}, turbo {scan['turbo']} packages; "
        f"differences vs pnpm {scan['ours-vs-pnpm']}, vs turbo {scan['ours-vs-turbo']}"
    )

    results = []
    same = 0
    for base, head, what in pick_ranges(repo, args.ranges):
        note = checkout(repo, head)
        _, tproc = run(
            [turbo, "ls", "--affected", "--output", "json"],
            repo,
            {"TURBO_SCM_BASE": base, "TURBO_SCM_HEAD": head},
        )
        _, oproc = run(
            [*orchestrator_cmd(), "affected", "--base", base, "--head", head, "--json"], repo
        )
        entry: dict[str, object] = {"base": base, "head": head, "what": what, "note": note}
        if tproc.returncode != 0 or oproc.returncode != 0:
            entry["error"] = {"turbo": tproc.stderr[-400:], "ours": oproc.stderr[-400:]}
            results.append(entry)
            print(f"  ERROR {what}: turbo {tproc.returncode}, ours {oproc.returncode}")
            continue
        theirs = {i["name"] for i in json.loads(tproc.stdout)["packages"]["items"]}
        doc = json.loads(oproc.stdout)
        ours = {p["name"]: p for p in doc["packages"]}
        ours_only = sorted(set(ours) - theirs)
        turbo_only = sorted(theirs - set(ours))
        entry.update(
            {
                "turbo": len(theirs),
                "ours": len(ours),
                "oursOnly": ours_only,
                "turboOnly": turbo_only,
            }
        )
        if not ours_only and not turbo_only:
            same += 1
        else:
            kinds = sorted({r["kind"] for n in ours_only for r in ours[n]["reasons"]})
            entry["oursOnlyReasonKinds"] = kinds
            example = next((r["message"] for n in ours_only for r in ours[n]["reasons"]), "")
            entry["example"] = example
            print(
                f"  DIFF {what}: ours {len(ours)}, turbo {len(theirs)}; ours only {ours_only[:4]}"
                f"{'…' if len(ours_only) > 4 else ''} ({', '.join(kinds)}); turbo only {turbo_only}"
            )
            if example:
                print(f"       e.g. {example[:200]}")
        results.append(entry)
    report["ranges"] = results
    print(f"affected: {same} of {len(results)} ranges identical to turbo")
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
