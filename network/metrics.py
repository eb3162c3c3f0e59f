"""Metrics of a map and the answers staff ask of it.

Per actor: degree, betweenness, Burt's constraint and effective size, Gould-Fernandez
brokerage roles between sectors, community, and how many tiers the actor reaches.
For the map: bridges, communities, the E-I index and assortativity of sectors, and
the answers: municipal services with no bridging tie, associations reached through
one actor only, pairs of communities with no tie (suggested bridges).

Betweenness is exact (igraph's C Brandes: 0.6 s at 2,000 actors where networkx takes
30 s) up to `EXACT_BETWEENNESS_UP_TO` actors, or the `exact_up_to` a caller affords;
above, it is estimated from `SAMPLED_PIVOTS` seeded pivots (even 1,000 pivots at 2,000
actors miss 2 of the exact top 10, so sampling is a stopgap, never the stored answer
for maps that size). Above `LOUVAIN_UP_TO` communities come from label propagation
instead of Louvain; the summary says which methods were used. Constraint and effective
size are computed here for unweighted ties (networkx's take minutes at 5,000 actors).
Must not import `app` or Flask.
"""

import random
from collections import Counter, defaultdict
from collections.abc import Hashable
from typing import Any

import igraph  # type: ignore[import-untyped]
import networkx as nx

from harvest.models import ActorKind, TieForm
from network.brokerage import ROLES, brokerage
from network.graph import simple_graph

EXACT_BETWEENNESS_UP_TO = 10_000
SAMPLED_PIVOTS = 1000
LOUVAIN_UP_TO = 2000
SEED = 42
MAX_SUGGESTIONS = 20
SUGGEST_AMONG = 12
NODE_METRICS = (
    "degree",
    "betweenness",
    "constraint",
    "effective_size",
    "brokerage",
    "tiers_reached",
)
REACHED_KINDS = frozenset({ActorKind.ASSOCIATION.value, ActorKind.VOLUNTEER_GROUP.value})


def betweenness(
    graph: nx.Graph, *, exact_up_to: int = EXACT_BETWEENNESS_UP_TO
) -> tuple[dict[Hashable, float], dict[str, Any]]:
    """Return normalised betweenness and how it was computed (exact or sampled pivots).

    Exact (Brandes, in igraph's C) up to `exact_up_to` actors; above, paths from
    `SAMPLED_PIVOTS` seeded pivots, scaled up: an estimate whose top 10 may differ."""
    nodes = list(graph)
    n = len(nodes)
    if n < 3:
        return dict.fromkeys(nodes, 0.0), {"method": "exact"}
    index = {node: i for i, node in enumerate(nodes)}
    shaped = igraph.Graph(n=n, edges=[(index[u], index[v]) for u, v in graph.edges() if u != v])
    pairs = (n - 1) * (n - 2) / 2
    if n <= exact_up_to:
        raw = shaped.betweenness(directed=False)
        method: dict[str, Any] = {"method": "exact"}
    else:
        pivots = min(n, SAMPLED_PIVOTS)
        sources = random.Random(SEED).sample(range(n), pivots)  # noqa: S311 - reproducible
        raw = [v * n / pivots for v in shaped.betweenness(directed=False, sources=sources)]
        method = {"method": "sampled", "pivots": pivots, "seed": SEED}
    return {node: raw[i] / pairs for node, i in index.items()}, method


def effective_size(graph: nx.Graph) -> dict[Hashable, float | None]:
    """Return Burt's effective size n - 2t/n of each actor (Borgatti 1997); None if isolated."""
    sizes: dict[Hashable, float | None] = {}
    adjacency = {node: set(graph[node]) - {node} for node in graph}
    for node, near in adjacency.items():
        n = len(near)
        if n == 0:
            sizes[node] = None
            continue
        ties_among = sum(len(adjacency[j] & near) for j in near) / 2
        sizes[node] = n - 2 * ties_among / n
    return sizes


def constraint(graph: nx.Graph) -> dict[Hashable, float | None]:
    """Return Burt's constraint of each actor for unweighted ties; None if isolated."""
    adjacency = {node: set(graph[node]) - {node} for node in graph}
    share = {node: 1 / len(near) if near else 0.0 for node, near in adjacency.items()}
    values: dict[Hashable, float | None] = {}
    for i, near in adjacency.items():
        if not near:
            values[i] = None
            continue
        total = 0.0
        for j in near:
            indirect = sum(share[i] * share[q] for q in near & adjacency[j])
            total += (share[i] + indirect) ** 2
        values[i] = total
    return values


def communities(graph: nx.Graph) -> tuple[dict[Hashable, int], dict[str, Any]]:
    """Return each actor's community (1 = largest) and the method used."""
    if graph.number_of_nodes() <= LOUVAIN_UP_TO:
        found = nx.community.louvain_communities(graph, seed=SEED)
        method = {"method": "louvain", "seed": SEED}
    else:
        found = list(nx.community.asyn_lpa_communities(graph, seed=SEED))
        method = {"method": "label_propagation", "seed": SEED}
    ordered = sorted(found, key=lambda c: (-len(c), min(str(n) for n in c)))
    return {node: number for number, group in enumerate(ordered, 1) for node in group}, method


def ei_index(graph: nx.Graph, attribute: str = "sector") -> dict[str, Any]:
    """Return Krackhardt and Stern's E-I index overall and per group: -1 closed, +1 open."""
    external: Counter[Any] = Counter()
    internal: Counter[Any] = Counter()
    for u, v in graph.edges():
        a, b = graph.nodes[u][attribute], graph.nodes[v][attribute]
        if a == b:
            internal[a] += 1
        else:
            external[a] += 1
            external[b] += 1
    per_group = {}
    for group in sorted(set(external) | set(internal)):
        e, i = external[group], internal[group]
        per_group[group] = (e - i) / (e + i)
    e_all, i_all = sum(external.values()) / 2, sum(internal.values())
    overall = (e_all - i_all) / (e_all + i_all) if e_all + i_all else None
    return {"overall": overall, "by_group": per_group}


def assortativity(graph: nx.Graph, attribute: str = "sector") -> float | None:
    """Return Newman's attribute assortativity r: 1 ties only within groups, below 0 across."""
    mixing: Counter[tuple[Any, Any]] = Counter()
    for u, v in graph.edges():
        a, b = graph.nodes[u][attribute], graph.nodes[v][attribute]
        mixing[(a, b)] += 1
        mixing[(b, a)] += 1
    total = sum(mixing.values())
    if total == 0:
        return None
    groups = {a for a, _b in mixing}
    trace = sum(mixing[(g, g)] for g in groups) / total
    row = {g: sum(mixing[(g, h)] for h in groups) / total for g in groups}
    expected = sum(row[g] ** 2 for g in groups)
    if expected == 1:
        return None
    return (trace - expected) / (1 - expected)


def tiers_reached(graph: nx.Graph) -> dict[Hashable, int]:
    """Return how many tiers (1-3) each actor's direct ties reach."""
    return {node: len({graph.nodes[n]["tier"] for n in graph[node]}) for node in graph}


def node_metrics(
    graph: nx.MultiGraph, *, exact_up_to: int = EXACT_BETWEENNESS_UP_TO
) -> tuple[dict[Hashable, dict[str, Any]], dict[str, Any]]:
    """Return every actor's metrics and the graph-level metrics, with the methods used."""
    simple = simple_graph(graph)
    between, between_method = betweenness(simple, exact_up_to=exact_up_to)
    cons = constraint(simple)
    eff = effective_size(simple)
    community, community_method = communities(simple)
    sectors = {n: simple.nodes[n]["sector"] for n in simple}
    roles = brokerage(simple, sectors)
    tiers = tiers_reached(simple)
    per_node: dict[Hashable, dict[str, Any]] = {}
    for node in simple:
        node_constraint, node_size = cons[node], eff[node]
        per_node[node] = {
            "degree": simple.degree(node),
            "ties": graph.degree(node),
            "betweenness": round(between[node], 6),
            "constraint": None if node_constraint is None else round(node_constraint, 6),
            "effective_size": None if node_size is None else round(node_size, 6),
            "brokerage": sum(roles[node].values()),
            "roles": roles[node],
            "tiers_reached": tiers[node],
            "community": community.get(node),
        }
    bridges = [sorted((u, v)) for u, v in nx.bridges(simple)]
    local_bridges = sum(1 for _ in nx.local_bridges(simple, with_span=False))
    n = simple.number_of_nodes()
    summary = {
        "actors": n,
        "ties": graph.number_of_edges(),
        "density": round(nx.density(simple), 6) if n > 1 else 0.0,
        "components": nx.number_connected_components(simple) if n else 0,
        "communities": len(set(community.values())),
        "community_method": community_method,
        "betweenness_method": between_method,
        "forms": dict(Counter(d["form"] for _u, _v, d in graph.edges(data=True))),
        "bridges": bridges,
        "local_bridges": local_bridges,
        "ei_index": ei_index(simple),
        "sector_assortativity": assortativity(simple),
        "roles": ROLES,
    }
    return per_node, summary


def is_local(data: dict[str, Any]) -> bool:
    """Tell whether an actor belongs to a municipality (national actors have none)."""
    return bool(data.get("municipality"))


def services_without_bridging(graph: nx.MultiGraph) -> list[Hashable]:
    """Return the local municipal services on the map that have no bridging tie."""
    found = []
    for node, data in graph.nodes(data=True):
        if data["kind"] != ActorKind.MUNICIPAL_SERVICE or not is_local(data):
            continue
        forms = {d["form"] for _u, _v, d in graph.edges(node, data=True)}
        if TieForm.BRIDGING.value not in forms:
            found.append(node)
    return found


def reached_through_one(graph: nx.MultiGraph) -> list[tuple[Hashable, Hashable]]:
    """Return (association, the one actor it is tied to) for local associations with one contact."""
    found = []
    for node, data in graph.nodes(data=True):
        if data["kind"] not in REACHED_KINDS or not is_local(data):
            continue
        near = set(graph[node]) - {node}
        if len(near) == 1:
            found.append((node, next(iter(near))))
    return found


def suggested_bridges(
    graph: nx.MultiGraph, community: dict[Hashable, int], degree: dict[Hashable, int]
) -> list[dict[str, Any]]:
    """Return pairs of the largest communities with no tie, each with its best-connected actor.

    The actors named are local where the community has any: a national actor is no one
    a social worker can walk over to."""
    members: dict[int, list[Hashable]] = defaultdict(list)
    for node, number in community.items():
        members[number].append(node)
    linked = {
        frozenset((community[u], community[v]))
        for u, v in graph.edges()
        if community.get(u) != community.get(v)
    }
    largest = sorted(members, key=lambda n: (-len(members[n]), n))[:SUGGEST_AMONG]
    numbers = sorted(n for n in largest if len(members[n]) >= 2)
    suggestions: list[dict[str, Any]] = []
    for i, a in enumerate(numbers):
        for b in numbers[i + 1 :]:
            if frozenset((a, b)) in linked:
                continue
            best_a, best_b = (
                min(
                    [n for n in members[c] if is_local(graph.nodes[n])] or members[c],
                    key=lambda n: (-degree.get(n, 0), str(n)),
                )
                for c in (a, b)
            )
            suggestions.append(
                {
                    "communities": [a, b],
                    "sizes": [len(members[a]), len(members[b])],
                    "actors": [best_a, best_b],
                }
            )
    suggestions.sort(key=lambda s: -(s["sizes"][0] + s["sizes"][1]))
    return suggestions[:MAX_SUGGESTIONS]


def answers(graph: nx.MultiGraph, per_node: dict[Hashable, dict[str, Any]]) -> dict[str, Any]:
    """Return the answers staff ask of a map."""
    community = {n: m["community"] for n, m in per_node.items() if m["community"] is not None}
    degree = {n: m["degree"] for n, m in per_node.items()}
    return {
        "services_without_bridging": services_without_bridging(graph),
        "reached_through_one": reached_through_one(graph),
        "suggested_bridges": suggested_bridges(graph, community, degree),
    }


def sector_table(graph: nx.MultiGraph) -> dict[tuple[str, str], dict[str, int]]:
    """Return, per unordered pair of sectors, how many ties of each form join them."""
    table: dict[tuple[str, str], dict[str, int]] = defaultdict(
        lambda: dict.fromkeys((f.value for f in TieForm), 0)
    )
    for u, v, data in graph.edges(data=True):
        a, b = sorted((graph.nodes[u]["sector"], graph.nodes[v]["sector"]))
        table[(a, b)][data["form"]] = table[(a, b)].get(data["form"], 0) + 1
    return dict(table)
