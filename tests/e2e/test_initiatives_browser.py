"""In a real browser: a group member records an initiative, evaluates it twice and names it
in an outcome's contribution; the initiative pages have no serious accessibility problem in
Danish and English, on a desktop and at phone width."""

import re

import pytest

from tests.e2e.helpers import DEMO_PASSWORD, login, serious_violations

MEMBER = "medlem.helsingor@brobyg.example.dk"
EVALUATOR = "evaluator@brobyg.example.dk"
SIZES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
LOCALES = {"da": "da-DK", "en": "en-US"}


def test_a_member_records_an_initiative_evaluates_it_twice_and_links_it_to_an_outcome(
    live_server, browser
):
    context = browser.new_context(locale="da-DK", viewport=SIZES["desktop"])
    page = context.new_page()
    login(page, live_server, MEMBER)
    page.goto(live_server + "/initiativer/")
    page.get_by_role("link", name="Registrér en prøvehandling").click()
    assert serious_violations(page) == []
    page.get_by_label("Titel").fill("Prøveaften i koret med følgeskab")
    page.get_by_label("Slags prøvehandling").select_option("joint_activity")
    page.get_by_label("Formål", exact=True).fill("Kan følgeskab første gang gøre det lettere?")
    page.get_by_label(re.compile("Findes der et kor")).check()
    page.get_by_label("Start", exact=True).fill("2025-09-01")
    page.get_by_label("Hvad blev gjort").fill("En frivillig fulgte **tre** deltagere til koret.")
    page.get_by_role("button", name="Gem", exact=True).click()
    page.wait_for_url(re.compile(r"/initiativer/\d+$"))
    initiative_url = page.url
    assert page.locator("main strong", has_text="tre").count() == 1
    for day, worked, adjust in (
        ("2025-10-01", "To af tre kom igen", "Makkeren møder dem ved døren"),
        ("2025-12-01", "Makkeren virker", "Ingen ændring"),
    ):
        page.get_by_label("Dato for evalueringen").fill(day)
        page.get_by_label("Hvad virkede", exact=True).fill(worked)
        page.get_by_label("Hvad vi justerer").fill(adjust)
        page.get_by_role("button", name="Gem runden").click()
        page.wait_for_url(re.compile(re.escape(initiative_url)))
    assert page.get_by_role("heading", name=re.compile("Runde 2")).count() == 1
    assert serious_violations(page) == []

    page.goto(live_server + "/outcomes?q=personalem%C3%B8der")
    page.locator("main a[href^='/outcomes/']").first.click()
    outcome_url = page.url.split("?")[0].split("#")[0]
    page.goto(outcome_url + "/edit")
    page.get_by_label("Prøveaften i koret med følgeskab").check()
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(re.compile(re.escape(outcome_url) + r"$"))
    link = page.get_by_role("link", name="Prøveaften i koret med følgeskab")
    assert link.count() == 1
    link.click()
    page.wait_for_url(re.compile(re.escape(initiative_url)))
    assert page.get_by_role("link", name=re.compile("Jobcenter Helsingør inviterer SIND")).count()
    page.get_by_role("link", name="Historik").click()
    assert page.get_by_text("To af tre kom igen").count() >= 1
    assert serious_violations(page) == []
    context.close()


# tests/e2e/test_pages_everywhere.py checks every initiative page as the administrator in both
# languages at both widths; here the evaluator's view and a filtered list, in Danish on a phone.
@pytest.mark.parametrize(("lang", "size"), [("da", "phone")])
def test_the_initiative_pages_are_accessible_and_fit_a_phone(live_server, browser, lang, size):
    context = browser.new_context(locale=LOCALES[lang], viewport=SIZES[size])
    page = context.new_page()
    page.goto(live_server + f"/login?lang={lang}")
    page.locator("#email").fill(EVALUATOR)
    page.locator("#password").fill(DEMO_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(live_server + "/")
    page.goto(live_server + f"/initiativer/?lang={lang}")
    first = page.locator(".initiative-list a").first.get_attribute("href")
    paths = [
        "/initiativer/",
        "/initiativer/?kind=introduction_visit&status=published",
        str(first),
        f"{first}/history",
        f"{first}/edit",
        "/initiativer/new",
        "/initiativer/kinds",
        "/initiativer/import",
    ]
    for path in paths:
        page.goto(live_server + path)
        assert page.locator("html").get_attribute("lang") == lang
        assert serious_violations(page) == [], path
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, (path, overflow)
    context.close()
