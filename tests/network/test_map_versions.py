"""Each municipality's map has its own graph version: an edit invalidates only what it touches."""

import pytest

from harvest import actors as actor_service
from harvest import outcomes
from harvest import ties as tie_service
from network import cache, maps
from network.graph import GraphFilters, graph_version


@pytest.fixture
def two_towns(session, create_municipality, create_actor, create_tie):
    """Helsingør and Fredericia with two tied actors each, and a national funder."""
    create_municipality()
    create_municipality("fredericia", "Fredericia")
    h = [create_actor(name=f"Helsingør {i}", municipality="helsingor") for i in range(2)]
    f = [create_actor(name=f"Fredericia {i}", municipality="fredericia") for i in range(2)]
    funder = create_actor(name="Fonden", kind="funder", sector="private", tier=3)
    ties = {
        "helsingor": create_tie(h[0], h[1]),
        "fredericia": create_tie(f[0], f[1]),
    }
    session.flush()
    return h, f, funder, ties


def _versions(session):
    return {slug: graph_version(session, slug) for slug in ("helsingor", "fredericia", None)}


def _layout_is_current(session, slug):
    key = maps.layout_key(GraphFilters(slug))
    return cache.read_cached(session, key, graph_version(session, slug)) is not None


def test_a_tie_edit_in_one_municipality_leaves_the_other_map_cached(session, two_towns):
    _h, _f, _funder, ties = two_towns
    for slug in ("helsingor", "fredericia"):
        maps.prepare_map(session, GraphFilters(slug))
    before = _versions(session)
    tie = ties["helsingor"]
    tie_service.update_tie(session, tie, {"kind": "referral", "version": tie.version}, by=None)
    session.flush()
    after = _versions(session)
    assert after["helsingor"] != before["helsingor"]
    assert after[None] != before[None]
    assert after["fredericia"] == before["fredericia"]
    assert _layout_is_current(session, "fredericia")
    assert not _layout_is_current(session, "helsingor")


def test_a_tie_between_two_municipalities_changes_both(session, two_towns, create_tie):
    h, f, _funder, _ties = two_towns
    before = _versions(session)
    create_tie(h[0], f[0], kind="referral")
    session.flush()
    after = _versions(session)
    assert all(after[k] != before[k] for k in before)


def test_an_actor_edit_and_a_deletion_change_only_their_municipality(session, two_towns):
    h, _f, _funder, _ties = two_towns
    before = _versions(session)
    actor_service.update_actor(
        session,
        h[1],
        {
            "name": "Helsingør omdøbt",
            "kind": "association",
            "sector": "civil_society",
            "tier": 2,
            "municipality": "helsingor",
            "version": h[1].version,
        },
        by=None,
    )
    session.flush()
    renamed = _versions(session)
    assert renamed["helsingor"] != before["helsingor"]
    assert renamed["fredericia"] == before["fredericia"]
    session.delete(_ties["helsingor"])
    session.flush()
    deleted = _versions(session)
    assert deleted["helsingor"] != renamed["helsingor"]
    assert deleted["fredericia"] == before["fredericia"]


def test_a_national_actor_is_context_on_every_map_so_its_edit_changes_all(session, two_towns):
    _h, _f, funder, _ties = two_towns
    before = _versions(session)
    funder.name = "Fonden for bedre brobygning"
    session.flush()
    after = _versions(session)
    assert all(after[k] != before[k] for k in before)


def test_publishing_an_evidencing_outcome_changes_only_its_map(session, two_towns, create_outcome):
    h, _f, _funder, ties = two_towns
    outcome = create_outcome(actor=h[0], status="draft")
    outcomes.add_tie_evidence(session, outcome, ties["helsingor"], by=None)
    session.commit()  # one edit per transaction, as in the app
    before = _versions(session)
    outcome.status = "final"  # what a public viewer sees on the tie changes
    session.commit()
    after = _versions(session)
    assert after["helsingor"] != before["helsingor"]
    assert after["fredericia"] == before["fredericia"]
