"""The harvest design pages: evaluators create and edit harvests and their questions;
members and staff cannot reach them; bad input changes nothing and says why in Danish."""

import pytest
from sqlmodel import func, select

from harvest import groups, harvests, outcomes
from harvest.models import Harvest
from tests.conftest import PASSWORD

GOOD = {
    "title": "Høst i Rødovre",
    "slug": "rodovre-2026",
    "group": "",
    "municipality": "",
    "period_start": "2026-01-01",
    "period_end": "2026-12-31",
    "users_and_uses": "**Primære brugere**: gruppen",
    "step": "design",
    "questions": "Hvem gør noget nyt?\nHvad virker?",
    "coding_scheme": "",
}


def _login(client, session, create_user, role, **extra):
    create_user(email=f"{role}@example.dk", role=role, **extra)
    session.commit()
    client.post("/login", data={"email": f"{role}@example.dk", "password": PASSWORD})


def _count(session):
    session.rollback()
    session.expire_all()
    return session.scalar(select(func.count()).select_from(Harvest))


@pytest.mark.parametrize("role", ["member", "staff"])
def test_members_and_staff_cannot_reach_the_design_pages(
    client, session, create_user, create_harvest, create_municipality, role
):
    create_municipality()
    groups.create_group(
        session, {"slug": "gruppe", "name": "Gruppe", "municipality": "helsingor"}, by=None
    )
    harvest = create_harvest(group="gruppe")
    question = harvests.questions_of(session, harvest)[0]
    _login(client, session, create_user, role, groups=["gruppe"] if role == "member" else [])
    assert client.get("/harvests/new").status_code == 403
    assert client.post("/harvests/new", data=GOOD).status_code == 403
    assert client.get(f"/harvests/{harvest.slug}/design").status_code == 403
    moved = client.post(
        f"/harvests/{harvest.slug}/design/questions/{question.id}",
        data={"do": "retire", f"q{question.id}-version": harvest.version},
    )
    assert moved.status_code == 403
    assert "Ny høst" not in client.get("/harvests").get_data(as_text=True)


def test_the_public_is_asked_to_sign_in(client, create_harvest, session):
    harvest = create_harvest()
    session.commit()
    assert client.get("/harvests/new").status_code == 302
    assert client.get(f"/harvests/{harvest.slug}/design").status_code == 302


def test_an_evaluator_creates_a_harvest_and_sees_its_step(client, session, create_user):
    _login(client, session, create_user, "evaluator")
    assert "Ny høst" in client.get("/harvests").get_data(as_text=True)
    answer = client.post("/harvests/new", data=GOOD)
    assert answer.status_code == 302
    page = client.get("/harvests/rodovre-2026").get_data(as_text=True)
    assert '<li aria-current="step">Design' in page
    assert "Hvad virker?" in page and "<strong>Primære brugere</strong>" in page
    assert "Hvad mangler" in page  # the outcomes per status and open questions
    assert "Redigér designet" in page


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"period_end": "2025-01-01"}, "Perioden slutter, før den begynder."),
        ({"title": ""}, "Feltet skal udfyldes."),
        ({"slug": "taken"}, "Det korte navn er allerede i brug."),
        ({"group": "ingen-gruppe"}, "Vælg en fra listen."),
    ],
)
def test_bad_input_is_refused_in_danish_and_changes_nothing(
    client, session, create_user, create_harvest, change, message
):
    create_harvest(slug="taken")
    _login(client, session, create_user, "evaluator")
    before = _count(session)
    answer = client.post("/harvests/new", data={**GOOD, **change})
    assert answer.status_code == 422
    assert message in answer.get_data(as_text=True)
    assert _count(session) == before


def test_editing_the_design_keeps_its_questions_and_a_stale_save_shows_the_merge(
    client, session, create_user, create_harvest
):
    harvest = create_harvest(questions=["Første?", "Anden?"])
    read = harvest.version
    _login(client, session, create_user, "evaluator")
    form = client.get(f"/harvests/{harvest.slug}/design").get_data(as_text=True)
    assert "Flyt spørgsmål 2 op" in form and "Udfas" in form
    data = {**GOOD, "title": "Ny titel", "step": "gather", "version": read}
    assert client.post(f"/harvests/{harvest.slug}/design", data=data).status_code == 302
    session.rollback()
    session.expire_all()
    assert harvest.title == "Ny titel" and harvest.step == "gather"
    assert [q.text for q in harvests.questions_of(session, harvest)] == ["Første?", "Anden?"]
    stale = client.post(f"/harvests/{harvest.slug}/design", data={**data, "title": "Gammel"})
    assert stale.status_code == 409
    assert "En anden gemte først" in stale.get_data(as_text=True)


def test_an_evaluator_adds_moves_and_retires_questions(
    client, session, create_user, create_harvest, create_outcome
):
    harvest = create_harvest(questions=["Første?", "Anden?"])
    first, second = harvests.questions_of(session, harvest)
    answering = create_outcome(harvest=harvest)
    outcomes.set_question(session, answering, second.id)
    session.commit()
    _login(client, session, create_user, "evaluator")
    url = f"/harvests/{harvest.slug}/design/questions"

    def version():
        session.rollback()
        session.expire_all()
        return harvest.version

    added = client.post(url, data={"new-text": "Tredje?", "new-version": version()})
    assert added.status_code == 302
    moved = client.post(f"{url}/{second.id}", data={"do": "up", f"q{second.id}-version": version()})
    assert moved.status_code == 302 and moved.location.endswith(f"#question-{second.id}")
    retired = client.post(
        f"{url}/{second.id}", data={"do": "retire", f"q{second.id}-version": version()}
    )
    assert retired.status_code == 302
    version()
    assert [q.text for q in harvests.questions_of(session, harvest)] == ["Første?", "Tredje?"]
    page = client.get(f"/harvests/{harvest.slug}/design").get_data(as_text=True)
    assert "Udfasede spørgsmål" in page
    stale = client.post(f"{url}/{first.id}", data={"do": "down", f"q{first.id}-version": 1})
    assert stale.status_code == 302
    assert "ikke gemt" in client.get(stale.location).get_data(as_text=True)
    shown = client.get(f"/outcomes/{answering.id}/edit").get_data(as_text=True)
    assert "Anden? (udfaset)" in shown


def test_members_see_the_step_but_not_the_evaluators_counts(
    client, session, create_user, create_harvest, create_municipality
):
    create_municipality()
    groups.create_group(
        session, {"slug": "gruppe", "name": "Gruppe", "municipality": "helsingor"}, by=None
    )
    harvest = create_harvest(group="gruppe", step="substantiate")
    _login(client, session, create_user, "member", groups=["gruppe"])
    page = client.get(f"/harvests/{harvest.slug}").get_data(as_text=True)
    assert '<li aria-current="step">Substantiér' in page
    assert "Hvad mangler" not in page and "Redigér designet" not in page
