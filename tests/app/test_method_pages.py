"""The method page (/metode): the demo initiatives by kind with their outcomes and tie forms,
in Danish and English, per municipality and across them, and its Markdown download."""

import pytest
from sqlmodel import select

from app.cli import main
from harvest.models import Initiative

VISIT = "Introduktionsbesøg fra jobcentret hos Syngeglad Helsingør"
HOSTILE = "[klik](javascript:alert(1)) <img src=x onerror=alert(1)>"


@pytest.fixture
def loaded(demo_data):
    """Start from the demo data set (tests/conftest.py)."""


def _login(client, email):
    from harvest.demo import DEMO_PASSWORD

    response = client.post("/login", data={"email": email, "password": DEMO_PASSWORD})
    assert response.status_code == 302


def test_the_method_for_helsingor_shows_the_visit_under_its_kind_in_danish(client, loaded):
    page = client.get("/metode/helsingor?lang=da").get_data(as_text=True)
    assert "Brobygningsmetoden i Helsingør" in page
    kind = page.split('id="kind-introduction_visit">')[1].split("</section>")[0]
    assert kind.startswith("Introduktionsbesøg</h2>")
    assert VISIT in kind and "Syngeglad Helsingør indfører makkerordning" in kind
    assert "Brobyggende" in kind  # the form of the tie the outcome evidences
    assert "Jobcenter Helsingør inviterer SIND" not in page  # a ready outcome: not public
    assert "Hvad virkede" in kind and "Konsulenterne kunne fortælle konkret" in kind
    assert "Følgeskab første gang" not in page  # København's


def test_the_method_across_municipalities_in_english_leaves_drafts_out(client, loaded):
    page = client.get("/metode/?lang=en").get_data(as_text=True)
    assert "The bridge-building method in all municipalities" in page
    assert "Introduction visit" in page and "Referral routine" in page
    assert "Bridging" in page and "outcomes substantiated" in page
    assert "Fælles kontaktperson mellem psykiatrien og SIND" not in page  # a draft
    _login(client, "medlem.kobenhavn@brobyg.example.dk")
    member = client.get("/metode/kobenhavn?lang=en").get_data(as_text=True)
    assert "Fælles kontaktperson mellem psykiatrien og SIND" in member  # their group's draft


def test_an_unknown_municipality_is_a_clear_404(client, loaded):
    response = client.get("/metode/ingen-steder?lang=en")
    assert response.status_code == 404
    assert "ingen-steder" in response.get_data(as_text=True)


def test_the_markdown_download_escapes_a_hostile_title(client, session, loaded):
    found = session.scalars(select(Initiative).where(Initiative.title == VISIT)).one()
    found.title = HOSTILE
    session.add(found)
    session.commit()
    response = client.get("/metode/helsingor?format=md&lang=en")
    assert response.status_code == 200
    assert response.mimetype == "text/markdown"
    assert response.headers["Content-Disposition"] == 'attachment; filename="metode-helsingor.md"'
    text = response.get_data(as_text=True)
    assert "## Introduction visit" in text
    assert "\\[klik\\](javascript:alert(1)) \\<img src=x onerror=alert(1)\\>" in text
    assert f"(<http://localhost/initiativer/{found.id}>)" in text
    assert "Bridging" in text and "substantiated" in text
    page = client.get("/metode/helsingor").get_data(as_text=True)
    assert "<img src=x" not in page  # the page escapes it too


def test_the_cli_prints_the_public_method_and_refuses_an_unknown_municipality(runner, loaded):
    result = runner.invoke(
        main, ["export", "method", "--municipality", "helsingor", "--language", "en"]
    )
    assert result.exit_code == 0, result.output
    assert result.output.startswith("# The bridge-building method: Helsingør")
    assert "## Introduction visit" in result.output and "Bridging" in result.output
    assert "Fælles kontaktperson" not in result.output  # a draft, and in København
    danish = runner.invoke(main, ["export", "method", "--language", "da"])
    assert "# Brobygningsmetoden: Alle kommuner" in danish.output
    assert "Henvisningsrutine" in danish.output
    wrong = runner.invoke(main, ["export", "method", "--municipality", "ingen", "--language", "en"])
    assert wrong.exit_code == 1 and "ingen" in wrong.output and "Traceback" not in wrong.output
