"""Building the map's graph from the database: filters, dates, evidence, focus, answers."""

from datetime import date

import pytest
from sqlalchemy import select

from harvest import outcomes
from harvest.errors import ValidationFailed
from harvest.models import ComputedResult
from network import cache, maps
from network.graph import GraphFilters, Viewer, build_graph, focus_graph, parse_filters


@pytest.fixture
def town(session, create_municipality, create_actor, create_tie):
    """Helsingør: a service, two associations, a committee; a national funder; Fredericia."""
    create_municipality()
    create_municipality("fredericia", "Fredericia")
    a = {
        "service": create_actor(
            name="Café", kind="municipal_service", sector="municipal", municipality="helsingor"
        ),
        "sind": create_actor(name="SIND", municipality="helsingor"),
        "club": create_actor(name="Klubben", municipality="helsingor"),
        "committee": create_actor(
            name="Socialudvalget",
            kind="council",
            sector="municipal",
            tier=3,
            municipality="helsingor",
        ),
        "funder": create_actor(name="Fonden", kind="funder", sector="private", tier=3),
        "lonely": create_actor(name="Landsforeningen"),
        "other": create_actor(name="Fredericia-foreningen", municipality="fredericia"),
    }
    t = {
        "bridge": create_tie(a["service"], a["sind"], start="2024-03-01"),
        "bond": create_tie(a["sind"], a["club"], start="2019-01-01"),
        "link": create_tie(a["service"], a["committee"], kind="information_exchange"),
        "funding": create_tie(a["funder"], a["sind"], kind="funding", end="2023-12-31"),
        "away": create_tie(a["other"], a["sind"], kind="referral"),
    }
    session.flush()
    return a, t


def test_forms_come_from_the_rule(session, town):
    actors, ties = town
    graph = build_graph(session, GraphFilters("helsingor"))
    forms = {d["id"]: d["form"] for _u, _v, d in graph.edges(data=True)}
    assert forms[ties["bridge"].id] == "bridging"
    assert forms[ties["bond"].id] == "bonding"
    assert forms[ties["link"].id] == "linking"


def test_municipality_map_keeps_its_actors_and_tied_national_context(session, town):
    actors, ties = town
    graph = build_graph(session, GraphFilters("helsingor"))
    ids = set(graph)
    assert {actors[k].id for k in ("service", "sind", "club", "committee", "funder")} == ids
    assert graph.nodes[actors["funder"].id]["context"] is True
    assert actors["lonely"].id not in ids  # national, but no tie here
    assert actors["other"].id not in ids  # another municipality
    assert ties["away"].id not in {d["id"] for _u, _v, d in graph.edges(data=True)}


def test_a_tie_exists_between_its_start_and_end(session, town):
    actors, ties = town
    before = build_graph(session, GraphFilters("helsingor", as_of=date(2024, 1, 1)))
    after = build_graph(session, GraphFilters("helsingor", as_of=date(2024, 3, 1)))
    ids_before = {d["id"] for _u, _v, d in before.edges(data=True)}
    ids_after = {d["id"] for _u, _v, d in after.edges(data=True)}
    assert ties["bridge"].id not in ids_before and ties["bridge"].id in ids_after
    assert (
        ties["funding"].id
        in build_graph(session, GraphFilters("helsingor", as_of=date(2023, 12, 31)))
        .edges(actors["funder"].id, keys=True)
        .__iter__()
        .__next__()
    )
    assert ties["funding"].id not in ids_after
    assert actors["club"].id in after  # actors stay when their ties are not there yet


def test_filters_by_form_kind_and_sector(session, town):
    actors, ties = town
    bridging = build_graph(session, GraphFilters("helsingor", forms=frozenset({"bridging"})))
    assert {d["form"] for _u, _v, d in bridging.edges(data=True)} == {"bridging"}
    assert actors["club"].id in bridging  # the municipality's actors stay on the map
    civil = build_graph(session, GraphFilters(sectors=frozenset({"civil_society"})))
    assert {d["sector"] for _n, d in civil.nodes(data=True)} == {"civil_society"}
    councils = build_graph(session, GraphFilters(kinds=frozenset({"council"})))
    assert list(councils) == [actors["committee"].id]


def test_parse_filters_refuses_unknown_values(session, town):
    with pytest.raises(ValidationFailed) as caught:
        parse_filters(session, {"municipality": "atlantis"})
    assert "municipality" in caught.value.errors
    for bad in ({"form": "friendly"}, {"as_of": "2024-13-01"}, {"sector": "x"}):
        with pytest.raises(ValidationFailed):
            parse_filters(session, bad)
    good = parse_filters(session, {"municipality": "helsingor", "form": ["bridging", ""]})
    assert good.forms == frozenset({"bridging"})


def test_ties_carry_only_the_evidence_the_viewer_may_see(
    session, town, create_outcome, create_user, create_harvest
):
    actors, ties = town
    harvest = create_harvest()
    final = create_outcome(
        harvest, title="Caféen henviser", status="final", actor=actors["service"]
    )
    draft = create_outcome(harvest, title="Kladde", actor=actors["sind"])
    outcomes.add_tie_evidence(session, final, ties["bridge"], by=None)
    outcomes.add_tie_evidence(session, draft, ties["bridge"], by=None)
    session.flush()
    public = build_graph(session, GraphFilters("helsingor"))
    edge = [d for _u, _v, d in public.edges(data=True) if d["id"] == ties["bridge"].id][0]
    assert edge["evidence"] == [final.id]
    assert edge["evidence_titles"] == ["Caféen henviser"]
    evaluator = create_user()
    inside = build_graph(session, GraphFilters("helsingor"), Viewer(evaluator))
    edge = [d for _u, _v, d in inside.edges(data=True) if d["id"] == ties["bridge"].id][0]
    assert set(edge["evidence"]) == {final.id, draft.id}


def test_focus_keeps_one_or_two_steps(session, town):
    actors, _ties = town
    graph = build_graph(session, GraphFilters("helsingor"))
    one = focus_graph(graph, actors["club"].id, 1)
    two = focus_graph(graph, actors["club"].id, 2)
    assert set(one) == {actors["club"].id, actors["sind"].id}
    assert actors["service"].id in two and actors["committee"].id not in two
    with pytest.raises(ValidationFailed):
        focus_graph(graph, actors["lonely"].id, 1)


def test_answers_name_services_without_bridging_and_lone_contacts(session, town):
    actors, _ties = town
    view = maps.prepare_map(session, GraphFilters("helsingor", forms=frozenset({"linking"})))
    assert view.answers["services_without_bridging"] == [actors["service"].id]
    full = maps.prepare_map(session, GraphFilters("helsingor"))
    assert full.answers["services_without_bridging"] == []
    assert (actors["club"].id, actors["sind"].id) in full.answers["reached_through_one"]


def test_suggested_bridges_between_communities_without_ties(session, create_actor, create_tie):
    left = [create_actor(name=f"Venstre {i}") for i in range(3)]
    right = [create_actor(name=f"Højre {i}") for i in range(3)]
    for group in (left, right):
        create_tie(group[0], group[1])
        create_tie(group[1], group[2])
        create_tie(group[0], group[2], kind="referral")
    view = maps.prepare_map(session, GraphFilters())
    assert len(view.answers["suggested_bridges"]) == 1
    suggestion = view.answers["suggested_bridges"][0]
    assert suggestion["sizes"] == [3, 3]


def _row(session, key):
    return session.scalars(select(ComputedResult).where(ComputedResult.key == key)).one()


def test_layout_is_cached_until_the_graph_changes(session, town, create_actor):
    maps.prepare_map(session, GraphFilters("helsingor"))
    key = cache.cache_key("layout", "helsingor")
    row = _row(session, key)
    first_version = row.source_version
    maps.prepare_map(session, GraphFilters("helsingor", forms=frozenset({"bonding"})))
    assert _row(session, key).source_version == first_version
    newcomer = create_actor(name="Ny forening", municipality="helsingor")
    view = maps.prepare_map(session, GraphFilters("helsingor"))
    assert _row(session, key).source_version != first_version
    assert newcomer.id in view.positions


def test_large_maps_cache_their_metrics(session, town, monkeypatch):
    monkeypatch.setattr(maps, "CACHE_METRICS_FROM", 2)
    view = maps.prepare_map(session, GraphFilters("helsingor"))
    assert "metrics" in view.cached
    again = maps.prepare_map(session, GraphFilters("helsingor"))
    assert again.per_node == view.per_node
