"""Pure: the relation graph of a catalogue (who covers whom) with every edge on a cycle taken out.

An edge Y -> X means "installing Y covers X": Y supersedes X (`superseded`), or X is included in the
package Y (`included`). A cycle (A supersedes B, B supersedes A; a rollup that includes a KB that supersedes
the rollup; any length, across sources) states nothing that can be trusted: each edge of it would let
installing one KB cover the other. So every edge whose two ends lie in one strongly connected component
is not used (DESIGN.md 3a), and each such component becomes a warning that names its KBs and sources.
Dropping every edge of the component, not one "closing" edge, keeps the rule independent of the order in
which sources or entries are read, and fails closed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from scanner.models import CatalogueEntry, Status, kb_sort_key


@dataclass(frozen=True)
class Edge:
    cover: str  # installing this KB ...
    covered: str  # ... covers this one
    status: Status  # superseded | included
    sources: tuple[str, ...]  # who stated the relation


@dataclass(frozen=True)
class Cycle:
    """A set of KBs whose relations reach each other; none of the relations among them is used."""

    kbs: tuple[str, ...]
    edges: tuple[Edge, ...]

    @property
    def warning(self) -> str:
        stated = "; ".join(f"{e.cover} {'supersedes' if e.status is Status.SUPERSEDED else 'includes'} "
                           f"{e.covered} ({', '.join(e.sources) or 'no source named'})" for e in self.edges)
        return (f"relation cycle among {', '.join(self.kbs)}: {stated}; these relations are not used, so "
                "none of these KBs covers another (fix or drop the source that states the wrong one)")


def edges_of(entries: Iterable[CatalogueEntry]) -> list[Edge]:
    """Every stated relation as an edge, with the sources the entry names for that fact."""
    found: list[Edge] = []
    for entry in entries:
        for old in entry.supersedes:
            found.append(Edge(entry.kb, old, Status.SUPERSEDED, _said(entry, "supersedes")))
        for package in entry.included_in:
            found.append(Edge(package, entry.kb, Status.INCLUDED, _said(entry, "included_in")))
    return found


def _said(entry: CatalogueEntry, fact: str) -> tuple[str, ...]:
    return tuple(sorted(entry.provenance.get(fact, entry.sources)))


def components(edges: Iterable[Edge]) -> dict[str, int]:
    """Strongly connected components (Tarjan's algorithm, iterative: chains of thousands of cumulative
    updates would overflow Python's stack): KB -> component number."""
    graph: dict[str, list[str]] = {}
    for edge in edges:
        graph.setdefault(edge.cover, []).append(edge.covered)
        graph.setdefault(edge.covered, [])
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    component: dict[str, int] = {}
    counter = found = 0
    for root in graph:
        if root in index:
            continue
        work: list[tuple[str, int]] = [(root, 0)]
        while work:
            node, position = work.pop()
            if position == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            successors = graph[node]
            if position < len(successors):
                work.append((node, position + 1))
                nxt = successors[position]
                if nxt not in index:
                    work.append((nxt, 0))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            if low[node] == index[node]:
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component[member] = found
                    if member == node:
                        break
                found += 1
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return component


def split(edges: list[Edge]) -> tuple[list[Edge], tuple[Cycle, ...]]:
    """(the edges that may be used, the cycles whose edges may not)."""
    component = components(edges)
    usable: list[Edge] = []
    looped: dict[int, list[Edge]] = {}
    for edge in edges:
        if component[edge.cover] == component[edge.covered]:
            looped.setdefault(component[edge.cover], []).append(edge)
        else:
            usable.append(edge)
    cycles = []
    for group in looped.values():
        kbs = sorted({kb for e in group for kb in (e.cover, e.covered)}, key=kb_sort_key)
        ordered = sorted(set(group), key=lambda e: (kb_sort_key(e.cover), kb_sort_key(e.covered), e.status))
        cycles.append(Cycle(tuple(kbs), tuple(ordered)))
    cycles.sort(key=lambda c: kb_sort_key(c.kbs[0]))
    return usable, tuple(cycles)


def adjacency(edges: Iterable[Edge]) -> Mapping[str, tuple[tuple[str, Status], ...]]:
    """covered KB -> ((cover KB, edge status), ...), superseders first then packages, each by KB number."""
    found: dict[str, set[tuple[str, Status]]] = {}
    for edge in edges:
        found.setdefault(edge.covered, set()).add((edge.cover, edge.status))
    order = {Status.SUPERSEDED: 0, Status.INCLUDED: 1}
    return {kb: tuple(sorted(v, key=lambda item: (order[item[1]], kb_sort_key(item[0]))))
            for kb, v in found.items()}
