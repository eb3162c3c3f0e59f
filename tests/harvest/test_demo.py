"""The demo data set: rich enough to look at, valid, and idempotent to load."""

from collections import Counter

import pytest
from sqlmodel import func, select

from harvest import demo
from harvest.models import (
    Actor,
    ChangeRecord,
    Harvest,
    HarvestQuestion,
    ImplementationGroup,
    Municipality,
    Outcome,
    OutcomeLink,
    Tie,
    TieEvidence,
)


@pytest.fixture
def loaded(session):
    """Load the demo data set here, into an empty database (the others start from a copy of
    one loaded the same way: `demo_data`, tests/conftest.py)."""
    report = demo.load_demo(session)
    session.commit()
    return report


def test_demo_has_the_research_projects_municipalities_and_named_services(session, demo_data):
    names = set(session.exec(select(Municipality.name)))
    assert names == {"København", "Fredericia", "Helsingør", "Rødovre", "Gladsaxe"}
    actors = set(session.exec(select(Actor.name)))
    for name in (
        "Grib København",
        "Din Indgang",
        "Café Vinkeldammen",
        "Fountain House",
        "SIND",
        "Det Sociale Netværk",
        "Peer-Partnerskabet",
        "Rotary",
    ):
        assert any(a.startswith(name) for a in actors), name


def test_demo_is_big_enough_to_be_worth_looking_at(session, demo_data):
    count = lambda model: session.exec(select(func.count()).select_from(model)).one()  # noqa: E731
    assert count(Actor) >= 60
    assert count(Tie) >= 100
    assert count(Outcome) >= 25
    assert count(ImplementationGroup) >= 2
    assert count(Harvest) >= 2
    assert count(HarvestQuestion) >= 4
    assert count(OutcomeLink) >= 2
    assert count(TieEvidence) >= 5


def test_every_municipality_has_all_three_forms_of_ties(session, demo_data):
    rows = session.exec(
        select(Municipality.slug, Tie.form)
        .join(Actor, Actor.municipality_id == Municipality.id)
        .join(Tie, Tie.source_id == Actor.id)
    ).all()
    forms: dict[str, set[str]] = {}
    for slug, form in rows:
        forms.setdefault(slug, set()).add(form)
    assert all(f == {"bonding", "bridging", "linking"} for f in forms.values()), forms
    assert len(forms) == 5


def test_outcomes_use_every_status(session, demo_data):
    statuses = Counter(session.exec(select(Outcome.status)))
    assert set(statuses) == {
        "lead",
        "draft",
        "reviewed",
        "ready",
        "substantiated",
        "final",
        "withdrawn",
    }


def test_each_group_has_a_harvest_with_questions(session, demo_data):
    for group in session.exec(select(ImplementationGroup)):
        harvest = session.exec(select(Harvest).where(Harvest.group_id == group.id)).one()
        assert session.exec(
            select(HarvestQuestion).where(HarvestQuestion.harvest_id == harvest.id)
        ).all()


def test_loading_twice_changes_nothing(session, loaded):
    assert loaded.changed

    def state():
        return (
            demo.counts(session),
            sorted(session.exec(select(Actor.slug, Actor.version))),
            sorted(session.exec(select(Tie.id, Tie.version))),
            sorted(session.exec(select(Outcome.id, Outcome.version))),
            session.exec(select(func.count()).select_from(ChangeRecord)).one(),
        )

    before = state()
    again = demo.load_demo(session)
    session.commit()
    assert not again.changed
    assert state() == before


def test_an_edited_demo_record_is_put_back_by_the_next_load(session, demo_data):
    actor = session.exec(select(Actor).where(Actor.name == "Café Vinkeldammen")).one()
    actor.profile = "Ændret"
    session.commit()
    report = demo.load_demo(session)
    assert report.updated["actor"] == 1
    assert actor.profile != "Ændret"


def test_a_broken_demo_file_is_reported_with_its_name(session, tmp_path):
    (tmp_path / "municipalities.yaml").write_text(
        "- slug: Not A Slug\n  name: X\n", encoding="utf-8"
    )
    with pytest.raises(demo.DemoFileError) as raised:
        demo.load_demo(session, tmp_path)
    assert "municipalities.yaml" in str(raised.value)
