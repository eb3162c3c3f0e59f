"""The web skeleton: front page, languages, health check, error pages, security headers."""

import re

import pytest

from harvest import actors


def test_front_page_shows_what_the_knowledge_base_holds(
    client, session, create_municipality, create_actor, create_tie
):
    helsingor = create_municipality()
    a = create_actor(
        name="Café Vinkeldammen",
        kind="municipal_service",
        sector="municipal",
        municipality=helsingor.slug,
    )
    b = create_actor(name="SIND Helsingør", municipality=helsingor.slug)
    create_tie(a, b)
    session.commit()
    page = client.get("/").get_data(as_text=True)
    assert "Helsingør" in page
    assert re.search(r'class="number">2</span>\s*aktører', page)
    assert "Brobyggende" in page


def test_front_page_on_empty_database_says_how_to_start(client):
    page = client.get("/").get_data(as_text=True)
    assert "brobyg demo" in page


@pytest.mark.parametrize(
    ("query", "accept", "lang", "phrase"),
    [
        ("", "", "da", "Forside"),
        ("?lang=en", "", "en", "Front page"),
        ("?lang=da", "en", "da", "Forside"),
        ("", "en-GB,en;q=0.9", "en", "Front page"),
        ("", "de-DE", "da", "Forside"),
        ("?lang=fr", "", "da", "Forside"),
    ],
)
def test_language_is_chosen_by_query_then_browser_then_danish(client, query, accept, lang, phrase):
    headers = {"Accept-Language": accept} if accept else {}
    page = client.get("/" + query, headers=headers).get_data(as_text=True)
    assert f'<html lang="{lang}">' in page
    assert phrase in page


def test_chosen_language_is_remembered(client):
    client.get("/?lang=en")
    assert '<html lang="en">' in client.get("/").get_data(as_text=True)


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json["status"] == "ok"


def test_unknown_page_is_a_friendly_404_in_danish(client):
    response = client.get("/findes-ikke")
    assert response.status_code == 404
    assert "Siden findes ikke" in response.get_data(as_text=True)


def test_api_paths_answer_errors_as_json(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.is_json


def test_every_response_carries_a_strict_csp(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("path", ["/", "/login", "/findes-ikke"])
def test_pages_have_no_inline_script_or_style(client, path):
    page = client.get(path).get_data(as_text=True)
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page)
    assert "<style" not in page
    assert not re.search(r'\sstyle="', page)
    assert not re.search(r"\son[a-z]+=", page)


def test_every_form_field_has_a_label(client):
    page = client.get("/login").get_data(as_text=True)
    for field_id in re.findall(r'<input[^>]*\bid="([^"]+)"[^>]*>', page):
        if field_id == "csrf_token":
            continue
        assert f'for="{field_id}"' in page


def test_front_page_escapes_names(client, session, create_municipality):
    actors.create_municipality(session, {"slug": "x", "name": "<script>alert(1)</script>"}, by=None)
    session.commit()
    page = client.get("/").get_data(as_text=True)
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;" in page


@pytest.mark.parametrize(
    ("path", "current"),
    [
        ("/", "Forside"),
        ("/harvests", "Høster"),
        ("/outcomes", "Forandringer"),
        ("/outcomes/999", "Forandringer"),
    ],
)
def test_the_menu_marks_the_section_you_are_in(client, path, current):
    page = client.get(path).get_data(as_text=True)
    assert re.findall(r'aria-current="page">([^<]+)</a>', page) == [current]


def _language_links(page: str) -> dict[str, str]:
    found = re.findall(r'<a href="([^"]*)" lang="(\w+)" hreflang', page)
    return {code: href.replace("&amp;", "&") for href, code in found}


def test_language_switch_keeps_the_page_and_its_filters(client):
    page = client.get("/aktoerer/?q=kor&when=weekdays&tag=sang&tag=kor&lang=da").get_data(
        as_text=True
    )
    links = _language_links(page)
    assert links["en"] == "/aktoerer/?q=kor&when=weekdays&tag=sang&tag=kor&lang=en"
    assert links["da"] == "/aktoerer/?q=kor&when=weekdays&tag=sang&tag=kor&lang=da"
    english = client.get(links["en"]).get_data(as_text=True)
    assert '<html lang="en">' in english
    assert 'value="kor"' in english  # the search is still filled in


@pytest.mark.parametrize("path", ["//evil.example/x", "/\\evil.example/x", "///evil.example"])
def test_language_switch_never_leads_off_the_site(client, path):
    page = client.get("/", environ_overrides={"PATH_INFO": path}).get_data(as_text=True)
    for href in _language_links(page).values():
        assert href.startswith("/") and not href.startswith(("//", "/\\", "/%5C"))
