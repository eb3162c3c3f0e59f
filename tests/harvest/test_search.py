"""Finding outcomes: Danish-aware full-text search, filters, visibility, pagination."""

import pytest

from harvest import coding, search
from harvest.search import OutcomeFilters


@pytest.fixture
def outcomes_(session, create_harvest, create_actor, create_outcome):
    harvest = create_harvest()
    library = create_actor(name="Biblioteket")
    choir = create_actor(name="Koret")
    made = {
        "library": create_outcome(
            harvest,
            actor=library,
            title="Biblioteket åbner læsekreds for nye",
            change="Biblioteket holder nu læsekreds hver torsdag for borgere fra værestedet.",
            status="final",
            when_start="2025-02-01",
        ),
        "choir": create_outcome(
            harvest,
            actor=choir,
            title="Koret tager imod nye sangere",
            change="Koret har indført en makkerordning for nye medlemmer.",
            status="draft",
            when_start="2025-06-01",
        ),
        "union": create_outcome(
            harvest,
            actor=choir,
            title="Foreningerne samarbejder",
            change="Foreningernes bestyrelser mødes nu hvert kvartal om fælles aktiviteter.",
            status="final",
            when_start="2024-05-01",
        ),
    }
    session.commit()
    return made


def _titles(page):
    return [o.title for o in page.items]


def _find(session, viewer=None, member_of=frozenset(), **filters):
    return search.find_outcomes(
        session, OutcomeFilters(**filters), viewer=viewer, member_of=set(member_of)
    )


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("læsekreds", ["Biblioteket åbner læsekreds for nye"]),
        ("LÆSEKREDS", ["Biblioteket åbner læsekreds for nye"]),
        ("forening", ["Foreningerne samarbejder"]),  # prefix of Foreningerne/Foreningernes
        ("værested", ["Biblioteket åbner læsekreds for nye"]),
        ("torsdag bibliotek", ["Biblioteket åbner læsekreds for nye"]),
        ("ingenting-her", []),
        ("!!!", []),
    ],
)
def test_full_text_search_is_danish_aware(session, outcomes_, query, expected):
    assert _titles(_find(session, q=query)) == expected


def test_title_matches_rank_before_body_matches(
    session, create_harvest, create_actor, create_outcome
):
    harvest = create_harvest()
    actor = create_actor()
    create_outcome(
        harvest,
        actor=actor,
        title="Fælles tur",
        change="Kirken inviterer nu til gåtur.",
        status="final",
    )
    create_outcome(
        harvest, actor=actor, title="Kirken åbner dørene", change="Der er åbent.", status="final"
    )
    session.commit()
    assert _titles(_find(session, q="kirken"))[0] == "Kirken åbner dørene"


def test_drafts_are_hidden_from_the_public_and_staff(session, outcomes_, create_user):
    staff = create_user(email="s@example.dk", role="staff")
    evaluator = create_user()
    assert "Koret tager imod nye sangere" not in _titles(_find(session))
    assert "Koret tager imod nye sangere" not in _titles(_find(session, viewer=staff))
    assert "Koret tager imod nye sangere" in _titles(_find(session, viewer=evaluator))


def test_members_see_their_own_groups_drafts(session, outcomes_, create_harvest, create_user):
    from harvest.models import ImplementationGroup

    group = ImplementationGroup(slug="g", name="G")
    session.add(group)
    session.flush()
    member = create_user(email="m@example.dk", role="member", groups=["g"])
    harvest = outcomes_["choir"].harvest_id
    assert "Koret tager imod nye sangere" not in _titles(
        _find(session, viewer=member, member_of={group.id})
    )
    from harvest.models import Harvest

    session.get(Harvest, harvest).group_id = group.id
    session.flush()
    assert "Koret tager imod nye sangere" in _titles(
        _find(session, viewer=member, member_of={group.id})
    )


def test_filters_by_status_actor_date_and_code(session, outcomes_, create_user):
    evaluator = create_user()
    choir = outcomes_["choir"].changed_actor_id
    assert len(_find(session, viewer=evaluator, statuses=["final"]).items) == 2
    assert len(_find(session, viewer=evaluator, actor_id=choir).items) == 2
    from datetime import date

    assert _titles(
        _find(session, viewer=evaluator, date_from=date(2025, 1, 1), date_to=date(2025, 3, 1))
    ) == ["Biblioteket åbner læsekreds for nye"]
    scheme = coding.ensure_default_scheme(session)
    coding.set_codes(
        session, outcomes_["union"].id, scheme, {"type_of_change": ["relationship"]}, by=None
    )
    assert _titles(_find(session, viewer=evaluator, type_of_change="relationship")) == [
        "Foreningerne samarbejder"
    ]


def test_edits_are_found_by_their_new_words(session, outcomes_, create_user):
    from harvest import outcomes

    evaluator = create_user()
    union = outcomes_["union"]
    data = {
        "title": "Bestyrelserne mødes",
        "changed_actor_id": union.changed_actor_id,
        "change": union.change,
        "status": "final",
    }
    outcomes.update_outcome(session, union, data, union.version, by=evaluator)
    session.commit()
    # Restating a final outcome sends it back to ready: found by evaluators, not the public.
    assert union.status == "ready"
    assert _titles(_find(session, viewer=evaluator, q="bestyrelserne")) == ["Bestyrelserne mødes"]
    assert _find(session, q="bestyrelserne").total == 0
    assert _find(session, viewer=evaluator, q="samarbejder").total == 0


def test_pagination(session, create_harvest, create_actor, create_outcome):
    harvest = create_harvest()
    actor = create_actor()
    for n in range(25):
        create_outcome(
            harvest,
            actor=actor,
            title=f"Forandring {n}",
            status="final",
            when_start=f"2025-01-{n + 1:02d}",
        )
    session.commit()
    first = search.find_outcomes(
        session, OutcomeFilters(), viewer=None, member_of=set(), per_page=10
    )
    last = search.find_outcomes(
        session, OutcomeFilters(), viewer=None, member_of=set(), page=3, per_page=10
    )
    assert (first.total, first.pages, first.has_next, len(last.items), last.has_next) == (
        25,
        3,
        True,
        5,
        False,
    )
    assert first.items[0].title == "Forandring 24"
