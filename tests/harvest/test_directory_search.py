"""The directory's search as a social worker relies on it: Danish letters as typed,
whole words when a search is sent, word starts only while typing, and "when" from
the opening hours rather than from words in the profile."""

import pytest
from sqlmodel import col, select

from harvest import directory, fulltext
from harvest.directory import DirectoryFilters
from harvest.models import Actor


@pytest.fixture
def loaded(demo_data):
    """Start from the demo data set (tests/conftest.py)."""


def _names(session, **filters):
    page = directory.find_actors(session, DirectoryFilters(**filters), per_page=100)
    return [a.name for a in page.items]


@pytest.mark.parametrize("word", ["gåture", "soirée", "øvebane", "æblemost", "GÅTURE"])
def test_a_tag_with_danish_letters_is_found_as_typed(session, create_actor, word):
    create_actor(name="Naboernes hus", tags=["gåture", "soirée", "øvebane", "æblemost"])
    assert _names(session, q=word) == ["Naboernes hus"]


def test_the_lists_are_stored_as_typed(session, create_actor):
    actor = create_actor(name="Naboernes hus", tags=["gåture"])
    stored = session.connection().exec_driver_sql(
        f"SELECT CAST(tags AS TEXT) FROM actor WHERE id = {actor.id}"
    )
    assert stored.scalar() == '["gåture"]'


def test_the_demo_walking_group_is_found_by_its_tag(session, loaded):
    assert "Gåfællesskabet Kronborg Rundt" in _names(session, q="gåture")


def test_a_sent_search_matches_whole_words_not_the_start_of_profile_words(
    session, loaded, create_actor
):
    create_actor(name="Gåholdet Nord", profile="Vi går korte ture hver uge.")
    found = _names(session, q="kor")
    assert {"Syngeglad Helsingør", "Nordvestkoret", "Åbne Stemmer Rødovre"} <= set(found)
    assert "Gåholdet Nord" not in found


def test_a_sent_search_finds_inflections_and_compound_tags_exact_words_first(session, create_actor):
    create_actor(name="Sangerne", tags=["korsang"])
    create_actor(name="Stemmerne", profile="Koret øver hver uge.")
    create_actor(name="Choir", tags=["kor"])
    assert _names(session, q="kor") == ["Choir", "Stemmerne", "Sangerne"]


def test_while_typing_the_last_word_matches_any_word_it_starts(session, create_actor):
    walkers = create_actor(name="Naboernes hus", profile="Vi holder gåture om søndagen.")

    def ids(query, matching):
        statement = select(Actor)
        order = [col(Actor.id)]
        return fulltext.ranked_ids(
            session, fulltext.ACTORS, query, statement, order, 10, matching=matching
        )

    assert ids("gåt", fulltext.Matching.TYPING) == [walkers.id]
    assert ids("gåt", fulltext.Matching.WORDS) == []
    assert ids("søndagen gåt", fulltext.Matching.TYPING) == [walkers.id]
    assert ids("sønd gåture", fulltext.Matching.TYPING) == []  # only the last word is a start


PEER_GROUPS = [
    f"Deltagere i peer-gruppen, {town}"
    for town in ("Fredericia", "Gladsaxe", "Helsingør", "København", "Rødovre")
]
CHOIRS = ["Syngeglad Helsingør", "Nordvestkoret", "Åbne Stemmer Rødovre"]


def test_weekdays_come_from_opening_hours_not_from_the_word_hverdagslivet(session, loaded):
    weekdays = set(_names(session, when="weekdays"))
    assert "Frivilligcenter Helsingør" in weekdays
    assert not weekdays & set(PEER_GROUPS + CHOIRS)
    assert "Peer-Partnerskabet" not in weekdays  # its profile says "hverdagslivet"


def test_evenings_and_weekends_come_from_opening_hours(session, loaded):
    evenings = set(_names(session, when="evenings"))
    assert set(CHOIRS) <= evenings
    assert "Frivilligcenter Helsingør" not in evenings  # closes at 16:00
    weekends = set(_names(session, when="weekends"))
    assert "Gåfællesskabet Kronborg Rundt" in weekends and not weekends & set(CHOIRS)
