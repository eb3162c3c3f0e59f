"""In a real browser: the method page for Helsingør shows the demo introduction visit under
its kind with its outcome and the tie's form; an initiative a member records, evaluates twice
and names in an outcome shows there too; the page is accessible in Danish and English, on a
desktop and at phone width."""

import re

import pytest

from tests.e2e.helpers import login, serious_violations

MEMBER = "medlem.helsingor@brobyg.example.dk"
SIZES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
LOCALES = {"da": "da-DK", "en": "en-US"}
KIND_NAMES = {"da": "Introduktionsbesøg", "en": "Introduction visit"}
BRIDGING = {"da": "Brobyggende", "en": "Bridging"}


@pytest.mark.parametrize("size", sorted(SIZES))
@pytest.mark.parametrize("lang", sorted(LOCALES))
def test_the_method_for_helsingor_shows_the_visit_with_its_outcome_and_tie_form(
    live_server, browser, lang, size
):
    context = browser.new_context(locale=LOCALES[lang], viewport=SIZES[size])
    page = context.new_page()
    page.goto(live_server + f"/metode/helsingor?lang={lang}")
    assert page.locator("html").get_attribute("lang") == lang
    kind = page.locator("section.method-kind", has=page.locator("#kind-introduction_visit"))
    assert kind.get_by_role("heading", level=2).inner_text() == KIND_NAMES[lang]
    visit = kind.locator("article", has_text="Introduktionsbesøg fra jobcentret")
    outcome = visit.locator("li", has_text="Syngeglad Helsingør indfører makkerordning")
    assert outcome.count() == 1
    assert BRIDGING[lang] in outcome.inner_text()
    assert serious_violations(page) == []
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, overflow
    page.goto(live_server + f"/metode/?lang={lang}")
    assert serious_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    page.emulate_media(media="print")
    assert page.locator("nav").first.is_hidden()
    assert page.locator("#kind-introduction_visit").is_visible()
    context.close()


def test_an_initiative_a_member_records_and_names_in_an_outcome_shows_in_the_method(
    live_server, browser
):
    context = browser.new_context(locale="da-DK", viewport=SIZES["desktop"])
    page = context.new_page()
    login(page, live_server, MEMBER)
    page.goto(live_server + "/initiativer/new")
    page.get_by_label("Titel").fill("Fælles kontaktperson for jobcentret og SIND")
    page.get_by_label("Slags prøvehandling").select_option("shared_contact_person")
    page.get_by_label("Formål", exact=True).fill(
        "Jobkonsulenter vil vide, hvem i SIND de ringer til."
    )
    page.get_by_label("Start", exact=True).fill("2025-09-01")
    page.get_by_role("button", name="Gem", exact=True).click()
    page.wait_for_url(re.compile(r"/initiativer/\d+$"))
    initiative_url = page.url
    for day, worked in (("2025-10-01", "Første opkald gik fint"), ("2025-12-01", "Fast møde")):
        page.get_by_label("Dato for evalueringen").fill(day)
        page.get_by_label("Hvad virkede", exact=True).fill(worked)
        page.get_by_role("button", name="Gem runden").click()
        page.wait_for_url(re.compile(re.escape(initiative_url)))
    page.goto(live_server + "/outcomes?q=personalem%C3%B8der")
    page.locator("main a[href^='/outcomes/']").first.click()
    outcome_url = page.url.split("?")[0].split("#")[0]
    page.goto(outcome_url + "/edit")
    page.get_by_label("Fælles kontaktperson for jobcentret og SIND").check()
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(re.compile(re.escape(outcome_url) + r"$"))

    page.goto(live_server + "/initiativer/")
    page.get_by_role("link", name=re.compile("Brobygningsmetoden")).click()
    page.get_by_role("link", name="Helsingør", exact=True).click()
    kind = page.locator("section.method-kind", has=page.locator("#kind-shared_contact_person"))
    mine = kind.locator("article", has_text="Fælles kontaktperson for jobcentret og SIND")
    assert mine.locator("li", has_text="Jobcenter Helsingør inviterer SIND").count() == 1
    assert mine.get_by_text("Første opkald gik fint").count() == 1
    assert mine.get_by_text("Fast møde").count() == 1
    assert serious_violations(page) == []
    context.close()
