"""The association directory: search and filters find what fits a citizen's wish."""

import pytest

from harvest import actor_pages, directory
from harvest.directory import DirectoryFilters
from harvest.models import Outcome, OutcomeStatus, TieEvidence


@pytest.fixture
def loaded(demo_data):
    """Start from the demo data set (tests/conftest.py)."""


def _names(session, **filters):
    page = directory.find_actors(session, DirectoryFilters(**filters), per_page=100)
    return [a.name for a in page.items]


def test_music_in_helsingor_in_the_evening_where_newcomers_are_welcome(session, loaded):
    names = _names(
        session,
        q="musik",
        municipality="helsingor",
        when="evenings",
        accessibility=["nye er velkomne"],
    )
    assert names == ["Syngeglad Helsingør"]


def test_activity_filter_finds_choirs_in_every_municipality(session, loaded):
    assert set(_names(session, activity="kor")) == {
        "Syngeglad Helsingør",
        "Nordvestkoret",
        "Åbne Stemmer Rødovre",
    }


def test_search_is_danish_aware_and_prefix_matching(session, loaded):
    assert "Syngeglad Helsingør" in _names(session, q="korist")
    assert "Syngeglad Helsingør" in _names(session, q="SYNG")


def test_best_match_first_when_searching_else_by_name(session, loaded):
    names = _names(session, municipality="helsingor")
    assert names == sorted(names, key=str.lower)
    assert _names(session, q="Syngeglad")[0] == "Syngeglad Helsingør"


def test_accessibility_notes_must_all_hold(session, loaded):
    free = set(_names(session, accessibility=["gratis"]))
    free_no_signup = set(_names(session, accessibility=["gratis", "ingen tilmelding"]))
    assert free_no_signup and free_no_signup < free


def test_kind_sector_and_target_group_filters(session, loaded):
    services = directory.find_actors(
        session, DirectoryFilters(kind="municipal_service"), per_page=100
    ).items
    assert services and all(a.kind == "municipal_service" for a in services)
    civil = directory.find_actors(session, DirectoryFilters(sector="civil_society"), per_page=100)
    assert all(a.sector == "civil_society" for a in civil.items)
    singers = _names(session, target_group="Voksne der har lyst til at synge")
    assert len(singers) == 3 and "Syngeglad Helsingør" in singers


def test_has_ties_to_a_municipal_service(session, loaded):
    tied = directory.find_actors(
        session, DirectoryFilters(municipality="helsingor", tied_to_service=True), per_page=100
    ).items
    assert "Café Vinkeldammen" not in [a.name for a in tied]  # a service itself
    assert tied
    for actor in tied:
        view = actor_pages.actor_page(session, actor, viewer=None, member_of=set())
        others = [line.other for lines in view.ties_by_form.values() for line in lines]
        assert any(o.kind == "municipal_service" for o in others)


def test_pages_keep_counting(session, loaded):
    first = directory.find_actors(session, DirectoryFilters(), page=1, per_page=20)
    last = directory.find_actors(session, DirectoryFilters(), page=first.pages, per_page=20)
    assert first.total == 83 and first.pages == 5 and len(last.items) == 3
    assert not {a.id for a in first.items} & {a.id for a in last.items}


def test_punctuation_only_finds_nothing(session, loaded):
    assert directory.find_actors(session, DirectoryFilters(q="!!")).total == 0


def test_facets_list_the_values_in_use_with_counts(session, loaded):
    facets = directory.facets(session, "helsingor")
    assert ("musik", 1) in facets.activities
    assert any(value == "nye er velkomne" for value, _ in facets.accessibility)
    assert ("helsingor", "Helsingør") in facets.municipalities


def test_actor_page_groups_ties_by_form_and_hides_drafts_from_the_public(
    session, loaded, create_user
):
    rows = session.exec(
        __import__("sqlmodel")
        .select(TieEvidence, Outcome)
        .join(Outcome, Outcome.id == TieEvidence.outcome_id)
    ).all()
    tie_id = next(ev.tie_id for ev, o in rows if o.status == OutcomeStatus.FINAL)
    from harvest.models import Actor, Tie

    tie = session.get(Tie, tie_id)
    actor = session.get(Actor, tie.source_id)
    view = actor_pages.actor_page(session, actor, viewer=None, member_of=set())
    assert list(view.ties_by_form) == [
        f for f in ("bonding", "bridging", "linking") if f in view.ties_by_form
    ]
    lines = [line for lines in view.ties_by_form.values() for line in lines]
    assert all(o.status == OutcomeStatus.FINAL for line in lines for o in line.evidence)
    assert any(line.evidence for line in lines if line.tie.id == tie_id)
    assert all(o.status == OutcomeStatus.FINAL for o in view.changed_in + view.contributed_to)


def test_evaluators_also_see_draft_evidence(
    session, create_actor, create_tie, create_outcome, create_user
):
    a, b = create_actor(), create_actor()
    tie = create_tie(a, b)
    draft = create_outcome(actor=a, title="Udkast om samarbejde")
    session.add(TieEvidence(tie_id=tie.id, outcome_id=draft.id))
    session.flush()
    public = actor_pages.actor_page(session, a, viewer=None, member_of=set())
    assert [line.evidence for lines in public.ties_by_form.values() for line in lines] == [[]]
    evaluator = create_user()
    inside = actor_pages.actor_page(session, a, viewer=evaluator, member_of=set())
    titles = [
        o.title for lines in inside.ties_by_form.values() for line in lines for o in line.evidence
    ]
    assert titles == ["Udkast om samarbejde"]
    assert inside.changed_in == []  # only final outcomes are listed as changes
