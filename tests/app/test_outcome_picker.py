"""Linking outcome chains without listing every outcome of the harvest."""

import pytest
from sqlmodel import select

from harvest.models import Outcome, OutcomeLink
from tests.app.test_outcome_pages import login
from tests.app.test_outcome_pages import setup as setup  # noqa: F401 - the fixture


@pytest.fixture
def chain(session, setup, create_outcome):  # noqa: F811
    harvest = setup["harvest"]
    made = {
        "start": create_outcome(harvest, actor=setup["cafe"], title="Caféen henviser til SIND"),
        "next": create_outcome(harvest, actor=setup["sind"], title="SIND åbner en samtalegruppe"),
        "public": create_outcome(
            harvest, actor=setup["sind"], title="SIND åbner en løbegruppe", status="final"
        ),
    }
    for n in range(30):
        create_outcome(harvest, actor=setup["sind"], title=f"Frivillige i løbegruppe {n}")
    session.commit()
    return made


def titles(client, **params):
    response = client.get("/outcomes/forslag", query_string=params)
    assert response.status_code == 200
    return [item["name"] for item in response.json["items"]]


def test_outcome_suggestions_show_only_what_the_viewer_may_see(client, setup, chain):  # noqa: F811
    harvest = setup["harvest"].id
    assert titles(client, harvest=harvest, q="åbner") == ["SIND åbner en løbegruppe"]
    login(client, "medlem@example.dk")
    found = titles(client, harvest=harvest, q="åbner")
    assert set(found) == {"SIND åbner en løbegruppe", "SIND åbner en samtalegruppe"}
    assert len(titles(client, harvest=harvest, q="løbegruppe", limit=500)) == 20
    number = chain["next"].id
    assert titles(client, harvest=harvest, q=f"#{number}")[0] == "SIND åbner en samtalegruppe"
    assert titles(client, harvest=harvest, q="åbner", exclude=number) == [
        "SIND åbner en løbegruppe"
    ]


@pytest.mark.parametrize("q", ["", "*", '"', "#", "#99999999999999999999", "x" * 5000])
def test_odd_outcome_queries_never_answer_500(client, setup, chain, q):  # noqa: F811
    assert isinstance(titles(client, harvest=setup["harvest"].id, q=q), list)


def test_a_chain_is_linked_by_a_typed_headline_and_an_unknown_one_changes_nothing(
    client,
    setup,  # noqa: F811
    chain,
    session,
):
    login(client, "medlem@example.dk")
    start = chain["start"]
    page = client.get(f"/outcomes/{start.id}").get_data(as_text=True)
    assert "løbegruppe 29" not in page  # no list of the harvest's outcomes
    form = {
        "other_id": "",
        "other_id_name": "SIND åbner en samtale",
        "direction": "to",
        "version": str(start.version),
    }
    refused = client.post(f"/outcomes/{start.id}/links?lang=en", data=form, follow_redirects=True)
    assert "Did you mean: SIND åbner en samtalegruppe" in refused.get_data(as_text=True)
    session.commit()
    assert session.scalars(select(OutcomeLink)).all() == []
    form["other_id_name"] = "sind åbner en samtalegruppe"
    linked = client.post(f"/outcomes/{start.id}/links?lang=en", data=form, follow_redirects=True)
    assert "The chain is recorded." in linked.get_data(as_text=True)
    session.commit()
    (link,) = session.scalars(select(OutcomeLink)).all()
    assert (link.source_id, link.target_id) == (start.id, chain["next"].id)
    assert session.get(Outcome, chain["next"].id) is not None
