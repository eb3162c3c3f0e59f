"""Actors by name: suggestions while typing and typed or pasted names resolved, or refused."""

import pytest

from harvest import actor_names
from harvest.errors import ValidationFailed


@pytest.fixture
def named(session, create_actor, create_municipality):
    create_municipality()
    create_municipality(slug="kobenhavn", name="København")
    made = {
        "grib": create_actor(name="Grib København", municipality="kobenhavn"),
        "aeblehaven": create_actor(name="Æblehavens Venner", municipality="helsingor"),
        "sind": create_actor(name="SIND Helsingør", municipality="helsingor"),
        "noerrebro": create_actor(name="Nørrebro Løbeklub", municipality="kobenhavn"),
        "cafe": create_actor(name="Café Nord–Syd", municipality="helsingor"),
    }
    for n in range(30):
        create_actor(name=f"Foreningen for Løb {n}", municipality="kobenhavn")
    session.flush()
    return made


def names(found):
    return [s.name for s in found]


def test_suggestions_start_with_the_names_that_begin_with_what_was_typed(session, named):
    found = actor_names.suggest_actors(session, "grib")
    assert names(found)[0] == "Grib København"
    assert found[0].municipality == "København"


def test_suggestions_find_a_later_word_and_danish_letters_in_any_case(session, named):
    assert "Grib København" in names(actor_names.suggest_actors(session, "KØBEN"))
    assert names(actor_names.suggest_actors(session, "æble")) == ["Æblehavens Venner"]
    assert names(actor_names.suggest_actors(session, "nørre løb")) == ["Nørrebro Løbeklub"]


def test_suggestions_are_bounded(session, named):
    assert len(actor_names.suggest_actors(session, "løb", limit=5)) == 5
    assert len(actor_names.suggest_actors(session, "løb", limit=500)) == 20


def test_suggestions_keep_to_one_municipality_when_asked(session, named):
    helsingor = named["sind"].municipality_id
    found = actor_names.suggest_actors(session, "løb", municipality_id=helsingor)
    assert found == []


@pytest.mark.parametrize("hostile", ["", "   ", '"', "*", "' OR 1=1 --", "NEAR(a b)", "a" * 5000])
def test_odd_input_gives_suggestions_or_none_never_an_error(session, named, hostile):
    assert isinstance(actor_names.suggest_actors(session, hostile), list)


@pytest.mark.parametrize(
    "typed",
    [
        "Grib København",
        "  grib   KØBENHAVN ",
        "Grib\u00a0København",  # a no-break space from Word
        "Grib Køben\u00adhavn",  # a soft hyphen
    ],
)
def test_a_typed_name_resolves_when_case_and_spaces_are_folded(session, named, typed):
    assert actor_names.resolve_actor(session, typed, field_name="actor") == named["grib"]


def test_a_pasted_en_dash_matches_the_hyphen_and_back(session, named, create_actor):
    assert actor_names.match_actor(session, "café nord-syd").actor == named["cafe"]
    dash = create_actor(name="Hus-Forbi")
    assert actor_names.match_actor(session, "Hus\u2013Forbi").actor == dash


def test_an_unknown_name_is_refused_with_the_near_matches(session, named):
    with pytest.raises(ValidationFailed) as refused:
        actor_names.resolve_actor(session, "Grib Københvn", field_name="changed_actor_id")
    message, params = refused.value.errors["changed_actor_id"]
    assert "Did you mean" in message and "Grib København" in params["matches"]


def test_a_name_like_nothing_says_so_without_suggestions(session, named):
    found = actor_names.match_actor(session, "Zyxwvu")
    assert found.actor is None and found.near == []
    assert "Check the spelling" in found.problem[0]


def test_a_blank_name_is_no_actor(session, named):
    assert actor_names.resolve_actor(session, " \u00a0 ", field_name="actor") is None


def test_two_actors_whose_names_differ_only_in_dashes_are_ambiguous(session, create_actor):
    first = create_actor(name="Nord-Syd", municipality=None)
    create_actor(name="Nord\u2013Syd")
    found = actor_names.match_actor(session, "nord-syd")
    assert found.actor is None and len(found.same_name) == 2
    assert "More than one actor" in found.problem[0]
    assert first.name in found.problem[1]["matches"]


def test_the_municipality_in_brackets_picks_among_equal_names(
    session, create_actor, create_municipality
):
    create_municipality()
    create_municipality(slug="kobenhavn", name="København")
    create_actor(name="Nord-Syd", municipality="helsingor")
    there = create_actor(name="Nord\u2013Syd", municipality="kobenhavn")
    assert actor_names.match_actor(session, "Nord-Syd (København)").actor == there
