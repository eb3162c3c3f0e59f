"""The knowledge pages: every page renders in both languages, safely, linked across languages."""

import pytest

from harvest import pages
from harvest.demo import content_dir

ROOT = content_dir()


def _all(lang):
    return pages.load_pages(ROOT, lang)


@pytest.mark.parametrize("lang", ["da", "en"])
def test_every_knowledge_page_is_listed_and_renders(client, lang):
    index = client.get(f"/viden/?lang={lang}").get_data(as_text=True)
    for page in _all(lang):
        assert f'href="/viden/{page.slug}"' in index
        response = client.get(f"/viden/{page.slug}")
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        assert page.title in html
        assert "<script>" not in html.split("</header>", 1)[1]


def test_the_writing_guide_exists_in_both_languages():
    for lang in ("da", "en"):
        assert pages.page_by_key(ROOT, lang, "writing-outcomes") is not None


def test_a_slug_from_the_other_language_leads_to_this_languages_page(client):
    da = pages.page_by_key(ROOT, "da", "writing-outcomes")
    en = pages.page_by_key(ROOT, "en", "writing-outcomes")
    client.get("/?lang=en")
    response = client.get(f"/viden/{da.slug}")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/viden/{en.slug}")


def test_search_narrows_the_list(client):
    html = client.get("/viden/?q=SMART").get_data(as_text=True)
    assert "Sådan skriver du" in html or "skriv" in html.lower()
    assert "Ingen sider" in client.get("/viden/?q=zzzyyyxxx").get_data(as_text=True)


def test_unknown_page_is_404(client):
    assert client.get("/viden/findes-ikke").status_code == 404
    assert client.get("/viden/..%2Fsecret").status_code == 404


def test_the_outcome_form_links_to_the_writing_guide(client, session, create_harvest, create_user):
    create_harvest()
    create_user()
    session.commit()
    client.post(
        "/login", data={"email": "evaluator@example.dk", "password": "correct-horse-battery"}
    )
    html = client.get("/harvests/test-harvest/outcomes/new").get_data(as_text=True)
    slug = pages.page_by_key(ROOT, "da", "writing-outcomes").slug
    assert f'href="/viden/{slug}"' in html
