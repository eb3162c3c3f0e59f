"""Needs on every side: who asks (citizens, the municipality, civil society), about whom or
what, answered by an actor, a page or a note, and per municipality who asks what of whom."""

import pytest
import sqlalchemy as sa
from alembic import command

from harvest import needs
from harvest.db import alembic_config, make_engine
from harvest.errors import PermissionDenied, PrivacyViolation, StaleVersion, ValidationFailed


@pytest.fixture
def place(create_municipality):
    return create_municipality()


def test_a_need_is_the_citizens_unless_it_says_who_asks(session, place):
    need = needs.record_need(session, {"question": "Hvor kan man synge?"}, by=None)
    assert need.asker == "citizens"


def test_the_municipality_asks_about_an_association(session, place, create_actor):
    sind = create_actor(name="SIND Helsingør", municipality="helsingor")
    need = needs.record_need(
        session,
        {
            "question": "Er foreningens frivillige uddannet, og får de supervision?",
            "asker": "municipality",
            "about_actor_id": sind.id,
            "about": "frivilliges uddannelse og supervision",
            "municipality": "helsingor",
        },
        by=None,
    )
    assert (need.asker, need.about_actor_id, need.about) == (
        "municipality",
        sind.id,
        "frivilliges uddannelse og supervision",
    )


def test_civil_society_asks_about_a_kind_of_actor_or_a_sector(session, place):
    need = needs.record_need(
        session,
        {
            "question": "Hvordan henviser jobcentret borgere til os?",
            "asker": "civil_society",
            "about_kind": "education_job",
            "about_sector": "municipal",
        },
        by=None,
    )
    assert (need.about_kind, need.about_sector) == ("education_job", "municipal")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("asker", "the_mayor"),
        ("about_kind", "spaceship"),
        ("about_sector", "moon"),
        ("about_actor_id", 999_999),
        ("about", "x" * 301),
    ],
)
def test_bad_asker_or_subject_is_refused_by_field(session, place, field, value):
    with pytest.raises(ValidationFailed) as refused:
        needs.record_need(session, {"question": "Hvem spørger?", field: value}, by=None)
    assert field in refused.value.errors


def test_a_cpr_number_in_the_subject_is_refused(session, place):
    with pytest.raises(PrivacyViolation):
        needs.record_need(
            session, {"question": "Hvad tilbydes?", "about": "borger 211062-5629"}, by=None
        )


def test_a_note_can_be_the_answer_and_keeps_who_asks(session, place, create_actor):
    need = needs.record_need(
        session,
        {"question": "Får de frivillige supervision?", "asker": "municipality"},
        by=None,
    )
    assert not needs.is_answered(need)
    needs.mark_answered(
        session, need, need.version, note="Ja, månedlig supervision hos SIND.", by=None
    )
    assert needs.is_answered(need) and need.note_answers
    assert need.asker == "municipality"  # answering does not reset who asked
    assert needs.count_unanswered(session) == 0


def test_the_note_answers_only_with_a_note(session, place):
    with pytest.raises(ValidationFailed) as refused:
        needs.record_need(session, {"question": "Hvad nu?", "note_answers": True}, by=None)
    assert "answer_note" in refused.value.errors


def test_list_filters_by_who_asks(session, place):
    needs.record_need(session, {"question": "Borgernes spørgsmål"}, by=None)
    needs.record_need(
        session, {"question": "Kommunens spørgsmål", "asker": "municipality"}, by=None
    )
    found = needs.list_needs(session, needs.NeedFilters(asker="municipality")).items
    assert [line.need.question for line in found] == ["Kommunens spørgsmål"]


def test_each_side_of_a_municipality_with_open_questions_first(session, place, create_actor):
    grib = create_actor(name="Jobcentret", kind="education_job", sector="municipal")
    asks = [
        ("Er de frivillige uddannet?", "municipality"),
        ("Hvordan henviser jobcentret?", "civil_society"),
        ("Hvor kan man synge?", "citizens"),
    ]
    for question, asker in asks:
        needs.record_need(
            session, {"question": question, "asker": asker, "municipality": "helsingor"}, by=None
        )
    answered = needs.record_need(
        session,
        {
            "question": "Hvem er kontaktperson i jobcentret?",
            "asker": "civil_society",
            "municipality": "helsingor",
            "answer_actor_id": grib.id,
        },
        by=None,
    )
    needs.record_need(session, {"question": "Et andet sted", "asker": "municipality"}, by=None)
    sides = {side.asker: side for side in needs.sides_in(session, place)}
    assert [s.asker for s in needs.sides_in(session, place)] == [
        "municipality",
        "civil_society",
        "citizens",
    ]
    assert [line.need.question for line in sides["municipality"].lines] == [
        "Er de frivillige uddannet?"
    ]
    civil = sides["civil_society"]
    assert [line.need.question for line in civil.open] == ["Hvordan henviser jobcentret?"]
    assert [line.need.id for line in civil.answered] == [answered.id]
    assert civil.answered[0].actor == grib


def test_a_stale_edit_of_who_asks_raises(session, place):
    need = needs.record_need(session, {"question": "Hvem spørger?"}, by=None)
    read = need.version
    needs.update_need(session, need, {**needs.need_input(session, need), "version": read}, by=None)
    data = {**needs.need_input(session, need), "asker": "municipality", "about": "ændret"}
    needs.update_need(session, need, {**data, "version": read}, by=None)
    with pytest.raises(StaleVersion):
        needs.update_need(session, need, {**data, "about": "igen", "version": read}, by=None)


def test_a_member_of_another_group_may_not_record_for_this_one(
    session, place, create_municipality, create_user
):
    from harvest import groups

    create_municipality("gladsaxe", "Gladsaxe")
    groups.create_group(
        session, {"slug": "nord", "name": "Nord", "municipality": "helsingor"}, by=None
    )
    groups.create_group(
        session, {"slug": "syd", "name": "Syd", "municipality": "gladsaxe"}, by=None
    )
    outsider = create_user("syd@example.dk", "member", groups=["syd"])
    with pytest.raises(PermissionDenied):
        needs.record_need(
            session,
            {"question": "Hvad ved vi?", "asker": "municipality", "group": "nord"},
            by=outsider,
        )


def test_the_migration_makes_every_existing_need_a_citizens_need(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = make_engine(url)
    config = alembic_config(url)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0014")
        connection.execute(
            sa.text(
                "INSERT INTO informationneed (created_at, updated_at, version, question,"
                " frequency, answer_page, answer_note) VALUES"
                " ('2025-01-01', '2025-01-01', 1, 'Hvor kan man synge?', 'often', '', '')"
            )
        )
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0018")
        row = connection.execute(
            sa.text("SELECT asker, about, about_actor_id, note_answers FROM informationneed")
        ).one()
    engine.dispose()
    assert tuple(row) == ("citizens", "", None, False)
