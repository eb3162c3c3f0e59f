"""In a real browser: actors are picked from suggestions with the keyboard alone, in Danish and
English, on a wide screen and a phone, and the combobox passes axe."""

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import login, serious_violations

WORDS = {
    "da": {
        "changed": "Social aktør, der har ændret sig",
        "contributors": "Bidragende aktører",
        "two": "2 aktører fundet",
        "one": "1 aktør fundet",
        "remove": "Fjern Gåfællesskabet Kronborg Rundt",
        "title": "Overskrift",
        "change": "Hvad ændrede sig",
        "save": "Gem",
        "saved": "Forandringen er gemt.",
    },
    "en": {
        "changed": "Social actor that changed",
        "contributors": "Contributing actors",
        "two": "2 actors found",
        "one": "1 actor found",
        "remove": "Remove Gåfællesskabet Kronborg Rundt",
        "title": "Headline",
        "change": "What changed",
        "save": "Save",
        "saved": "The outcome is saved.",
    },
}


@pytest.fixture(params=[("da", 1280), ("en", 1280), ("da", 390), ("en", 390)], ids=str)
def screen(request, browser):
    language, width = request.param
    context = browser.new_context(
        locale="da-DK" if language == "da" else "en-GB",
        viewport={"width": width, "height": 900},
    )
    page = context.new_page()
    yield page, language
    context.close()


def test_actors_are_picked_with_the_keyboard_alone(live_server, screen):
    page, language = screen
    words = WORDS[language]
    page.goto(live_server + "/?lang=da")  # the sign-in helper reads the Danish labels
    login(page, live_server, "medlem.helsingor@brobyg.example.dk")
    page.goto(f"{live_server}/harvests/helsingor-2024-26/outcomes/new?lang={language}")

    changed = page.get_by_role("combobox", name=words["changed"])
    changed.focus()
    page.keyboard.type("vinkel")
    listbox = page.get_by_role("listbox", name=words["changed"])
    listbox.wait_for()
    assert changed.get_attribute("aria-expanded") == "true"
    status = page.locator(".combobox [role=status]").first
    page.wait_for_function(
        "t => [...document.querySelectorAll('.combobox [role=status]')]"
        ".some(s => s.textContent.startsWith(t))",
        arg=words["two"],
    )
    assert serious_violations(page) == []  # with the popup open
    page.keyboard.press("ArrowDown")
    first = listbox.get_by_role("option").first
    assert changed.get_attribute("aria-activedescendant") == first.get_attribute("id")
    assert first.get_attribute("aria-selected") == "true"
    page.keyboard.press("End")
    last = listbox.get_by_role("option").last
    assert changed.get_attribute("aria-activedescendant") == last.get_attribute("id")
    page.keyboard.press("Home")
    assert changed.get_attribute("aria-activedescendant") == first.get_attribute("id")
    page.keyboard.press("Escape")
    assert changed.get_attribute("aria-expanded") == "false"
    page.keyboard.press("ArrowDown")  # opens again on the first suggestion
    page.keyboard.press("Enter")
    assert changed.input_value() == "Café Vinkeldammen"
    assert changed.get_attribute("aria-expanded") == "false"
    assert page.locator("input[name=changed_actor_id]").input_value() != ""
    expect(status).to_contain_text("Café Vinkeldammen")  # announced

    contributors = page.get_by_role("combobox", name=words["contributors"])
    contributors.focus()
    page.keyboard.type("gåfæl")
    page.wait_for_function(
        "t => [...document.querySelectorAll('.combobox [role=status]')]"
        ".some(s => s.textContent.startsWith(t))",
        arg=words["one"],
    )
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    remove = page.get_by_role("button", name=words["remove"])
    assert remove.is_visible() and contributors.input_value() == ""
    assert page.locator("input[type=hidden][name=contributor_ids]").count() == 1
    assert serious_violations(page) == []

    page.get_by_label(words["title"]).fill("Caféen viser vej til gåfællesskabet")
    page.get_by_label(words["change"]).fill(
        "Fra november 2025 går caféens brugere med i Gåfællesskabet hver torsdag."
    )
    page.get_by_role("button", name=words["save"], exact=True).focus()
    page.keyboard.press("Enter")
    page.get_by_text(words["saved"]).wait_for()
    body = page.content()
    assert "Café Vinkeldammen" in body and "Gåfællesskabet Kronborg Rundt" in body


def test_a_chosen_actor_is_removed_with_its_button(live_server, page):
    login(page, live_server, "medlem.helsingor@brobyg.example.dk")
    page.goto(live_server + "/harvests/helsingor-2024-26/outcomes/new")
    contributors = page.get_by_role("combobox", name="Bidragende aktører")
    contributors.focus()
    page.keyboard.type("sind hel")
    page.get_by_role("option", name="SIND Helsingør").wait_for()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    remove = page.get_by_role("button", name="Fjern SIND Helsingør")
    remove.focus()
    page.keyboard.press("Enter")
    assert page.locator("input[name=contributor_ids]").count() == 0
    assert page.evaluate("document.activeElement.getAttribute('role')") == "combobox"


def test_a_mouse_click_picks_a_suggestion_in_the_list_filter(live_server, page):
    page.goto(live_server + "/harvests/helsingor-2024-26")
    actor = page.get_by_role("combobox", name="Aktør")
    actor.fill("vinkel")
    page.get_by_role("option", name="Café Vinkeldammen").first.click()
    assert actor.input_value() == "Café Vinkeldammen"
    assert serious_violations(page) == []
