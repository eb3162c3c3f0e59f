"""The fast coding table and the coding-scheme pages."""

import re

import pytest
from werkzeug.datastructures import MultiDict

from harvest import coding, harvests
from harvest.models import Harvest
from tests.conftest import PASSWORD


@pytest.fixture
def setup(session, create_user, create_harvest, create_outcome):
    create_user("eva@example.dk", "evaluator")
    create_user("member@example.dk", "staff")
    harvest = create_harvest()
    first = create_outcome(harvest, title="Biblioteket åbner")
    second = create_outcome(harvest, title="Klubben inviterer")
    create_outcome(harvest, title="Trukket tilbage", status="withdrawn")
    session.commit()
    return harvest, first, second


def _login(client, email="eva@example.dk"):
    client.post("/login", data={"email": email, "password": PASSWORD})


def _form(page):
    """Return the coding form's fields as the browser would send them (selected options)."""
    data = []
    for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page):
        data.append((name, value))
    for name, body in re.findall(r'<select name="([^"]+)"[^>]*>(.*?)</select>', page, re.S):
        chosen = re.findall(r'<option value="([^"]*)" selected', body)
        data.append((name, chosen[0] if chosen else ""))
    return MultiDict(data)


def _set(data, name, value):
    return MultiDict([(n, value if n == name else v) for n, v in data.items(multi=True)])


def test_staff_may_not_code(client, setup):
    _login(client, "member@example.dk")
    assert client.get("/harvests/test-harvest/coding").status_code == 403
    assert client.get("/coding/schemes").status_code == 403


def test_the_table_has_a_labelled_select_per_dimension_and_row(client, setup):
    _, first, _second = setup
    _login(client)
    page = client.get("/harvests/test-harvest/coding?lang=en").get_data(as_text=True)
    assert "Trukket tilbage" not in page
    assert (
        f'name="o-{first.id}-type_of_change" aria-labelledby="col-type_of_change row-{first.id}"'
        in page
    )
    assert f'name="o-{first.id}-question"' in page
    assert "<script" not in page and 'style="' not in page


def test_many_rows_are_saved_in_one_post(client, setup, session):
    harvest, first, second = setup
    _login(client)
    data = _form(client.get("/harvests/test-harvest/coding").get_data(as_text=True))
    data = _set(data, f"o-{first.id}-type_of_change", "practice")
    data = _set(data, f"o-{first.id}-recovery_domain", "citizenship")
    data = _set(data, f"o-{second.id}-positive", "negative")
    question = harvests.questions_of(session, harvest)[0]
    data = _set(data, f"o-{second.id}-question", str(question.id))
    response = client.post(
        "/harvests/test-harvest/coding?lang=en", data=data, follow_redirects=True
    )
    assert "The coding of 2 outcomes is saved." in response.get_data(as_text=True)
    session.rollback()
    assert coding.codes_for_outcome(session, first.id) == {
        "type_of_change": ["practice"],
        "recovery_domain": ["citizenship"],
    }
    assert coding.codes_for_outcome(session, second.id) == {"positive": ["negative"]}
    assert coding.current_question(session, second.id) == question.id


def test_a_stale_row_is_reported_and_the_others_saved(client, setup, session):
    harvest, first, second = setup
    _login(client)
    data = _form(client.get("/harvests/test-harvest/coding").get_data(as_text=True))
    # someone else codes the first outcome meanwhile
    coding.set_codes(
        session,
        first.id,
        coding.scheme_of(session, harvest),
        {"type_of_change": ["policy"]},
        by=None,
    )
    session.commit()
    data = _set(data, f"o-{first.id}-type_of_change", "practice")
    data = _set(data, f"o-{second.id}-type_of_change", "resources")
    page = client.post(
        "/harvests/test-harvest/coding?lang=en", data=data, follow_redirects=True
    ).get_data(as_text=True)
    assert "The coding of 1 outcome is saved." in page
    assert "Someone else changed these outcomes" in page and "Biblioteket åbner" in page
    session.rollback()
    assert coding.codes_for_outcome(session, first.id) == {"type_of_change": ["policy"]}
    assert coding.codes_for_outcome(session, second.id) == {"type_of_change": ["resources"]}


def test_an_unknown_code_saves_nothing(client, setup, session):
    _, first, second = setup
    _login(client)
    data = _form(client.get("/harvests/test-harvest/coding").get_data(as_text=True))
    data = _set(data, f"o-{first.id}-type_of_change", "practice")
    data = _set(data, f"o-{second.id}-positive", "splendid")
    response = client.post("/harvests/test-harvest/coding?lang=en", data=data)
    assert response.status_code == 422
    assert "Nothing was saved" in response.get_data(as_text=True)
    session.rollback()
    assert coding.codes_for_outcome(session, first.id) == {}


def test_a_scheme_is_created_edited_and_assigned(client, setup, session):
    _login(client)
    response = client.post(
        "/coding/schemes",
        data={"name": "Fælles skema", "slug": "faelles", "copy_from": "standard"},
    )
    assert response.status_code == 302 and response.location.endswith("/coding/schemes/faelles")
    scheme = coding.scheme_by_slug(session, "faelles")
    response = client.post(
        "/coding/schemes/faelles/parts",
        data={"action": "add_dimension", "key": "arena", "label": "Arena"},
    )
    assert response.status_code == 302
    session.rollback()
    arena = next(d for d, _ in coding.active_dimensions(session, scheme) if d.key == "arena")
    client.post(
        "/coding/schemes/faelles/parts",
        data={"action": "add_code", "id": arena.id, "key": "sport", "label": "Idræt"},
    )
    first_dimension = coding.active_dimensions(session, scheme)[0][0]
    client.post(
        "/coding/schemes/faelles/parts",
        data={"action": "retire", "kind": "dimension", "id": first_dimension.id},
    )
    client.post("/coding/schemes/faelles/harvests", data={"harvest": "test-harvest"})
    session.rollback()
    assert session.get(Harvest, setup[0].id).coding_scheme_id == scheme.id
    page = client.get("/harvests/test-harvest/coding?lang=en").get_data(as_text=True)
    assert ">Arena</th>" in page and ">Idræt</option>" in page
    assert 'id="col-type_of_change"' not in page


def test_a_duplicate_key_is_explained(client, setup):
    _login(client)
    response = client.post(
        "/coding/schemes/standard/parts",
        data={"action": "add_dimension", "key": "intended", "label": "Igen"},
    )
    assert response.status_code == 422


def test_scheme_rename_with_an_old_version_is_refused(client, setup, session):
    _login(client)
    client.get("/coding/schemes")
    scheme = coding.scheme_by_slug(session, "standard")
    old = scheme.version
    client.post("/coding/schemes/standard", data={"name": "Nyt navn", "version": old})
    response = client.post(
        "/coding/schemes/standard?lang=en",
        data={"name": "Andet navn", "description": "Min beskrivelse", "version": old},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Someone else saved this scheme" in page
    # What the second person typed is kept in the form, and the clash is named.
    assert 'value="Andet navn"' in page and "Min beskrivelse</textarea>" in page
    assert "You both changed Name" in page and "Nyt navn" in page
    session.rollback()
    assert coding.scheme_by_slug(session, "standard").name == "Nyt navn"
