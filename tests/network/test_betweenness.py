"""Betweenness answers "who bridges" right on large maps: the top 10 are the exact top 10."""

import random

import networkx as nx

from network import metrics
from network.scale import LOCAL_SHARE, NEIGHBOURHOOD, TIES_PER_ACTOR


def _municipality_shaped(size: int, seed: int) -> nx.Graph:
    """Return a graph shaped like `network.scale`'s: tight neighbourhoods, some long ties."""
    rng = random.Random(seed)
    graph = nx.Graph()
    graph.add_nodes_from(range(size))
    seen: set[tuple[int, int, int]] = set()
    while len(seen) < TIES_PER_ACTOR * size:
        i = rng.randrange(size)
        if rng.random() < LOCAL_SHARE:
            j = min(size - 1, i - i % NEIGHBOURHOOD + rng.randrange(NEIGHBOURHOOD))
        else:
            j = rng.randrange(size)
        kind = rng.randrange(8)
        if i != j and (i, j, kind) not in seen:
            seen.add((i, j, kind))
            graph.add_edge(i, j)
    return graph


def _top(values: dict, n: int = 10) -> set:
    return set(sorted(values, key=lambda node: (-values[node], node))[:n])


# networkx's exact Brandes on that graph (30-60 s on the shared machine, so kept here).
EXACT_TOP_TEN_AT_2000 = {388, 396, 624, 629, 695, 749, 1110, 1116, 1613, 1843}


def test_the_top_ten_brokers_at_2000_actors_are_the_exact_top_ten():
    """At 2,000 actors `metrics.betweenness` is exact, so its top 10 are networkx's exact
    top 10 (50 pivots, the old estimate, got 2 of them right)."""
    graph = _municipality_shaped(2000, seed=2000)
    values, method = metrics.betweenness(graph)
    assert method == {"method": "exact"}
    assert _top(values) == EXACT_TOP_TEN_AT_2000


def test_betweenness_equals_networkx_exact_values():
    graph = _municipality_shaped(300, seed=300)
    values, _method = metrics.betweenness(graph)
    reference = nx.betweenness_centrality(graph)
    assert max(abs(values[n] - reference[n]) for n in graph) < 1e-9


def test_the_inline_estimate_names_its_pivots_and_finds_most_of_the_top_ten():
    """The stopgap estimate (a cold large map before its background job) stays close."""
    graph = _municipality_shaped(2000, seed=2000)
    exact, _method = metrics.betweenness(graph)
    estimate, method = metrics.betweenness(graph, exact_up_to=1000)
    assert method == {"method": "sampled", "pivots": metrics.SAMPLED_PIVOTS, "seed": 42}
    assert len(_top(estimate) & _top(exact)) >= 7
