"""The pages for what citizens ask for: staff browse, members and evaluators record and edit."""

import pytest
from sqlmodel import select

from harvest.models import InformationNeed
from tests.conftest import PASSWORD


@pytest.fixture
def loaded(demo_data):
    """Start from the demo data set (tests/conftest.py)."""


def _login(client, session, create_user, role):
    create_user(email=f"{role}@example.dk", role=role)
    session.commit()
    client.post("/login", data={"email": f"{role}@example.dk", "password": PASSWORD})


def test_the_public_is_asked_to_sign_in(client):
    assert client.get("/behov/").status_code == 302


def test_staff_browse_with_unanswered_first_and_filter_by_municipality(
    client, session, create_user, loaded
):
    _login(client, session, create_user, "staff")
    page = client.get("/behov/").get_data(as_text=True)
    assert "endnu ikke besvaret" in page
    assert page.index("Endnu ikke besvaret") < page.index("Besvares af:")
    assert "Registrér et behov" not in page
    only = client.get("/behov/?municipality=fredericia&lang=en").get_data(as_text=True)
    assert "§ 82-tilbud" in only and "Helsingør" not in only.split("<main")[1].split("</form>")[1]
    open_only = client.get("/behov/?answered=no").get_data(as_text=True)
    assert "Besvares af:" not in open_only
    assert client.get("/behov/new").status_code == 403


def test_evaluator_records_and_answers_a_need(client, session, create_user, loaded):
    _login(client, session, create_user, "evaluator")
    response = client.post(
        "/behov/new",
        data={
            "question": "Findes der en strikkeklub i Rødovre?",
            "municipality": "rodovre",
            "frequency": "often",
        },
    )
    assert response.status_code == 302
    need = session.exec(
        select(InformationNeed).where(InformationNeed.question.startswith("Findes der en strik"))
    ).one()
    page = client.get(f"/behov/{need.id}/edit").get_data(as_text=True)
    assert "Findes der en strikkeklub" in page
    response = client.post(
        f"/behov/{need.id}/edit",
        data={
            "question": need.question,
            "municipality": "rodovre",
            "frequency": "often",
            "answer_page": "find-an-association",
            "version": need.version,
        },
    )
    assert response.status_code == 302
    listed = client.get("/behov/?municipality=rodovre").get_data(as_text=True)
    assert "Find en forening til en borger" in listed
    stale = client.post(
        f"/behov/{need.id}/edit",
        data={"question": "Andet", "frequency": "once", "version": need.version},
    )
    assert stale.status_code == 409 and "Andet" in stale.get_data(as_text=True)


def test_an_empty_question_is_refused(client, session, create_user):
    _login(client, session, create_user, "evaluator")
    response = client.post("/behov/new", data={"question": "", "frequency": "once"})
    assert response.status_code == 422


def test_staff_filter_by_who_asks_and_see_each_side_per_municipality(
    client, session, create_user, loaded
):
    _login(client, session, create_user, "staff")
    municipality = client.get("/behov/?asker=municipality").get_data(as_text=True)
    assert "Spurgt af: Kommunen" in municipality and "Spurgt af: Borgerne" not in municipality
    page = client.get("/behov/kommune/helsingor").get_data(as_text=True)
    sections = page.split("<h2")
    assert "Kommunen spørger civilsamfundet" in sections[1]
    assert "Civilsamfundet spørger kommunen" in sections[2]
    assert "Borgerne spørger begge" in sections[3]
    assert "Hvad er et peer-gruppeforløb" in sections[3]  # an existing need: the citizens'
    english = client.get("/behov/kommune/helsingor?lang=en").get_data(as_text=True)
    assert "The municipality asks civil society" in english
    assert client.get("/behov/kommune/atlantis").status_code == 404


def test_a_member_records_the_municipalitys_question_about_an_association(
    client, session, create_user, loaded
):
    from harvest import actors

    create_user(email="ny@example.dk", role="member", groups=["helsingor"])
    session.commit()
    client.post("/login", data={"email": "ny@example.dk", "password": PASSWORD})
    sind = actors.actor_by_slug(session, "hel-sind-helsingor")
    form = client.get("/behov/new").get_data(as_text=True)
    assert 'for="asker"' in form and 'for="about_actor_id"' in form and 'for="about"' in form
    response = client.post(
        "/behov/new",
        data={
            "asker": "municipality",
            "question": "Er foreningens frivillige uddannet og under supervision?",
            "about_actor_id": str(sind.id),
            "about": "frivilliges uddannelse",
            "municipality": "helsingor",
            "group": "helsingor",
            "frequency": "often",
        },
    )
    assert response.status_code == 302
    session.rollback()  # end the test's read snapshot (SQLite), so it sees the app's write
    need = session.exec(
        select(InformationNeed).where(
            InformationNeed.question == "Er foreningens frivillige uddannet og under supervision?"
        )
    ).one()
    assert (need.asker, need.about_actor_id) == ("municipality", sind.id)
    response = client.post(
        f"/behov/{need.id}/edit",
        data={
            "asker": "municipality",
            "question": need.question,
            "about_actor_id": str(sind.id),
            "municipality": "helsingor",
            "group": "helsingor",
            "frequency": "often",
            "answer_note": "Ja: SIND uddanner og superviserer sine frivillige hver måned.",
            "note_answers": "y",
            "version": need.version,
        },
    )
    assert response.status_code == 302
    page = client.get("/behov/kommune/helsingor").get_data(as_text=True)
    side = page.split("Kommunen spørger civilsamfundet")[1].split("<h2")[0]
    assert "Besvaret" in side and "SIND uddanner" in side and "SIND Helsingør" in side


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"asker": "borgmesteren"}, "Not a valid choice"),
        ({"note_answers": "y"}, "Write the answer in the note"),
        ({"about": "cpr 211062-5629"}, "CPR"),
    ],
)
def test_bad_input_on_the_form_is_named_and_nothing_is_saved(
    client, session, create_user, data, message
):
    _login(client, session, create_user, "evaluator")
    before = len(session.exec(select(InformationNeed)).all())
    response = client.post(
        "/behov/new?lang=en", data={"question": "Hvem spørger?", "frequency": "once", **data}
    )
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    session.commit()  # end the test's read snapshot, to see any write of the app
    assert len(session.exec(select(InformationNeed)).all()) == before
