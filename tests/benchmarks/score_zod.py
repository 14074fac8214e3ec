#!/usr/bin/env python3
"""Precision and recall of ZOD001 against hand-labelled entry points of real monorepos.

    python tests/benchmarks/score_zod.py tests/benchmarks/zod_labels.json --repos /tmp/repos

Each label names a repository, commit, file and export, and says whether an untrusted input is
used before zod validated it ("violation") or not ("ok"), with a one-line reason; they were
made by reading the code. An inline server action's export is "Component:name", or
"Component:inline@LINE" for an anonymous one starting on LINE. The repositories come from --repos (a folder of clones named like
the labels' "repo"): read in place when checked out at the labelled commit, else cloned into a
scratch folder and checked out there; the
script runs `orchestrator validate --select ZOD001` on the labelled files and counts an entry
point as predicted "violation" when a finding names its export.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import at_commit, env, orchestrator_cmd


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("labels", type=Path)
    ap.add_argument(
        "--repos", type=Path, required=True, help="folder with a clone of each labelled repo"
    )
    ap.add_argument("--work", type=Path, default=Path("/tmp/orchestrator-zod-score"))
    args = ap.parse_args()
    labels = json.loads(args.labels.read_text())
    by_repo: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for lab in labels:
        by_repo[(lab["repo"], lab["commit"])].append(lab)
    rows = []
    for (repo, commit), labs in sorted(by_repo.items()):
        clone = at_commit(args.repos / repo, commit, args.work)
        # "defined_in": the route file re-exports a handler defined in another route module.
        files = sorted({lab.get("defined_in", lab["file"]) for lab in labs})
        proc = subprocess.run(
            [
                *orchestrator_cmd(),
                "validate",
                "--select",
                "ZOD001",
                "--no-cache",
                "--format",
                "json",
                "--files-from",
                "-",
            ],
            cwd=clone,
            input="\n".join(files),
            capture_output=True,
            text=True,
            env=env(),
            check=False,
        )
        if proc.returncode not in (0, 1):
            sys.exit(f"{repo}: orchestrator failed: {proc.stderr[-800:]}")
        found: dict[tuple[str, str], list[str]] = defaultdict(list)
        # Inline actions labelled "Component:inline@LINE": an anonymous action's finding
        # belongs to the nearest such label at or above its line in the same file.
        inline = defaultdict(list)
        for lab in labs:
            _, _, action = lab["export"].rpartition(":")
            if action.startswith("inline@"):
                inline[lab["file"]].append(int(action[len("inline@") :]))
        for d in json.loads(proc.stdout)["diagnostics"]:
            # "GET, POST (route): …": one finding names every export of the handler
            for name in d["message"].split(" (", 1)[0].split(", "):
                starts = [n for n in inline.get(d["path"], []) if n <= d["line"]]
                export = f"inline@{max(starts)}" if name == "(anonymous)" and starts else name
                found[(d["path"], export)].append(f"{d['line']}: {d['message']}")
        for lab in labs:
            # "Component:action": an action defined inside a component is found by its name
            export = lab["export"].rpartition(":")[2]
            hits = found.get((lab.get("defined_in", lab["file"]), export), [])
            rows.append((lab, "violation" if hits else "ok", hits))
    tp = sum(1 for lab, p, _ in rows if p == "violation" and lab["verdict"] == "violation")
    fp = sum(1 for lab, p, _ in rows if p == "violation" and lab["verdict"] == "ok")
    fn = sum(1 for lab, p, _ in rows if p == "ok" and lab["verdict"] == "violation")
    tn = sum(1 for lab, p, _ in rows if p == "ok" and lab["verdict"] == "ok")
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    repos = sorted({lab["repo"] for lab in labels})
    print(f"{len(rows)} labelled entry points from {len(repos)} repositories ({', '.join(repos)})")
    print(f"true positives {tp}, false positives {fp}, false negatives {fn}, true negatives {tn}")
    print(f"precision {precision:.3f}, recall {recall:.3f}")
    for lab, p, msgs in rows:
        if p != lab["verdict"]:
            kind = "FALSE POSITIVE" if p == "violation" else "FALSE NEGATIVE"
            print(
                f"  {kind}: {lab['repo']} {lab['file']} {lab['export']}: label says {lab['reason']}"
            )
            for m in msgs[:2]:
                print(f"      ours: {m[:160]}")


if __name__ == "__main__":
    main()
