"""Cycles in the package graph: one per strongly connected component, deterministic."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .model import Edge


def find_cycles(edges: Iterable[Edge]) -> list[list[str]]:
    """One cycle per strongly connected component, as [a, b, ..., a], deterministic."""
    adj: dict[str, list[str]] = {}
    for e in edges:
        adj.setdefault(e.source, [])
        adj.setdefault(e.target, [])
        if e.target not in adj[e.source]:
            adj[e.source].append(e.target)
    for v in adj.values():
        v.sort()
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    sccs: list[list[str]] = []
    counter = 0
    for start in sorted(adj):
        if start in index:
            continue
        # Iterative Tarjan so a long chain does not hit the recursion limit.
        work: list[tuple[str, int]] = [(start, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            succ = adj[node]
            if i < len(succ):
                work.append((node, i + 1))
                nxt = succ[i]
                if nxt not in index:
                    work.append((nxt, 0))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            if low[node] == index[node]:
                comp: list[str] = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    comp.append(w)
                    if w == node:
                        break
                if len(comp) > 1 or node in adj[node]:
                    sccs.append(sorted(comp))
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    cycles: list[list[str]] = []
    for comp in sorted(sccs):
        members = set(comp)
        first = comp[0]
        # BFS from first back to first inside the component: the shortest cycle through it.
        prev: dict[str, str] = {}
        queue = [first]
        found = False
        while queue and not found:
            nq: list[str] = []
            for n in queue:
                for m in adj[n]:
                    if m not in members:
                        continue
                    if m == first:
                        prev[first] = n
                        found = True
                        break
                    if m not in prev:
                        prev[m] = n
                        nq.append(m)
                if found:
                    break
            queue = nq
        path = [first]
        cur = prev[first]
        while cur != first:
            path.append(cur)
            cur = prev[cur]
        path.append(first)
        path.reverse()
        cycles.append(path)
    return cycles
