"""In a real browser: an evaluator designs a harvest, adds, reorders and retires its
questions with the keyboard only, and sees the step; in Danish and English, on a desktop
and on a phone, with no serious accessibility problem on the design pages."""

import pytest

from tests.e2e.helpers import DEMO_PASSWORD, serious_violations

SIZES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
LOCALES = {"da": "da-DK", "en": "en-US"}
WORDS = {
    "da": {"new": "Ny høst", "up": "Flyt spørgsmål 3 op", "retire": "Udfas spørgsmål 1"},
    "en": {"new": "New harvest", "up": "Move question 3 up", "retire": "Retire question 1"},
}


def _clean(page) -> None:
    assert serious_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0


def _questions(page) -> list[str]:
    found = page.locator("ol.question-list textarea").evaluate_all("els => els.map(e => e.value)")
    return [text.strip() for text in found]


@pytest.mark.parametrize("size", sorted(SIZES))
@pytest.mark.parametrize("lang", sorted(LOCALES))
def test_an_evaluator_designs_a_harvest_with_the_keyboard(live_server, browser, lang, size):
    context = browser.new_context(  # type: ignore[attr-defined]
        locale=LOCALES[lang], viewport=SIZES[size], is_mobile=size == "phone"
    )
    page = context.new_page()
    page.goto(live_server + f"/login?lang={lang}")
    page.locator("#email").fill("evaluator@brobyg.example.dk")
    page.locator("#password").fill(DEMO_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(live_server + "/")
    words = WORDS[lang]

    page.goto(live_server + "/harvests")
    page.get_by_role("link", name=words["new"]).click()
    _clean(page)
    slug = f"design-{lang}-{size}"
    page.locator("#title").fill(f"Designhøst {lang} {size}")
    page.locator("#slug").fill(slug)
    page.locator("#period_start").fill("2026-01-01")
    page.locator("#period_end").fill("2026-12-31")
    page.locator("#users_and_uses").fill("**Gruppen** bruger høsten til at justere indsatsen.")
    page.locator("#step").select_option("engage")
    page.locator("#questions").fill("Hvem gør noget nyt?\nHvad virker?")
    page.locator("#questions").press("Tab")
    page.keyboard.press("Tab")  # past the coding scheme, onto the create button
    page.keyboard.press("Enter")
    page.wait_for_url(live_server + f"/harvests/{slug}")
    current = page.locator(".steps [aria-current=step]")
    assert current.inner_text().startswith({"da": "Inddrag", "en": "Engage"}[lang])
    _clean(page)

    page.goto(live_server + f"/harvests/{slug}/design")
    _clean(page)
    page.locator("#new-text").focus()
    page.keyboard.type("Hvad mangler vi?")
    page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")  # add the question
    assert _questions(page) == ["Hvem gør noget nyt?", "Hvad virker?", "Hvad mangler vi?"]

    page.get_by_role("button", name=words["up"]).focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert _questions(page) == ["Hvem gør noget nyt?", "Hvad mangler vi?", "Hvad virker?"]

    page.get_by_role("button", name=words["retire"]).focus()
    with page.expect_navigation():
        page.keyboard.press("Space")
    assert _questions(page) == ["Hvad mangler vi?", "Hvad virker?"]
    assert "Hvem gør noget nyt?" in page.locator(".question-list.retired").inner_text()
    _clean(page)
    context.close()
