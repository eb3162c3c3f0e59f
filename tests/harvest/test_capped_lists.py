"""Lists and searches stay fast at any size: counts stop at 1,000 and say "more",
search ranks best first, paging goes on past the cap, facets count what is there."""

from collections import Counter

import pytest

from harvest import demo, directory, search
from harvest.directory import DirectoryFilters
from harvest.search import COUNT_CAP, OutcomeFilters
from network import scale


@pytest.fixture
def many(session, create_user):
    """A synthetic municipality of 60 actors and 1,200 outcomes, seen by an evaluator."""
    scale.add_synthetic_municipality(session, 60)
    session.commit()
    return create_user()


def _find(session, viewer, page=1, **filters):
    return search.find_outcomes(
        session, OutcomeFilters(**filters), viewer=viewer, member_of=set(), page=page
    )


def test_a_long_list_says_more_than_a_thousand(session, many):
    found = _find(session, many)
    assert (found.total, found.more) == (COUNT_CAP, True)
    assert len(found.items) == 20 and found.has_next


def test_a_short_result_is_counted_exactly(session, many):
    found = _find(session, many, q="forandring 1199")
    assert (found.total, found.more) == (1, False)
    assert [o.title for o in found.items] == ["Syntetisk forandring 1199"]


def test_a_word_in_every_outcome_is_capped_and_still_ranked_best_first(
    session, many, create_harvest, create_outcome
):
    harvest = create_harvest()
    create_outcome(harvest, title="Forandring", change="Forandring.", status="final")
    session.commit()
    found = _find(session, many, q="forandring")
    assert (found.total, found.more) == (COUNT_CAP, True)
    assert found.items[0].title == "Forandring"


def test_paging_through_a_capped_search_shows_each_outcome_once(session, many):
    seen = []
    for number in (1, 2, 3, 49, 50):
        page = _find(session, many, page=number, q="syntetisk")
        assert len(page.items) == 20 and page.more
        seen += [o.id for o in page.items]
    assert len(seen) == len(set(seen))
    assert not page.has_next  # the ranking covers the newest 1,000: narrow the search


def test_directory_search_and_list_are_capped_too(session, many, create_actor):
    scale.add_synthetic_municipality(session, 1100)
    create_actor(name="Roklubben Ægir")
    session.commit()
    listed = directory.find_actors(session, DirectoryFilters())
    searched = directory.find_actors(session, DirectoryFilters(q="syntetisk"))
    assert (listed.total, listed.more) == (COUNT_CAP, True)
    assert (searched.total, searched.more) == (COUNT_CAP, True)
    rare = directory.find_actors(session, DirectoryFilters(q="ægir"))
    assert (rare.total, rare.more, [a.name for a in rare.items]) == (1, False, ["Roklubben Ægir"])


def _true_counts(lists):
    counts: Counter[str] = Counter()
    for values in lists:
        counts.update({str(v).strip().lower() for v in values if str(v).strip()})
    return sorted(counts.items())


def test_facet_counts_are_the_true_counts(session):
    demo.load_demo(session)
    session.commit()
    from sqlmodel import select

    from harvest.models import Actor, Municipality

    for municipality in (None, "helsingor"):
        query = select(Actor)
        if municipality:
            query = query.join(Municipality).where(Municipality.slug == municipality)
        actors = session.scalars(query).all()
        facets = directory.facets(session, municipality)
        assert facets.activities == _true_counts(a.tags for a in actors)
        assert facets.target_groups == _true_counts(a.target_groups for a in actors)
        assert facets.accessibility == _true_counts(a.accessibility for a in actors)
        assert facets.activities  # the demo has activities everywhere
