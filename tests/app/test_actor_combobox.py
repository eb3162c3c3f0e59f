"""Actor fields without full lists: the suggestion endpoint, and typed names without JavaScript."""

import pytest
from sqlmodel import select

from harvest.models import Outcome, Tie
from harvest.records import state_of
from tests.app.test_outcome_pages import login, record
from tests.app.test_outcome_pages import setup as setup  # noqa: F401 - the fixture


@pytest.fixture
def more(session, setup, create_actor, create_municipality):  # noqa: F811
    create_municipality(slug="kobenhavn", name="København")
    made = {
        "grib": create_actor(name="Grib København", municipality="kobenhavn"),
        "aeble": create_actor(name="Æblehavens Venner", municipality="helsingor"),
    }
    for n in range(25):
        create_actor(name=f"Løbeklub {n:02d}", municipality="kobenhavn")
    session.commit()
    return made


def suggest(client, **params):
    response = client.get("/aktoerer/forslag", query_string=params)
    return response


def test_suggestions_answer_names_as_json_to_anyone(client, more):
    response = suggest(client, q="grib")
    assert response.status_code == 200 and response.mimetype == "application/json"
    first = response.json["items"][0]
    assert first["name"] == "Grib København" and first["municipality"] == "København"
    assert set(first) == {"id", "name", "kind", "municipality"}


def test_suggestions_find_danish_letters_typed_in_lower_case(client, more):
    assert [i["name"] for i in suggest(client, q="æble").json["items"]] == ["Æblehavens Venner"]
    assert "Grib København" in [i["name"] for i in suggest(client, q="købe").json["items"]]


def test_suggestions_are_few_however_many_are_asked_for(client, more):
    assert len(suggest(client, q="løbeklub").json["items"]) == 10
    assert len(suggest(client, q="løbeklub", limit=3).json["items"]) == 3
    assert len(suggest(client, q="løbeklub", limit=10_000).json["items"]) == 20


def test_suggestions_keep_to_the_municipality_asked_for(client, more):
    assert suggest(client, q="løbeklub", municipality="helsingor").json["items"] == []
    assert len(suggest(client, q="løbeklub", municipality="kobenhavn").json["items"]) == 10
    unknown = suggest(client, q="grib", municipality="atlantis")
    assert unknown.status_code == 422 and "municipality" in unknown.json["errors"]


@pytest.mark.parametrize(
    "params",
    [
        {"q": ""},
        {"q": '"*'},
        {"q": "NEAR(a b) OR x:*"},
        {"q": "ø" * 10_000},
        {"q": "grib", "limit": "-5"},
        {"q": "grib", "limit": "²"},
        {"q": "grib", "limit": str(2**70)},
    ],
)
def test_hostile_queries_never_answer_500(client, more, params):
    response = suggest(client, **params)
    assert response.status_code == 200 and isinstance(response.json["items"], list)


def test_unreadable_queries_are_refused_not_crashed(client, more):
    assert client.get("/aktoerer/forslag?q=%00").status_code == 400
    assert client.get("/aktoerer/forslag?q=%FF").status_code == 400


# --- the forms without JavaScript ------------------------------------------------------


def _outcomes(session):
    session.commit()  # ends the read transaction: see what the app committed
    return session.scalars(select(Outcome)).all()


def test_a_typed_name_records_the_actor_without_javascript(client, setup, more, session):  # noqa: F811
    login(client, "medlem@example.dk")
    response = record(
        client,
        setup,
        changed_actor_id="",
        changed_actor_id_name="café\u00a0vinkeldammen ",
        contributor_ids=[],
        contributor_ids_name="SIND Helsingør; grib københavn",
    )
    assert response.status_code == 302
    (outcome,) = _outcomes(session)
    assert outcome.changed_actor_id == setup["cafe"].id
    contributors = state_of(session, outcome)["contributor_ids"]
    assert sorted(contributors) == sorted([setup["sind"].id, more["grib"].id])


def test_an_unknown_name_changes_nothing_and_names_near_matches(client, setup, more, session):  # noqa: F811
    login(client, "medlem@example.dk")
    response = client.post(
        "/harvests/hel/outcomes/new?lang=en",
        data={
            "title": "Caféen henviser",
            "changed_actor_id": "",
            "changed_actor_id_name": "Cafe Vinkeldamen",
            "change": "Caféen henviser nye brugere til SIND.",
            "status": "draft",
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "No actor is called &#39;Cafe Vinkeldamen&#39;" in page
    assert "Did you mean: Café Vinkeldammen?" in page
    assert 'value="Cafe Vinkeldamen"' in page  # what was typed stays, to correct it
    assert _outcomes(session) == []


def test_the_message_is_in_danish_by_default(client, setup, more, session):  # noqa: F811
    login(client, "medlem@example.dk")
    response = record(client, setup, changed_actor_id="", changed_actor_id_name="Grib Kbh")
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and 'lang="da"' in page
    assert "Ingen aktør hedder" in page and _outcomes(session) == []


def test_an_ambiguous_name_changes_nothing_and_lists_both(
    client,
    setup,  # noqa: F811
    more,
    session,
    create_actor,
):
    create_actor(name="Nord-Syd", municipality="helsingor")
    create_actor(name="Nord\u2013Syd", municipality="kobenhavn")
    session.commit()
    login(client, "medlem@example.dk")
    response = record(client, setup, contributor_ids=[], contributor_ids_name="nord-syd")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Nord-Syd (Helsingør)" in page and "Nord–Syd (København)" in page
    assert _outcomes(session) == []
    chosen = record(client, setup, contributor_ids=[], contributor_ids_name="Nord-Syd (København)")
    assert chosen.status_code == 302


def test_the_edit_form_shows_the_current_actors_by_name_and_lists_none(
    client,
    setup,  # noqa: F811
    more,
    session,
):
    login(client, "medlem@example.dk")
    location = record(client, setup).headers["Location"]
    page = client.get(location + "/edit").get_data(as_text=True)
    cafe, sind = setup["cafe"], setup["sind"]
    assert f'name="changed_actor_id" value="{cafe.id}"' in page
    assert 'name="changed_actor_id_name" value="Café Vinkeldammen"' in page
    assert f'name="contributor_ids" value="{sind.id}"' in page and "SIND Helsingør" in page
    assert "Løbeklub" not in page  # no list of every actor
    assert 'role="combobox"' not in page  # the script adds the roles; without it, a text field
    assert "/static/js/combobox.js" in page


def test_the_outcome_list_filters_by_a_typed_name_and_lists_no_actors(
    client,
    setup,  # noqa: F811
    more,
    session,
):
    login(client, "medlem@example.dk")
    record(client, setup)
    record(client, setup, title="Grib tager imod", changed_actor_id=str(more["grib"].id))
    page = client.get("/harvests/hel", query_string={"actor_name": "grib københavn"})
    text = page.get_data(as_text=True)
    assert "Grib tager imod" in text and "Café Vinkeldammen henviser" not in text
    assert "Løbeklub" not in text and text.count("<option") < 30
    unknown = client.get("/harvests/hel", query_string={"actor_name": "Grob", "lang": "en"})
    text = unknown.get_data(as_text=True)
    assert unknown.status_code == 200 and "No actor is called" in text
    assert "Grib tager imod" in text and "Café Vinkeldammen henviser" in text


def test_a_tie_on_the_outcome_page_takes_typed_names(client, setup, more, session):  # noqa: F811
    login(client, "medlem@example.dk")
    location = record(client, setup).headers["Location"]
    outcome_id = int(location.rsplit("/", 1)[1])
    page = client.get(location).get_data(as_text=True)
    assert 'name="source_id_name" value="Café Vinkeldammen"' in page
    (outcome,) = _outcomes(session)
    form = {
        "source_id": str(setup["cafe"].id),
        "source_id_name": "Café Vinkeldammen",
        "target_id": "",
        "target_id_name": "Grib Kobenhavn",
        "kind": "referral",
        "version": str(outcome.version),
    }
    refused = client.post(f"/outcomes/{outcome_id}/ties?lang=en", data=form, follow_redirects=True)
    assert "Did you mean: Grib København?" in refused.get_data(as_text=True)
    assert session.scalars(select(Tie)).all() == []
    form["target_id_name"] = "Grib København"
    saved = client.post(f"/outcomes/{outcome_id}/ties?lang=en", data=form, follow_redirects=True)
    assert "The tie is recorded" in saved.get_data(as_text=True)
    session.commit()  # ends the read transaction: see what the app committed
    (tie,) = session.scalars(select(Tie)).all()
    assert {tie.source_id, tie.target_id} == {setup["cafe"].id, more["grib"].id}


def test_a_hostile_actor_name_is_shown_as_text_in_the_field(client, setup, session, create_actor):  # noqa: F811
    evil = create_actor(name='"><img src=x onerror=alert(1)>', municipality="helsingor")
    session.commit()
    login(client, "medlem@example.dk")
    location = record(client, setup, changed_actor_id=str(evil.id)).headers["Location"]
    page = client.get(location + "/edit").get_data(as_text=True)
    assert "<img src=x" not in page
    assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in page
    assert suggest(client, q="onerror").json["items"][0]["name"] == evil.name
