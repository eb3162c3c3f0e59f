"""Metrics checked against published figures for classic networks shipped with networkx."""

import networkx as nx
import pytest

from network import metrics


def test_medici_betweenness_in_the_florentine_marriage_network():
    """Padgett's Florentine marriage network: the Medici's normalised betweenness is 0.522
    (Wasserman & Faust 1994, Social Network Analysis, ch. 5; Borgatti's UCINET tutorials)."""
    between, method = metrics.betweenness(nx.florentine_families_graph())
    assert between["Medici"] == pytest.approx(0.522, abs=0.001)
    assert method == {"method": "exact"}


def test_karate_club_degree_and_betweenness():
    """Zachary's karate club (1977): the instructor (node 0) has 16 ties and normalised
    betweenness 0.4376, the president (node 33) 17 ties and 0.3041 (Newman 2010, Networks)."""
    graph = nx.karate_club_graph()
    between, _method = metrics.betweenness(graph)
    assert graph.degree(0) == 16 and graph.degree(33) == 17
    assert between[0] == pytest.approx(0.4376, abs=0.0001)
    assert between[33] == pytest.approx(0.3041, abs=0.0001)


@pytest.mark.parametrize("graph", [nx.karate_club_graph(), nx.florentine_families_graph()])
def test_constraint_and_effective_size_match_burts_definitions(graph):
    """Our fast unweighted versions agree with networkx's reference implementations
    of Burt (1992); effective size with Borgatti's n - 2t/n (1997)."""
    graph = nx.Graph(graph.edges())
    ours_c, ours_e = metrics.constraint(graph), metrics.effective_size(graph)
    ref_c, ref_e = nx.constraint(graph), nx.effective_size(graph)
    for node in graph:
        assert ours_c[node] == pytest.approx(ref_c[node])
        assert ours_e[node] == pytest.approx(ref_e[node])


def test_medici_effective_size_and_constraint():
    """Burt's measures for the Medici (6 partners, one tie among them): effective size
    6 - 2*1/6 = 5.667, constraint 0.210 (as UCINET reports for Padgett's data)."""
    graph = nx.florentine_families_graph()
    assert metrics.effective_size(graph)["Medici"] == pytest.approx(5.667, abs=0.001)
    assert metrics.constraint(graph)["Medici"] == pytest.approx(0.210, abs=0.001)


def test_karate_club_factions_are_assortative_and_closed():
    """The two factions of the karate club keep to themselves: 68 of 78 ties fall inside
    a faction, so E-I = (10 - 68) / 78 = -0.744 with the club attribute (Zachary 1977)."""
    graph = nx.karate_club_graph()
    nx.set_node_attributes(graph, {n: d["club"] for n, d in graph.nodes(data=True)}, "sector")
    ei = metrics.ei_index(graph)
    inside = sum(1 for u, v in graph.edges() if graph.nodes[u]["club"] == graph.nodes[v]["club"])
    assert ei["overall"] == pytest.approx((78 - 2 * inside) / 78)
    assert metrics.assortativity(graph) > 0.7


def test_assortativity_extremes():
    same = nx.Graph([(1, 2), (3, 4)])
    nx.set_node_attributes(same, {1: "a", 2: "a", 3: "b", 4: "b"}, "sector")
    across = nx.Graph([(1, 2), (3, 4)])
    nx.set_node_attributes(across, {1: "a", 2: "b", 3: "a", 4: "b"}, "sector")
    assert metrics.assortativity(same) == pytest.approx(1.0)
    assert metrics.assortativity(across) == pytest.approx(-1.0)


def test_beyond_what_is_affordable_betweenness_is_sampled_and_says_so():
    graph = nx.gnm_random_graph(400, 1200, seed=1)
    values, method = metrics.betweenness(graph, exact_up_to=100)
    assert method == {"method": "sampled", "pivots": 400, "seed": 42}  # every actor a pivot
    exact = nx.betweenness_centrality(graph)
    assert max(abs(values[n] - exact[n]) for n in graph) < 1e-9
