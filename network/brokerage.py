"""Gould and Fernandez's brokerage roles (1989), which networkx does not have.

A broker b sits on a two-step path a -> b -> c where a and c have no tie of their
own (a -> c absent). Its role depends on the groups (here: sectors) of the three:

- coordinator: a, b and c in one group;
- itinerant (consultant): a and c in one group, b in another;
- representative: a and b in one group, c in another (b speaks for its group);
- gatekeeper: b and c in one group, a in another (b lets outsiders in);
- liaison: all three in different groups.

An undirected graph counts each path in both directions, so a mixed pair gives its
broker one representative and one gatekeeper role, as UCINET and statnet do.
Must not import `app` or Flask.
"""

from collections.abc import Hashable, Mapping

import networkx as nx

ROLES = ("coordinator", "itinerant", "representative", "gatekeeper", "liaison")


def role_of(group_a: object, group_b: object, group_c: object) -> str:
    """Return the role of broker b on the path a -> b -> c, by the three groups."""
    if group_a == group_b == group_c:
        return "coordinator"
    if group_a == group_c:
        return "itinerant"
    if group_a == group_b:
        return "representative"
    if group_b == group_c:
        return "gatekeeper"
    return "liaison"


def brokerage(
    graph: nx.Graph | nx.DiGraph, groups: Mapping[Hashable, object]
) -> dict[Hashable, dict[str, int]]:
    """Count each node's Gould-Fernandez brokerage roles; `groups` gives each node's group."""
    directed = graph if graph.is_directed() else graph.to_directed(as_view=True)
    counts: dict[Hashable, dict[str, int]] = {n: dict.fromkeys(ROLES, 0) for n in graph}
    for b in directed:
        group_b = groups[b]
        successors = set(directed.successors(b))
        for a in directed.predecessors(b):
            group_a = groups[a]
            for c in successors:
                if c == a or directed.has_edge(a, c):
                    continue
                counts[b][role_of(group_a, group_b, groups[c])] += 1
    return counts
