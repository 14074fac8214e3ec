#!/usr/bin/env python3
"""Precision of each validator on public monorepos, judged by hand.

    # 1. run the tool on every repository of a set (clones in --repos, one folder per name)
    python tests/benchmarks/precision/measure.py run --set heldout --repos /tmp/repos \\
        --out /tmp/precision-heldout
    # 2. draw the findings to judge (rows already judged are kept and not drawn again)
    python tests/benchmarks/precision/measure.py sample --run /tmp/precision-heldout \\
        --per-code 40 >> tests/benchmarks/precision/judged.csv
    #    ... fill in `verdict` (true | false) and `why` for each new row ...
    # 3. precision per code, with its Wilson 95% lower bound
    python tests/benchmarks/precision/measure.py score --run /tmp/precision-heldout

corpus.json names the repositories and their commits, in two sets: `tuning` (the repositories
the rules were developed against) and `heldout` (picked before the rules were tuned, judged
only after the last change). A clone already at the pinned commit is read in place
(`validate --no-cache` writes nothing); otherwise it is cloned into a scratch folder and the
commit is checked out there.

judged.csv has the columns set, code, repo, path, line, verdict, why, message. A row counts
for a run when a finding of that code, repository, path and line is in the run; rows that no
longer match (the rule changed) are reported as stale, not counted.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
from common import at_commit, env, orchestrator_cmd  # noqa: E402

from orchestrator_tool.engine.spec import wilson_lower  # noqa: E402

CORPUS = HERE / "corpus.json"
JUDGED = HERE / "judged.csv"
FIELDS = ["set", "code", "repo", "path", "line", "verdict", "why", "message"]


def _repos(set_name: str) -> list[dict[str, str]]:
    corpus = json.loads(CORPUS.read_text(encoding="utf-8"))
    repos: list[dict[str, str]] = corpus["sets"][set_name]
    return repos


def _checkout(clones: Path, repo: str, commit: str, work: Path) -> Path:
    source = clones / repo.split("/", 1)[1]
    if not source.is_dir():
        sys.exit(f"{repo}: no clone at {source}")
    return at_commit(source, commit, work)


def cmd_run(args: argparse.Namespace) -> None:
    args.out.mkdir(parents=True, exist_ok=True)
    tool = subprocess.run(
        ["git", "-C", str(HERE), "rev-parse", "HEAD"], capture_output=True, text=True, check=False
    ).stdout.strip()
    meta = {"set": args.set, "tool": tool, "repos": []}
    for entry in _repos(args.set):
        if args.only and entry["repo"].split("/", 1)[1] not in args.only:
            continue
        repo, commit = entry["repo"], entry["commit"]
        clone = _checkout(args.repos, repo, commit, args.work)
        root = clone / entry.get("root", "")
        proc = subprocess.run(
            [*orchestrator_cmd(), "validate", "--no-cache", "--format", "json"],
            cwd=root,
            capture_output=True,
            text=True,
            env=env(),
            check=False,
        )
        if proc.returncode not in (0, 1):
            print(f"{repo}: exit {proc.returncode}: {proc.stderr.strip()[-400:]}", file=sys.stderr)
            continue
        report = json.loads(proc.stdout)
        name = repo.split("/", 1)[1]
        (args.out / f"{name}.json").write_text(json.dumps(report), encoding="utf-8")
        summary = report["summary"]
        meta["repos"].append({"repo": repo, "commit": commit, "byCode": summary["byCode"]})
        print(f"{repo:40} {summary['diagnostics']:6} findings  {summary['byCode']}")
    (args.out / "run.json").write_text(json.dumps(meta, indent=1), encoding="utf-8")


def _findings(run: Path) -> tuple[str, dict[str, list[dict[str, object]]]]:
    """The run's set and its findings per code (each with its repository)."""
    meta = json.loads((run / "run.json").read_text(encoding="utf-8"))
    by_code: dict[str, list[dict[str, object]]] = defaultdict(list)
    for entry in meta["repos"]:
        name = entry["repo"].split("/", 1)[1]
        report = json.loads((run / f"{name}.json").read_text(encoding="utf-8"))
        for d in report["diagnostics"]:
            by_code[d["code"]].append({**d, "repo": entry["repo"]})
    return str(meta["set"]), by_code


def _judged(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _key(row: dict[str, object]) -> tuple[str, str, str, str]:
    return (str(row["code"]), str(row["repo"]), str(row["path"]), str(row["line"]))


def cmd_sample(args: argparse.Namespace) -> None:
    set_name, by_code = _findings(args.run)
    done = {_key(r) for r in _judged(args.judged) if r["set"] == set_name}
    rng = random.Random(args.seed)
    out = csv.DictWriter(sys.stdout, FIELDS, lineterminator="\n")
    if args.header:
        out.writeheader()
    for code in sorted(by_code):
        if args.codes and code not in args.codes:
            continue
        findings = by_code[code]
        have = sum(1 for f in findings if _key(f) in done)
        want = max(0, args.per_code - have)
        # Round-robin over the repositories in a seeded order, a seeded pick within each, so
        # one repository with hundreds of findings does not make the whole sample.
        per_repo: dict[str, list[dict[str, object]]] = defaultdict(list)
        for f in findings:
            if _key(f) not in done:
                per_repo[str(f["repo"])].append(f)
        for pool in per_repo.values():
            rng.shuffle(pool)
        order = sorted(per_repo)
        rng.shuffle(order)
        picked: list[dict[str, object]] = []
        while len(picked) < want and any(per_repo[r] for r in order):
            for r in order:
                if per_repo[r] and len(picked) < want:
                    picked.append(per_repo[r].pop())
        for f in sorted(picked, key=_key):
            out.writerow(
                {
                    "set": set_name,
                    "code": f["code"],
                    "repo": f["repo"],
                    "path": f["path"],
                    "line": f["line"],
                    "verdict": "",
                    "why": "",
                    "message": f["message"],
                }
            )


def cmd_score(args: argparse.Namespace) -> None:
    set_name, by_code = _findings(args.run)
    current = {_key(f) for fs in by_code.values() for f in fs}
    rows = [r for r in _judged(args.judged) if r["set"] == set_name]
    stale = [r for r in rows if _key(r) not in current]
    counted = [r for r in rows if _key(r) in current and r["verdict"] in ("true", "false")]
    unjudged = [r for r in rows if _key(r) in current and r["verdict"] not in ("true", "false")]
    print(f"set {set_name}: {len(counted)} judged findings")
    print(f"{'code':8} {'findings':>8} {'judged':>7} {'true':>5} {'precision':>10} {'wilson95':>9}")
    for code in sorted(set(by_code) | {r["code"] for r in counted}):
        judged = [r for r in counted if r["code"] == code]
        true = sum(1 for r in judged if r["verdict"] == "true")
        n = len(judged)
        precision = f"{true / n:.3f}" if n else "-"
        lower = f"{wilson_lower(true, n):.3f}" if n else "-"
        print(
            f"{code:8} {len(by_code.get(code, [])):>8} {n:>7} {true:>5} {precision:>10} {lower:>9}"
        )
    if unjudged:
        print(f"{len(unjudged)} sampled rows still without a verdict")
    if stale:
        print(f"{len(stale)} judged rows match no finding of this run (stale): not counted")


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = ap.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run the tool on every repository of a set")
    run.add_argument("--set", required=True, choices=["tuning", "heldout"])
    run.add_argument("--repos", type=Path, required=True, help="folder of clones, one per name")
    run.add_argument("--out", type=Path, required=True)
    run.add_argument("--work", type=Path, default=Path("/tmp/orchestrator-precision"))
    run.add_argument("--only", nargs="*", default=[], help="these repositories (folder names)")
    sample = sub.add_parser("sample", help="draw findings to judge, as CSV rows")
    sample.add_argument("--run", type=Path, required=True)
    sample.add_argument("--judged", type=Path, default=JUDGED)
    sample.add_argument("--per-code", type=int, default=40)
    sample.add_argument("--codes", nargs="*", default=[])
    sample.add_argument("--seed", type=int, default=20261203)
    sample.add_argument("--header", action="store_true")
    score = sub.add_parser("score", help="precision per code from the judged rows")
    score.add_argument("--run", type=Path, required=True)
    score.add_argument("--judged", type=Path, default=JUDGED)
    args = ap.parse_args()
    {"run": cmd_run, "sample": cmd_sample, "score": cmd_score}[args.command](args)


if __name__ == "__main__":
    main()
