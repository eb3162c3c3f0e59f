"""In a real browser: two people edit one outcome at once; the second sees the merge, in
Danish and English, on a desktop and on a phone, with no serious accessibility problem."""

import re

import pytest

from tests.e2e.helpers import DEMO_PASSWORD, serious_violations

SIZES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
LOCALES = {"da": "da-DK", "en": "en-US"}


@pytest.mark.parametrize("size", sorted(SIZES))
@pytest.mark.parametrize("lang", sorted(LOCALES))
def test_a_second_save_shows_the_merge_and_keeps_both_changes(live_server, browser, lang, size):
    def person() -> object:
        context = browser.new_context(  # type: ignore[attr-defined]
            locale=LOCALES[lang], viewport=SIZES[size], is_mobile=size == "phone"
        )
        page = context.new_page()
        page.goto(live_server + "/login")
        page.locator("#email").fill("evaluator@brobyg.example.dk")
        page.locator("#password").fill(DEMO_PASSWORD)
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(live_server + "/")
        return page

    first, second = person(), person()
    first.goto(live_server + "/outcomes?q=koret")
    first.locator("main a[href^='/outcomes/']").first.click()
    outcome_url = first.url.split("?")[0].split("#")[0]
    assert re.search(r"/outcomes/\d+$", outcome_url)
    for page in (first, second):
        page.goto(outcome_url + f"/edit?lang={lang}")
    place, source = f"Kulturværftet ({lang}, {size})", f"Korlederen fortalte det i maj ({lang})."
    first.locator("#where").fill(place)
    first.locator("form button[type=submit]").last.click()
    first.wait_for_url(re.compile(re.escape(outcome_url) + r"$"))

    second.locator("#sources").fill(source)
    second.locator("form button[type=submit]").last.click()
    assert second.locator("html").get_attribute("lang") == lang
    heading = second.get_by_role("heading", level=1).inner_text()
    assert heading == {"da": "En anden gemte først", "en": "Someone else saved first"}[lang]
    # Their change of place is in the form, and so is what I typed.
    assert second.locator("#where").input_value() == place
    assert second.locator("#sources").input_value() == source
    assert serious_violations(second) == []
    overflow = second.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0

    second.locator("form button[type=submit]").last.click()
    second.wait_for_url(re.compile(re.escape(outcome_url) + r"$"))
    page_text = second.locator("main").inner_text()
    assert source in page_text
    for page in (first, second):
        page.context.close()
