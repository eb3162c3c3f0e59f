"""What citizens ask for: recording, editing, listing and answering information needs."""

import pytest
from sqlmodel import func, select

from harvest import demo, needs
from harvest.errors import PrivacyViolation, StaleVersion, ValidationFailed
from harvest.models import InformationNeed


@pytest.fixture
def place(create_municipality):
    return create_municipality()


def test_record_and_list_unanswered_first(session, place, create_actor):
    actor = create_actor()
    answered = needs.record_need(
        session,
        {
            "question": "Hvor kan man synge?",
            "municipality": "helsingor",
            "frequency": "very_often",
            "answer_actor_id": actor.id,
        },
        by=None,
    )
    rare = needs.record_need(
        session,
        {"question": "Er der skak?", "municipality": "helsingor", "frequency": "once"},
        by=None,
    )
    often = needs.record_need(
        session,
        {"question": "Er der gåture?", "municipality": "helsingor", "frequency": "often"},
        by=None,
    )
    listed = needs.list_needs(session, needs.NeedFilters()).items
    assert [line.need.id for line in listed] == [often.id, rare.id, answered.id]
    assert needs.count_unanswered(session) == 2
    unanswered = needs.list_needs(session, needs.NeedFilters(answered=False)).items
    assert {line.need.id for line in unanswered} == {often.id, rare.id}
    done = needs.list_needs(session, needs.NeedFilters(answered=True)).items
    assert [line.actor.id for line in done] == [actor.id]


def test_filter_by_municipality(session, create_municipality):
    create_municipality("helsingor", "Helsingør")
    create_municipality("fredericia", "Fredericia")
    needs.record_need(
        session, {"question": "Spørgsmål i Helsingør", "municipality": "helsingor"}, by=None
    )
    needs.record_need(
        session, {"question": "Spørgsmål i Fredericia", "municipality": "fredericia"}, by=None
    )
    lines = needs.list_needs(session, needs.NeedFilters(municipality="fredericia")).items
    assert [line.municipality for line in lines] == ["Fredericia"]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"question": ""}, "question"),
        ({"question": "Gyldigt spørgsmål", "municipality": "atlantis"}, "municipality"),
        ({"question": "Gyldigt spørgsmål", "frequency": "always"}, "frequency"),
        ({"question": "Gyldigt spørgsmål", "answer_page": "no-such-page"}, "answer_page"),
        ({"question": "Gyldigt spørgsmål", "answer_actor_id": 999}, "answer_actor_id"),
    ],
)
def test_invalid_needs_are_refused_with_the_field_named(session, data, field):
    with pytest.raises(ValidationFailed) as caught:
        needs.record_need(session, data, by=None)
    assert field in caught.value.errors


def test_a_cpr_number_is_refused(session):
    with pytest.raises(PrivacyViolation):
        needs.record_need(session, {"question": "Borger 010190-1234 spørger om kor"}, by=None)


def test_mark_answered_by_a_knowledge_page_and_stale_edits_raise(session, place):
    need = needs.record_need(session, {"question": "Hvad er et § 82-tilbud?"}, by=None)
    version = need.version
    needs.mark_answered(session, need, version, page="glossary", by=None)
    assert needs.is_answered(need) and need.answer_page == "glossary"
    with pytest.raises(StaleVersion):
        needs.update_need(session, need, {"question": "Nyt", "version": version}, by=None)


def test_mark_answered_needs_an_answer(session):
    need = needs.record_need(session, {"question": "Hvor er der fællesspisning?"}, by=None)
    with pytest.raises(ValidationFailed):
        needs.mark_answered(session, need, need.version, by=None)


def test_demo_needs_load_idempotently_across_municipalities(session, demo_data):
    count = session.exec(select(func.count()).select_from(InformationNeed)).one()
    assert 12 <= count <= 25  # citizens', the municipality's and civil society's questions
    lines = needs.list_needs(session, needs.NeedFilters(), per_page=100).items
    assert len({line.municipality for line in lines}) >= 4
    assert any(line.actor for line in lines) and any(line.need.answer_page for line in lines)
    assert any(not line.answered for line in lines)
    assert needs.load_demo_needs(session, demo.content_dir() / "demo") == 0


@pytest.mark.parametrize(
    ("role", "allowed"),
    [("admin", True), ("evaluator", True), ("member", True), ("staff", False)],
)
def test_who_may_record_needs(session, create_user, create_municipality, role, allowed):
    from harvest import accounts, groups
    from harvest.errors import PermissionDenied

    helsingor = create_municipality()
    other = create_municipality("gladsaxe", "Gladsaxe")
    groups.create_group(session, {"slug": "g", "name": "G", "municipality": "helsingor"}, by=None)
    user = create_user(f"{role}@example.dk", role, groups=["g"] if role == "member" else [])
    data = {"question": "Hvor kan man synge om aftenen?", "municipality": "helsingor"}
    if allowed:
        assert needs.record_need(session, data, by=user).municipality_id == helsingor.id
    else:
        with pytest.raises(PermissionDenied):
            needs.record_need(session, data, by=user)
    elsewhere = {**data, "municipality": other.slug}
    if role == "member":  # members record needs for their groups' municipalities only
        with pytest.raises(PermissionDenied):
            needs.record_need(session, elsewhere, by=user)
    assert accounts.get_user(session, user.id).active
