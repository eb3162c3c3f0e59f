"""In a real browser: a member records an outcome, moves it on and finds it again."""

import re

import pytest

from tests.e2e.helpers import login, serious_violations


@pytest.mark.parametrize(
    "path", ["/harvests", "/harvests/helsingor-2024-26", "/outcomes", "/outcomes?q=bibliotek"]
)
def test_public_outcome_pages_are_accessible(live_server, page, path):
    page.goto(live_server + path)
    assert serious_violations(page) == []


def test_member_records_moves_and_finds_an_outcome(live_server, page):
    login(page, live_server, "medlem.helsingor@brobyg.example.dk")
    page.goto(live_server + "/harvests/helsingor-2024-26")
    page.get_by_role("link", name="Registrér en forandring").click()
    assert serious_violations(page) == []
    page.get_by_label("Overskrift").fill("Roklubben åbner en prøvetime for nye")
    page.get_by_role("combobox", name="Social aktør, der har ændret sig").fill("vinkel")
    page.get_by_role("option", name="Café Vinkeldammen").first.click()
    page.get_by_label("Hvad ændrede sig").fill(
        "Fra oktober 2025 inviterer Café Vinkeldammen hver måned brugerne med "
        "til roklubbens prøvetime."
    )
    page.get_by_label("Hvornår (dato)").fill("2025-10-01")
    page.get_by_label("Betydning", exact=True).fill(
        "Brugerne møder et fællesskab uden for tilbuddet."
    )
    page.get_by_role("button", name="Gem").click()
    assert page.get_by_text("Forandringen er gemt.").is_visible()
    assert serious_violations(page) == []
    page.get_by_role("button", name="Flyt til: Gennemgået").click()
    assert page.get_by_text("Status er nu: Gennemgået.").is_visible()
    page.goto(live_server + "/harvests/helsingor-2024-26?q=prøvetim")
    assert page.get_by_role("link", name="Roklubben åbner en prøvetime for nye").is_visible()


def test_the_outcome_form_works_on_a_phone(live_server, phone):
    login(phone, live_server, "medlem.helsingor@brobyg.example.dk")
    phone.goto(live_server + "/harvests/helsingor-2024-26/outcomes/new")
    overflow = phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    assert re.search("Sådan skriver du", phone.content())
