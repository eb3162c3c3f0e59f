"""Every main page, in Danish and English, at desktop and phone width: no serious or
critical axe-core violation and no sideways scrolling. Playwright's Chromium asks for en-US
unless the context says otherwise, so each context sets its locale."""

import pytest

from tests.e2e.helpers import serious_violations

PAGES = [
    "/",
    "/aktoerer/",
    "/kort/",
    "/kort/forandring",
    "/outcomes",
    "/harvests",
    "/viden/",
    "/login",
    "/privatliv",
    "/tilgaengelighed",
]
SIZES = {"1280": {"width": 1280, "height": 900}, "390": {"width": 390, "height": 844}}
LOCALES = {"da": "da-DK", "en": "en-US"}


@pytest.mark.parametrize("size", sorted(SIZES))
@pytest.mark.parametrize("lang", sorted(LOCALES))
def test_main_pages_are_accessible_in_both_languages_and_widths(live_server, browser, lang, size):
    context = browser.new_context(  # type: ignore[attr-defined]
        locale=LOCALES[lang], viewport=SIZES[size], is_mobile=size == "390"
    )
    page = context.new_page()
    problems = {}
    for path in PAGES:
        page.goto(live_server + path)
        found = serious_violations(page)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        if page.locator("html").get_attribute("lang") != lang:
            found.append(("html lang", [page.locator("html").get_attribute("lang")]))
        if overflow > 0:
            found.append(("sideways scrolling", [overflow]))
        if found:
            problems[path] = found
    context.close()
    assert problems == {}
