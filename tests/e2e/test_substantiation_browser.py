"""In a real browser: an evaluator sends a substantiation link, the substantiator answers on
a phone by keyboard with no account, the verdict shows on the outcome, and the link is then used."""

import re

from tests.e2e.helpers import login, serious_violations

OUTCOME = "Brugerrådet overtager planlægningen af caféens fredagsspisning"


def _choose(page, question, keys):
    """Focus the first answer of a question's radio group and move with the keyboard."""
    group = page.get_by_role("group", name=question)
    group.get_by_role("radio").first.focus()
    for key in keys:
        page.keyboard.press(key)


def test_evaluator_sends_a_link_and_the_substantiator_answers_on_a_phone(live_server, page, phone):
    login(page, live_server, "evaluator@brobyg.example.dk")
    page.goto(live_server + "/harvests/helsingor-2024-26")
    page.get_by_role("link", name="Substantiering").click()
    assert serious_violations(page) == []
    page.get_by_label(re.compile(OUTCOME)).check()
    page.get_by_label("Navn på den person, du spørger").fill("Sofie (e2e)")
    page.get_by_label("Personens rolle").fill("Formand for brugerrådet")
    page.get_by_role("button", name="Lav personlige links").click()
    link = page.get_by_label(re.compile("Link til Sofie")).input_value()
    assert link.startswith(live_server + "/s/")
    assert serious_violations(page) == []

    phone.goto(link)
    assert phone.get_by_role("heading", name=OUTCOME).is_visible()
    assert "Dit navn offentliggøres ikke" in phone.content()
    overflow = phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    assert serious_violations(phone) == []
    _choose(phone, "Skete forandringen, som den er beskrevet?", ["Space"])
    _choose(phone, "Er betydningen beskrevet retvisende?", ["ArrowDown"])
    _choose(phone, "Er bidraget beskrevet troværdigt?", ["ArrowDown", "ArrowDown"])
    phone.get_by_label("Kommentar til bidraget (valgfri)").focus()
    phone.keyboard.type("Rådet tog selv initiativet.")
    phone.get_by_label("I må nævne mig ved navn").focus()
    phone.keyboard.press("Space")
    phone.get_by_role("button", name="Send mit svar").focus()
    with phone.expect_navigation():
        phone.keyboard.press("Enter")
    assert phone.get_by_role("heading", name="Tak for dit svar").is_visible(), phone.content()

    page.get_by_role("link", name=OUTCOME).first.click()
    section = page.locator("#substantiation")
    assert "Formand for brugerrådet" in section.inner_text()
    assert "Delvist enig" in section.inner_text() and "Uenig" in section.inner_text()
    assert page.get_by_text("En substantiator er uenig i en del af forandringen.").is_visible()
    assert serious_violations(page) == []

    response = phone.goto(link)
    assert response.status == 410
    assert phone.get_by_role("heading", name="Linket kan ikke bruges").is_visible()
    assert OUTCOME not in phone.content()


def test_a_forged_link_gets_a_clear_accessible_page(live_server, phone):
    response = phone.goto(live_server + "/s/not-a-real-token")
    assert response.status == 404
    assert "Linket er ikke gyldigt" in phone.content()
    assert serious_violations(phone) == []
