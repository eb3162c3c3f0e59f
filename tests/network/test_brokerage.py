"""Gould-Fernandez brokerage roles on small graphs whose roles are worked out by hand."""

import networkx as nx
import pytest

from network.brokerage import ROLES, brokerage, role_of


@pytest.mark.parametrize(
    ("groups", "role"),
    [
        ("AAA", "coordinator"),
        ("ABA", "itinerant"),
        ("AAB", "representative"),
        ("ABB", "gatekeeper"),
        ("ABC", "liaison"),
    ],
)
def test_each_role_on_a_directed_two_step_path(groups, role):
    graph = nx.DiGraph([("a", "b"), ("b", "c")])
    counts = brokerage(graph, dict(zip("abc", groups, strict=True)))
    assert counts["b"] == {r: int(r == role) for r in ROLES}
    assert sum(counts["a"].values()) == sum(counts["c"].values()) == 0


def test_a_closed_triangle_has_no_broker():
    graph = nx.DiGraph([("a", "b"), ("b", "c"), ("a", "c")])
    assert all(sum(c.values()) == 0 for c in brokerage(graph, dict.fromkeys("abc", "A")).values())


def test_undirected_mixed_pair_counts_representative_and_gatekeeper():
    """a(A) - b(A) - c(B): a->b->c makes b a representative, c->b->a a gatekeeper."""
    graph = nx.Graph([("a", "b"), ("b", "c")])
    counts = brokerage(graph, {"a": "A", "b": "A", "c": "B"})
    assert counts["b"]["representative"] == 1
    assert counts["b"]["gatekeeper"] == 1
    assert counts["b"]["liaison"] == 0


def test_star_hand_count():
    """Hub h (municipal) links two associations and a region: 3 pairs, both directions.

    Pairs (c1,c2): itinerant x2; (c1,r) and (c2,r): liaison x4."""
    graph = nx.Graph([("h", "c1"), ("h", "c2"), ("h", "r")])
    counts = brokerage(graph, {"h": "mun", "c1": "civ", "c2": "civ", "r": "reg"})
    assert counts["h"] == {
        "coordinator": 0,
        "itinerant": 2,
        "representative": 0,
        "gatekeeper": 0,
        "liaison": 4,
    }


def test_role_of_names_every_combination():
    assert role_of(1, 1, 1) == "coordinator"
    assert role_of(1, 2, 3) == "liaison"
