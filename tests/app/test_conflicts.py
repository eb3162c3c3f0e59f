"""The conflict page merges: it keeps what the other person changed that you did not, marks
what you both changed, and keeps everything you typed, for every editable record."""

import re

import pytest

from harvest import needs
from harvest.models import Actor, InformationNeed, Outcome
from tests.app.test_outcome_pages import login, record
from tests.app.test_outcome_pages import setup as setup  # noqa: F401 - the fixture
from tests.conftest import PASSWORD


@pytest.fixture
def second(app, setup, create_user, create_actor, session):  # noqa: F811 - the fixture above
    """A second person at another computer: an evaluator, and an actor they add."""
    create_user(email="evaluator@example.dk", role="evaluator")
    choir = create_actor(name="Helsingør Kor", municipality="helsingor")
    session.commit()
    other = app.test_client()
    response = other.post("/login", data={"email": "evaluator@example.dk", "password": PASSWORD})
    assert response.status_code == 302
    return {"client": other, "choir": choir}


def _form(setup, **changes):  # noqa: F811 - the fixture above
    """The outcome's edit form as `record()` saved it (version 1), with `changes`."""
    data = {
        "title": "Café Vinkeldammen henviser til SIND",
        "changed_actor_id": str(setup["cafe"].id),
        "change": (
            "Fra september 2025 henviser caféens medarbejdere nye brugere til SIND's samtalegruppe."
        ),
        "when_start": "2025-09-01",
        "where": "Helsingør",
        "significance": "Brugerne får et fællesskab uden for kommunen.",
        "contribution": "Implementeringsgruppen satte caféen og SIND i forbindelse.",
        "contributor_ids": [str(setup["sind"].id)],
        "type_of_change": "practice",
        "social_capital_form": "bridging",
        "version": "1",
    }
    data.update(changes)
    return data


def _selected(page: str, select_id: str) -> set[str]:
    block = re.search(rf'<select[^>]*id="{select_id}"[^>]*>(.*?)</select>', page, re.S)
    assert block, select_id
    return set(re.findall(r'<option selected value="([^"]*)"', block.group(1)))


def _chosen(page: str, name: str) -> set[str]:
    """Return the actors chosen in an actor field (its checked boxes, without JavaScript)."""
    box = rf'<input type="checkbox" name="{name}" value="([^"]*)"[^>]*checked'
    return set(re.findall(box, page))


def test_their_other_changes_are_kept_and_mine_too(client, setup, second, session):  # noqa: F811
    login(client, "medlem@example.dk")
    outcome_id = int(record(client, setup).headers["Location"].rsplit("/", 1)[1])
    theirs = _form(
        setup,
        where="Biblioteket i Helsingør",
        contributor_ids=[str(setup["sind"].id), str(second["choir"].id)],
    )
    assert second["client"].post(f"/outcomes/{outcome_id}/edit", data=theirs).status_code == 302

    mine = _form(setup, significance="Brugerne får et fællesskab, og caféen får færre afbud.")
    stale = client.post(f"/outcomes/{outcome_id}/edit?lang=en", data=mine)
    page = stale.get_data(as_text=True)
    assert stale.status_code == 409
    assert "You did not change the same fields" in page
    # The form is my text plus their change of place and contributors, at their version.
    assert "færre afbud" in page
    assert 'value="Biblioteket i Helsingør"' in page
    assert _chosen(page, "contributor_ids") == {str(setup["sind"].id), str(second["choir"].id)}
    assert 'name="version" type="hidden" value="2"' in page
    assert "Their change is kept" in page
    assert "<td>SIND Helsingør; Helsingør Kor</td>" in page  # names, not ids
    session.rollback()
    assert session.get(Outcome, outcome_id).significance.startswith(
        "Brugerne får et fællesskab uden"
    )

    merged = {
        **mine,
        "where": "Biblioteket i Helsingør",
        "contributor_ids": [str(setup["sind"].id), str(second["choir"].id)],
        "version": "2",
    }
    assert client.post(f"/outcomes/{outcome_id}/edit", data=merged).status_code == 302
    session.rollback()
    saved = session.get(Outcome, outcome_id)
    assert saved.where == "Biblioteket i Helsingør" and "færre afbud" in saved.significance
    assert saved.version == 3


def test_a_field_we_both_changed_keeps_my_text_and_shows_theirs(
    client,
    setup,  # noqa: F811
    second,
    session,
):
    login(client, "medlem@example.dk")
    outcome_id = int(record(client, setup).headers["Location"].rsplit("/", 1)[1])
    theirs = _form(
        setup, change="Caféen henviser nu alle nye gæster.", type_of_change="relationship"
    )
    assert second["client"].post(f"/outcomes/{outcome_id}/edit", data=theirs).status_code == 302
    mine = _form(setup, change="Caféen henviser nye brugere hver tirsdag.")
    page = client.post(f"/outcomes/{outcome_id}/edit?lang=en", data=mine).get_data(as_text=True)
    assert "You both changed 1 field" in page
    assert "You both changed it: yours is kept" in page
    textarea = re.search(r'<textarea[^>]*id="change"[^>]*>(.*?)</textarea>', page, re.S)
    assert textarea and "hver tirsdag" in textarea.group(1)
    assert "Caféen henviser nu alle nye gæster." in page  # theirs, beside it
    # Their change of the code, which I did not touch, is kept.
    assert _selected(page, "type_of_change") == {"relationship"}


def test_the_conflict_page_speaks_danish(client, setup, second):  # noqa: F811
    login(client, "medlem@example.dk")
    outcome_id = int(record(client, setup).headers["Location"].rsplit("/", 1)[1])
    second["client"].post(f"/outcomes/{outcome_id}/edit", data=_form(setup, where="Kulturværftet"))
    page = client.post(f"/outcomes/{outcome_id}/edit", data=_form(setup, title="Ny")).get_data(
        as_text=True
    )
    assert '<html lang="da"' in page
    assert "En anden har gemt" in page or "Mens du redigerede" in page
    assert "Deres ændring er bevaret" in page


def test_actors_merge_too(client, setup, second, session):  # noqa: F811
    login(client, "medlem@example.dk")
    cafe = setup["cafe"]
    base = {
        "name": cafe.name,
        "kind": cafe.kind,
        "sector": cafe.sector,
        "tier": str(cafe.tier),
        "municipality": "helsingor",
        "version": str(cafe.version),
    }
    url = f"/aktoerer/{cafe.id}/edit"
    assert second["client"].post(url, data={**base, "phone": "49 28 00 00"}).status_code == 302
    stale = client.post(f"{url}?lang=en", data={**base, "address": "Stengade 1"})
    page = stale.get_data(as_text=True)
    assert stale.status_code == 409
    assert 'value="Stengade 1"' in page and 'value="49 28 00 00"' in page
    session.rollback()
    assert session.get(Actor, cafe.id).address == ""


def test_needs_merge_too(client, setup, second, session):  # noqa: F811
    need = needs.record_need(
        session, {"question": "Hvor kan man synge?", "group": "helsingor"}, by=None
    )
    session.commit()
    login(client, "medlem@example.dk")
    base = {"question": need.question, "frequency": "sometimes", "group": "helsingor"}
    url = f"/behov/{need.id}/edit"
    first = {**base, "answer_note": "Koret øver om tirsdagen.", "version": "1"}
    assert second["client"].post(url, data=first).status_code == 302
    stale = client.post(f"{url}?lang=en", data={**base, "frequency": "often", "version": "1"})
    page = stale.get_data(as_text=True)
    assert stale.status_code == 409
    assert "Koret øver om tirsdagen." in page
    assert re.search(r'<option selected value="often"', page)
    session.rollback()
    assert session.get(InformationNeed, need.id).frequency == "sometimes"
