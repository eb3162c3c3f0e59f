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
    response = client.post(
        "/coding/schemes/faelles/harvests",
        data={"harvest": "test-harvest", "version-test-harvest": setup[0].version},
    )
    assert response.status_code == 200
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


def _assign(client, slug, harvest, **extra):
    data = {"harvest": harvest.slug, f"version-{harvest.slug}": harvest.version, **extra}
    return client.post(f"/coding/schemes/{slug}/harvests", data=data)


@pytest.mark.parametrize("lang", ["da", "en"])
def test_a_switch_that_loses_codes_is_shown_first_then_confirmed(client, setup, session, lang):
    harvest, first, second = setup
    scheme = coding.scheme_of(session, harvest)
    coding.set_codes(session, first.id, scheme, {"type_of_change": ["policy"]}, by=None)
    coding.set_codes(session, second.id, scheme, {"positive": ["negative"]}, by=None)
    narrow = coding.create_scheme(session, {"slug": "smal", "name": "Smal"}, by=None)
    kind = coding.add_dimension(
        session, narrow, {"key": "type_of_change", "label": "Forandring"}, by=None
    )
    coding.add_code(session, kind, {"key": "policy", "label": "Politik"}, by=None)
    session.commit()
    _login(client)
    client.get(f"/?lang={lang}")
    preview = _assign(client, "smal", harvest)
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert "Klubben inviterer" in page and "(negative)" in page
    words = {
        "en": ("The new scheme has no such dimension.", "Switch and remove these codes"),
        "da": ("Det nye skema har ingen sådan dimension.", "Skift og fjern disse koder"),
    }[lang]
    assert all(w in page for w in words)
    session.rollback()
    session.expire_all()
    assert session.get(Harvest, harvest.id).coding_scheme_id == scheme.id
    assert coding.codes_for_outcome(session, second.id) == {"positive": ["negative"]}

    digest = re.search(r'name="confirm" value="([^"]+)"', page).group(1)
    done = client.post(
        "/coding/schemes/smal/harvests",
        data={"harvest": harvest.slug, "version": harvest.version, "confirm": digest},
    )
    assert done.status_code == 200 and "Klubben inviterer" in done.get_data(as_text=True)
    session.rollback()
    session.expire_all()
    assert session.get(Harvest, harvest.id).coding_scheme_id == narrow.id
    assert coding.codes_for_outcome(session, first.id) == {"type_of_change": ["policy"]}
    assert coding.codes_for_outcome(session, second.id) == {}
    analysis_page = client.get("/harvests/test-harvest/analysis").get_data(as_text=True)
    table = client.get("/harvests/test-harvest/coding").get_data(as_text=True)
    assert "Politik" in analysis_page and ">Politik</option>" in table


def test_a_confirmation_of_an_outdated_preview_shows_the_list_again(client, setup, session):
    harvest, first, second = setup
    scheme = coding.scheme_of(session, harvest)
    coding.set_codes(session, first.id, scheme, {"positive": ["positive"]}, by=None)
    empty = coding.create_scheme(session, {"slug": "tom", "name": "Tom"}, by=None)
    session.commit()
    _login(client)
    page = _assign(client, "tom", harvest).get_data(as_text=True)
    digest = re.search(r'name="confirm" value="([^"]+)"', page).group(1)
    coding.set_codes(session, second.id, scheme, {"positive": ["negative"]}, by=None)
    session.commit()
    again = client.post(
        "/coding/schemes/tom/harvests?lang=en",
        data={"harvest": harvest.slug, "version": harvest.version, "confirm": digest},
    )
    text = again.get_data(as_text=True)
    assert "The coding changed since you looked" in text and "Klubben inviterer" in text
    session.rollback()
    session.expire_all()
    assert session.get(Harvest, harvest.id).coding_scheme_id == scheme.id != empty.id


def test_a_stale_switch_is_refused(client, setup, session):
    harvest, _first, _second = setup
    coding.create_scheme(
        session,
        {"slug": "kopi", "name": "Kopi"},
        copy_from=coding.scheme_of(session, harvest),
        by=None,
    )
    session.commit()
    _login(client)
    response = client.post(
        "/coding/schemes/kopi/harvests?lang=en",
        data={"harvest": harvest.slug, "version": harvest.version - 1},
        follow_redirects=True,
    )
    assert "Someone else changed Testhøst meanwhile" in response.get_data(as_text=True)
    session.rollback()
    session.expire_all()
    assert coding.scheme_of(session, session.get(Harvest, harvest.id)).slug == "standard"


def test_a_switch_that_loses_nothing_is_done_at_once(client, setup, session):
    harvest, first, _second = setup
    scheme = coding.scheme_of(session, harvest)
    coding.set_codes(session, first.id, scheme, {"positive": ["positive"]}, by=None)
    coding.create_scheme(session, {"slug": "kopi", "name": "Kopi"}, copy_from=scheme, by=None)
    session.commit()
    _login(client)
    page = _assign(client, "kopi", harvest).get_data(as_text=True)
    assert "1 kode blev flyttet til koden med samme nøgle." in page
    session.rollback()
    session.expire_all()
    assert coding.scheme_of(session, session.get(Harvest, harvest.id)).slug == "kopi"
    assert coding.codes_for_outcome(session, first.id) == {"positive": ["positive"]}


@pytest.mark.parametrize("lang", ["da", "en"])
def test_coding_pages_render_and_write_nothing_on_get(client, setup, session, lang):
    from sqlmodel import func, select

    from harvest.models import ChangeRecord

    _login(client)
    before = session.scalar(select(func.count()).select_from(ChangeRecord))
    for url in (
        "/coding/schemes",
        "/coding/schemes/standard",
        "/harvests/test-harvest/coding",
        "/harvests/test-harvest/analysis",
    ):
        response = client.get(f"{url}?lang={lang}")
        assert response.status_code == 200, url
        assert f'<html lang="{lang}"' in response.get_data(as_text=True)
    session.rollback()
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(ChangeRecord)) == before


def test_the_harvest_page_offers_only_the_tools_the_policy_grants(client, setup):
    coding_link = 'href="/harvests/test-harvest/coding"'
    _login(client, "member@example.dk")
    assert coding_link not in client.get("/harvests/test-harvest").get_data(as_text=True)
    client.post("/logout")
    _login(client)
    assert coding_link in client.get("/harvests/test-harvest").get_data(as_text=True)
