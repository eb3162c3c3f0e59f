"""The directory pages: finding actors, the actor page, editing actors and ties, merging."""

import html
import re
from datetime import date, timedelta

import pytest
from sqlmodel import select

from harvest.models import Actor, Tie
from tests.conftest import PASSWORD


@pytest.fixture
def loaded(demo_data):
    """Start from the demo data set (tests/conftest.py)."""


def _login(client, session, create_user, role="evaluator"):
    create_user(email=f"{role}@example.dk", role=role)
    session.commit()
    client.post("/login", data={"email": f"{role}@example.dk", "password": PASSWORD})


def _actor(session, slug):
    return session.exec(select(Actor).where(Actor.slug == slug)).one()


def test_staff_finds_music_in_helsingor_in_the_evening_for_newcomers(client, loaded):
    page = client.get(
        "/aktoerer/?q=musik&municipality=helsingor&when=evenings&access=nye+er+velkomne"
    ).get_data(as_text=True)
    assert "1 aktør fundet" in page
    assert "Syngeglad Helsingør" in page
    assert "Café Vinkeldammen" not in page


def test_an_evening_choir_and_the_peer_groups_are_not_offered_on_weekdays(client, loaded):
    page = client.get("/aktoerer/?municipality=helsingor&when=weekdays").get_data(as_text=True)
    assert "Frivilligcenter Helsingør" in page
    assert "Syngeglad Helsingør" not in page
    assert "Deltagere i peer-gruppen, Helsingør" not in page


def test_searching_gaature_and_kor_finds_the_tags_not_korte(client, session, loaded, create_actor):
    create_actor(name="Gåholdet Nord", profile="Vi går korte ture hver uge.")
    session.commit()
    assert "Gåfællesskabet Kronborg Rundt" in client.get("/aktoerer/?q=gåture").get_data(
        as_text=True
    )
    page = client.get("/aktoerer/?q=kor").get_data(as_text=True)
    assert "Syngeglad Helsingør" in page and "Gåholdet Nord" not in page


def test_filters_work_as_a_plain_get_form_in_english(client, loaded):
    page = client.get("/aktoerer/?lang=en&activity=kor").get_data(as_text=True)
    assert "3 actors found" in page
    assert '<option value="kor" selected>' in page
    assert 'name="access"' in page and "Has ties to a municipal service" in page


def test_pagination_keeps_the_filters(client, loaded):
    page = client.get("/aktoerer/?sector=civil_society&access=gratis").get_data(as_text=True)
    next_link = re.search(r'href="([^"]+)" rel="next"', page)
    assert next_link is not None
    href = next_link.group(1).replace("&amp;", "&")
    assert "sector=civil_society" in href and "access=gratis" in href and "page=2" in href
    assert client.get(href).status_code == 200


def test_bad_filter_values_are_ignored_not_errors(client, loaded):
    response = client.get("/aktoerer/?kind=spaceship&page=abc&when=never&q=%21%21")
    assert response.status_code == 200


def test_actor_page_shows_profile_ties_by_form_outcomes_and_map_link(client, session, loaded):
    actor = _actor(session, "hel-cafe-vinkeldammen")
    page = client.get(f"/aktoerer/{actor.id}").get_data(as_text=True)
    assert "<h1>Café Vinkeldammen</h1>" in page
    assert "Relationer" in page and "Brobyggende" in page
    assert f"/kort/?municipality=helsingor&amp;focus={actor.id}&amp;depth=1" in page
    assert "Rediger aktøren" not in page  # the public does not edit


def test_the_public_sees_only_final_outcomes_as_evidence(client, session, loaded):
    for actor in session.exec(select(Actor)).all():
        page = client.get(f"/aktoerer/{actor.id}").get_data(as_text=True)
        assert "Udkast" not in page or "status" not in page


def test_profile_markdown_is_sanitised(client, session, create_actor):
    actor = create_actor(profile="**Fed** <script>alert(1)</script>")
    session.commit()
    page = client.get(f"/aktoerer/{actor.id}").get_data(as_text=True)
    assert "<strong>Fed</strong>" in page and "<script>alert" not in page


def test_unknown_actor_is_404(client):
    assert client.get("/aktoerer/99999").status_code == 404


def test_staff_may_not_edit(client, session, create_user, create_actor):
    actor = create_actor()
    _login(client, session, create_user, role="staff")
    assert client.get("/aktoerer/new").status_code == 403
    assert client.get(f"/aktoerer/{actor.id}/edit").status_code == 403


def test_anonymous_editing_asks_to_sign_in(client, create_actor, session):
    actor = create_actor()
    session.commit()
    assert client.get(f"/aktoerer/{actor.id}/edit").status_code == 302


def test_member_adds_and_edits_an_actor(client, session, create_user, create_municipality):
    create_municipality()
    _login(client, session, create_user)
    response = client.post(
        "/aktoerer/new",
        data={
            "name": "Strikkecaféen",
            "kind": "association",
            "sector": "civil_society",
            "tier": "2",
            "municipality": "helsingor",
            "tags": "strik; samvær",
            "accessibility": "gratis; nye er velkomne",
        },
    )
    assert response.status_code == 302
    actor = _actor(session, "strikkecafeen")
    assert actor.tags == ["strik", "samvær"]
    page = client.get(f"/aktoerer/{actor.id}/edit").get_data(as_text=True)
    assert 'value="strik; samvær"' in page
    response = client.post(
        f"/aktoerer/{actor.id}/edit",
        data={
            "name": "Strikkecaféen Helsingør",
            "kind": "association",
            "sector": "civil_society",
            "tier": "2",
            "municipality": "helsingor",
            "tags": "strik",
            "version": actor.version,
        },
    )
    assert response.status_code == 302
    page = client.get(f"/aktoerer/{actor.id}").get_data(as_text=True)
    assert "Strikkecaféen Helsingør" in page and "Historik" in page


def test_invalid_actor_shows_the_field_error(client, session, create_user):
    _login(client, session, create_user)
    response = client.post(
        "/aktoerer/new",
        data={
            "name": "",
            "kind": "association",
            "sector": "civil_society",
            "tier": "2",
            "website": "not a url",
        },
    )
    assert response.status_code == 422
    assert "error-summary" in response.get_data(as_text=True)


def test_a_stale_actor_edit_shows_both_versions(client, session, create_user, create_actor):
    actor = create_actor(name="Gammelt navn")
    _login(client, session, create_user)
    old = actor.version
    data = {"kind": "association", "sector": "civil_society", "tier": "2", "version": old}
    assert (
        client.post(f"/aktoerer/{actor.id}/edit", data={**data, "name": "Første"}).status_code
        == 302
    )
    response = client.post(f"/aktoerer/{actor.id}/edit", data={**data, "name": "Anden"})
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Første" in page and "Anden" in page


def test_member_adds_and_overrides_a_tie_with_a_reason(client, session, create_user, create_actor):
    a, b = create_actor(), create_actor()
    _login(client, session, create_user)
    page = client.get(f"/aktoerer/relationer/new?source={a.id}").get_data(as_text=True)
    assert f'name="source_id" value="{a.id}"' in page  # the chosen actor, by name
    assert f'name="source_id_name" value="{a.name}"' in page
    response = client.post(
        "/aktoerer/relationer/new",
        data={"source_id": a.id, "target_id": b.id, "kind": "referral", "strength": "2"},
    )
    assert response.status_code == 302
    tie = session.exec(select(Tie)).one()
    no_reason = client.post(
        f"/aktoerer/relationer/{tie.id}/edit",
        data={
            "kind": "referral",
            "strength": "3",
            "form_override": "linking",
            "version": tie.version,
        },
    )
    assert no_reason.status_code == 422
    response = client.post(
        f"/aktoerer/relationer/{tie.id}/edit",
        data={
            "kind": "referral",
            "strength": "3",
            "form_override": "linking",
            "override_reason": "Foreningen sidder i udvalget",
            "version": tie.version,
        },
    )
    assert response.status_code == 302
    session.rollback()
    assert session.get(Tie, tie.id).form == "linking"
    stale = client.post(
        f"/aktoerer/relationer/{tie.id}/edit",
        data={"kind": "referral", "strength": "1", "version": tie.version - 1},
    )
    assert stale.status_code == 409


def test_merge_page_merges_and_refuses_without_confirmation(
    client, session, create_user, create_actor, create_tie
):
    keep, dup, other = create_actor(name="SIND"), create_actor(name="SIND i byen"), create_actor()
    create_tie(dup, other)
    _login(client, session, create_user, role="evaluator")
    assert client.post(f"/aktoerer/{dup.id}/merge", data={"keep_id": keep.id}).status_code == 422
    response = client.post(f"/aktoerer/{dup.id}/merge", data={"keep_id": keep.id, "confirm": "y"})
    assert response.status_code == 302 and response.headers["Location"].endswith(
        f"/aktoerer/{keep.id}"
    )
    assert client.get(f"/aktoerer/{dup.id}").status_code == 404
    page = client.get(f"/aktoerer/{keep.id}").get_data(as_text=True)
    assert other.name in page


def test_front_page_leads_to_each_municipality_and_the_knowledge_pages(client, loaded):
    page = client.get("/?lang=en").get_data(as_text=True)
    assert 'href="/aktoerer/?municipality=helsingor"' in page
    assert "Glossary" in page and "/viden/glossary" in page


def _hours_form(actor, **rows):
    data = {
        "name": actor.name,
        "kind": "association",
        "sector": "civil_society",
        "tier": "2",
        "version": actor.version,
    }
    data.update(rows)
    return data


def test_opening_hours_are_edited_as_rows_and_shown_in_plain_danish(
    client, session, create_user, create_actor
):
    actor = create_actor(name="Syngeglad")
    _login(client, session, create_user)
    page = client.get(f"/aktoerer/{actor.id}/edit").get_data(as_text=True)
    assert '<label for="opening_hours-1-closes">Til' in page  # two empty rows, each labelled
    response = client.post(
        f"/aktoerer/{actor.id}/edit",
        data=_hours_form(
            actor,
            **{
                "opening_hours-0-day": "wednesday",
                "opening_hours-0-opens": "19",
                "opening_hours-0-closes": "21.00",
                "opening_hours-1-day": "monday",
                "opening_hours-1-opens": "9:30",
                "opening_hours-1-closes": "12:00",
            },
        ),
    )
    assert response.status_code == 302
    session.refresh(actor)
    assert actor.opening_hours == [
        {"day": "monday", "opens": "09:30", "closes": "12:00"},
        {"day": "wednesday", "opens": "19:00", "closes": "21:00"},
    ]
    page = client.get(f"/aktoerer/{actor.id}").get_data(as_text=True)
    assert "mandag 09:30\u201312:00" in page and "onsdag 19:00\u201321:00" in page
    edit = client.get(f"/aktoerer/{actor.id}/edit").get_data(as_text=True)
    assert 'id="opening_hours-3-day"' in edit and 'id="opening_hours-4-day"' not in edit


@pytest.mark.parametrize(
    ("opens", "closes", "message"),
    [
        ("19:00", "25:00", "'25:00' er ikke et klokkeslæt"),
        ("19\u201321", "", "ligner et tidsrum"),
        ("21:00", "19:00", "lukketiden 19:00 ligger ikke efter åbningstiden 21:00"),
        ("19:00", "", "både et fra- og et til-tidspunkt"),
    ],
)
def test_bad_opening_hours_get_a_clear_message_and_change_nothing(
    client, session, create_user, create_actor, opens, closes, message
):
    actor = create_actor(name="Syngeglad")
    _login(client, session, create_user)
    response = client.post(
        f"/aktoerer/{actor.id}/edit",
        data=_hours_form(
            actor,
            **{
                "opening_hours-0-day": "wednesday",
                "opening_hours-0-opens": opens,
                "opening_hours-0-closes": closes,
            },
        ),
    )
    assert response.status_code == 422
    assert message in html.unescape(response.get_data(as_text=True))
    session.refresh(actor)
    assert actor.opening_hours == [] and actor.version == 1


def test_a_stale_edit_of_opening_hours_keeps_both_and_shows_them_in_words(
    client, session, create_user, create_actor
):
    actor = create_actor(name="Syngeglad")
    _login(client, session, create_user)
    theirs = {
        "opening_hours-0-day": "wednesday",
        "opening_hours-0-opens": "19:00",
        "opening_hours-0-closes": "21:00",
    }
    assert (
        client.post(f"/aktoerer/{actor.id}/edit", data=_hours_form(actor, **theirs)).status_code
        == 302
    )
    mine = {**theirs, "opening_hours-0-day": "thursday"}
    response = client.post(f"/aktoerer/{actor.id}/edit", data=_hours_form(actor, **mine))
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "torsdag 19:00\u201321:00" in page and "onsdag 19:00\u201321:00" in page
    assert '<option value="thursday" selected>' in page  # your rows are kept in the form


# --- practical facts: what a social worker needs to send a citizen somewhere ------------


def _practical_form(actor, **changes):
    data = {
        "name": actor.name,
        "kind": "association",
        "sector": "civil_society",
        "tier": "2",
        "address": "Strandgade 7, 3000 Helsingør",
        "opening_hours-0-day": "tuesday",
        "opening_hours-0-opens": "10:00",
        "opening_hours-0-closes": "14:00",
        "contact_person": "Den frivillige koordinator",
        "first_visit": "Du kan komme alene eller tage en ven med. Vi drikker kaffe først.",
        "first_visit_facts": ["companion_welcome", "no_sign_up"],
        "cost": "Kaffe 5 kr.",
        "free_of_charge": "y",
        "last_checked": (date.today() - timedelta(days=90)).isoformat(),
        "version": actor.version,
    }
    data.update(changes)
    return data


def test_practical_facts_are_edited_kept_in_history_shown_found_and_filtered(
    client, session, create_user, create_actor
):
    actor = create_actor(name="Strikkecaféen")
    other = create_actor(name="Skakklubben")
    _login(client, session, create_user)
    response = client.post(f"/aktoerer/{actor.id}/edit", data=_practical_form(actor))
    assert response.status_code == 302

    page = client.get(f"/aktoerer/{actor.id}").get_data(as_text=True)
    history = page[page.index("Historik") :]
    for label in ("Åbningstider", "Kontaktperson", "Det første besøg", "Ved første besøg"):
        assert label in history
    assert "Pris" in history and "Gratis" in history and "Sidst tjekket" in history
    assert "contact_person" not in history and "first_visit" not in history
    going = page[page.index("Sådan kommer du") : page.index("Historik")]
    assert "tirsdag 10:00–14:00" in going and "Strandgade 7, 3000 Helsingør" in going
    assert "Den frivillige koordinator" in going and "Vi drikker kaffe først" in going
    assert "Man må tage nogen med" in going and "Ingen tilmelding" in going
    assert "Kaffe 5 kr. (gratis)" in going
    assert "Tjekket for 3 måneder siden" in page

    def found(query):
        listed = client.get(f"/aktoerer/?{query}").get_data(as_text=True)
        return ("Strikkecaféen" in listed, "Skakklubben" in listed)

    assert found("q=kaffe") == (True, False)  # the first-visit note is searched
    assert found("q=koordinator") == (True, False)  # and the contact person
    assert found("free=1") == (True, False)
    assert found("visit=companion_welcome") == (True, False)
    assert found("checked=1") == (True, False)
    assert found("") == (True, True)
    assert other.id


def test_the_directory_says_how_fresh_each_entry_is(client, session, create_actor):
    today = date.today()
    create_actor(name="Nytjekket", last_checked=today - timedelta(days=14))
    create_actor(name="Gammeltjekket", last_checked=today - timedelta(days=400))
    create_actor(name="Aldrigtjekket")
    session.commit()
    page = client.get("/aktoerer/").get_data(as_text=True)
    assert "Tjekket for 2 uger siden" in page
    assert "Ikke tjekket i over et år" in page and "Ikke tjekket endnu" in page
    english = client.get("/aktoerer/?lang=en&checked=1").get_data(as_text=True)
    assert "Checked 2 weeks ago" in english and "Gammeltjekket" not in english


def test_a_cpr_number_in_the_contact_person_is_refused_and_nothing_changes(
    client, session, create_user, create_actor
):
    actor = create_actor(name="Strikkecaféen")
    _login(client, session, create_user)
    response = client.post(
        f"/aktoerer/{actor.id}/edit",
        data=_practical_form(actor, contact_person="Mette, 010190–1234"),  # en dash from Word
    )
    assert response.status_code == 422
    assert "CPR" in response.get_data(as_text=True)
    session.expire_all()
    assert session.get(Actor, actor.id).contact_person == ""


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("last_checked", "sidste tirsdag", "ÅÅÅÅ-MM-DD"),
        ("first_visit_facts", ["bring_a_cake"], "Vælg en af"),
        ("cost", "x" * 301, "højst 300"),
    ],
)
def test_bad_practical_facts_get_a_clear_message(
    client, session, create_user, create_actor, field, value, message
):
    actor = create_actor()
    _login(client, session, create_user)
    response = client.post(
        f"/aktoerer/{actor.id}/edit", data=_practical_form(actor, **{field: value})
    )
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)


def test_text_pasted_from_word_is_kept_readable(client, session, create_user, create_actor):
    actor = create_actor()
    _login(client, session, create_user)
    checked = date.today() - timedelta(days=2)
    response = client.post(
        f"/aktoerer/{actor.id}/edit",
        data=_practical_form(
            actor,
            contact_person="\u00a0Foreningens\u00a0formand\u00a0",
            cost="50–100 kr.",
            last_checked="\u00a0" + checked.isoformat().replace("-", "–"),
        ),
    )
    assert response.status_code == 302
    session.expire_all()
    saved = session.get(Actor, actor.id)
    assert saved.contact_person == "Foreningens\u00a0formand"
    assert saved.cost == "50–100 kr." and saved.last_checked == checked


# --- the citizen's short list ----------------------------------------------------------


def test_the_short_list_shows_what_a_citizen_needs_in_danish_and_english(client, session, loaded):
    cafe = _actor(session, "hel-cafe-vinkeldammen")
    walk = _actor(session, "hel-gaafaellesskabet")
    page = client.get(f"/aktoerer/kortliste?ids={cafe.id}&ids={walk.id}").get_data(as_text=True)
    assert "<h1>Steder du kan komme</h1>" in page
    assert page.index("Café Vinkeldammen") < page.index("Gåfællesskabet")  # in the picked order
    assert "mandag 10:00–15:00" in page and "Vinkeldammen 1, 3000 Helsingør" in page
    assert "Cafémedarbejderen på vagt" in page and "Kaffe 5 kr." in page
    assert "Du kan bare komme ind ad døren" in page and "Gratis" in page
    assert 'href="mailto:?subject=Steder%20du%20kan%20komme&amp;body=' in page
    assert '<textarea id="shortlist-text"' in page and "Hvornår: mandag 10:00" in page
    english = client.get(f"/aktoerer/kortliste?lang=en&ids={cafe.id}").get_data(as_text=True)
    assert "<h1>Places you can go</h1>" in english and "Someone may come along" in english


def test_the_short_list_ignores_bad_and_unknown_ids(client, session, loaded):
    cafe = _actor(session, "hel-cafe-vinkeldammen")
    response = client.get(f"/aktoerer/kortliste?ids=abc&ids=-3&ids=99999&ids={cafe.id}")
    assert response.status_code == 200
    assert "Café Vinkeldammen" in response.get_data(as_text=True)
    empty = client.get("/aktoerer/kortliste").get_data(as_text=True)
    assert "Der er ikke valgt nogen steder endnu" in empty


def test_picks_are_kept_while_filtering_and_paging(client, session, loaded):
    cafe = _actor(session, "hel-cafe-vinkeldammen")
    page = client.get(f"/aktoerer/?ids={cafe.id}&activity=kor").get_data(as_text=True)
    assert "Allerede på kortlisten" in page
    assert f'id="picked-{cafe.id}" name="ids" value="{cafe.id}" checked' in page
    shown = client.get(f"/aktoerer/?ids={cafe.id}&municipality=helsingor").get_data(as_text=True)
    assert f'id="pick-{cafe.id}" name="ids" value="{cafe.id}" checked' in shown
    assert "Allerede på kortlisten" not in shown
    paged = client.get(f"/aktoerer/?ids={cafe.id}&sector=civil_society").get_data(as_text=True)
    next_link = re.search(r'href="([^"]+)" rel="next"', paged)
    assert next_link is not None and f"ids={cafe.id}" in next_link.group(1)
